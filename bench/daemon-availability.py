#!/usr/bin/env python3
"""How long the daemon keeps its operator waiting under attack (issue 16 item 8).

Starts a real `nlbridge daemon` (root; its host is a scratch network namespace `nlbavail-PID`, its state and socket
in a temp directory), opens the attack connections, then asks `GET /_ping`, `GET /v1/status` and
`GET /v1/networks` on fresh connections every 100 ms and prints how long it took until each was answered 200 (or
"never" within the limit), with the status that was answered meanwhile.

  bench/daemon-availability.py [ATTACK ...] [-- DAEMON OPTIONS]
  attacks: streams:N   N event streams (GET /v1/events, kept open, never read)
           silent:N    N connections that send nothing
           slow:N      N connections that send a request head one byte every 2 s (slowloris)
           body:N      N requests with Content-Length 1000 that send their body one byte every 2 s
           none        no attack (the baseline)
Default: none streams:300 silent:300 slow:300 body:300. Each attack runs against a fresh daemon.
"""
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIMIT = float(os.environ.get("AVAIL_LIMIT", "45"))


def connect(path, timeout=5.0):
    """A connection, waiting (up to timeout) while the listen backlog is full, as a blocking connect(2) does."""
    end = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect(path)
            return s
        except BlockingIOError:  # EAGAIN: the backlog is full
            s.close()
            if time.monotonic() >= end:
                raise
            time.sleep(0.01)


def ask(path, target):
    """One request on a fresh connection: the status, or the error text."""
    try:
        with connect(path, 3.0) as s:
            s.sendall(("GET %s HTTP/1.1\r\nHost: nlbridge\r\nConnection: close\r\n\r\n" % target).encode())
            data = b""
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            line = data.split(b"\r\n", 1)[0].decode(errors="replace")
            return line.split(" ")[1] if line.startswith("HTTP/1.1 ") else ("closed" if not data else line[:40])
    except OSError as e:
        return type(e).__name__


def until_ok(path, target):
    start = time.monotonic()
    seen = {}
    while time.monotonic() - start < LIMIT:
        t0 = time.monotonic()
        st = ask(path, target)
        if st == "200":
            return time.monotonic() - start, seen
        seen[st] = seen.get(st, 0) + 1
        time.sleep(max(0.0, 0.1 - (time.monotonic() - t0)))
    return None, seen


class Attack:
    def __init__(self, path, kind, n):
        self.path, self.kind, self.n = path, kind, n
        self.socks, self.stop, self.opened, self.refused = [], False, 0, 0

    def start(self):
        for _ in range(self.n):
            try:
                s = connect(self.path, 5.0)
            except OSError:
                self.refused += 1
                continue
            self.socks.append(s)
            if self.kind == "streams":
                s.sendall(b"GET /v1/events HTTP/1.1\r\nHost: nlbridge\r\n\r\n")
            elif self.kind == "body":
                s.sendall(b"POST /v1/plan HTTP/1.1\r\nHost: nlbridge\r\nContent-Type: application/json\r\n"
                          b"Content-Length: 1000\r\n\r\n")
            self.opened += 1
        if self.kind == "streams":  # count the streams the daemon accepted (200) and the ones it refused
            ok = 0
            for s in self.socks:
                try:
                    s.settimeout(5.0)
                    head = s.recv(64)
                    ok += head.startswith(b"HTTP/1.1 200")
                except OSError:
                    pass
            self.opened = ok
        if self.kind in ("slow", "body"):
            threading.Thread(target=self.trickle, daemon=True).start()

    def trickle(self):
        head = b"GET /v1/status HTTP/1.1\r\nHost: nlbridge\r\nX-Padding: " + b"a" * 4000 + b"\r\n\r\n"
        i = 0
        while not self.stop:
            byte = head[i % len(head):i % len(head) + 1] if self.kind == "slow" else b"{"
            for s in self.socks:
                try:
                    s.send(byte)
                except OSError:
                    pass
            i += 1
            time.sleep(2)

    def close(self):
        self.stop = True
        for s in self.socks:
            try:
                s.close()
            except OSError:
                pass


def run(attack, daemon_args):
    ns = "nlbavail-%d" % os.getpid()
    tmp = tempfile.mkdtemp(prefix="nlbavail-")
    os.chmod(tmp, 0o700)
    sock = os.path.join(tmp, "d.sock")
    subprocess.run(["ip", "netns", "add", ns], check=True)
    log = open(os.path.join(tmp, "daemon.log"), "w")
    d = subprocess.Popen([os.path.join(REPO, "nlbridge"), "daemon", "-H", "unix://" + sock, "--host-netns", ns,
                          "--state", os.path.join(tmp, "state")] + daemon_args, stdout=log, stderr=log)
    a = None
    try:
        for _ in range(600):
            if os.path.exists(sock) and ask(sock, "/_ping") == "200":
                break
            if d.poll() is not None:
                raise SystemExit("daemon exited: " + open(os.path.join(tmp, "daemon.log")).read())
            time.sleep(0.1)
        kind, _, n = attack.partition(":")
        a = Attack(sock, kind, int(n or 0))
        if kind != "none":
            a.start()
            time.sleep(1.0)
        row = [attack, "%d" % a.opened]
        for target in ("/_ping", "/v1/status", "/v1/networks"):
            t, seen = until_ok(sock, target)
            other = ", ".join("%s x%d" % kv for kv in sorted(seen.items()))
            row.append(("never (%d s)" % LIMIT if t is None else "%.2f s" % t) + (" [%s]" % other if other else ""))
        print(" | ".join(row), flush=True)
    finally:
        if a:
            a.close()
        d.terminate()
        try:
            d.wait(30)
        except subprocess.TimeoutExpired:
            d.kill()
        subprocess.run(["ip", "netns", "del", ns])
        subprocess.run(["rm", "-rf", tmp])


def main():
    args = sys.argv[1:]
    daemon_args = []
    if "--" in args:
        i = args.index("--")
        args, daemon_args = args[:i], args[i + 1:]
    attacks = args or ["none", "streams:300", "silent:300", "slow:300", "body:300"]
    print("attack | open | /_ping 200 after | /v1/status 200 after | /v1/networks 200 after")
    for attack in attacks:
        run(attack, daemon_args)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""A container runtime's side of CNI for the benchmark (bench/cni.sh): runs one method's plugin chain for N
containers, ADD then DEL, sequentially or all at once, and prints one TSV row per operation. Every method is run the
same way: a fork/exec per plugin with the CNI_* environment and the config on stdin, as libcni does, prevResult
passed along the chain on ADD and the final ADD result given to every plugin of the reverse chain on DEL.

  cni_bench.py METHOD MODE N REP       (in the namespace that plays the host; containers /run/netns/PREFIX1..N)
Environment: CNI_BENCH_PREFIX (container namespaces), CNI_BENCH_WORK (host-local's dataDir, nlbridge's socket),
CNI_BENCH_SUBNET/GATEWAY/BRIDGE, CNI_BENCH_PORT_BASE (host ports PORT_BASE+i -> 80), CNI_BENCH_BIN (our plugin dir).

Methods: nlbridge / nlbridge-port (ours, without / with a published port per container), bridge /
bridge-portmap (the reference bridge + host-local, without / with portmap), nlbridge-http (our daemon's /v1/cni
called directly over its socket: the same request without the plugin process, for the breakdown), version (our
plugin's VERSION, answered without the daemon: the process's start-up).
Rows: method mode n rep op i ms [queue_ms engine_ms daemon_ms]   (the last three from the daemon's Server-Timing)
"""
import base64, json, os, socket, subprocess, sys, threading, time

method, mode, n, rep = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
prefix = os.environ['CNI_BENCH_PREFIX']
work = os.environ['CNI_BENCH_WORK']
ref = '/usr/lib/cni'
ours = os.environ['CNI_BENCH_BIN']
sock = os.path.join(work, 'nlbridge.sock')
name = 'benchnet'
ver = '1.0.0'
port_base = int(os.environ.get('CNI_BENCH_PORT_BASE', '20000'))


def plugins():
    if method.startswith('nlbridge') or method == 'version':
        p = {'type': 'nlbridge', 'socket': 'unix://' + sock, 'bridge': os.environ['CNI_BENCH_BRIDGE'],
             'bip': os.environ['CNI_BENCH_GATEWAY'] + '/' + os.environ['CNI_BENCH_SUBNET'].split('/')[1],
             'capabilities': {'portMappings': True}}
        return [p]
    chain = [{'type': 'bridge', 'bridge': os.environ['CNI_BENCH_BRIDGE'], 'isGateway': True, 'ipMasq': True,
              'ipam': {'type': 'host-local', 'dataDir': os.path.join(work, 'ipam'),
                       'ranges': [[{'subnet': os.environ['CNI_BENCH_SUBNET'], 'gateway': os.environ['CNI_BENCH_GATEWAY']}]],
                       'routes': [{'dst': '0.0.0.0/0'}]}}]
    if method == 'bridge-portmap':
        chain.append({'type': 'portmap', 'capabilities': {'portMappings': True}})
    return chain


PLUGINS = plugins()
PORTS = method in ('nlbridge-port', 'bridge-portmap', 'nlbridge-http')


def request(p, i, prev):
    r = {k: v for k, v in p.items() if k != 'capabilities'}
    r['cniVersion'] = ver
    r['name'] = name
    if PORTS and p.get('capabilities', {}).get('portMappings'):
        r['runtimeConfig'] = {'portMappings': [{'hostPort': port_base + i, 'containerPort': 80, 'protocol': 'tcp'}]}
    if prev is not None:
        r['prevResult'] = prev
    return json.dumps(r).encode()


def env(command, i):
    e = dict(os.environ, CNI_COMMAND=command, CNI_CONTAINERID=f'bench{i:05d}', CNI_NETNS=f'/run/netns/{prefix}{i}',
             CNI_IFNAME='eth0', CNI_PATH=f'{ours}:{ref}')
    return {k: v for k, v in e.items() if not k.startswith('CNI_BENCH')}


def run(p, command, i, stdin):
    binary = os.path.join(ours if p['type'] == 'nlbridge' else ref, p['type'])
    r = subprocess.run([binary], input=stdin, env=env(command, i), capture_output=True)
    if r.returncode != 0:
        raise RuntimeError(f'{p["type"]} {command} {i}: exit {r.returncode}: {r.stdout!r} {r.stderr!r}')
    return json.loads(r.stdout) if r.stdout.strip() else None


def http(command, i, stdin):
    """POST /v1/cni as the plugin would, on a connection of its own; returns the answer and the daemon's timings."""
    e = {k: v for k, v in env(command, i).items() if k.startswith('CNI_')}
    body = json.dumps({'env': e, 'stdin': base64.b64encode(stdin).decode()}).encode()
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    s.sendall(b'POST /v1/cni HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n'
              b'Content-Length: %d\r\n\r\n' % len(body) + body)
    data = b''
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    head, _, rest = data.partition(b'\r\n\r\n')
    lines = head.decode().split('\r\n')
    if ' 200 ' not in lines[0]:
        raise RuntimeError(f'HTTP {command} {i}: {data!r}')
    timing = {}
    for l in lines[1:]:
        if l.lower().startswith('server-timing:'):
            for part in l.split(':', 1)[1].split(','):
                k, _, d = part.strip().partition(';dur=')
                timing[k] = float(d)
    return (json.loads(rest) if rest.strip() else None), timing


results = {}


def add(i):
    t0 = time.perf_counter()
    timing = {}
    if method == 'version':
        run(PLUGINS[0], 'VERSION', i, b'{"cniVersion":"1.0.0"}')
        prev = None
    elif method == 'nlbridge-http':
        prev, timing = http('ADD', i, request(PLUGINS[0], i, None))
    else:
        prev = None
        for p in PLUGINS:
            prev = run(p, 'ADD', i, request(p, i, prev))
    results[i] = prev
    return (time.perf_counter() - t0) * 1000, timing


def delete(i):
    t0 = time.perf_counter()
    timing = {}
    prev = results.get(i)
    if method == 'version':
        pass
    elif method == 'nlbridge-http':
        _, timing = http('DEL', i, request(PLUGINS[0], i, prev))
    else:
        for p in reversed(PLUGINS):
            run(p, 'DEL', i, request(p, i, prev))
    return (time.perf_counter() - t0) * 1000, timing


def row(op, i, ms, timing):
    extra = [f'{timing[k]:.3f}' if k in timing else '-' for k in ('queue', 'engine', 'total')]
    print('\t'.join([method, mode, str(n), str(rep), op, str(i), f'{ms:.3f}'] + extra), flush=True)


def phase(op, fn):
    out = {}
    if mode == 'seq':
        t0 = time.perf_counter()
        for i in range(1, n + 1):
            out[i] = fn(i)
    else:
        barrier = threading.Barrier(n)
        errors = []

        def one(i):
            barrier.wait()
            try:
                out[i] = fn(i)
            except Exception as e:  # reported after all threads ended
                errors.append(e)
        threads = [threading.Thread(target=one, args=(i,)) for i in range(1, n + 1)]
        for t in threads:
            t.start()
        t0 = time.perf_counter()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
    wall = (time.perf_counter() - t0) * 1000
    for i in sorted(out):
        row(op, i, *out[i])
    row(op + '-all', 0, wall, {})


phase('add', add)
phase('del', delete)

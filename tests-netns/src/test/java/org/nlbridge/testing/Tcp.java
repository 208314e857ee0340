package org.nlbridge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.nlbridge.net.IpAddress;

/**
 * Real packets between test namespaces: TCP through socat (or a python3 one-liner when socat is missing; tests
 * that need it are skipped if neither exists, see {@link #assumeAvailable}), and ping. A server answers one line,
 * {@code <name> from <peer address>}, to each connection; a client connects with a timeout and returns that
 * line, or null if it could not connect. A refused path is a connection that does not come up within
 * {@link #NO} seconds; one that must work is given {@link #YES}.
 * <p>
 * The tool can be forced with {@code -Dnlbridge.test.tcp=socat|python3}.
 */
public final class Tcp {
    private Tcp() {}

    /** How long a connection that must fail is given, in seconds. */
    public static final double NO = 1.0;
    /**
     * How long a connection that must work is given, in seconds: a bound (it returns as soon as it connects) long
     * enough for a fresh link's ARP and a client process on a loaded machine.
     */
    public static final double YES = 20.0;

    static final String TOOL = System.getProperty("nlbridge.test.tcp", Host.has("socat") ? "socat"
            : Host.has("python3") ? "python3" : "");

    public static void assumeAvailable() {
        Assumptions.assumeTrue(!TOOL.isEmpty(), "needs socat or python3 for real TCP connections between namespaces");
    }

    private static final String PY_SERVER = String.join("\n",
            "import socket,sys,threading",
            "name,addr,port=sys.argv[1],sys.argv[2],int(sys.argv[3])",
            "fam=socket.AF_INET6 if ':' in addr else socket.AF_INET",
            "s=socket.socket(fam);s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)",
            "s.bind((addr,port));s.listen(16)",
            "def h(c,a):",
            "  c.sendall(('%s from %s\\n'%(name,a[0])).encode());c.close()",
            "while True:",
            "  c,a=s.accept();threading.Thread(target=h,args=(c,a)).start()");

    private static final String PY_CLIENT = String.join("\n",
            "import socket,sys",
            "host,port=sys.argv[1],int(sys.argv[2])",
            "try:",
            "  c=socket.create_connection((host,port),timeout=float(sys.argv[3]))",
            "  print(c.makefile().readline().strip())",
            "except OSError as e:",
            "  sys.exit(1)");

    /**
     * Starts a server in sandbox namespace {@code ns} on {@code port} and returns at once (see {@link #await}):
     * every IPv4 address when {@code addr} is null, else that address ({@code "::"} for every IPv6 address).
     * Ended by the sandbox.
     */
    public static void start(Sandbox sandbox, String ns, String name, int port, String addr) {
        if (TOOL.equals("socat")) {
            String listen = addr == null ? "TCP4-LISTEN:" + port
                    : addr.contains(":") ? "TCP6-LISTEN:" + port + ",ipv6only=1,bind=[" + addr + "]"
                    : "TCP4-LISTEN:" + port + ",bind=" + addr;
            sandbox.spawn(ns, "socat", listen + ",fork,reuseaddr", "SYSTEM:echo " + name + " from $SOCAT_PEERADDR");
        } else {
            sandbox.spawn(ns, "python3", "-c", PY_SERVER, name, addr == null ? "0.0.0.0" : addr, Integer.toString(port));
        }
    }

    /** Starts a server on every IPv4 address of sandbox namespace {@code ns} and waits until it listens. */
    public static void serve(Sandbox sandbox, String ns, String name, int port) {
        start(sandbox, ns, name, port, null);
        await(sandbox.name(ns), "127.0.0.1", port);
    }

    /** Waits until {@code host:port} answers from {@code fullNs} (servers take a moment to listen). */
    public static void await(String fullNs, String host, int port) {
        for (int i = 0; i < 50; i++) {
            if (connect(fullNs, host, port, 0.5) != null) return;
            sleep(100);
        }
        throw new AssertionError("server " + host + ":" + port + " never answered in " + fullNs);
    }

    /** The server's line, or null if no connection was made within {@code timeoutSeconds}. */
    public static String connect(String fullNs, String host, int port, double timeoutSeconds) {
        List<String> argv;
        if (TOOL.equals("socat")) {
            String target = host.contains(":") ? "TCP6:[" + host + "]:" + port : "TCP4:" + host + ":" + port;
            argv = List.of("ip", "netns", "exec", fullNs, "timeout", Double.toString(timeoutSeconds + 2), "socat",
                    "-T" + timeoutSeconds, "-", target + ",connect-timeout=" + timeoutSeconds);
        } else {
            argv = List.of("ip", "netns", "exec", fullNs, "timeout", Double.toString(timeoutSeconds + 2), "python3",
                    "-c", PY_CLIENT, host, Integer.toString(port), Double.toString(timeoutSeconds));
        }
        Cmd.Result r = Cmd.exec("", argv.toArray(String[]::new));
        String line = r.out().strip();
        if (r.exit() != 0 || line.isEmpty()) return null;
        // socat prints an IPv6 peer in full and in brackets: make it canonical
        int open = line.lastIndexOf(" from [");
        if (open >= 0 && line.endsWith("]")) {
            String peer = line.substring(open + " from [".length(), line.length() - 1);
            line = line.substring(0, open) + " from " + IpAddress.parse("peer", peer);
        }
        return line;
    }

    /**
     * Connects (one-second attempts) until a connection is made or {@code millis} have passed: a server just
     * started, a neighbour entry being resolved. The server's line, or null.
     */
    public static String reach(String fullNs, String host, int port, long millis) {
        long end = System.currentTimeMillis() + millis;
        String line;
        do {
            line = connect(fullNs, host, port, 1);
            if (line != null) return line;
            sleep(100);
        } while (System.currentTimeMillis() < end);
        return null;
    }

    /** {@code from} connects to {@code host:port} within {@link #YES} and the server says {@code expected}. */
    public static void reaches(String from, String host, int port, String expected) {
        assertEquals(expected, connect(from, host, port, YES), from + " -> " + host + ":" + port);
    }

    /** {@code from} does not connect to {@code host:port} within {@link #NO}. */
    public static void blocked(String from, String host, int port) {
        assertNull(connect(from, host, port, NO), from + " -> " + host + ":" + port + " must not connect");
    }

    /** One echo request with a one-second wait; true if it was answered. */
    public static boolean ping(String fullNs, String address) {
        return Cmd.exec(null, "ip", "netns", "exec", fullNs, "ping", "-n", "-q", "-c", "1", "-W", "1", address).exit() == 0;
    }

    /**
     * {@code from} pings {@code address}, asking again until it is answered or {@link #EVENTUALLY_MILLIS} pass: a
     * fresh link's carrier comes up late (the kernel batches link events up to a second), the first echo waits for
     * ARP, and a loaded machine may take seconds for either.
     */
    public static void pings(String from, String address) {
        assertTrue(eventually(() -> ping(from, address)), from + " must ping " + address);
    }

    /** How long something that must happen between namespaces is given: a bound for a loaded machine, not a pause. */
    public static final long EVENTUALLY_MILLIS = 60_000;

    /** Whether {@code condition} holds, asked until it does or {@link #EVENTUALLY_MILLIS} pass. */
    public static boolean eventually(java.util.function.BooleanSupplier condition) {
        long end = System.nanoTime() + EVENTUALLY_MILLIS * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) return false;
            sleep(100);
        }
        return true;
    }

    public static void noPing(String from, String address) {
        assertFalse(ping(from, address), from + " must not ping " + address);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a connection", e);
        }
    }
}

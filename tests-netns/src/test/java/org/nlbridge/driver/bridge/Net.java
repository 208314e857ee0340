package org.nlbridge.driver.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Sandbox;

/**
 * Real packets between test namespaces: ping, and TCP through socat (or a python3 one-liner when socat is
 * missing), the same servers and clients as the firewall driver's packet tests. A server answers one line,
 * {@code <name> from <peer address>}, to each connection. A refused path is a connection that does not come up
 * within {@link #NO} seconds.
 */
public final class Net {
    private Net() {}

    public static final double NO = 1.0;
    public static final double YES = 3.0;

    static final String TOOL = Host.has("socat") ? "socat" : Host.has("python3") ? "python3" : "";

    public static void assumeAvailable() {
        Assumptions.assumeTrue(!TOOL.isEmpty(), "needs socat or python3 for real TCP connections between namespaces");
    }

    private static final String PY_SERVER = String.join("\n",
            "import socket,sys,threading",
            "name,port=sys.argv[1],int(sys.argv[2])",
            "s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)",
            "s.bind(('0.0.0.0',port));s.listen(16)",
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

    /** Starts a TCP server on every IPv4 address of sandbox namespace {@code ns} and waits until it listens. */
    public static void serve(Sandbox sandbox, String ns, String name, int port) {
        if (TOOL.equals("socat")) {
            sandbox.spawn(ns, "socat", "TCP4-LISTEN:" + port + ",fork,reuseaddr", "SYSTEM:echo " + name + " from $SOCAT_PEERADDR");
        } else {
            sandbox.spawn(ns, "python3", "-c", PY_SERVER, name, Integer.toString(port));
        }
        String full = sandbox.name(ns);
        for (int i = 0; i < 50; i++) {
            if (connect(full, "127.0.0.1", port, 0.5) != null) return;
            sleep(100);
        }
        throw new AssertionError("server " + name + " on port " + port + " never answered in " + full);
    }

    /** The server's line, or null if no connection was made within {@code timeoutSeconds}. */
    public static String connect(String fullNs, String host, int port, double timeoutSeconds) {
        List<String> argv = TOOL.equals("socat")
                ? List.of("ip", "netns", "exec", fullNs, "timeout", Double.toString(timeoutSeconds + 2), "socat",
                        "-T" + timeoutSeconds, "-", "TCP4:" + host + ":" + port + ",connect-timeout=" + timeoutSeconds)
                : List.of("ip", "netns", "exec", fullNs, "timeout", Double.toString(timeoutSeconds + 2), "python3",
                        "-c", PY_CLIENT, host, Integer.toString(port), Double.toString(timeoutSeconds));
        Cmd.Result r = Cmd.exec("", argv.toArray(String[]::new));
        String line = r.out().strip();
        return r.exit() != 0 || line.isEmpty() ? null : line;
    }

    public static void reaches(String from, String host, int port, String expected) {
        assertEquals(expected, connect(from, host, port, YES), from + " -> " + host + ":" + port);
    }

    public static void blocked(String from, String host, int port) {
        assertNull(connect(from, host, port, NO), from + " -> " + host + ":" + port + " must not connect");
    }

    /** One echo request with a one-second wait; true if it was answered. */
    public static boolean ping(String fullNs, String address) {
        return Cmd.exec(null, "ip", "netns", "exec", fullNs, "ping", "-n", "-q", "-c", "1", "-W", "1", address).exit() == 0;
    }

    public static void pings(String from, String address) {
        // the first echo may wait for ARP on a fresh link: allow one retry
        assertTrue(ping(from, address) || ping(from, address), from + " must ping " + address);
    }

    public static void noPing(String from, String address) {
        assertFalse(ping(from, address), from + " must not ping " + address);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

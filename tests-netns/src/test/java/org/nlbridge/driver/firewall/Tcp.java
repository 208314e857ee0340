package org.nlbridge.driver.firewall;

import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.nlbridge.net.IpAddress;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Sandbox;

/**
 * Real TCP between test namespaces, through socat (or a python3 one-liner when socat is missing; the test is
 * skipped if neither exists). A server answers one line, {@code <name> from <peer address>}, to each
 * connection; a client connects with a timeout and returns that line, or null if it could not connect.
 */
final class Tcp {
    private Tcp() {}

    static final String TOOL = System.getProperty("nlbridge.test.tcp", Host.has("socat") ? "socat"
            : Host.has("python3") ? "python3" : "");

    static void assumeAvailable() {
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
     * Starts a server in {@code ns} on {@code port}: every IPv4 address when {@code addr} is null, else that
     * address ({@code "::"} for every IPv6 address). Ended by the sandbox.
     */
    static void serve(Sandbox sandbox, String ns, String name, int port, String addr) {
        if (TOOL.equals("socat")) {
            String listen = addr == null ? "TCP4-LISTEN:" + port
                    : addr.contains(":") ? "TCP6-LISTEN:" + port + ",ipv6only=1,bind=[" + addr + "]"
                    : "TCP4-LISTEN:" + port + ",bind=" + addr;
            sandbox.spawn(ns, "socat", listen + ",fork,reuseaddr", "SYSTEM:echo " + name + " from $SOCAT_PEERADDR");
        } else {
            sandbox.spawn(ns, "python3", "-c", PY_SERVER, name, addr == null ? "0.0.0.0" : addr, Integer.toString(port));
        }
    }

    /** The server's line, or null if no connection was made within {@code timeoutSeconds}. */
    static String connect(String fullNs, String host, int port, double timeoutSeconds) {
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

    /** Waits until {@code host:port} answers from {@code fullNs} (servers take a moment to listen). */
    static void await(String fullNs, String host, int port) {
        for (int i = 0; i < 50; i++) {
            if (connect(fullNs, host, port, 0.5) != null) return;
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("server " + host + ":" + port + " never answered in " + fullNs);
    }
}

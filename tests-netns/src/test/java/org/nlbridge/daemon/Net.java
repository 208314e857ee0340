package org.nlbridge.daemon;

import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Sandbox;

/**
 * The daemon tests' world, built with iproute2: a "host" namespace the daemon manages, wired to an "upstream"
 * namespace (the outside, TEST-NET-2) that reaches published ports through the host's address; real TCP with
 * socat and ping between them.
 * <pre>
 *   upstream 198.51.100.2 ── uplink0 198.51.100.1  host  (default route upstream)
 * </pre>
 */
final class Net {
    static final String HOST_UP = "198.51.100.1";
    static final String UPSTREAM = "198.51.100.2";

    final Sandbox sandbox;
    final String host;
    final String upstream;

    Net(Sandbox sandbox) {
        Assumptions.assumeTrue(Host.has("socat"), "needs socat for real TCP between namespaces");
        Assumptions.assumeTrue(Host.has("nft"), "needs nft as the firewall oracle");
        this.sandbox = sandbox;
        List<String> ns = sandbox.netns(List.of("host", "up"));
        host = ns.get(0);
        upstream = ns.get(1);
        ip(host, "link set lo up",
                "link add uplink0 type veth peer name eth0 netns " + upstream,
                "addr add " + HOST_UP + "/24 dev uplink0",
                "link set uplink0 up",
                "route add default via " + UPSTREAM);
        ip(upstream, "link set lo up", "addr add " + UPSTREAM + "/24 dev eth0", "link set eth0 up");
    }

    static void ip(String ns, String... lines) {
        Cmd.run(String.join("\n", lines) + "\n", "ip", "-n", ns, "-batch", "-");
    }

    static String nft(String ns, String... args) {
        String[] argv = new String[args.length + 4];
        argv[0] = "ip";
        argv[1] = "netns";
        argv[2] = "exec";
        argv[3] = ns;
        System.arraycopy(args, 0, argv, 4, args.length);
        return Cmd.run(null, argv);
    }

    /** socat in a (sandbox-named) namespace answering {@code <name> from <peer>} on every IPv4 address. */
    void serve(String sandboxName, String name, int port) {
        sandbox.spawn(sandboxName, "socat", "TCP4-LISTEN:" + port + ",fork,reuseaddr", "SYSTEM:echo " + name + " from $SOCAT_PEERADDR");
    }

    /** The server's line, or null when no connection was made within the timeout. */
    static String connect(String fullNs, String addr, int port, double seconds) {
        Cmd.Result r = Cmd.exec("", "ip", "netns", "exec", fullNs, "timeout", Double.toString(seconds + 2), "socat",
                "-T" + seconds, "-", "TCP4:" + addr + ":" + port + ",connect-timeout=" + seconds);
        String line = r.out().strip();
        return r.exit() != 0 || line.isEmpty() ? null : line;
    }

    /** Retries for up to {@code millis}: a server just started, a neighbour entry being resolved. */
    static String reach(String fullNs, String addr, int port, long millis) {
        long end = System.currentTimeMillis() + millis;
        String line;
        do {
            line = connect(fullNs, addr, port, 1);
            if (line != null) return line;
            DaemonProcess.sleep(100);
        } while (System.currentTimeMillis() < end);
        return null;
    }

    static boolean ping(String fullNs, String addr) {
        return Cmd.exec("", "ip", "netns", "exec", fullNs, "ping", "-c", "1", "-W", "1", addr).exit() == 0;
    }
}

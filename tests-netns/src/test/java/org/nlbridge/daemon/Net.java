package org.nlbridge.daemon;

import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.nlbridge.testing.Inside;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.Tcp;

/**
 * The daemon tests' world, built with iproute2: a "host" namespace the daemon manages, wired to an "upstream"
 * namespace (the outside, TEST-NET-2) that reaches published ports through the host's address; real TCP and
 * ping between them through {@link Tcp}.
 * <pre>
 *   upstream 198.51.100.2 ── uplink0 198.51.100.1  host  (default route upstream)
 * </pre>
 */
final class Net {
    static final String HOST_UP = "198.51.100.1";
    static final String UPSTREAM = "198.51.100.2";

    final String host;
    final String upstream;

    Net(Sandbox sandbox) {
        Tcp.assumeAvailable();
        Assumptions.assumeTrue(Host.has("nft"), "needs nft as the firewall oracle");
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
        Inside.ip(ns, lines);
    }

    /** {@code ip netns exec NS ARGS...}: an oracle run inside a namespace. */
    static String nft(String ns, String... args) {
        return Inside.run(ns, args);
    }
}

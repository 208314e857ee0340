package org.nlbridge.driver.bridge;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineOptions;
import org.nlbridge.testing.Inside;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.Tcp;

/**
 * The test network around a {@link BridgeEngine}, built with iproute2 (tests may run ip; the engine never does):
 * <pre>
 *   upstream 10.99.0.2 ── eth0 ═ eup 10.99.0.1 ┐
 *                                              host (default route via 10.99.0.2, uplink MTU 1480)
 *   attacker 10.98.0.2 ── eth0 ═ eatk 10.98.0.1 ┘   + whatever the engine creates: bridges, veths, nft tables
 * </pre>
 * The engine plays Docker in "host"; containers live in namespaces the engine creates under names reserved in
 * the sandbox ({@link #ctr}), so cleanup deletes them whatever happens. Upstream knows only the host (no route to
 * any container subnet); the attacker routes 127.0.0.0/8 addresses through the host when a test asks it to.
 */
public final class World implements AutoCloseable {
    public static final String HOST_UP = "10.99.0.1";
    public static final String UPSTREAM = "10.99.0.2";
    public static final String HOST_ATK = "10.98.0.1";
    public static final String ATTACKER = "10.98.0.2";
    public static final String HOST_UP6 = "fd00:99::1";
    public static final String UPSTREAM6 = "fd00:99::2";
    public static final String HOST_ATK6 = "fd00:98::1";
    public static final String ATTACKER6 = "fd00:98::2";
    /** The MTU of the host's default-route interface: what a network without {@code mtu} gets. */
    public static final int UPLINK_MTU = 1480;

    public final Sandbox sandbox;
    public final String host;
    public final String upstream;
    public final String attacker;
    public final Path state;
    private final List<Engine> engines = new ArrayList<>();

    public World(Sandbox sandbox, Path state) {
        this.sandbox = sandbox;
        this.state = state;
        List<String> ns = sandbox.netns(List.of("host", "upstream", "attacker"));
        host = ns.get(0);
        upstream = ns.get(1);
        attacker = ns.get(2);
        ip(host, "link set lo up",
                "link add eup mtu " + UPLINK_MTU + " type veth peer name eth0 mtu " + UPLINK_MTU + " netns " + upstream,
                "addr add " + HOST_UP + "/24 dev eup",
                "link set eup up",
                "link add eatk type veth peer name eth0 netns " + attacker,
                "addr add " + HOST_ATK + "/24 dev eatk",
                "link set eatk up",
                "route add default via " + UPSTREAM);
        ip(upstream, "link set lo up", "addr add " + UPSTREAM + "/24 dev eth0", "link set eth0 up");
        ip(attacker, "link set lo up", "addr add " + ATTACKER + "/24 dev eth0", "link set eth0 up");
    }

    /**
     * IPv6 on the uplinks too ({@code fd00:99::/64} upstream, {@code fd00:98::/64} attacker, without DAD), with the
     * host's IPv6 default route upstream.
     */
    public World ipv6() {
        ip(host, "addr add " + HOST_UP6 + "/64 dev eup nodad", "addr add " + HOST_ATK6 + "/64 dev eatk nodad",
                "route add default via " + UPSTREAM6);
        ip(upstream, "addr add " + UPSTREAM6 + "/64 dev eth0 nodad");
        ip(attacker, "addr add " + ATTACKER6 + "/64 dev eth0 nodad");
        return this;
    }

    /** Opens an engine on the host namespace and this world's state directory (closed with the world). */
    public Engine engine() {
        Engine e = Engine.open(new EngineOptions(host, state));
        engines.add(e);
        return e;
    }

    /** A container namespace name the engine will create; the sandbox deletes it at cleanup. */
    public String ctr(String name) {
        return sandbox.reserve(name);
    }

    /** The attacker routes {@code subnet} and 127.0.0.1 through the host, and lets its kernel send to 127/8. */
    public void attackerRoutesThroughHost(String subnet) {
        ip(attacker, "route add " + subnet + " via " + HOST_ATK,
                "route add 127.0.0.1/32 via " + HOST_ATK + " dev eth0");
        sysctl(attacker, "net.ipv4.conf.eth0.route_localnet", "1");
    }

    @Override
    public void close() {
        for (Engine e : engines) e.close();
        engines.clear();
    }

    /** Runs {@code ip -n NS -batch} with the given commands. */
    public static void ip(String ns, String... commands) {
        Inside.ip(ns, commands);
    }

    public static void sysctl(String ns, String key, String value) {
        Inside.sysctl(ns, key, value);
    }

    /** A sysctl of a namespace, or null if it does not exist there. */
    public static String sysctl(String ns, String key) {
        return Inside.sysctl(ns, key);
    }

    /** Runs a command inside a namespace ({@code ip netns exec}); fails on a non-zero exit. */
    public static String exec(String ns, String... argv) {
        return Inside.run(ns, argv);
    }

    /** {@code nft ARGS} inside a namespace. */
    public static String nft(String ns, String... args) {
        return Inside.nft(ns, args);
    }

    /**
     * icc=false on the nftables backend the engine uses (no bridge-family table) holds only if bridged packets
     * pass the ip hooks: {@code net.bridge.bridge-nf-call-iptables=1} in the host namespace (per namespace since
     * Linux 5.3). The tests never set it (on older kernels it is global); they skip when it is not 1.
     */
    public void assumeBrNetfilter() {
        String v = sysctl(host, "net.bridge.bridge-nf-call-iptables");
        Assumptions.assumeTrue("1".equals(v), "icc=false needs br_netfilter with net.bridge.bridge-nf-call-iptables=1"
                + " in the host namespace (the nftables driver refuses icc=false otherwise); here it is "
                + (v == null ? "missing (br_netfilter not loaded)" : v));
    }

    public static void assumeTools() {
        Assumptions.assumeTrue(Host.has("nft"), "needs the nft binary as the oracle");
        Assumptions.assumeTrue(Host.has("ping"), "needs ping for ICMP between namespaces");
        Tcp.assumeAvailable();
    }
}

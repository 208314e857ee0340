package org.nlbridge.driver.firewall;

import java.util.List;

import org.nlbridge.testing.Inside;
import org.nlbridge.testing.Sandbox;

/**
 * The real-packet test network of the firewall driver's tests, built with iproute2 (tests may run ip; the engine
 * never does), so the firewall is tested on its own, on a bridge and veths it did not make:
 * <pre>
 *   upstream 10.99.0.2 ── eup 10.99.0.1 ┐
 *                                       host ── nlb0 172.18.0.1/16 ── vc1 ── c1 172.18.0.2
 *   attacker 10.98.0.2 ── eatk 10.98.0.1 ┘   (ip_forward=1)        └─ vc2 ── c2 172.18.0.3
 * </pre>
 * Each container's eth0 has the classic Docker MAC of its IPv4 (02:42:ac:12:00:02), which the firewall binds to its
 * port. upstream has no route to the containers (it sees only the host); the attacker routes 172.18.0.0/16 and
 * 127.0.0.1, 127.0.0.2 through the host, with route_localnet on its own interface so its kernel sends them.
 * The host ports of the bridge have hairpin mode on, as the bridge driver sets it (with br_netfilter, traffic a
 * DNAT sends back to the port it came from is bridged, and needs it).
 */
final class Topology {
    final Sandbox sandbox;
    final String host;
    final String upstream;
    final String attacker;
    final String c1;
    final String c2;

    static final String HOST_UP = "10.99.0.1";
    static final String UPSTREAM = "10.99.0.2";
    static final String HOST_ATK = "10.98.0.1";
    static final String C1 = "172.18.0.2";
    static final String C2 = "172.18.0.3";
    static final String GATEWAY = "172.18.0.1";

    Topology(Sandbox sandbox) {
        this.sandbox = sandbox;
        List<String> ns = sandbox.netns(List.of("host", "upstream", "attacker", "c1", "c2"));
        host = ns.get(0);
        upstream = ns.get(1);
        attacker = ns.get(2);
        c1 = ns.get(3);
        c2 = ns.get(4);
        ip(host, "link set lo up",
                "link add nlb0 type bridge",
                "addr add 172.18.0.1/16 dev nlb0",
                "link set nlb0 up",
                "link add eup type veth peer name eth0 netns " + upstream,
                "addr add 10.99.0.1/24 dev eup",
                "link set eup up",
                "link add eatk type veth peer name eth0 netns " + attacker,
                "addr add 10.98.0.1/24 dev eatk",
                "link set eatk up");
        container(c1, "vc1", C1);
        container(c2, "vc2", C2);
        ip(upstream, "addr add 10.99.0.2/24 dev eth0", "link set eth0 up", "link set lo up");
        ip(attacker, "addr add 10.98.0.2/24 dev eth0", "link set eth0 up",
                "route add 172.18.0.0/16 via 10.98.0.1",
                "route add 127.0.0.1/32 via 10.98.0.1 dev eth0",
                "route add 127.0.0.2/32 via 10.98.0.1 dev eth0");
        sysctl(attacker, "net.ipv4.conf.eth0.route_localnet", "1");
        sysctl(host, "net.ipv4.ip_forward", "1");
    }

    /** A container on nlb0: the veth's host end on the bridge (hairpin on), eth0 with the address and a default route. */
    void container(String ns, String veth, String address) {
        container(ns, veth, "nlb0", address, "16", GATEWAY);
    }

    void container(String ns, String veth, String bridge, String address, String prefix, String gateway) {
        // eth0 gets the MAC the firewall's endpoint spec binds to the port (FirewallScenarios.ep: 02:42 + the IPv4)
        String mac = org.nlbridge.net.MacAddress.fromIpv4(org.nlbridge.net.Ipv4Address.parse("ip", address)).toString();
        ip(host, "link add " + veth + " type veth peer name eth0 netns " + ns + " address " + mac,
                "link set " + veth + " master " + bridge,
                "link set " + veth + " type bridge_slave hairpin on",
                "link set " + veth + " up");
        ip(ns, "link set lo up", "addr add " + address + "/" + prefix + " dev eth0", "link set eth0 up");
        if (gateway != null) ip(ns, "route add default via " + gateway);
    }

    /** Runs {@code ip -n NS -batch} with the given commands. */
    static void ip(String ns, String... commands) {
        Inside.ip(ns, commands);
    }

    static void sysctl(String ns, String key, String value) {
        Inside.sysctl(ns, key, value);
    }

    static String sysctl(String ns, String key) {
        return Inside.run(ns, "sysctl", "-n", key).strip();
    }

    static boolean sysctlExists(String ns, String key) {
        return Inside.sysctl(ns, key) != null;
    }
}

package org.nlbridge.driver.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.driver.firewall.FirewallScenarios.ep;
import static org.nlbridge.driver.firewall.FirewallScenarios.net;
import static org.nlbridge.driver.firewall.Topology.C1;
import static org.nlbridge.driver.firewall.Topology.C2;
import static org.nlbridge.driver.firewall.Topology.GATEWAY;
import static org.nlbridge.driver.firewall.Topology.HOST_UP;
import static org.nlbridge.driver.firewall.Topology.UPSTREAM;
import static org.nlbridge.testing.Tcp.reaches;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nlbridge.driver.firewall.nftables.NftFirewallDriver;
import org.nlbridge.driver.firewall.nftables.NftLayout;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.nft.Family;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.Tcp;

/**
 * Anti-spoofing and the router-advertisement guard (issue 16 items 10 and 2), with real packets: a container that
 * sends as a neighbour, takes over a neighbour's MAC and address, forges ARP or neighbour advertisements, sends
 * router advertisements or DHCPv6 replies, or routes a foreign network out un-NATed. Each attack is shown to work
 * without our rules (the same probe after {@code teardownAll}: the probe and the oracle are sound) and to fail with
 * them, while legitimate traffic (ping, TCP, published ports, hairpin, IPv6 neighbour discovery and DAD) works.
 * Oracles: who a UDP listener heard from, {@code ip -j neigh}, {@code ip -j -6 route/addr}, TCP answers.
 */
class AntiSpoofingPacketTest extends NetlinkDriverTest {

    @BeforeEach
    void tools() {
        Assumptions.assumeTrue(Host.has("python3"), "needs python3 to forge packets");
    }

    /** The driver with network nlb0 (IPv4, or dual stack with {@code subnet6}) and {@code endpoints} on it. */
    private NftFirewallDriver network(Topology t, String subnet6, EndpointFirewallSpec... endpoints) {
        NftFirewallDriver d = driver(t);
        d.setupNetwork(net("nlb0", "172.18.0.0/16", subnet6, true, false));
        for (EndpointFirewallSpec e : endpoints) d.addEndpoint(e);
        return d;
    }

    private static EndpointFirewallSpec optedOut(EndpointFirewallSpec e) {
        return new EndpointFirewallSpec(e.id(), e.bridge(), e.hostVeth(), e.ipv4(), e.ipv6(), e.ports(), e.mac(), false);
    }

    private static String mac(String ip) {
        return MacAddress.fromIpv4(Ipv4Address.parse("ip", ip)).toString();
    }

    /** The MAC the neighbour table of {@code ns} holds for {@code ip} on {@code dev}, or null. */
    private static String neighbour(String ns, String ip, String dev) {
        for (JsonNode n : Oracle.ip(ns, "neigh", "show", ip, "dev", dev)) {
            if (n.has("lladdr")) return n.path("lladdr").asText();
        }
        return null;
    }

    private static long dropped(String ns, String chain) {
        return NftCli.packets(NftCli.run(ns, null, "list", "chain", "bridge", NftLayout.TABLE, chain), "counter packets");
    }

    @Test
    void aContainerCannotSendWithANeighboursAddress(Sandbox sandbox) {
        Topology t = new Topology(sandbox);
        NftFirewallDriver d = network(t, null, ep("c1", "nlb0", "vc1", C1), ep("c2", "nlb0", "vc2", C2));
        Probes.UdpLog host = Probes.listen(sandbox, "host", "0.0.0.0", 9999);

        Probes.udp(t.c2, C2, GATEWAY, 9999, 3);                                 // its own address: fine
        Probes.udp(t.c2, C1, GATEWAY, 9999, 3);                                 // c1's address: dropped
        Probes.udp(t.c2, "10.77.0.5", GATEWAY, 9999, 3);                        // an address of nobody: dropped
        assertTrue(host.heardFrom(C2), host.sources().toString());
        assertFalse(host.heardFrom(C1), "c2 sent as c1: " + host.sources());
        assertFalse(host.heardFrom("10.77.0.5"), host.sources().toString());
        assertTrue(dropped(t.host, "spoof__vc2") >= 6, "the port's chain counted the forged datagrams");

        d.teardownAll();                                                          // the probe is sound: without us it works
        Probes.udp(t.c2, C1, GATEWAY, 9999, 3);
        assertTrue(host.heardFrom(C1), "without the firewall the forged source arrives: " + host.sources());
    }

    @Test
    void takingOverANeighboursMacAndAddressDoesNotStealItsPublishedPort(Sandbox sandbox) {
        Topology t = new Topology(sandbox);
        NftFirewallDriver d = network(t, null, ep("c1", "nlb0", "vc1", C1, "5000:22"), ep("c2", "nlb0", "vc2", C2));
        Tcp.start(sandbox, "c1", "c1-22", 22, null);
        Tcp.start(sandbox, "c2", "impostor", 22, null);
        Tcp.await(t.c1, "127.0.0.1", 22);
        Tcp.await(t.c2, "127.0.0.1", 22);
        reaches(t.upstream, HOST_UP, 5000, "c1-22 from " + UPSTREAM);

        takeOver(t);
        for (int i = 0; i < 3; i++) reaches(t.upstream, HOST_UP, 5000, "c1-22 from " + UPSTREAM);
        assertEquals(mac(C1), neighbour(t.host, C1, "nlb0"));

        // without anti-spoofing on c2's port (as on main, and as with Docker) the impostor takes the port over
        d.removeEndpoint("c2");
        d.addEndpoint(optedOut(ep("c2", "nlb0", "vc2", C2)));
        takeOver(t);
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) answers.add(Tcp.connect(t.upstream, HOST_UP, 5000, Tcp.YES));
        assertTrue(answers.contains("impostor from " + UPSTREAM), "the takeover works without the check: " + answers);
    }

    /** c2 becomes c1 on the wire: c1's MAC and address, a gratuitous ARP, then traffic that teaches the bridge. */
    private static void takeOver(Topology t) {
        Topology.sysctl(t.c2, "net.ipv4.conf.eth0.arp_notify", "1");
        Topology.ip(t.c2, "link set eth0 down", "link set eth0 address " + mac(C1), "addr flush dev eth0",
                "addr add " + C1 + "/16 dev eth0", "link set eth0 up", "route add default via " + GATEWAY);
        Tcp.ping(t.c2, GATEWAY);
        Probes.frame(t.c2, "eth0", Probes.arpReply(MacAddress.parse("m", mac(C1)).bytes(),
                MacAddress.parse("m", mac(C1)).bytes(), Ipv4Address.parse("a", C1).bytes()), 3);
    }

    @Test
    void forgedArpRepliesChangeNoCache(Sandbox sandbox) {
        Topology t = new Topology(sandbox);
        NftFirewallDriver d = network(t, null, ep("c1", "nlb0", "vc1", C1), ep("c2", "nlb0", "vc2", C2));
        Tcp.pings(t.host, C1);                                                    // both caches hold the truth
        Tcp.pings(t.c1, GATEWAY);
        String gatewayMac = neighbour(t.c1, GATEWAY, "eth0");
        byte[] c2mac = MacAddress.parse("m", mac(C2)).bytes();
        // "c1 is at c2's MAC" to the host, "the gateway is at c2's MAC" to c1: a man in the middle either way
        Probes.frame(t.c2, "eth0", Probes.arpReply(c2mac, c2mac, Ipv4Address.parse("a", C1).bytes()), 3);
        Probes.frame(t.c2, "eth0", Probes.arpReply(c2mac, c2mac, Ipv4Address.parse("a", GATEWAY).bytes()), 3);
        // and the same with c1's MAC inside the ARP payload only
        Probes.frame(t.c2, "eth0", Probes.arpReply(c2mac, MacAddress.parse("m", mac(C1)).bytes(),
                Ipv4Address.parse("a", C2).bytes()), 3);
        Probes.sleep(300);
        assertEquals(mac(C1), neighbour(t.host, C1, "nlb0"));
        assertEquals(gatewayMac, neighbour(t.c1, GATEWAY, "eth0"));
        assertNotEquals(mac(C1), neighbour(t.host, C2, "nlb0"));
        Tcp.pings(t.c1, C2);
        Tcp.pings(t.c2, GATEWAY);

        d.teardownAll();
        // a reply of c1's to a probe of the host's (its entry may be due for one) can win back a moment: try a while
        String poisoned = null;
        for (int i = 0; i < 10 && !mac(C2).equals(poisoned); i++) {
            Probes.frame(t.c2, "eth0", Probes.arpReply(c2mac, c2mac, Ipv4Address.parse("a", C1).bytes()), 3);
            Probes.sleep(300);
            poisoned = neighbour(t.host, C1, "nlb0");
        }
        assertEquals(mac(C2), poisoned, "without the firewall the forged reply poisons the host");
    }

    @Test
    void ipv6NeighbourDiscoveryAndDadWorkAndForgedAdvertisementsDoNot(Sandbox sandbox) {
        Topology t = new Topology(sandbox);
        Topology.ip(t.host, "addr add fd00:db8:6::1/64 dev nlb0 nodad");
        NftFirewallDriver d = network(t, "fd00:db8:6::/64", ep("c1", "nlb0", "vc1", C1 + ",fd00:db8:6::2"),
                ep("c2", "nlb0", "vc2", C2 + ",fd00:db8:6::3"));
        // with duplicate address detection, through the filter: DAD's NS from ::, MLD from ::, then NS/NA
        Topology.ip(t.c1, "addr add fd00:db8:6::2/64 dev eth0");
        Topology.ip(t.c2, "addr add fd00:db8:6::3/64 dev eth0");
        awaitDad(t.c1);
        awaitDad(t.c2);
        Tcp.pings(t.c1, "fd00:db8:6::3");
        Tcp.pings(t.c2, "fd00:db8:6::1");
        Tcp.pings(t.host, "fd00:db8:6::2");
        Tcp.pings(t.c1, "fe80::42:acff:fe12:3%eth0");                            // link-local, from the MAC
        Tcp.start(sandbox, "c1", "c1-80", 80, "::");
        Tcp.await(t.c1, "::1", 80);
        reaches(t.c2, "fd00:db8:6::2", 80, "c1-80 from fd00:db8:6::3");
        String c1mac = neighbour(t.host, "fd00:db8:6::2", "nlb0");
        assertEquals(mac(C1), c1mac);

        // c2 advertises "fd00:db8:6::2 is at my MAC", from its own address, and from c1's
        byte[] c2mac = MacAddress.parse("m", mac(C2)).bytes();
        byte[] target = Ipv6Address.parse("a", "fd00:db8:6::2").bytes();
        Probes.frame(t.c2, "eth0", Probes.neighbourAdvertisement(c2mac, Ipv6Address.parse("a", "fd00:db8:6::3").bytes(),
                target, c2mac), 3);
        Probes.frame(t.c2, "eth0", Probes.neighbourAdvertisement(c2mac, target, target, c2mac), 3);
        Probes.sleep(300);
        assertEquals(mac(C1), neighbour(t.host, "fd00:db8:6::2", "nlb0"));
        assertTrue(dropped(t.host, "spoof__vc2") >= 6);

        d.teardownAll();
        Probes.frame(t.c2, "eth0", Probes.neighbourAdvertisement(c2mac, target, target, c2mac), 3);
        Probes.sleep(300);
        assertEquals(mac(C2), neighbour(t.host, "fd00:db8:6::2", "nlb0"), "without the firewall the forged NA poisons the host");
    }

    private static void awaitDad(String ns) {
        for (int i = 0; i < 50; i++) {
            boolean tentative = false;
            for (JsonNode l : Oracle.ip(ns, "-6", "addr", "show", "dev", "eth0")) {
                for (JsonNode a : l.path("addr_info")) tentative |= a.path("tentative").asBoolean(false)
                        || a.path("dadfailed").asBoolean(false);
            }
            if (!tentative) return;
            Probes.sleep(100);
        }
        throw new AssertionError("duplicate address detection did not finish in " + ns + ": "
                + Oracle.ip(ns, "-6", "addr", "show", "dev", "eth0"));
    }

    /**
     * A container sends router advertisements (a prefix for SLAAC, itself as default router) and DHCPv6 replies, with
     * and without anti-spoofing, on an IPv4-only and on a dual-stack network; the host's bridge and a neighbour accept
     * RAs ({@code accept_ra} 2 and 1, as if the bridge driver's sysctls were missing), so only the filter stands in
     * the way. Neither gets a route or an address, the neighbour's DHCPv6 client port hears nothing.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void rogueRouterAdvertisementsAndDhcpv6ConfigureNobody(boolean dualStack, Sandbox sandbox) {
        Topology t = new Topology(sandbox);
        Topology.sysctl(t.host, "net.ipv6.conf.nlb0.accept_ra", "2");
        Topology.sysctl(t.c2, "net.ipv6.conf.eth0.accept_ra", "1");
        NftFirewallDriver d = network(t, dualStack ? "fd00:db8:6::/64" : null,
                ep("c1", "nlb0", "vc1", C1 + (dualStack ? ",fd00:db8:6::2" : "")),
                optedOut(ep("c3", "nlb0", "vc2", C2 + (dualStack ? ",fd00:db8:6::3" : ""))));
        Probes.UdpLog dhcp = Probes.listen(sandbox, "c2", "::", 546);
        awaitDad(t.c1);
        awaitDad(t.c2);

        // from a guarded port (c1) and from a port without anti-spoofing (c2, whose RAs reach only the host)
        Probes.routerAdvertisement(t.c1, "eth0", "2001:db8:bad:1::/64");
        Probes.routerAdvertisement(t.c2, "eth0", "2001:db8:bad:2::/64");
        Probes.dhcpv6Reply(t.c1, "eth0");
        Probes.sleep(500);
        for (String ns : List.of(t.host, t.c2)) {
            assertEquals(List.of(), defaultRoutes6(ns), ns + " took a default route from a container");
            assertTrue(Oracle.addresses(ns, ns.equals(t.host) ? "nlb0" : "eth0").stream()
                    .noneMatch(a -> a.startsWith("2001:db8:bad")), ns + " took an address from a container");
        }
        assertFalse(dhcp.heardFrom(linkLocal(C1)), "a DHCPv6 reply reached a neighbour: " + dhcp.sources());
        assertTrue(NftCli.packets(NftCli.run(t.host, null, "list", "chain", "bridge", NftLayout.TABLE, "prerouting"),
                "icmpv6 type { nd-router-advert") >= 6);

        d.teardownAll();                                                          // the probe is sound
        Probes.routerAdvertisement(t.c1, "eth0", "2001:db8:bad:1::/64");
        Probes.dhcpv6Reply(t.c1, "eth0");
        Probes.sleep(500);
        assertEquals(1, defaultRoutes6(t.host).size(), "without the firewall the host takes the rogue router");
        assertTrue(dhcp.heardFrom(linkLocal(C1)), "without the firewall the DHCPv6 reply arrives");
    }

    private static String linkLocal(String ipv4) {
        byte[] m = MacAddress.parse("m", mac(ipv4)).bytes();
        return String.format("fe80::%x:%x:%x:%x", ((m[0] ^ 2) & 0xff) << 8 | (m[1] & 0xff), (m[2] & 0xff) << 8 | 0xff,
                0xfe00 | (m[3] & 0xff), (m[4] & 0xff) << 8 | (m[5] & 0xff));
    }

    private static List<JsonNode> defaultRoutes6(String ns) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode r : Oracle.ip(ns, "-6", "route", "show", "default")) out.add(r);
        return out;
    }

    /**
     * A container without anti-spoofing (it routes other addresses) may use other addresses of its subnet, but a
     * source outside the subnet does not leave the bridge: masquerade covers only the subnet, so it would reach the
     * upstream un-NATed. With anti-spoofing such a packet does not even get onto the bridge.
     */
    @Test
    void foreignSourcesDoNotLeaveTheBridgeUnNated(Sandbox sandbox) {
        Topology t = new Topology(sandbox);
        NftFirewallDriver d = network(t, null, ep("c1", "nlb0", "vc1", C1), optedOut(ep("c2", "nlb0", "vc2", C2)));
        Probes.UdpLog up = Probes.listen(sandbox, "upstream", "0.0.0.0", 9998);
        Probes.UdpLog host = Probes.listen(sandbox, "host", "0.0.0.0", 9999);

        Probes.udp(t.c2, "10.77.0.5", UPSTREAM, 9998, 3);                       // opted out, foreign: not out
        Probes.udp(t.c1, "10.77.0.6", UPSTREAM, 9998, 3);                       // guarded, foreign: not even in
        Probes.udp(t.c2, C2, UPSTREAM, 9998, 3);                                // its own: masqueraded
        Probes.udp(t.c2, "172.18.0.99", GATEWAY, 9999, 3);                      // opted out: another address of the subnet
        assertTrue(up.heardFrom(HOST_UP), up.sources().toString());
        assertFalse(up.heardFrom("10.77.0.5"), "a foreign source left un-NATed: " + up.sources());
        assertFalse(up.heardFrom("10.77.0.6"), up.sources().toString());
        assertTrue(host.heardFrom("172.18.0.99"), "the opted-out container may use other addresses: " + host.sources());
        assertTrue(NftCli.packets(NftCli.listTable(t.host, NftLayout.table(Family.IP)),
                "ip saddr != 172.18.0.0/16 counter") >= 3);

        d.teardownAll();
        Probes.udp(t.c2, "10.77.0.5", UPSTREAM, 9998, 3);
        assertTrue(up.heardFrom("10.77.0.5"), "without the firewall the foreign source leaves: " + up.sources());
    }
}

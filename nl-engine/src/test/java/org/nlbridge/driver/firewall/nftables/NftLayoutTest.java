package org.nlbridge.driver.firewall.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.driver.firewall.Specs.endpoint;
import static org.nlbridge.driver.firewall.Specs.guarded;
import static org.nlbridge.driver.firewall.Specs.ifname;
import static org.nlbridge.driver.firewall.Specs.network;
import static org.nlbridge.driver.firewall.Specs.subnet;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.nlbridge.driver.firewall.EndpointFirewallSpec;
import org.nlbridge.driver.firewall.FirewallState;
import org.nlbridge.driver.firewall.NetworkFirewallSpec;
import org.nlbridge.driver.firewall.Specs;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;
import org.nlbridge.nft.Family;
import org.nlbridge.nft.Listing;
import org.nlbridge.nft.Transaction;
import org.nlbridge.spec.GatewayMode;

/** The layout's transactions, as the nft commands they render to ({@link Transaction#toScript()}). */
class NftLayoutTest {

    private static final NetworkFirewallSpec NLB0 = network("nlb0", "172.18.0.0/16").build();

    private static List<String> lines(Consumer<Transaction> layout) {
        Transaction tx = new Transaction(NftLayout.TABLES);
        layout.accept(tx);
        return tx.toScript().lines().toList();
    }

    @Test
    void aNetworkIsChainsRulesAndDispatchElements() {
        assertEquals(List.of(
                "add chain ip nlbridge direct__nlb0",
                "add chain ip nlbridge fwd-to__nlb0",
                "add chain ip nlbridge fwd-from__nlb0",
                "add chain ip nlbridge nat-from__nlb0",
                "add chain ip nlbridge nat-to__nlb0",
                "add rule ip nlbridge direct__nlb0 iifname != \"nlb0\" counter packets 0 bytes 0 drop",
                "add rule ip nlbridge fwd-to__nlb0 ct state established,related accept",
                "add rule ip nlbridge fwd-to__nlb0 iifname \"nlb0\" accept",
                "add rule ip nlbridge fwd-to__nlb0 ip daddr . meta l4proto . th dport @published4 ct status dnat counter packets 0 bytes 0 accept",
                "add rule ip nlbridge fwd-to__nlb0 counter packets 0 bytes 0 drop",
                "add rule ip nlbridge fwd-from__nlb0 ct status dnat accept",
                "add rule ip nlbridge fwd-from__nlb0 ip saddr != 172.18.0.0/16 counter packets 0 bytes 0 drop",
                "add rule ip nlbridge fwd-from__nlb0 accept",
                "add rule ip nlbridge nat-from__nlb0 oifname != \"nlb0\" ip saddr 172.18.0.0/16 counter packets 0 bytes 0 masquerade",
                "add rule ip nlbridge nat-to__nlb0 ip saddr 127.0.0.0/8 counter packets 0 bytes 0 masquerade",
                "add rule ip nlbridge nat-to__nlb0 ip saddr 172.18.0.0/16 ct status dnat counter packets 0 bytes 0 masquerade",
                "add element ip nlbridge fwd-to { \"nlb0\" : jump fwd-to__nlb0 }",
                "add element ip nlbridge fwd-from { \"nlb0\" : jump fwd-from__nlb0 }",
                "add element ip nlbridge nat-from { \"nlb0\" : jump nat-from__nlb0 }",
                "add element ip nlbridge nat-to { \"nlb0\" : jump nat-to__nlb0 }"), lines(tx -> NftLayout.network(tx, NLB0)));
    }

    /**
     * {@code gatewayMode 'routed'} for IPv6 beside IPv4's nat (Docker's usual dual-stack set-up): no masquerade and
     * no hairpin chain in ip6, ICMPv6 and the published container ports let in without DNAT; and for the endpoint no
     * DNAT elements and no direct-access element in ip6, while ip keeps all of them.
     */
    @Test
    void routedIpv6BesideNatIpv4() {
        NetworkFirewallSpec n = network("nlb0", "172.18.0.0/16").ipv6(subnet("fd00:db8:6::/64"))
                .gatewayModes(GatewayMode.NAT, GatewayMode.ROUTED).build();
        List<String> six = lines(tx -> NftLayout.network(tx, n)).stream().filter(l -> l.contains(" ip6 ")).toList();
        assertEquals(List.of(
                "add chain ip6 nlbridge direct__nlb0",
                "add chain ip6 nlbridge fwd-to__nlb0",
                "add chain ip6 nlbridge fwd-from__nlb0",
                "add rule ip6 nlbridge direct__nlb0 iifname != \"nlb0\" counter packets 0 bytes 0 drop",
                "add rule ip6 nlbridge fwd-to__nlb0 ct state established,related accept",
                "add rule ip6 nlbridge fwd-to__nlb0 meta l4proto ipv6-icmp counter packets 0 bytes 0 accept",
                "add rule ip6 nlbridge fwd-to__nlb0 iifname \"nlb0\" accept",
                "add rule ip6 nlbridge fwd-to__nlb0 ip6 daddr . meta l4proto . th dport @published6 counter packets 0 bytes 0 accept",
                "add rule ip6 nlbridge fwd-to__nlb0 counter packets 0 bytes 0 drop",
                "add rule ip6 nlbridge fwd-from__nlb0 accept",
                "add element ip6 nlbridge fwd-to { \"nlb0\" : jump fwd-to__nlb0 }",
                "add element ip6 nlbridge fwd-from { \"nlb0\" : jump fwd-from__nlb0 }"), six);
        assertTrue(lines(tx -> NftLayout.network(tx, n)).contains("add chain ip nlbridge nat-from__nlb0"));
        EndpointFirewallSpec e = endpoint("c1", "nlb0", "veth1", "172.18.0.2,fd00:db8:6::2", "8080:80");
        assertEquals(List.of(
                "add element ip nlbridge direct4 { 172.18.0.2 : jump direct__nlb0 }",
                "add element ip nlbridge ports4-any { tcp . 8080 : 172.18.0.2 . 80 }",
                "add element ip nlbridge published4 { 172.18.0.2 . tcp . 80 }",
                "add element ip6 nlbridge published6 { fd00:db8:6::2 . tcp . 80 }"),
                lines(tx -> NftLayout.endpoint(tx, e, n, NftFeatures.BASIC, List.of())));
    }

    /** {@code nat-unprotected}: NAT kept, no port filtering and no direct-access element. */
    @Test
    void natUnprotected() {
        NetworkFirewallSpec n = network("nlb0", "172.18.0.0/16")
                .gatewayModes(GatewayMode.NAT_UNPROTECTED, GatewayMode.NAT_UNPROTECTED).build();
        List<String> fwdTo = lines(tx -> NftLayout.network(tx, n)).stream()
                .filter(l -> l.startsWith("add rule ip nlbridge fwd-to__")).toList();
        assertEquals(List.of(
                "add rule ip nlbridge fwd-to__nlb0 ct state established,related accept",
                "add rule ip nlbridge fwd-to__nlb0 iifname \"nlb0\" accept",
                "add rule ip nlbridge fwd-to__nlb0 counter packets 0 bytes 0 accept"), fwdTo);
        assertTrue(lines(tx -> NftLayout.network(tx, n)).contains("add chain ip nlbridge nat-from__nlb0"));
        EndpointFirewallSpec e = endpoint("c1", "nlb0", "veth1", "172.18.0.2", "8080:80");
        assertEquals(List.of(
                "add element ip nlbridge ports4-any { tcp . 8080 : 172.18.0.2 . 80 }",
                "add element ip nlbridge published4 { 172.18.0.2 . tcp . 80 }"),
                lines(tx -> NftLayout.endpoint(tx, e, n, NftFeatures.BASIC, List.of())));
    }

    @Test
    void internalAndIccFalseNetworks() {
        NetworkFirewallSpec n = network("nlbint", "172.19.0.0/16").internal(true).icc(false).build();
        assertEquals(List.of(
                "add chain ip nlbridge direct__nlbint",
                "add chain ip nlbridge fwd-internal__nlbint",
                "add chain ip nlbridge fwd-to__nlbint",
                "add rule ip nlbridge direct__nlbint iifname != \"nlbint\" counter packets 0 bytes 0 drop",
                "add rule ip nlbridge fwd-internal__nlbint oifname != \"nlbint\" counter packets 0 bytes 0 drop",
                "add rule ip nlbridge fwd-to__nlbint iifname != \"nlbint\" counter packets 0 bytes 0 drop",
                "add rule ip nlbridge fwd-to__nlbint iifname \"nlbint\" counter packets 0 bytes 0 drop",
                "add element ip nlbridge fwd-internal { \"nlbint\" : jump fwd-internal__nlbint }",
                "add element ip nlbridge fwd-to { \"nlbint\" : jump fwd-to__nlbint }"), lines(tx -> NftLayout.network(tx, n)));
    }

    @Test
    void anEndpointIsElementsOnly() {
        NetworkFirewallSpec n = network("nlb0", "172.18.0.0/16").ipv6(subnet("fd00:db8:6::/64")).icc(false).build();
        EndpointFirewallSpec e = endpoint("c1", "nlb0", "veth1", "172.18.0.2,fd00:db8:6::2",
                "5000:22", "5001:22", "127.0.0.1:8080:80", "53:53/udp");
        assertEquals(List.of(
                "add element ip nlbridge direct4 { 172.18.0.2 : jump direct__nlb0 }",
                "add element ip nlbridge ports4 { tcp . 127.0.0.1 . 8080 : 172.18.0.2 . 80 }",
                "add element ip nlbridge ports4-any { tcp . 5000 : 172.18.0.2 . 22, tcp . 5001 : 172.18.0.2 . 22,"
                        + " udp . 53 : 172.18.0.2 . 53 }",
                "add element ip nlbridge published4 { 172.18.0.2 . tcp . 22, 172.18.0.2 . tcp . 80, 172.18.0.2 . udp . 53 }",
                "add element ip6 nlbridge direct6 { fd00:db8:6::2 : jump direct__nlb0 }",
                "add element ip6 nlbridge ports6-any { tcp . 5000 : fd00:db8:6::2 . 22, tcp . 5001 : fd00:db8:6::2 . 22,"
                        + " udp . 53 : fd00:db8:6::2 . 53 }",
                "add element ip6 nlbridge published6 { fd00:db8:6::2 . tcp . 22, fd00:db8:6::2 . udp . 53 }",
                "add element bridge nlbridge container-ports { \"veth1\" }",
                "add element bridge nlbridge icc-off-ports { \"veth1\" }"), lines(tx -> NftLayout.endpoint(tx, e, n, NftFeatures.FULL, List.of())));
        assertEquals(List.of(
                "delete element ip nlbridge direct4 { 172.18.0.2 }",
                "delete element ip nlbridge ports4 { tcp . 127.0.0.1 . 8080 }",
                "delete element ip nlbridge ports4-any { tcp . 5000, tcp . 5001, udp . 53 }",
                "delete element ip nlbridge published4 { 172.18.0.2 . tcp . 22, 172.18.0.2 . tcp . 80, 172.18.0.2 . udp . 53 }",
                "delete element ip6 nlbridge direct6 { fd00:db8:6::2 }",
                "delete element ip6 nlbridge ports6-any { tcp . 5000, tcp . 5001, udp . 53 }",
                "delete element ip6 nlbridge published6 { fd00:db8:6::2 . tcp . 22, fd00:db8:6::2 . udp . 53 }",
                "delete element bridge nlbridge container-ports { \"veth1\" }",
                "delete element bridge nlbridge icc-off-ports { \"veth1\" }"), lines(tx -> NftLayout.removeEndpoint(tx, e, n, NftFeatures.FULL, List.of())));
    }

    /**
     * Anti-spoofing: the port's own chain, reached through one map element, accepts frames from the container's MAC
     * and addresses only (its link-local one derived from the MAC); removing the endpoint removes both.
     */
    @Test
    void anEndpointWithAntiSpoofingHasItsOwnChain() {
        NetworkFirewallSpec n = network("nlb0", "172.18.0.0/16").ipv6(subnet("fd00:db8:6::/64")).build();
        EndpointFirewallSpec e = org.nlbridge.driver.firewall.Specs.guarded(
                endpoint("c1", "nlb0", "veth1", "172.18.0.2,fd00:db8:6::2"), "02:42:ac:12:00:02");
        List<String> bridge = lines(tx -> NftLayout.endpoint(tx, e, n, NftFeatures.FULL, List.of())).stream()
                .filter(l -> l.contains("bridge nlbridge")).toList();
        String ll = "fe80::42:acff:fe12:2";
        String own = "ip6 saddr { fd00:db8:6::2, " + ll + " }";
        assertEquals(List.of(
                "add chain bridge nlbridge spoof__veth1",
                "add rule bridge nlbridge spoof__veth1 ether saddr != 02:42:ac:12:00:02 counter packets 0 bytes 0 drop",
                "add rule bridge nlbridge spoof__veth1 ip saddr 172.18.0.2 accept",
                "add rule bridge nlbridge spoof__veth1 arp saddr ether != 02:42:ac:12:00:02 counter packets 0 bytes 0 drop",
                "add rule bridge nlbridge spoof__veth1 arp saddr ip 172.18.0.2 accept",
                "add rule bridge nlbridge spoof__veth1 " + own + " meta l4proto != ipv6-icmp accept",
                "add rule bridge nlbridge spoof__veth1 " + own + " icmpv6 type != { nd-neighbor-solicit, nd-neighbor-advert } accept",
                "add rule bridge nlbridge spoof__veth1 " + own + " icmpv6 type nd-neighbor-solicit ip6 length 24 accept",
                "add rule bridge nlbridge spoof__veth1 " + own + " icmpv6 type nd-neighbor-solicit @th,192,64 0x1010242ac120002 accept",
                "add rule bridge nlbridge spoof__veth1 ip6 saddr fd00:db8:6::2 icmpv6 type nd-neighbor-advert"
                        + " @th,64,128 0xfd000db8000600000000000000000002 ip6 length 24 accept",
                "add rule bridge nlbridge spoof__veth1 ip6 saddr fd00:db8:6::2 icmpv6 type nd-neighbor-advert"
                        + " @th,64,128 0xfd000db8000600000000000000000002 @th,192,64 0x2010242ac120002 accept",
                "add rule bridge nlbridge spoof__veth1 ip6 saddr :: icmpv6 type nd-neighbor-solicit"
                        + " @th,64,128 0xfd000db8000600000000000000000002 accept",
                "add rule bridge nlbridge spoof__veth1 ip6 saddr " + ll + " icmpv6 type nd-neighbor-advert"
                        + " @th,64,128 0xfe800000000000000042acfffe120002 ip6 length 24 accept",
                "add rule bridge nlbridge spoof__veth1 ip6 saddr " + ll + " icmpv6 type nd-neighbor-advert"
                        + " @th,64,128 0xfe800000000000000042acfffe120002 @th,192,64 0x2010242ac120002 accept",
                "add rule bridge nlbridge spoof__veth1 ip6 saddr :: icmpv6 type nd-neighbor-solicit"
                        + " @th,64,128 0xfe800000000000000042acfffe120002 accept",
                "add rule bridge nlbridge spoof__veth1 ip6 saddr :: icmpv6 type { mld-listener-report, mld2-listener-report } accept",
                "add rule bridge nlbridge spoof__veth1 counter packets 0 bytes 0 drop",
                "add element bridge nlbridge spoof-check { \"veth1\" : jump spoof__veth1 }",
                "add element bridge nlbridge container-ports { \"veth1\" }"), bridge);
        assertEquals(List.of(
                "delete element bridge nlbridge spoof-check { \"veth1\" }",
                "flush chain bridge nlbridge spoof__veth1",
                "delete chain bridge nlbridge spoof__veth1",
                "delete element bridge nlbridge container-ports { \"veth1\" }"),
                lines(tx -> NftLayout.removeEndpoint(tx, e, n, NftFeatures.FULL, List.of())).stream()
                        .filter(l -> l.contains("bridge nlbridge")).toList());
        assertTrue(lines(tx -> NftLayout.endpoint(tx, e, n, NftFeatures.BASIC, List.of())).stream().noneMatch(l -> l.contains(" bridge nlbridge ")),
                "without the bridge table there is no anti-spoofing");
    }

    /**
     * A container on two networks: each port with anti-spoofing accepts, from its own MAC, the container's address on
     * the other network (elements, both ways, in the endpoint's transaction); a port without it gets none.
     */
    @Test
    void aContainersPortsAcceptItsAddressesOnItsOtherNetworks() {
        NetworkFirewallSpec n2 = network("nlb2", "172.20.0.0/16").ipv6(subnet("fd00:2::/64")).build();
        EndpointFirewallSpec front = Specs.of("web", guarded(endpoint("front.web", "nlb0", "va", "172.18.0.2"),
                "02:00:00:00:00:0a"));
        EndpointFirewallSpec back = Specs.of("web", guarded(endpoint("back.web", "nlb2", "vb", "172.20.0.2,fd00:2::2",
                "8081:81"), "02:00:00:00:00:0b"));
        List<String> added = lines(tx -> NftLayout.endpoint(tx, back, n2, NftFeatures.FULL, List.of(front)))
                .stream().filter(l -> l.contains("owned")).toList();
        assertEquals(List.of(
                "add element bridge nlbridge owned4 { \"vb\" . 02:00:00:00:00:0b . 172.18.0.2 }",
                "add element bridge nlbridge owned4 { \"va\" . 02:00:00:00:00:0a . 172.20.0.2 }"), added,
                "front has no IPv6: neither its port gets back's IPv6 address nor back's port an IPv6 one of front");
        assertEquals(added.stream().map(l -> l.replace("add element", "delete element")).toList(),
                lines(tx -> NftLayout.removeEndpoint(tx, back, n2, NftFeatures.FULL, List.of(front))).stream()
                        .filter(l -> l.contains("owned")).toList());
        EndpointFirewallSpec open = Specs.of("web", endpoint("front.web", "nlb0", "va", "172.18.0.2"));
        assertEquals(List.of("add element bridge nlbridge owned4 { \"vb\" . 02:00:00:00:00:0b . 172.18.0.2 }"),
                lines(tx -> NftLayout.endpoint(tx, back, n2, NftFeatures.FULL, List.of(open))).stream()
                        .filter(l -> l.contains("owned")).toList(), "spoofCheck false on front: nothing for its port");
        List<String> skeleton = lines(tx -> NftLayout.tables(tx, NftFeatures.FULL));
        assertTrue(skeleton.contains("add set bridge nlbridge owned4 { type ifname . ether_addr . ipv4_addr; }"),
                skeleton.toString());
        assertTrue(skeleton.contains("add rule bridge nlbridge prerouting iifname . ether saddr . ip saddr @owned4 accept"),
                skeleton.toString());
    }

    @Test
    void baseChainsNeverChangeWithNetworks() {
        FirewallState s = new FirewallState(List.of(NLB0), List.of(endpoint("c1", "nlb0", "veth1", "172.18.0.2", "5000:22")));
        List<String> skeleton = lines(tx -> NftLayout.tables(tx, NftFeatures.FULL));
        List<String> full = lines(tx -> NftLayout.rebuild(tx, s, NftFeatures.FULL));
        assertEquals(lines(tx -> NftLayout.deleteTables(tx, NftFeatures.FULL)), full.subList(0, 6));
        assertEquals(List.of("add table ip nlbridge", "delete table ip nlbridge", "add table ip6 nlbridge",
                "delete table ip6 nlbridge", "add table bridge nlbridge", "delete table bridge nlbridge"), full.subList(0, 6));
        assertEquals(skeleton, full.subList(6, 6 + skeleton.size()), "networks only append chains and elements");
        assertTrue(skeleton.contains("add rule ip nlbridge raw-prerouting iifname != \"lo\" ip daddr 127.0.0.0/8"
                + " counter packets 0 bytes 0 drop"));
        assertTrue(skeleton.contains("add rule ip nlbridge nat-prerouting fib daddr type local"
                + " dnat ip to meta l4proto . ip daddr . th dport map @ports4"));
        assertTrue(skeleton.contains("add rule ip6 nlbridge nat-output ip6 daddr != ::1 fib daddr type local"
                + " dnat ip6 to meta l4proto . th dport map @ports6-any"));
        assertTrue(skeleton.contains("add chain bridge nlbridge forward { type filter hook forward priority -200; policy accept; }"));
        assertTrue(skeleton.contains("add rule bridge nlbridge forward iifname @icc-off-ports counter packets 0 bytes 0 drop"));
        assertTrue(skeleton.contains("add map ip nlbridge ports4 { type inet_proto . ipv4_addr . inet_service"
                + " : ipv4_addr . inet_service; counter; }"));
    }

    /** Any sequence of incremental changes leaves exactly what a rebuild from the final state would. */
    @Test
    void incrementalEqualsRebuild() {
        FakeNft nft = new FakeNft();
        List<NetworkFirewallSpec> nets = new ArrayList<>();
        List<EndpointFirewallSpec> eps = new ArrayList<>();
        nft.commit(tx(tx -> NftLayout.rebuild(tx, FirewallState.EMPTY, NftFeatures.FULL)));
        NetworkFirewallSpec n1 = NLB0;
        NetworkFirewallSpec n2 = network("nlb2", "172.20.0.0/16").ipv6(subnet("fd00:2::/64")).icc(false).build();
        NetworkFirewallSpec n3 = network("nlb3", "172.21.0.0/16").internal(true).build();
        EndpointFirewallSpec a = endpoint("a", "nlb0", "va", "172.18.0.2", "5000:22", "127.0.0.1:8080:80");
        EndpointFirewallSpec b = endpoint("b", "nlb2", "vb", "172.20.0.2,fd00:2::2", "6000-6002:7000-7002/udp");
        EndpointFirewallSpec c = endpoint("c", "nlb3", "vc", "172.21.0.2");
        EndpointFirewallSpec d = endpoint("d", "nlb2", "vd", "fd00:2::3", "[fd00::1]:443:443");

        step(nft, nets, eps, n1, null, true);
        step(nft, nets, eps, n2, null, true);
        step(nft, nets, eps, null, a, true);
        step(nft, nets, eps, null, b, true);
        step(nft, nets, eps, n3, null, true);
        step(nft, nets, eps, null, c, true);
        step(nft, nets, eps, null, d, true);
        step(nft, nets, eps, null, a, false);
        step(nft, nets, eps, null, b, false);
        step(nft, nets, eps, null, a, true);
        // one container on three networks (the third without anti-spoofing), connected and disconnected
        EndpointFirewallSpec x0 = Specs.of("x", guarded(endpoint("x0", "nlb0", "vx0", "172.18.0.9"), "02:00:00:00:00:09"));
        EndpointFirewallSpec x2 = Specs.of("x", guarded(endpoint("x2", "nlb2", "vx2", "172.20.0.9,fd00:2::9"),
                "02:00:00:00:00:0a"));
        EndpointFirewallSpec x3 = Specs.of("x", endpoint("x3", "nlb3", "vx3", "172.21.0.9"));
        step(nft, nets, eps, null, x0, true);
        step(nft, nets, eps, null, x2, true);
        step(nft, nets, eps, null, x3, true);
        step(nft, nets, eps, null, x2, false);
        step(nft, nets, eps, null, x2, true);
        step(nft, nets, eps, null, x0, false);
        // tearing down a network with endpoints on it: the endpoints' elements first, same transaction
        nft.commit(tx(tx -> {
            NftLayout.removeEndpoint(tx, d, n2, NftFeatures.FULL, List.of());
            NftLayout.removeEndpoint(tx, x2, n2, NftFeatures.FULL, List.of(x3));
            NftLayout.removeNetwork(tx, n2);
        }));
        nets.remove(n2);
        eps.remove(d);
        eps.remove(x2);
        assertMatchesRebuild(nft, nets, eps);
        step(nft, nets, eps, n2, null, true);
        step(nft, nets, eps, null, b, true);
    }

    private static Transaction tx(Consumer<Transaction> layout) {
        Transaction tx = new Transaction(NftLayout.TABLES);
        layout.accept(tx);
        return tx;
    }

    private static void step(FakeNft nft, List<NetworkFirewallSpec> nets, List<EndpointFirewallSpec> eps,
                             NetworkFirewallSpec n, EndpointFirewallSpec e, boolean add) {
        if (n != null) {
            nft.commit(tx(tx -> {
                if (add) NftLayout.network(tx, n); else NftLayout.removeNetwork(tx, n);
            }));
            if (add) nets.add(n); else nets.remove(n);
        } else {
            NetworkFirewallSpec net = nets.stream().filter(x -> x.bridge().equals(e.bridge())).findFirst().orElseThrow();
            nft.commit(tx(tx -> {
                List<EndpointFirewallSpec> siblings = eps.stream().filter(e::sibling).toList();
                if (add) NftLayout.endpoint(tx, e, net, NftFeatures.FULL, siblings);
                else NftLayout.removeEndpoint(tx, e, net, NftFeatures.FULL, siblings);
            }));
            if (add) eps.add(e); else eps.remove(e);
        }
        assertMatchesRebuild(nft, nets, eps);
    }

    /**
     * {@link Drift#expected} folds a transaction into mutable tables (linear in its operations); it must leave what
     * folding it operation by operation with {@link Drift#apply} leaves: here a rebuild with several endpoints, then
     * endpoints removed and added, a chain and a set flushed, the table flushed.
     */
    @Test
    void expectedFoldsLikeApplyingEachOperation() {
        NetworkFirewallSpec n = network("nlb0", "172.18.0.0/16").ipv6(subnet("fd00:db8:6::/64")).build();
        List<EndpointFirewallSpec> eps = new ArrayList<>();
        for (int i = 2; i < 7; i++) {
            eps.add(guarded(endpoint("c" + i, "nlb0", "veth" + i, "172.18.0." + i + ",fd00:db8:6::" + i,
                    (5000 + i) + ":80"), "02:42:ac:12:00:0" + i));
        }
        Consumer<Transaction> layout = t -> {
            NftLayout.rebuild(t, new FirewallState(List.of(n), eps).validated(), NftFeatures.FULL);
            NftLayout.removeEndpoint(t, eps.get(1), n, NftFeatures.FULL, List.of());
            NftLayout.removeEndpoint(t, eps.get(3), n, NftFeatures.FULL, List.of());
            NftLayout.endpoint(t, eps.get(1), n, NftFeatures.FULL, List.of());
        };
        Transaction tx = tx(layout);
        List<Listing> tables = List.copyOf(Drift.expected(tx).values());
        Transaction flushed = tx(t -> {
            layout.accept(t);
            for (Listing l : tables) {
                t.flushChain(l.chains().getLast().chain().ref());
                if (!l.sets().isEmpty()) t.flushSet(l.sets().getLast().set().ref());
            }
            t.flushTable(tables.getFirst().ref());
        });
        for (Transaction t : List.of(tx, flushed)) {
            java.util.Map<org.nlbridge.nft.TableRef, Listing> oneByOne = new java.util.LinkedHashMap<>();
            for (Transaction.Op op : t.ops()) oneByOne = Drift.apply(oneByOne, op);
            assertEquals(oneByOne, Drift.expected(t));
        }
        assertTrue(Drift.expected(tx).values().stream().anyMatch(l -> l.chains().size() > 5));
    }

    private static void assertMatchesRebuild(FakeNft nft, List<NetworkFirewallSpec> nets, List<EndpointFirewallSpec> eps) {
        FirewallState s = new FirewallState(nets, eps).validated();
        for (Listing t : Drift.expected(tx(tx -> NftLayout.rebuild(tx, s, NftFeatures.FULL))).values()) {
            assertEquals(List.of(), Drift.between(t, nft.list(t.ref()).orElse(null)));
        }
    }

    @Test
    void theBasicFeaturesLeaveOutTheBridgeTableAndElementCounters() {
        FirewallState s = new FirewallState(List.of(network("nlb0", "172.18.0.0/16").icc(false).build()),
                List.of(endpoint("c1", "nlb0", "veth1", "172.18.0.2", "5000:22")));
        List<String> basic = lines(tx -> NftLayout.rebuild(tx, s, NftFeatures.BASIC));
        assertTrue(basic.stream().noneMatch(l -> l.contains(" bridge nlbridge")), basic.toString());
        assertTrue(basic.contains("add map ip nlbridge ports4 { type inet_proto . ipv4_addr . inet_service"
                + " : ipv4_addr . inet_service; }"));
        assertTrue(basic.contains("add rule ip nlbridge fwd-to__nlb0 iifname \"nlb0\" counter packets 0 bytes 0 drop"));
    }

    @Test
    void userHookHelperRendersTheSeedExample() {
        assertEquals(List.of("insert rule ip nlbridge-user forward iifname \"eth0\" ip saddr != 8.8.8.8"
                + " counter packets 0 bytes 0 drop"), UserHookRules.nftCommands(ifname("eth0"), List.of(subnet("8.8.8.8/32"))));
        assertEquals("iifname \"eth0\" ip6 saddr != 2001:db8::/32 counter packets 0 bytes 0 drop",
                UserHookRules.onlyFrom(ifname("eth0"), subnet("2001:db8::/32")).toString());
        assertEquals("iifname \"eth0\" ip saddr != 8.8.8.8 counter packets 0 bytes 0 drop",
                UserHookRules.onlyFrom(ifname("eth0"), IpAddress.parse("ip", "8.8.8.8")).toString());
        assertEquals(List.of("add table ip6 nlbridge-user",
                "add chain ip6 nlbridge-user forward { type filter hook forward priority -10; policy accept; }"),
                lines(tx -> NftLayout.userHook(tx, Family.IP6)));
    }

    /** Several sources: an anonymous set per family, one rule per family that has sources. */
    @Test
    void userHookRulesWithSeveralSources() {
        assertEquals(List.of(
                "insert rule ip nlbridge-user forward iifname \"eth0\" ip saddr != { 8.8.8.8, 10.0.0.0/8 }"
                        + " counter packets 0 bytes 0 drop",
                "insert rule ip6 nlbridge-user forward iifname \"eth0\" ip6 saddr != 2001:db8::/32"
                        + " counter packets 0 bytes 0 drop"),
                UserHookRules.nftCommands(ifname("eth0"), List.of(subnet("10.0.0.0/8"), subnet("2001:db8::/32"),
                        subnet("8.8.8.8/32"))));
        ValidationException e = org.junit.jupiter.api.Assertions.assertThrows(ValidationException.class,
                () -> UserHookRules.onlyFrom(ifname("eth0"), List.of(subnet("10.0.0.0/8"), subnet("10.1.0.0/16"))));
        assertTrue(e.getMessage().contains("\"10.1.0.0/16\": overlaps 10.0.0.0/8"), e.getMessage());
    }
}

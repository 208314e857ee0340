package org.nlbridge.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.net.IpProtocol;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.netns.NetNs;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Inside;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;

/**
 * Packets, not listings: a DNAT map element really forwards a TCP connection from a client namespace through a
 * router namespace (where the engine's table lives) to a server namespace, counts the connections it translated,
 * and deleting the element stops it.
 * <pre>
 *   client 10.1.0.2 ── 10.1.0.1 router 10.2.0.1 ── 10.2.0.2 server (socat on :80)
 *   client connects to 10.1.0.1:8080; the router's map says tcp . 10.1.0.1 . 8080 : 10.2.0.2 . 80
 * </pre>
 */
@ExtendWith(SandboxExtension.class)
class NftBehaviourTest {
    static final TableRef T = TableRef.of(Family.IP, "nlbridge");

    static void ip(String ns, String... args) {
        String[] argv = new String[args.length + 3];
        argv[0] = "ip";
        argv[1] = "-n";
        argv[2] = ns;
        System.arraycopy(args, 0, argv, 3, args.length);
        Cmd.run(null, argv);
    }

    /** One connection attempt from the client: what the server said, or null if it failed. */
    static String connect(String client, String addr, int port) {
        Cmd.Result r = Inside.exec(client, "timeout", "5", "socat", "-T2", "-",
                "TCP:" + addr + ":" + port + ",connect-timeout=2");
        return r.exit() == 0 ? r.out().strip() : null;
    }

    @Test
    void aDnatMapElementForwardsAConnectionAndDeletingItStops(Sandbox sb) throws Exception {
        Assumptions.assumeTrue(Host.has("socat"), "needs socat for the TCP client and server");
        List<String> names = sb.netns(List.of("client", "router", "server"));
        String cli = names.get(0), rtr = names.get(1), srv = names.get(2);
        ip(rtr, "link", "add", "r0", "type", "veth", "peer", "name", "c0", "netns", cli);
        ip(rtr, "link", "add", "r1", "type", "veth", "peer", "name", "s0", "netns", srv);
        ip(cli, "addr", "add", "10.1.0.2/24", "dev", "c0");
        ip(rtr, "addr", "add", "10.1.0.1/24", "dev", "r0");
        ip(rtr, "addr", "add", "10.2.0.1/24", "dev", "r1");
        ip(srv, "addr", "add", "10.2.0.2/24", "dev", "s0");
        for (String[] l : new String[][] {{cli, "c0"}, {cli, "lo"}, {rtr, "r0"}, {rtr, "r1"}, {rtr, "lo"}, {srv, "s0"}, {srv, "lo"}}) {
            ip(l[0], "link", "set", l[1], "up");
        }
        ip(cli, "route", "add", "default", "via", "10.1.0.1");
        ip(srv, "route", "add", "default", "via", "10.2.0.1");

        Process server = sb.spawn("server", "socat", "TCP-LISTEN:80,reuseaddr,fork", "SYSTEM:echo hello-from-server");
        Ipv4Address routerIp = Ipv4Address.parse("t", "10.1.0.1");
        Ipv4Address serverIp = Ipv4Address.parse("t", "10.2.0.2");
        NamedSet hostports = NamedSet.map(T.set("hostports"), KeyType.of(FieldType.INET_PROTO, FieldType.IPV4_ADDR,
                FieldType.INET_SERVICE), KeyType.of(FieldType.IPV4_ADDR, FieldType.INET_SERVICE)).withCounter();
        Chain pre = Chain.base(T.chain("nat-PREROUTING"), ChainType.NAT, Hook.PREROUTING, Priority.DSTNAT, Policy.ACCEPT);
        Chain dnat = Chain.regular(T.chain("nat-prerouting-and-output"));
        Chain fwd = Chain.base(T.chain("filter-FORWARD"), ChainType.FILTER, Hook.FORWARD, Priority.FILTER, Policy.DROP);

        try (NetNs router = NetNs.open(rtr); Nft nft = Nft.open(router, T)) {
            router.writeSysctl("net/ipv4/ip_forward", "1");
            // the server is up before we count on it: direct reachability of the server is not the point, so wait
            // for its listener from inside its own namespace
            waitForListener(srv);
            nft.apply(tx -> {
                tx.addTable(Table.of(T)).addSet(hostports).addChain(pre).addChain(dnat).addChain(fwd);
                tx.add(Rule.in(pre).fibDaddrTypeLocal().counter().jump(dnat));
                tx.add(Rule.in(dnat).counter().dnatMap(hostports, Selector.L4PROTO, Selector.IP_DADDR, Selector.TH_DPORT));
                tx.add(Rule.in(fwd).ctState(CtState.ESTABLISHED, CtState.RELATED).accept());
                tx.add(Rule.in(fwd).ctStatus(CtStatus.DNAT).counter().accept().comment("published"));
            });
            // nothing published yet: the forward policy drops, the router has nothing on 8080
            assertEquals(null, connect(cli, "10.1.0.1", 8080));

            nft.apply(tx -> tx.addElements(hostports).key(IpProtocol.TCP).key(routerIp).key(8080)
                    .value(serverIp).value(80).add());
            assertEquals("hello-from-server", connect(cli, "10.1.0.1", 8080));
            assertEquals("hello-from-server", connect(cli, "10.1.0.1", 8080));

            // counters are readable: the jump rule and the published-accept rule saw the connections
            long jumps = nft.rules(pre.ref()).get(0).counter().orElseThrow().packets();
            Rule published = nft.rules(fwd.ref()).get(1);
            assertEquals("published", published.comment());
            assertTrue(jumps >= 2, "prerouting counter " + jumps);
            assertTrue(published.counter().orElseThrow().packets() >= 2, published.toString());
            assertNotEquals(0, published.counter().orElseThrow().bytes());
            // and the map element counts what it translated: nat sees the first packet of each connection
            Element mapping = nft.elements(hostports).getFirst();
            assertEquals(2, mapping.counter().packets(), mapping.toString());

            nft.apply(tx -> tx.deleteElements(hostports).key(IpProtocol.TCP).key(routerIp).key(8080).add());
            assertEquals(null, connect(cli, "10.1.0.1", 8080));
            // the server itself is still there: it is the mapping that is gone
            assertTrue(server.isAlive());
        }
    }

    private static void waitForListener(String ns) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (Inside.exec(ns, "ss", "-Hltn", "sport = :80").out().contains(":80")) return;
            Thread.sleep(50);
        }
        throw new AssertionError("socat did not start listening in " + ns);
    }

    /**
     * The bridge family sees frames between two ports of one bridge, which never reach the ip hooks unless
     * br_netfilter passes them there: with it off, a port in the set is cut off from its neighbour, and taken out of
     * the set it is back.
     * <pre>
     *   a 10.3.0.2 ── va ┐
     *                    br0 (in namespace sw, bridge nlbridge forward: iifname @blocked counter drop)
     *   b 10.3.0.3 ── vb ┘
     * </pre>
     */
    @Test
    void aBridgeTableDropsFramesBetweenTwoPortsOfOneBridge(Sandbox sb) {
        Assumptions.assumeTrue(Host.has("ping"), "needs ping");
        List<String> names = sb.netns(List.of("a", "b", "sw"));
        String a = names.get(0), b = names.get(1), sw = names.get(2);
        ip(sw, "link", "add", "br0", "type", "bridge");
        ip(sw, "link", "add", "va", "type", "veth", "peer", "name", "eth0", "netns", a);
        ip(sw, "link", "add", "vb", "type", "veth", "peer", "name", "eth0", "netns", b);
        ip(sw, "link", "set", "va", "master", "br0");
        ip(sw, "link", "set", "vb", "master", "br0");
        ip(a, "addr", "add", "10.3.0.2/24", "dev", "eth0");
        ip(b, "addr", "add", "10.3.0.3/24", "dev", "eth0");
        for (String[] l : new String[][] {{sw, "br0"}, {sw, "va"}, {sw, "vb"}, {a, "eth0"}, {b, "eth0"}}) {
            ip(l[0], "link", "set", l[1], "up");
        }
        TableRef br = TableRef.of(Family.BRIDGE, "nlbridge");
        NamedSet blocked = NamedSet.set(br.set("blocked"), KeyType.of(FieldType.IFNAME));
        Chain forward = Chain.base(br.chain("forward"), ChainType.FILTER, Hook.FORWARD, Priority.BRIDGE_FILTER,
                Policy.ACCEPT);
        try (NetNs switchNs = NetNs.open(sw); Nft nft = Nft.open(switchNs, br)) {
            try {
                switchNs.writeSysctl("net/bridge/bridge-nf-call-iptables", "0");
            } catch (java.io.UncheckedIOException noBrNetfilter) {
                // without br_netfilter bridged frames never reach the ip hooks anyway
            }
            // the links just came up: the carrier and the first ARP may take a while on a loaded machine
            assertTrue(Tcp.eventually(() -> ping(a, "10.3.0.3")), "the bridge forwards before any rule");
            nft.apply(tx -> {
                tx.addTable(Table.of(br)).addSet(blocked).addChain(forward);
                tx.add(Rule.in(forward).inSet(blocked, Selector.IIFNAME).counter().drop());
                tx.addElements(blocked).add("va");
            });
            assertEquals(false, ping(a, "10.3.0.3"));
            assertEquals(false, ping(b, "10.3.0.2"), "the replies are dropped too: va is where they would come from");
            assertTrue(nft.rules(forward.ref()).getFirst().counter().orElseThrow().packets() >= 1);
            nft.apply(tx -> tx.deleteElements(blocked).add("va"));
            assertTrue(Tcp.eventually(() -> ping(a, "10.3.0.3")), "out of the set, the port is back");
        }
    }

    private static boolean ping(String ns, String addr) {
        return Inside.exec(ns, "ping", "-c1", "-W1", addr).exit() == 0;
    }

    /**
     * An anonymous interval set decides for real packets: the server drops pings from any source that is not
     * {@code 10.4.0.2} or in {@code 10.6.0.0/16}, and the client tries from three of its addresses.
     */
    @Test
    void anAnonymousSetDecidesWhichSourcesPass(Sandbox sb) {
        Assumptions.assumeTrue(Host.has("ping"), "needs ping");
        List<String> names = sb.netns(List.of("client", "server"));
        String cli = names.get(0), srv = names.get(1);
        ip(srv, "link", "add", "s0", "type", "veth", "peer", "name", "c0", "netns", cli);
        for (String a : new String[] {"10.4.0.2/16", "10.4.0.3/16", "10.6.1.1/16"}) ip(cli, "addr", "add", a, "dev", "c0");
        ip(srv, "addr", "add", "10.4.0.1/16", "dev", "s0");
        ip(cli, "link", "set", "c0", "up");
        ip(srv, "link", "set", "s0", "up");
        ip(srv, "route", "add", "10.6.0.0/16", "dev", "s0");
        TableRef t = TableRef.of(Family.IP, "nlbridge");
        Chain input = Chain.base(t.chain("input"), ChainType.FILTER, Hook.INPUT, Priority.FILTER, Policy.ACCEPT);
        try (NetNs server = NetNs.open(srv); Nft nft = Nft.open(server, t)) {
            nft.apply(tx -> tx.addTable(Table.of(t)).addChain(input).add(Rule.in(input)
                    .noneOf(Selector.IP_SADDR, Ipv4Address.parse("a", "10.4.0.2"), org.nlbridge.net.Cidr.parseSubnet("a",
                            "10.6.0.0/16")).counter().drop()));
            // what must pass is asked until it does (a fresh link's carrier and ARP may take seconds on a loaded
            // machine); once the path works, the one that must not pass is dropped whatever the load
            assertTrue(Tcp.eventually(() -> pingFrom(cli, "10.4.0.2", "10.4.0.1")), "in the set");
            assertTrue(Tcp.eventually(() -> pingFrom(cli, "10.6.1.1", "10.4.0.1")), "in a prefix of the set");
            assertEquals(false, pingFrom(cli, "10.4.0.3", "10.4.0.1"), "not in the set");
            assertEquals(1, nft.rules(input.ref()).getFirst().counter().orElseThrow().packets());
        }
    }

    private static boolean pingFrom(String ns, String from, String addr) {
        return Inside.exec(ns, "ping", "-c1", "-W1", "-I", from, addr).exit() == 0;
    }
}

package org.nlbridge.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpProtocol;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.netns.NetNs;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Inside;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/** Every object kind created through the engine, as the real nft lists it, and as the engine lists it back. */
@ExtendWith(SandboxExtension.class)
class NftObjectsTest {
    static final TableRef IP = TableRef.of(Family.IP, "nlbridge");
    static final TableRef IP6 = TableRef.of(Family.IP6, "nlbridge");
    static final TableRef INET = TableRef.of(Family.INET, "nlbridge");
    static final TableRef BRIDGE = TableRef.of(Family.BRIDGE, "nlbridge");

    static Ipv4Address v4(String s) {
        return Ipv4Address.parse("test", s);
    }

    static Ipv6Address v6(String s) {
        return Ipv6Address.parse("test", s);
    }

    static Cidr net(String s) {
        return Cidr.parseSubnet("test", s);
    }

    static String nftList(String ns, TableRef t) {
        return Inside.run(ns, "nft", "list", "table", t.family().toString(), t.name());
    }

    /** The Docker nftables layout (moby's docker-bridges table), with our maps for ports, in one transaction. */
    static void dockerLike(Transaction tx) {
        tx.addTable(Table.of(IP).withComment("owned by nlbridge"));
        NamedSet hostports = NamedSet.map(IP.set("hostports"),
                KeyType.of(FieldType.INET_PROTO, FieldType.IPV4_ADDR, FieldType.INET_SERVICE),
                KeyType.of(FieldType.IPV4_ADDR, FieldType.INET_SERVICE));
        NamedSet inJumps = NamedSet.verdictMap(IP.set("filter-forward-in-jumps"), KeyType.of(FieldType.IFNAME));
        NamedSet published = NamedSet.set(IP.set("published"), KeyType.of(FieldType.IPV4_ADDR, FieldType.INET_SERVICE))
                .withComment("published ports");
        NamedSet blocked = NamedSet.intervalSet(IP.set("blocked"), FieldType.IPV4_ADDR);
        NamedSet ports = NamedSet.set(IP.set("ports"), KeyType.of(FieldType.INET_SERVICE));
        tx.addSet(hostports).addSet(inJumps).addSet(published).addSet(blocked).addSet(ports);

        Chain forward = Chain.base(IP.chain("filter-FORWARD"), ChainType.FILTER, Hook.FORWARD, Priority.FILTER, Policy.ACCEPT);
        Chain pre = Chain.base(IP.chain("nat-PREROUTING"), ChainType.NAT, Hook.PREROUTING, Priority.DSTNAT, Policy.ACCEPT);
        Chain out = Chain.base(IP.chain("nat-OUTPUT"), ChainType.NAT, Hook.OUTPUT, Priority.DSTNAT, Policy.ACCEPT);
        Chain post = Chain.base(IP.chain("nat-POSTROUTING"), ChainType.NAT, Hook.POSTROUTING, Priority.SRCNAT, Policy.ACCEPT);
        Chain raw = Chain.base(IP.chain("raw-PREROUTING"), ChainType.FILTER, Hook.PREROUTING, Priority.RAW, Policy.ACCEPT);
        Chain route = Chain.base(IP.chain("route-OUTPUT"), ChainType.ROUTE, Hook.OUTPUT, Priority.MANGLE, Policy.ACCEPT);
        Chain dnat = Chain.regular(IP.chain("nat-prerouting-and-output"));
        Chain in = Chain.regular(IP.chain("filter-forward-in__br0")).withComment("bridge br0");
        Chain postOut = Chain.regular(IP.chain("nat-postrouting-out__br0"));
        for (Chain c : List.of(forward, pre, out, post, raw, route, dnat, in, postOut)) tx.addChain(c);

        tx.add(Rule.in(forward).oifname("br0").vmap(inJumps, Selector.OIFNAME));
        tx.add(Rule.in(forward).ctStatus(CtStatus.DNAT).accept());
        tx.add(Rule.in(pre).fibDaddrTypeLocal().counter().jump(dnat));
        tx.add(Rule.in(out).ipDaddrNot(net("127.0.0.0/8")).fibDaddrTypeLocal().counter().jump(dnat));
        tx.add(Rule.in(post).iifname("br0").jump("nat-postrouting-out__br0"));
        tx.add(Rule.in(raw).ipDaddr(v4("192.168.0.2")).iifnameNot("br0").counter().drop().comment("DROP DIRECT ACCESS"));
        tx.add(Rule.in(raw).iifnameNot("lo").ipDaddr(v4("127.0.0.1")).tcpDport(8080).counter().drop()
                .comment("DROP REMOTE LOOPBACK"));
        tx.add(Rule.in(raw).ipSaddrNot(net("10.0.0.0/20")).notInSet(blocked, Selector.IP_SADDR).drop());
        tx.add(Rule.in(route).metaMark(0x10).ctMark(0x20).setMetaMark(1));
        tx.add(Rule.in(dnat).iifnameNot("br0").tcpDport(8080).counter().dnat(v4("192.168.0.2"), 80).comment("DNAT"));
        tx.add(Rule.in(dnat).dnatMap(hostports, Selector.L4PROTO, Selector.IP_DADDR, Selector.TH_DPORT));
        tx.add(Rule.in(in).ctState(CtState.ESTABLISHED, CtState.RELATED).counter().accept());
        tx.add(Rule.in(in).iifname("br0").counter().accept().comment("ICC"));
        tx.add(Rule.in(in).inSet(published, Selector.IP_DADDR, Selector.TCP_DPORT).counter().accept());
        tx.add(Rule.in(in).l4proto(IpProtocol.UDP).inSet(ports, Selector.TH_DPORT).accept());
        tx.add(Rule.in(in).counter().drop().comment("UNPUBLISHED PORT DROP"));
        tx.add(Rule.in(postOut).oifnameNot("br0").ipSaddr(net("192.168.0.0/24")).counter().masquerade().comment("MASQUERADE"));
        tx.add(Rule.in(postOut).snat(v4("10.9.8.7")));

        tx.addElements(hostports)
                .key(IpProtocol.TCP).key(v4("10.0.0.1")).key(8080).value(v4("192.168.0.2")).value(80).add()
                .key(IpProtocol.UDP).key(v4("10.0.0.1")).key(5353).value(v4("192.168.0.3")).value(53).comment("dns").add();
        tx.addElements(inJumps).key("br0").verdict(Verdict.jump("filter-forward-in__br0")).add();
        tx.addElements(published).add(v4("192.168.0.2"), 80);
        tx.addElements(blocked).prefix(net("10.0.0.0/8")).add().key(v4("192.168.1.5")).add()
                .range(v4("172.16.0.1"), v4("172.16.0.9")).add();
        tx.addElements(ports).add(53).add(67).add(68).add(123).add(5353).add(5354);
    }

    static void ip6AndInet(Transaction tx) {
        tx.addTable(Table.of(IP6));
        Chain f6 = Chain.base(IP6.chain("filter-FORWARD"), ChainType.FILTER, Hook.FORWARD, Priority.FILTER.plus(5), Policy.DROP);
        Chain n6 = Chain.base(IP6.chain("nat-PREROUTING"), ChainType.NAT, Hook.PREROUTING, Priority.DSTNAT.plus(-10), Policy.ACCEPT);
        NamedSet nets6 = NamedSet.intervalSet(IP6.set("nets"), FieldType.IPV6_ADDR);
        tx.addSet(nets6).addChain(f6).addChain(n6);
        tx.add(Rule.in(f6).ip6Saddr(net("fd00::/64")).ip6DaddrNot(net("fd00:1::/60")).udpDport(53).accept());
        tx.add(Rule.in(f6).inSet(nets6, Selector.IP6_DADDR).counter().accept());
        tx.add(Rule.in(n6).ip6Daddr(Cidr.of(v6("fd00::1"), 128)).tcpDport(80).dnat(v6("fd00::2"), 8080));
        tx.addElements(nets6).prefix(net("fd00::/64")).add().key(v6("fd01::1")).add();

        tx.addTable(Table.of(INET));
        Chain fi = Chain.base(INET.chain("input"), ChainType.FILTER, Hook.INPUT, Priority.of(25), Policy.ACCEPT);
        Chain pi = Chain.base(INET.chain("postrouting"), ChainType.NAT, Hook.POSTROUTING, Priority.SRCNAT, Policy.ACCEPT);
        Chain di = Chain.base(INET.chain("prerouting"), ChainType.NAT, Hook.PREROUTING, Priority.DSTNAT, Policy.ACCEPT);
        tx.addChain(fi).addChain(pi).addChain(di);
        tx.add(Rule.in(fi).saddr(net("10.0.0.0/8")).tcpDport(22).accept());
        tx.add(Rule.in(fi).daddr(v6("::1")).drop());
        tx.add(Rule.in(fi).nfproto(Family.IP6).counter());
        tx.add(Rule.in(pi).oifname("eth0").masquerade());
        tx.add(Rule.in(di).tcpDport(80).dnat(v4("1.2.3.4"), 8080));
    }

    static final String IP_TEXT = """
            table ip nlbridge {
            \tcomment "owned by nlbridge"
            \tmap hostports {
            \t\ttype inet_proto . ipv4_addr . inet_service : ipv4_addr . inet_service
            \t\telements = { tcp . 10.0.0.1 . 8080 : 192.168.0.2 . 80,
            \t\t\t     udp . 10.0.0.1 . 5353 comment "dns" : 192.168.0.3 . 53 }
            \t}

            \tmap filter-forward-in-jumps {
            \t\ttype ifname : verdict
            \t\telements = { "br0" : jump filter-forward-in__br0 }
            \t}

            \tset published {
            \t\ttype ipv4_addr . inet_service
            \t\tcomment "published ports"
            \t\telements = { 192.168.0.2 . 80 }
            \t}

            \tset blocked {
            \t\ttype ipv4_addr
            \t\tflags interval
            \t\telements = { 10.0.0.0/8, 172.16.0.1-172.16.0.9,
            \t\t\t     192.168.1.5 }
            \t}

            \tset ports {
            \t\ttype inet_service
            \t\telements = { 53, 67, 68, 123, 5353,
            \t\t\t     5354 }
            \t}

            \tchain filter-FORWARD {
            \t\ttype filter hook forward priority filter; policy accept;
            \t\toifname "br0" oifname vmap @filter-forward-in-jumps
            \t\tct status dnat accept
            \t}

            \tchain nat-PREROUTING {
            \t\ttype nat hook prerouting priority dstnat; policy accept;
            \t\tfib daddr type local counter packets 0 bytes 0 jump nat-prerouting-and-output
            \t}

            \tchain nat-OUTPUT {
            \t\ttype nat hook output priority -100; policy accept;
            \t\tip daddr != 127.0.0.0/8 fib daddr type local counter packets 0 bytes 0 jump nat-prerouting-and-output
            \t}

            \tchain nat-POSTROUTING {
            \t\ttype nat hook postrouting priority srcnat; policy accept;
            \t\tiifname "br0" jump nat-postrouting-out__br0
            \t}

            \tchain raw-PREROUTING {
            \t\ttype filter hook prerouting priority raw; policy accept;
            \t\tip daddr 192.168.0.2 iifname != "br0" counter packets 0 bytes 0 drop comment "DROP DIRECT ACCESS"
            \t\tiifname != "lo" ip daddr 127.0.0.1 tcp dport 8080 counter packets 0 bytes 0 drop comment "DROP REMOTE LOOPBACK"
            \t\tip saddr != 10.0.0.0/20 ip saddr != @blocked drop
            \t}

            \tchain route-OUTPUT {
            \t\ttype route hook output priority mangle; policy accept;
            \t\tmeta mark 0x00000010 ct mark 0x00000020 meta mark set 0x00000001
            \t}

            \tchain nat-prerouting-and-output {
            \t\tiifname != "br0" tcp dport 8080 counter packets 0 bytes 0 dnat to 192.168.0.2:80 comment "DNAT"
            \t\tdnat ip to meta l4proto . ip daddr . th dport map @hostports
            \t}

            \tchain filter-forward-in__br0 {
            \t\tcomment "bridge br0"
            \t\tct state established,related counter packets 0 bytes 0 accept
            \t\tiifname "br0" counter packets 0 bytes 0 accept comment "ICC"
            \t\tip daddr . tcp dport @published counter packets 0 bytes 0 accept
            \t\tudp dport @ports accept
            \t\tcounter packets 0 bytes 0 drop comment "UNPUBLISHED PORT DROP"
            \t}

            \tchain nat-postrouting-out__br0 {
            \t\toifname != "br0" ip saddr 192.168.0.0/24 counter packets 0 bytes 0 masquerade comment "MASQUERADE"
            \t\tsnat to 10.9.8.7
            \t}
            }
            """;

    static final String IP6_TEXT = """
            table ip6 nlbridge {
            \tset nets {
            \t\ttype ipv6_addr
            \t\tflags interval
            \t\telements = { fd00::/64,
            \t\t\t     fd01::1 }
            \t}

            \tchain filter-FORWARD {
            \t\ttype filter hook forward priority filter + 5; policy drop;
            \t\tip6 saddr fd00::/64 ip6 daddr != fd00:1::/60 udp dport 53 accept
            \t\tip6 daddr @nets counter packets 0 bytes 0 accept
            \t}

            \tchain nat-PREROUTING {
            \t\ttype nat hook prerouting priority dstnat - 10; policy accept;
            \t\tip6 daddr fd00::1 tcp dport 80 dnat to [fd00::2]:8080
            \t}
            }
            """;

    static final String INET_TEXT = """
            table inet nlbridge {
            \tchain input {
            \t\ttype filter hook input priority 25; policy accept;
            \t\tip saddr 10.0.0.0/8 tcp dport 22 accept
            \t\tip6 daddr ::1 drop
            \t\tmeta nfproto ipv6 counter packets 0 bytes 0
            \t}

            \tchain postrouting {
            \t\ttype nat hook postrouting priority srcnat; policy accept;
            \t\toifname "eth0" masquerade
            \t}

            \tchain prerouting {
            \t\ttype nat hook prerouting priority dstnat; policy accept;
            \t\ttcp dport 80 dnat ip to 1.2.3.4:8080
            \t}
            }
            """;

    @Test
    void everyObjectKindIsListedByNftAsExpectedAndReadBackIdentically(Sandbox sb) {
        String ns = sb.netns("objects");
        try (NetNs n = NetNs.open(ns); Nft nft = Nft.open(n, IP, IP6, INET)) {
            nft.apply(tx -> {
                dockerLike(tx);
                ip6AndInet(tx);
            });
            String ip = nftList(ns, IP);
            assertEquals(IP_TEXT, ip);
            assertEquals(IP6_TEXT, nftList(ns, IP6));
            assertEquals(INET_TEXT, nftList(ns, INET));
            // the engine's own listing prints what nft prints
            assertEquals(ip, nft.list(IP).orElseThrow().toString());
            assertEquals(IP6_TEXT, nft.list(IP6).orElseThrow().toString());
            assertEquals(INET_TEXT, nft.list(INET).orElseThrow().toString());

            // a second oracle: nft's JSON for the base chains' numbers
            JsonNode rs = Oracle.nft(ns).path("nftables");
            int seen = 0;
            for (JsonNode o : rs) {
                JsonNode c = o.path("chain");
                if (c.isMissingNode() || !c.has("hook")) continue;
                if (c.path("family").asText().equals("ip6") && c.path("name").asText().equals("filter-FORWARD")) {
                    assertEquals(5, c.path("prio").asInt());
                    assertEquals("drop", c.path("policy").asText());
                    seen++;
                }
                if (c.path("family").asText().equals("ip") && c.path("name").asText().equals("nat-OUTPUT")) {
                    assertEquals(-100, c.path("prio").asInt());
                    assertEquals("nat", c.path("type").asText());
                    assertEquals("output", c.path("hook").asText());
                    seen++;
                }
            }
            assertEquals(2, seen);
        }
    }

    @Test
    void listedRulesEqualTheRulesTheyWereBuiltFrom(Sandbox sb) {
        String ns = sb.netns("equal");
        java.util.List<Rule> built = new java.util.ArrayList<>();
        try (NetNs n = NetNs.open(ns); Nft nft = Nft.open(n, IP, IP6, INET)) {
            nft.apply(tx -> {
                dockerLike(tx);
                ip6AndInet(tx);
                for (Transaction.Op op : tx.ops()) {
                    if (op.object() instanceof Rule r) built.add(r);
                }
            });
            java.util.List<Rule> listed = new java.util.ArrayList<>();
            for (TableRef t : java.util.List.of(IP, IP6, INET)) {
                for (Listing.ChainListing c : nft.list(t).orElseThrow().chains()) {
                    for (Rule r : c.rules()) listed.add(r.withoutState());
                }
            }
            assertEquals(built.size(), listed.size());
            for (Rule r : built) {
                assertEquals(true, listed.contains(r), "listed back unchanged: " + r + "\n" + r.toDebugString()
                        + "listed:\n" + listed.stream().filter(l -> l.chain().equals(r.chain()))
                        .map(Rule::toDebugString).reduce("", String::concat));
            }
        }
    }

    /** The bridge family: its own hooks' priorities (printed with its own names), ifname sets of bridge ports. */
    static void bridge(Transaction tx) {
        tx.addTable(Table.of(BRIDGE));
        NamedSet ports = NamedSet.set(BRIDGE.set("icc-off-ports"), KeyType.of(FieldType.IFNAME));
        Chain forward = Chain.base(BRIDGE.chain("forward"), ChainType.FILTER, Hook.FORWARD, Priority.BRIDGE_FILTER,
                Policy.ACCEPT);
        Chain pre = Chain.base(BRIDGE.chain("prerouting"), ChainType.FILTER, Hook.PREROUTING, Priority.BRIDGE_DSTNAT,
                Policy.ACCEPT);
        Chain out = Chain.base(BRIDGE.chain("output"), ChainType.FILTER, Hook.OUTPUT, Priority.BRIDGE_OUT.plus(1),
                Policy.ACCEPT);
        tx.addSet(ports).addChain(forward).addChain(pre).addChain(out);
        tx.add(Rule.in(forward).inSet(ports, Selector.IIFNAME).counter().drop().comment("icc=false"));
        tx.add(Rule.in(forward).oifname("vc2").l4proto(IpProtocol.TCP).thDport(22).accept());
        tx.add(Rule.in(pre).iifnameNot("vc1").counter());
        tx.addElements(ports).add("vc1").add("vc3");
    }

    static final String BRIDGE_TEXT = """
            table bridge nlbridge {
            \tset icc-off-ports {
            \t\ttype ifname
            \t\telements = { "vc1",
            \t\t\t     "vc3" }
            \t}

            \tchain forward {
            \t\ttype filter hook forward priority filter; policy accept;
            \t\tiifname @icc-off-ports counter packets 0 bytes 0 drop comment "icc=false"
            \t\toifname "vc2" tcp dport 22 accept
            \t}

            \tchain prerouting {
            \t\ttype filter hook prerouting priority dstnat; policy accept;
            \t\tiifname != "vc1" counter packets 0 bytes 0
            \t}

            \tchain output {
            \t\ttype filter hook output priority out + 1; policy accept;
            \t}
            }
            """;

    @Test
    void theBridgeFamilyIsListedByNftAsExpectedAndReadBackIdentically(Sandbox sb) {
        String ns = sb.netns("bridge");
        List<Rule> built = new java.util.ArrayList<>();
        try (NetNs n = NetNs.open(ns); Nft nft = Nft.open(n, BRIDGE)) {
            nft.apply(tx -> {
                bridge(tx);
                for (Transaction.Op op : tx.ops()) {
                    if (op.object() instanceof Rule r) built.add(r);
                }
            });
            assertEquals(BRIDGE_TEXT, nftList(ns, BRIDGE));
            Listing listed = nft.list(BRIDGE).orElseThrow();
            assertEquals(BRIDGE_TEXT, listed.toString());
            assertEquals(built, listed.chains().stream().flatMap(c -> c.rules().stream()).map(Rule::withoutState).toList());
            assertEquals(true, nft.tables().contains(BRIDGE));
        }
    }

    static final String COUNTED_TEXT = """
            table ip nlbridge {
            \tmap ports {
            \t\ttype inet_proto . inet_service : ipv4_addr . inet_service
            \t\tcounter
            \t\telements = { udp . 53 counter packets 0 bytes 0 : 172.18.0.3 . 53,
            \t\t\t     tcp . 5000 counter packets 0 bytes 0 comment "web" : 172.18.0.2 . 22 }
            \t}

            \tset nets {
            \t\ttype ipv4_addr
            \t\tflags interval
            \t\tcounter
            \t\tcomment "counted"
            \t\telements = { 10.0.0.0/8 counter packets 0 bytes 0 }
            \t}

            \tmap jumps {
            \t\ttype ifname : verdict
            \t\tcounter
            \t\telements = { "br0" counter packets 0 bytes 0 : jump c }
            \t}

            \tchain c {
            \t}
            }
            """;

    static final NamedSet PORTS = NamedSet.map(IP.set("ports"), KeyType.of(FieldType.INET_PROTO, FieldType.INET_SERVICE),
            KeyType.of(FieldType.IPV4_ADDR, FieldType.INET_SERVICE)).withCounter();
    static final NamedSet NETS = NamedSet.intervalSet(IP.set("nets"), FieldType.IPV4_ADDR).withCounter().withComment("counted");
    static final NamedSet JUMPS = NamedSet.verdictMap(IP.set("jumps"), KeyType.of(FieldType.IFNAME)).withCounter();

    static void counted(Transaction tx) {
        tx.addTable(Table.of(IP)).addSet(PORTS).addSet(NETS).addSet(JUMPS).addChain(Chain.regular(IP.chain("c")));
        tx.addElements(PORTS).key(IpProtocol.TCP).key(5000).value(v4("172.18.0.2")).value(22).comment("web").add()
                .add(IpProtocol.UDP, 53, v4("172.18.0.3"), 53);
        tx.addElements(NETS).prefix(net("10.0.0.0/8")).add();
        tx.addElements(JUMPS).add("br0", Verdict.jump("c"));
    }

    /** Sets with a counter: nft lists the flag and a counter on every element; the engine reads them back. */
    @Test
    void setsWithACounterCountEachElement(Sandbox sb) {
        String ns = sb.netns("counted");
        try (NetNs n = NetNs.open(ns); Nft nft = Nft.open(n, IP)) {
            nft.apply(NftObjectsTest::counted);
            assertEquals(COUNTED_TEXT, nftList(ns, IP));
            Listing l = nft.list(IP).orElseThrow();
            assertEquals(COUNTED_TEXT, l.toString());
            assertEquals(List.of(PORTS, NETS, JUMPS), l.sets().stream().map(Listing.SetListing::set).toList());
            Element web = nft.elements(PORTS).stream().filter(e -> e.key().equals(List.of(IpProtocol.TCP, 5000)))
                    .findFirst().orElseThrow();
            assertEquals(Expr.Counter.ZERO, web.counter());
        }
    }

    static final String ANONYMOUS_TEXT = """
            table inet nlbridge {
            \tchain forward {
            \t\ttype filter hook forward priority filter - 10; policy accept;
            \t\tiifname "eth0" ip saddr != { 8.8.8.8, 10.0.0.0/8 } counter packets 0 bytes 0 drop
            \t\tiifname "eth0" ip6 saddr != { 2001:db8::1, fd00::/8 } counter packets 0 bytes 0 drop
            \t\ttcp dport { 22, 80-90 } accept
            \t\tiifname { "eth1", "eth2" } udp dport { 53, 5353 } accept
            \t}
            }
            """;

    static final Chain FORWARD = Chain.base(INET.chain("forward"), ChainType.FILTER, Hook.FORWARD,
            Priority.FILTER.plus(-10), Policy.ACCEPT);
    static final List<Rule> ANONYMOUS = List.of(
            Rule.in(FORWARD).iifname("eth0").noneOf(Selector.IP_SADDR, v4("8.8.8.8"), net("10.0.0.0/8")).counter().drop().build(),
            Rule.in(FORWARD).iifname("eth0").noneOf(Selector.IP6_SADDR, net("fd00::/8"), v6("2001:db8::1")).counter().drop().build(),
            Rule.in(FORWARD).anyOf(Selector.TCP_DPORT, 22, new Range(80, 90)).accept().build(),
            Rule.in(FORWARD).anyOf(Selector.IIFNAME, "eth1", "eth2").anyOf(Selector.UDP_DPORT, 53, 5353).accept().build());

    static void anonymous(Transaction tx) {
        tx.addTable(Table.of(INET)).addChain(FORWARD);
        ANONYMOUS.forEach(tx::add);
    }

    /**
     * Anonymous sets: sent with their rules, listed by nft inside them, read back into them by the engine, and gone
     * with them.
     */
    @Test
    void anonymousSetsTravelWithTheirRules(Sandbox sb) {
        String ns = sb.netns("anonymous");
        Chain fwd = FORWARD;
        List<Rule> built = ANONYMOUS;
        try (NetNs n = NetNs.open(ns); Nft nft = Nft.open(n, INET)) {
            nft.apply(NftObjectsTest::anonymous);
            assertEquals(ANONYMOUS_TEXT, nftList(ns, INET));
            assertEquals(ANONYMOUS_TEXT, nft.list(INET).orElseThrow().toString());
            List<Rule> listed = nft.rules(fwd.ref());
            assertEquals(built, listed.stream().map(Rule::withoutState).toList());
            assertEquals(true, listed.getFirst().exprs().stream().anyMatch(e -> e instanceof Expr.Lookup l
                    && l.set().matches("__set[0-9]+")), "listed under the kernel's name: " + listed.getFirst().toDebugString());
            // nft lists no anonymous sets on their own; the engine's dump sees them
            assertEquals(5, anonymousSets(nft), "one per { ... }");

            nft.apply(tx -> tx.flushChain(fwd.ref()));
            assertEquals(0, anonymousSets(nft), "the anonymous sets went with their rules");
        }
    }

    static long anonymousSets(Nft nft) {
        return nft.setsOf(INET).stream().filter(Decoder.SetRow::anonymous).count();
    }

    /**
     * A transaction's {@code nft -f} script is what nft loads into the same tables: each group committed by the engine
     * in one namespace and loaded by nft from the script in another lists identically.
     */
    @Test
    void aTransactionsScriptIsWhatNftLoadsIdentically(Sandbox sb) {
        List<java.util.function.Consumer<Transaction>> groups = List.of(tx -> {
            dockerLike(tx);
            ip6AndInet(tx);
        }, NftObjectsTest::bridge, NftObjectsTest::counted, NftObjectsTest::anonymous);
        int i = 0;
        for (java.util.function.Consumer<Transaction> group : groups) {
            List<String> ns = sb.netns(List.of("engine" + i, "script" + i));
            i++;
            try (NetNs n = NetNs.open(ns.get(0)); Nft nft = Nft.open(n, IP, IP6, INET, BRIDGE)) {
                Transaction tx = nft.transaction();
                group.accept(tx);
                nft.commit(tx);
                Cmd.run(tx.toScript(), "ip", "netns", "exec", ns.get(1), "nft", "-f", "-");
                for (TableRef t : tx.tables()) {
                    if (!nft.exists(t)) continue;
                    assertEquals(nftList(ns.get(0), t), nftList(ns.get(1), t), "table " + t + " from the script:\n"
                            + tx.toScript());
                }
            }
        }
    }
}

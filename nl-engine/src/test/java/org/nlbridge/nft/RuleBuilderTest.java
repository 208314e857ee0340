package org.nlbridge.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpProtocol;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.netlink.AttrCursor;
import org.nlbridge.netlink.MsgWriter;

/**
 * Each rule the builder writes, against what nft 1.0.6 writes for the same text: the expressions as
 * {@code nft --debug=netlink} prints them (captured from nft, not from us), the text as {@code nft list} prints it,
 * and a round trip through the wire encoding and back.
 */
class RuleBuilderTest {
    static final TableRef IP = TableRef.of(Family.IP, "nlbridge");
    static final TableRef IP6 = TableRef.of(Family.IP6, "nlbridge");
    static final TableRef INET = TableRef.of(Family.INET, "nlbridge");
    static final NamedSet HOSTPORTS = NamedSet.map(IP.set("hp"), KeyType.of(FieldType.INET_PROTO, FieldType.IPV4_ADDR,
            FieldType.INET_SERVICE), KeyType.of(FieldType.IPV4_ADDR, FieldType.INET_SERVICE));
    static final NamedSet JUMPS = NamedSet.verdictMap(IP.set("vm"), KeyType.of(FieldType.IFNAME));
    static final NamedSet CIDRS = NamedSet.intervalSet(IP.set("cidrs"), FieldType.IPV4_ADDR);
    static final TableRef BRIDGE = TableRef.of(Family.BRIDGE, "nlbridge");
    static final NamedSet PORTS = NamedSet.set(BRIDGE.set("ports"), KeyType.of(FieldType.IFNAME));
    static final NamedSet PAIRS = NamedSet.set(INET.set("s"), KeyType.of(FieldType.IPV4_ADDR, FieldType.INET_SERVICE));

    static Ipv4Address v4(String s) {
        return Ipv4Address.parse("t", s);
    }

    static Cidr net(String s) {
        return Cidr.parseSubnet("t", s);
    }

    static Arguments rule(TableRef t, Function<RuleBuilder, RuleBuilder> f, String text, String debug) {
        return Arguments.of(f.apply(Rule.in(t.chain("c"))).build(), text, debug);
    }

    static Stream<Arguments> rules() {
        return Stream.of(
                rule(IP, r -> r.iifname("br0").accept(), "iifname \"br0\" accept", """
                        [ meta load iifname => reg 1 ]
                        [ cmp eq reg 1 0x00307262 0x00000000 0x00000000 0x00000000 ]
                        [ immediate reg 0 accept ]
                        """),
                rule(IP, r -> r.oifnameNot("br0").ipSaddr(net("192.168.0.0/24")).counter().masquerade().comment("MASQUERADE"),
                        "oifname != \"br0\" ip saddr 192.168.0.0/24 counter packets 0 bytes 0 masquerade comment \"MASQUERADE\"", """
                        [ meta load oifname => reg 1 ]
                        [ cmp neq reg 1 0x00307262 0x00000000 0x00000000 0x00000000 ]
                        [ payload load 3b @ network header + 12 => reg 1 ]
                        [ cmp eq reg 1 0x0000a8c0 ]
                        [ counter pkts 0 bytes 0 ]
                        [ masq ]
                        """),
                rule(IP, r -> r.iifnameNot("br0").tcpDport(8080).counter().dnat(v4("192.168.0.2"), 80).comment("DNAT"),
                        "iifname != \"br0\" tcp dport 8080 counter packets 0 bytes 0 dnat to 192.168.0.2:80 comment \"DNAT\"", """
                        [ meta load iifname => reg 1 ]
                        [ cmp neq reg 1 0x00307262 0x00000000 0x00000000 0x00000000 ]
                        [ meta load l4proto => reg 1 ]
                        [ cmp eq reg 1 0x00000006 ]
                        [ payload load 2b @ transport header + 2 => reg 1 ]
                        [ cmp eq reg 1 0x0000901f ]
                        [ counter pkts 0 bytes 0 ]
                        [ immediate reg 1 0x0200a8c0 ]
                        [ immediate reg 2 0x00005000 ]
                        [ nat dnat ip addr_min reg 1 proto_min reg 2 flags 0x2 ]
                        """),
                rule(IP, r -> r.dnatMap(HOSTPORTS, Selector.L4PROTO, Selector.IP_DADDR, Selector.TH_DPORT),
                        "dnat ip to meta l4proto . ip daddr . th dport map @hp", """
                        [ meta load l4proto => reg 1 ]
                        [ payload load 4b @ network header + 16 => reg 9 ]
                        [ payload load 2b @ transport header + 2 => reg 10 ]
                        [ lookup reg 1 set hp dreg 1 ]
                        [ nat dnat ip addr_min reg 1 proto_min reg 9 ]
                        """),
                rule(IP, r -> r.ctState(CtState.ESTABLISHED, CtState.RELATED).counter().accept(),
                        "ct state established,related counter packets 0 bytes 0 accept", """
                        [ ct load state => reg 1 ]
                        [ bitwise reg 1 = ( reg 1 & 0x00000006 ) ^ 0x00000000 ]
                        [ cmp neq reg 1 0x00000000 ]
                        [ counter pkts 0 bytes 0 ]
                        [ immediate reg 0 accept ]
                        """),
                rule(IP, r -> r.ipDaddrNot(net("127.0.0.0/8")).fibDaddrTypeLocal().counter().jump("c"),
                        "ip daddr != 127.0.0.0/8 fib daddr type local counter packets 0 bytes 0 jump c", """
                        [ payload load 1b @ network header + 16 => reg 1 ]
                        [ cmp neq reg 1 0x0000007f ]
                        [ fib daddr type => reg 1 ]
                        [ cmp eq reg 1 0x00000002 ]
                        [ counter pkts 0 bytes 0 ]
                        [ immediate reg 0 jump -> c ]
                        """),
                rule(IP, r -> r.vmap(JUMPS, Selector.OIFNAME), "oifname vmap @vm", """
                        [ meta load oifname => reg 1 ]
                        [ lookup reg 1 set vm dreg 0 ]
                        """),
                rule(IP, r -> r.notInSet(CIDRS, Selector.IP_SADDR).drop(), "ip saddr != @cidrs drop", """
                        [ payload load 4b @ network header + 12 => reg 1 ]
                        [ lookup reg 1 set cidrs 0x1 ]
                        [ immediate reg 0 drop ]
                        """),
                rule(IP, r -> r.ipSaddrNot(net("10.0.0.0/20")), "ip saddr != 10.0.0.0/20", """
                        [ payload load 4b @ network header + 12 => reg 1 ]
                        [ bitwise reg 1 = ( reg 1 & 0x00f0ffff ) ^ 0x00000000 ]
                        [ cmp neq reg 1 0x0000000a ]
                        """),
                rule(IP, r -> r.metaMark(0x10).ctMark(0x20).setMetaMark(1),
                        "meta mark 0x00000010 ct mark 0x00000020 meta mark set 0x00000001", """
                        [ meta load mark => reg 1 ]
                        [ cmp eq reg 1 0x00000010 ]
                        [ ct load mark => reg 1 ]
                        [ cmp eq reg 1 0x00000020 ]
                        [ immediate reg 1 0x00000001 ]
                        [ meta set mark with reg 1 ]
                        """),
                rule(IP, r -> r.ctStatus(CtStatus.DNAT).accept(), "ct status dnat accept", """
                        [ ct load status => reg 1 ]
                        [ bitwise reg 1 = ( reg 1 & 0x00000020 ) ^ 0x00000000 ]
                        [ cmp neq reg 1 0x00000000 ]
                        [ immediate reg 0 accept ]
                        """),
                rule(IP, r -> r.snat(v4("10.9.8.7")), "snat to 10.9.8.7", """
                        [ immediate reg 1 0x0708090a ]
                        [ nat snat ip addr_min reg 1 ]
                        """),
                rule(IP, r -> r.udpSport(53).ret(), "udp sport 53 return", """
                        [ meta load l4proto => reg 1 ]
                        [ cmp eq reg 1 0x00000011 ]
                        [ payload load 2b @ transport header + 0 => reg 1 ]
                        [ cmp eq reg 1 0x00003500 ]
                        [ immediate reg 0 return ]
                        """),
                rule(IP, r -> r.ipDaddr(v4("192.168.0.2")).iifnameNot("br0").counter().drop().comment("DROP DIRECT ACCESS"),
                        "ip daddr 192.168.0.2 iifname != \"br0\" counter packets 0 bytes 0 drop comment \"DROP DIRECT ACCESS\"", """
                        [ payload load 4b @ network header + 16 => reg 1 ]
                        [ cmp eq reg 1 0x0200a8c0 ]
                        [ meta load iifname => reg 1 ]
                        [ cmp neq reg 1 0x00307262 0x00000000 0x00000000 0x00000000 ]
                        [ counter pkts 0 bytes 0 ]
                        [ immediate reg 0 drop ]
                        """),
                rule(IP6, r -> r.ip6Saddr(net("fd00::/64")).ip6DaddrNot(net("fd00:1::/60")).udpDport(53).accept(),
                        "ip6 saddr fd00::/64 ip6 daddr != fd00:1::/60 udp dport 53 accept", """
                        [ payload load 8b @ network header + 8 => reg 1 ]
                        [ cmp eq reg 1 0x000000fd 0x00000000 ]
                        [ payload load 16b @ network header + 24 => reg 1 ]
                        [ bitwise reg 1 = ( reg 1 & 0xffffffff 0xf0ffffff 0x00000000 0x00000000 ) ^ 0x00000000 0x00000000 0x00000000 0x00000000 ]
                        [ cmp neq reg 1 0x010000fd 0x00000000 0x00000000 0x00000000 ]
                        [ meta load l4proto => reg 1 ]
                        [ cmp eq reg 1 0x00000011 ]
                        [ payload load 2b @ transport header + 2 => reg 1 ]
                        [ cmp eq reg 1 0x00003500 ]
                        [ immediate reg 0 accept ]
                        """),
                rule(IP6, r -> r.daddr(Ipv6Address.parse("t", "fd00::1")).tcpDport(80).dnat(Ipv6Address.parse("t", "fd00::2"), 8080),
                        "ip6 daddr fd00::1 tcp dport 80 dnat to [fd00::2]:8080", """
                        [ payload load 16b @ network header + 24 => reg 1 ]
                        [ cmp eq reg 1 0x000000fd 0x00000000 0x00000000 0x01000000 ]
                        [ meta load l4proto => reg 1 ]
                        [ cmp eq reg 1 0x00000006 ]
                        [ payload load 2b @ transport header + 2 => reg 1 ]
                        [ cmp eq reg 1 0x00005000 ]
                        [ immediate reg 1 0x000000fd 0x00000000 0x00000000 0x02000000 ]
                        [ immediate reg 2 0x0000901f ]
                        [ nat dnat ip6 addr_min reg 1 proto_min reg 2 flags 0x2 ]
                        """),
                rule(INET, r -> r.saddr(net("10.0.0.0/8")).tcpDport(22).accept(), "ip saddr 10.0.0.0/8 tcp dport 22 accept", """
                        [ meta load nfproto => reg 1 ]
                        [ cmp eq reg 1 0x00000002 ]
                        [ payload load 1b @ network header + 12 => reg 1 ]
                        [ cmp eq reg 1 0x0000000a ]
                        [ meta load l4proto => reg 1 ]
                        [ cmp eq reg 1 0x00000006 ]
                        [ payload load 2b @ transport header + 2 => reg 1 ]
                        [ cmp eq reg 1 0x00001600 ]
                        [ immediate reg 0 accept ]
                        """),
                rule(INET, r -> r.nfproto(Family.IP6).counter(), "meta nfproto ipv6 counter packets 0 bytes 0", """
                        [ meta load nfproto => reg 1 ]
                        [ cmp eq reg 1 0x0000000a ]
                        [ counter pkts 0 bytes 0 ]
                        """),
                rule(INET, r -> r.tcpDport(80).dnat(v4("1.2.3.4"), 8080), "tcp dport 80 dnat ip to 1.2.3.4:8080", """
                        [ meta load l4proto => reg 1 ]
                        [ cmp eq reg 1 0x00000006 ]
                        [ payload load 2b @ transport header + 2 => reg 1 ]
                        [ cmp eq reg 1 0x00005000 ]
                        [ immediate reg 1 0x04030201 ]
                        [ immediate reg 2 0x0000901f ]
                        [ nat dnat ip addr_min reg 1 proto_min reg 2 flags 0x2 ]
                        """),
                rule(INET, r -> r.notInSet(PAIRS, Selector.IP_DADDR, Selector.TCP_DPORT), "ip daddr . tcp dport != @s", """
                        [ meta load nfproto => reg 1 ]
                        [ cmp eq reg 1 0x00000002 ]
                        [ meta load l4proto => reg 1 ]
                        [ cmp eq reg 1 0x00000006 ]
                        [ payload load 4b @ network header + 16 => reg 1 ]
                        [ payload load 2b @ transport header + 2 => reg 9 ]
                        [ lookup reg 1 set s 0x1 ]
                        """),
                rule(BRIDGE, r -> r.inSet(PORTS, Selector.IIFNAME).counter().drop(),
                        "iifname @ports counter packets 0 bytes 0 drop", """
                        [ meta load iifname => reg 1 ]
                        [ lookup reg 1 set ports ]
                        [ counter pkts 0 bytes 0 ]
                        [ immediate reg 0 drop ]
                        """),
                rule(BRIDGE, r -> r.oifname("vc2").l4proto(IpProtocol.TCP).thDport(22).accept(),
                        "oifname \"vc2\" tcp dport 22 accept", """
                        [ meta load oifname => reg 1 ]
                        [ cmp eq reg 1 0x00326376 0x00000000 0x00000000 0x00000000 ]
                        [ meta load l4proto => reg 1 ]
                        [ cmp eq reg 1 0x00000006 ]
                        [ payload load 2b @ transport header + 2 => reg 1 ]
                        [ cmp eq reg 1 0x00001600 ]
                        [ immediate reg 0 accept ]
                        """),
                rule(IP, r -> r.l4proto(IpProtocol.UDP).thDport(53), "udp dport 53", """
                        [ meta load l4proto => reg 1 ]
                        [ cmp eq reg 1 0x00000011 ]
                        [ payload load 2b @ transport header + 2 => reg 1 ]
                        [ cmp eq reg 1 0x00003500 ]
                        """));
    }

    static final MacAddress MAC = MacAddress.parse("t", "02:42:ac:12:00:02");
    static final Ipv6Address FD2 = Ipv6Address.parse("t", "fd00::2");
    static final Ipv6Address LL = Ipv6Address.parse("t", "fe80::42:acff:fe12:2");
    static final NamedSet SPOOF = NamedSet.verdictMap(BRIDGE.set("spoof"), KeyType.of(FieldType.IFNAME));

    /**
     * Layer 2 and 3 matches in a bridge table, where nft pins the network protocol with {@code meta protocol} before
     * an ip or ip6 field and with the Ethernet header's type before an arp field or an ICMP type (captured from
     * nft 1.0.6, like the rest).
     */
    static Stream<Arguments> bridgeRules() {
        return Stream.of(
                rule(BRIDGE, r -> r.etherSaddrNot(MAC).counter().drop(),
                        "ether saddr != 02:42:ac:12:00:02 counter packets 0 bytes 0 drop", """
                        [ payload load 6b @ link header + 6 => reg 1 ]
                        [ cmp neq reg 1 0x12ac4202 0x00000200 ]
                        [ counter pkts 0 bytes 0 ]
                        [ immediate reg 0 drop ]
                        """),
                rule(BRIDGE, r -> r.saddr(v4("172.18.0.2")).accept(), "ip saddr 172.18.0.2 accept", """
                        [ meta load protocol => reg 1 ]
                        [ cmp eq reg 1 0x00000008 ]
                        [ payload load 4b @ network header + 12 => reg 1 ]
                        [ cmp eq reg 1 0x020012ac ]
                        [ immediate reg 0 accept ]
                        """),
                rule(BRIDGE, r -> r.arpSaddrEtherNot(MAC).counter().drop(),
                        "arp saddr ether != 02:42:ac:12:00:02 counter packets 0 bytes 0 drop", """
                        [ payload load 2b @ link header + 12 => reg 1 ]
                        [ cmp eq reg 1 0x00000608 ]
                        [ payload load 6b @ network header + 8 => reg 1 ]
                        [ cmp neq reg 1 0x12ac4202 0x00000200 ]
                        [ counter pkts 0 bytes 0 ]
                        [ immediate reg 0 drop ]
                        """),
                rule(BRIDGE, r -> r.arpSaddrIp(v4("172.18.0.2")).accept(), "arp saddr ip 172.18.0.2 accept", """
                        [ payload load 2b @ link header + 12 => reg 1 ]
                        [ cmp eq reg 1 0x00000608 ]
                        [ payload load 4b @ network header + 14 => reg 1 ]
                        [ cmp eq reg 1 0x020012ac ]
                        [ immediate reg 0 accept ]
                        """),
                rule(BRIDGE, r -> r.saddr(FD2).icmpv6Type(136).transportBytes(8, FD2.bytes()).ip6Length(24).accept(),
                        "ip6 saddr fd00::2 icmpv6 type nd-neighbor-advert @th,64,128 0xfd000000000000000000000000000002"
                                + " ip6 length 24 accept", """
                        [ meta load protocol => reg 1 ]
                        [ cmp eq reg 1 0x0000dd86 ]
                        [ payload load 16b @ network header + 8 => reg 1 ]
                        [ cmp eq reg 1 0x000000fd 0x00000000 0x00000000 0x02000000 ]
                        [ meta load l4proto => reg 1 ]
                        [ cmp eq reg 1 0x0000003a ]
                        [ payload load 1b @ transport header + 0 => reg 1 ]
                        [ cmp eq reg 1 0x00000088 ]
                        [ payload load 16b @ transport header + 8 => reg 1 ]
                        [ cmp eq reg 1 0x000000fd 0x00000000 0x00000000 0x02000000 ]
                        [ payload load 2b @ network header + 4 => reg 1 ]
                        [ cmp eq reg 1 0x00001800 ]
                        [ immediate reg 0 accept ]
                        """),
                rule(BRIDGE, r -> r.icmpType(5).inSet(PORTS, Selector.IIFNAME).counter().drop(),
                        "icmp type redirect iifname @ports counter packets 0 bytes 0 drop", """
                        [ payload load 2b @ link header + 12 => reg 1 ]
                        [ cmp eq reg 1 0x00000008 ]
                        [ meta load l4proto => reg 1 ]
                        [ cmp eq reg 1 0x00000001 ]
                        [ payload load 1b @ transport header + 0 => reg 1 ]
                        [ cmp eq reg 1 0x00000005 ]
                        [ meta load iifname => reg 1 ]
                        [ lookup reg 1 set ports ]
                        [ counter pkts 0 bytes 0 ]
                        [ immediate reg 0 drop ]
                        """),
                rule(BRIDGE, r -> r.metaProtocol(Selector.ETH_P_IPV6).match(Selector.UDP_SPORT, Expr.CmpOp.EQ, 547)
                                .inSet(PORTS, Selector.IIFNAME).counter().drop(),
                        "meta protocol ip6 udp sport 547 iifname @ports counter packets 0 bytes 0 drop", """
                        [ meta load protocol => reg 1 ]
                        [ cmp eq reg 1 0x0000dd86 ]
                        [ meta load l4proto => reg 1 ]
                        [ cmp eq reg 1 0x00000011 ]
                        [ payload load 2b @ transport header + 0 => reg 1 ]
                        [ cmp eq reg 1 0x00002302 ]
                        [ meta load iifname => reg 1 ]
                        [ lookup reg 1 set ports ]
                        [ counter pkts 0 bytes 0 ]
                        [ immediate reg 0 drop ]
                        """),
                rule(BRIDGE, r -> r.vmap(SPOOF, Selector.IIFNAME), "iifname vmap @spoof", """
                        [ meta load iifname => reg 1 ]
                        [ lookup reg 1 set spoof dreg 0 ]
                        """),
                // what iptables-nft writes for -o nlb0 -m conntrack ... -j ACCEPT (the match's info is opaque here)
                rule(IP, r -> r.ifnameAsIptables(Selector.OIFNAME, Expr.CmpOp.EQ, org.nlbridge.net.IfName.parse("o", "nlb0"))
                                .xtMatch("conntrack", 3, new byte[168]).counter().accept(),
                        "oifname \"nlb0\" xt match \"conntrack\" counter packets 0 bytes 0 accept", """
                        [ meta load oifname => reg 1 ]
                        [ cmp eq reg 1 0x30626c6e 0x00000000 ]
                        [ match name conntrack rev 3 ]
                        [ counter pkts 0 bytes 0 ]
                        [ immediate reg 0 accept ]
                        """));
    }

    @ParameterizedTest
    @MethodSource("bridgeRules")
    void bridgeMatchesAreWrittenAsNftWritesThem(Rule rule, String text, String debug) {
        writesWhatNftWritesAndReadsAsNftPrints(rule, text, debug);
        survivesTheWireAndBack(rule, text, debug);
    }

    /** A frame rule must not match ip and arp fields at once, and arp fields exist only in bridge tables. */
    @org.junit.jupiter.api.Test
    void aBridgeRuleHasOneNetworkProtocol() {
        org.junit.jupiter.api.Assertions.assertThrows(org.nlbridge.net.ValidationException.class,
                () -> Rule.in(BRIDGE.chain("c")).saddr(v4("10.0.0.1")).arpSaddrIp(v4("10.0.0.1")));
        org.junit.jupiter.api.Assertions.assertThrows(org.nlbridge.net.ValidationException.class,
                () -> Rule.in(IP.chain("c")).arpSaddrIp(v4("10.0.0.1")));
        org.junit.jupiter.api.Assertions.assertThrows(org.nlbridge.net.ValidationException.class,
                () -> Rule.in(IP.chain("c")).icmpv6Type(134));
    }

    /** Rules with anonymous sets; the set's elements travel beside the rule (see {@link GoldenBytesTest}). */
    static Stream<Arguments> anonymousSetRules() {
        return Stream.of(
                rule(IP, r -> r.iifname("eth0").noneOf(Selector.IP_SADDR, net("10.0.0.0/8"), v4("8.8.8.8")).counter().drop(),
                        "iifname \"eth0\" ip saddr != { 8.8.8.8, 10.0.0.0/8 } counter packets 0 bytes 0 drop", """
                        [ meta load iifname => reg 1 ]
                        [ cmp eq reg 1 0x30687465 0x00000000 0x00000000 0x00000000 ]
                        [ payload load 4b @ network header + 12 => reg 1 ]
                        [ lookup reg 1 set __set%d 0x1 ]
                        [ counter pkts 0 bytes 0 ]
                        [ immediate reg 0 drop ]
                        """),
                rule(IP, r -> r.anyOf(Selector.IP_SADDR, v4("9.9.9.9"), net("8.8.8.8/32")).accept(),
                        "ip saddr { 8.8.8.8, 9.9.9.9 } accept", """
                        [ payload load 4b @ network header + 12 => reg 1 ]
                        [ lookup reg 1 set __set%d ]
                        [ immediate reg 0 accept ]
                        """),
                rule(IP, r -> r.anyOf(Selector.TCP_DPORT, new Range(80, 90), 22).accept(), "tcp dport { 22, 80-90 } accept", """
                        [ meta load l4proto => reg 1 ]
                        [ cmp eq reg 1 0x00000006 ]
                        [ payload load 2b @ transport header + 2 => reg 1 ]
                        [ lookup reg 1 set __set%d ]
                        [ immediate reg 0 accept ]
                        """),
                rule(IP, r -> r.anyOf(Selector.UDP_DPORT, 53, new Range(5353, 5354)).accept(),
                        "udp dport { 53, 5353-5354 } accept", """
                        [ meta load l4proto => reg 1 ]
                        [ cmp eq reg 1 0x00000011 ]
                        [ payload load 2b @ transport header + 2 => reg 1 ]
                        [ lookup reg 1 set __set%d ]
                        [ immediate reg 0 accept ]
                        """),
                rule(IP, r -> r.anyOf(Selector.IIFNAME, "eth1", org.nlbridge.net.IfName.parse("i", "eth0")).accept(),
                        "iifname { \"eth0\", \"eth1\" } accept", """
                        [ meta load iifname => reg 1 ]
                        [ lookup reg 1 set __set%d ]
                        [ immediate reg 0 accept ]
                        """),
                rule(BRIDGE, r -> r.anyOf(Selector.IP6_SADDR, FD2, LL).noneOf(Selector.ICMPV6_TYPE, 136, 135).accept(),
                        "ip6 saddr { fd00::2, fe80::42:acff:fe12:2 } icmpv6 type != { nd-neighbor-solicit, nd-neighbor-advert }"
                                + " accept", """
                        [ meta load protocol => reg 1 ]
                        [ cmp eq reg 1 0x0000dd86 ]
                        [ payload load 16b @ network header + 8 => reg 1 ]
                        [ lookup reg 1 set __set%d ]
                        [ meta load l4proto => reg 1 ]
                        [ cmp eq reg 1 0x0000003a ]
                        [ payload load 1b @ transport header + 0 => reg 1 ]
                        [ lookup reg 1 set __set%d 0x1 ]
                        [ immediate reg 0 accept ]
                        """),
                rule(BRIDGE, r -> r.anyOf(Selector.IP6_SADDR, FD2, LL).match(Selector.L4PROTO, Expr.CmpOp.NEQ, 58).accept(),
                        "ip6 saddr { fd00::2, fe80::42:acff:fe12:2 } meta l4proto != ipv6-icmp accept", """
                        [ meta load protocol => reg 1 ]
                        [ cmp eq reg 1 0x0000dd86 ]
                        [ payload load 16b @ network header + 8 => reg 1 ]
                        [ lookup reg 1 set __set%d ]
                        [ meta load l4proto => reg 1 ]
                        [ cmp neq reg 1 0x0000003a ]
                        [ immediate reg 0 accept ]
                        """),
                rule(BRIDGE, r -> r.anyOf(Selector.IP6_SADDR, FD2, LL).icmpv6Type(135)
                                .transportBytes(24, new byte[] {1, 1, 2, 0x42, (byte) 0xac, 0x12, 0, 2}).accept(),
                        "ip6 saddr { fd00::2, fe80::42:acff:fe12:2 } icmpv6 type nd-neighbor-solicit @th,192,64"
                                + " 0x1010242ac120002 accept", """
                        [ meta load protocol => reg 1 ]
                        [ cmp eq reg 1 0x0000dd86 ]
                        [ payload load 16b @ network header + 8 => reg 1 ]
                        [ lookup reg 1 set __set%d ]
                        [ meta load l4proto => reg 1 ]
                        [ cmp eq reg 1 0x0000003a ]
                        [ payload load 1b @ transport header + 0 => reg 1 ]
                        [ cmp eq reg 1 0x00000087 ]
                        [ payload load 8b @ transport header + 24 => reg 1 ]
                        [ cmp eq reg 1 0x42020101 0x020012ac ]
                        [ immediate reg 0 accept ]
                        """),
                rule(BRIDGE, r -> r.saddr(Ipv6Address.parse("t", "::")).anyOf(Selector.ICMPV6_TYPE, 131, 143).accept(),
                        "ip6 saddr :: icmpv6 type { mld-listener-report, mld2-listener-report } accept", """
                        [ meta load protocol => reg 1 ]
                        [ cmp eq reg 1 0x0000dd86 ]
                        [ payload load 16b @ network header + 8 => reg 1 ]
                        [ cmp eq reg 1 0x00000000 0x00000000 0x00000000 0x00000000 ]
                        [ meta load l4proto => reg 1 ]
                        [ cmp eq reg 1 0x0000003a ]
                        [ payload load 1b @ transport header + 0 => reg 1 ]
                        [ lookup reg 1 set __set%d ]
                        [ immediate reg 0 accept ]
                        """),
                rule(BRIDGE, r -> r.anyOf(Selector.ICMPV6_TYPE, 134, 137, 138).inSet(PORTS, Selector.IIFNAME).counter().drop(),
                        "icmpv6 type { nd-router-advert, nd-redirect, router-renumbering } iifname @ports counter packets 0"
                                + " bytes 0 drop", """
                        [ payload load 2b @ link header + 12 => reg 1 ]
                        [ cmp eq reg 1 0x0000dd86 ]
                        [ meta load l4proto => reg 1 ]
                        [ cmp eq reg 1 0x0000003a ]
                        [ payload load 1b @ transport header + 0 => reg 1 ]
                        [ lookup reg 1 set __set%d ]
                        [ meta load iifname => reg 1 ]
                        [ lookup reg 1 set ports ]
                        [ counter pkts 0 bytes 0 ]
                        [ immediate reg 0 drop ]
                        """),
                rule(INET, r -> r.noneOf(Selector.IP6_SADDR, net("fd00::/8"), Ipv6Address.parse("t", "2001:db8::1")).drop(),
                        "ip6 saddr != { 2001:db8::1, fd00::/8 } drop", """
                        [ meta load nfproto => reg 1 ]
                        [ cmp eq reg 1 0x0000000a ]
                        [ payload load 16b @ network header + 8 => reg 1 ]
                        [ lookup reg 1 set __set%d 0x1 ]
                        [ immediate reg 0 drop ]
                        """));
    }

    @ParameterizedTest
    @MethodSource("anonymousSetRules")
    void anonymousSetsAreWrittenAsNftWritesThemAndPrintedInline(Rule rule, String text, String debug) {
        writesWhatNftWritesAndReadsAsNftPrints(rule, text, debug);
    }

    /** On the wire the lookup names the set; its elements come back from the set (Nft puts them in). */
    @ParameterizedTest
    @MethodSource("anonymousSetRules")
    void anonymousSetLookupsSurviveTheWire(Rule rule, String text, String debug) {
        List<Expr> back = roundTrip(rule);
        List<Expr> byName = new ArrayList<>();
        for (Expr e : rule.exprs()) {
            byName.add(e instanceof Expr.Lookup l ? new Expr.Lookup(l.set(), l.sreg(), l.dreg(), l.inverted()) : e);
        }
        assertEquals(byName, back);
        // as Nft.list fills them in, under the kernel's names for them (one rule may have several)
        List<AnonymousSet> elements = rule.exprs().stream().filter(e -> e instanceof Expr.Lookup l && l.anonymous() != null)
                .map(e -> ((Expr.Lookup) e).anonymous()).toList();
        List<Expr> filled = new ArrayList<>();
        int n = 0;
        for (Expr e : back) {
            if (e instanceof Expr.Lookup l && l.set().equals(AnonymousSet.NAME)) {
                filled.add(new Expr.Lookup("__set" + (3 + n), l.sreg(), l.dreg(), l.inverted(), elements.get(n++)));
            } else {
                filled.add(e);
            }
        }
        Rule listedRule = new Rule(rule.chain(), filled, null, 12);
        assertEquals(text, listedRule.toString());
        assertEquals(rule, listedRule.withoutState());
    }

    static List<Expr> roundTrip(Rule rule) {
        MsgWriter w = new MsgWriter(MemorySegment.ofArray(new byte[8192])).nestedFlag(true);
        w.begin(0, 0, 1);
        ExprCodec.encodeList(w, 4, rule.exprs());
        w.end();
        AttrCursor list = new AttrCursor().reset(w.segment(), 16, w.position() - 16);
        List<Expr> back = new ArrayList<>();
        list.next();
        AttrCursor elems = list.enter(new AttrCursor());
        while (elems.next()) back.add(ExprCodec.decode(elems));
        return back;
    }

    @ParameterizedTest
    @MethodSource("rules")
    void writesWhatNftWritesAndReadsAsNftPrints(Rule rule, String text, String debug) {
        String ours = rule.toDebugString().lines().map(String::strip).reduce("", (a, b) -> a + b + "\n");
        assertEquals(debug, ours);
        assertEquals(text, rule.toString());
    }

    @ParameterizedTest
    @MethodSource("rules")
    void survivesTheWireAndBack(Rule rule, String text, String debug) {
        List<Expr> back = roundTrip(rule);
        assertEquals(rule.exprs(), back);
        assertEquals(text.replace(" comment \"" + rule.comment() + "\"", ""),
                new Rule(rule.chain(), back, null, 0).toString());
    }
}

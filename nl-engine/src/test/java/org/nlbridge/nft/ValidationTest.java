package org.nlbridge.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpProtocol;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.ValidationException;

/** Bad input is refused while recording, with the field, the value and what is accepted. */
class ValidationTest {
    static final TableRef IP = TableRef.of(Family.IP, "nlbridge");
    static final NamedSet HP = NamedSet.map(IP.set("hostports"), KeyType.parse("k", "inet_proto . ipv4_addr . inet_service"),
            KeyType.parse("v", "ipv4_addr . inet_service"));

    static String refused(Executable e) {
        return assertThrows(ValidationException.class, e).getMessage();
    }

    @Test
    void names() {
        assertEquals("invalid table name \"\": empty; expected 1..255 bytes from A-Z a-z 0-9 _ . -, starting with a"
                + " letter or _", refused(() -> TableRef.of(Family.IP, "")));
        String long256 = "a".repeat(256);
        assertEquals("invalid chain name \"" + "a".repeat(128) + "\"... (256 chars): 256 bytes is longer than the kernel's"
                + " 255-byte limit (NFT_NAME_MAXLEN 256 with the NUL); expected 1..255 bytes from A-Z a-z 0-9 _ . -,"
                + " starting with a letter or _", refused(() -> IP.chain(long256)));
        IP.chain("a".repeat(255)); // the limit itself is fine
        assertEquals("invalid set name \"my set\": contains ' ' at index 2; expected 1..255 bytes from A-Z a-z 0-9 _ . -,"
                + " starting with a letter or _", refused(() -> IP.set("my set")));
        assertEquals("invalid table name \"-x\": starts with '-'; expected 1..255 bytes from A-Z a-z 0-9 _ . -, starting"
                + " with a letter or _", refused(() -> TableRef.of(Family.IP, "-x")));
        assertEquals("invalid chain name \"a\\nb\": contains U+000A at index 1; expected 1..255 bytes from A-Z a-z 0-9 _"
                + " . -, starting with a letter or _", refused(() -> IP.chain("a\nb")));
        assertEquals("invalid jump target chain \"x y\": contains ' ' at index 1; expected 1..255 bytes from A-Z a-z 0-9"
                + " _ . -, starting with a letter or _", refused(() -> Verdict.jump("x y")));
    }

    @Test
    void comments() {
        RuleBuilder r = Rule.in(IP.chain("c"));
        r.comment("c".repeat(128));
        assertEquals("invalid rule comment \"" + "c".repeat(128) + "\"... (129 chars): 129 bytes is longer than nft's"
                + " 128-byte comment limit; expected at most 128 bytes of printable text without '\"' or '\\'",
                refused(() -> r.comment("c".repeat(129))));
        // multi-byte characters count as bytes
        assertEquals(true, refused(() -> r.comment("é".repeat(65))).contains("130 bytes is longer"));
        assertEquals("invalid rule comment \"a\\nb\": contains U+000A at index 1; expected at most 128 bytes of printable"
                + " text without '\"' or '\\'", refused(() -> r.comment("a\nb")));
        assertEquals(true, refused(() -> r.comment("say \"hi\"")).contains("contains '\"' at index 4"));
        assertEquals(true, refused(() -> Table.of(IP).withComment("x\ty")).startsWith("invalid table comment"));
    }

    @Test
    void hooksTypesAndPriorities() {
        assertEquals("invalid hook \"ingress\": not a hook of the ip, ip6, inet and bridge families; expected prerouting, input,"
                + " forward, output or postrouting", refused(() -> Hook.parse("hook", "ingress")));
        assertEquals("invalid chain hook \"input\": a route chain cannot attach to the input hook; expected for type"
                + " route: output", refused(() -> Chain.base(IP.chain("r"), ChainType.ROUTE, Hook.INPUT,
                Priority.MANGLE, Policy.ACCEPT)));
        assertEquals("invalid chain priority \"-200\": a nat chain must run after connection tracking (-200); the kernel"
                + " refuses it; expected an integer above -200, e.g. dstnat (-100) or srcnat (100)",
                refused(() -> Chain.base(IP.chain("n"), ChainType.NAT, Hook.PREROUTING, Priority.of(-200), Policy.ACCEPT)));
        Chain.base(IP.chain("n"), ChainType.NAT, Hook.PREROUTING, Priority.of(-199), Policy.ACCEPT);
        assertEquals("invalid priority \"2147483648\": out of the signed 32-bit range; expected an integer"
                + " -2147483648..2147483647, or raw, mangle, dstnat, filter, security, srcnat, optionally followed by + N"
                + " or - N", refused(() -> Priority.parse("priority", "2147483648")));
        assertEquals(Integer.MIN_VALUE, Priority.parse("p", "-2147483648").value());
        assertEquals(-110, Priority.parse("p", "dstnat - 10").value());
        assertEquals(105, Priority.parse("p", "srcnat+5").value());
        assertEquals(true, refused(() -> Priority.parse("priority", "natty")).contains("unknown priority name \"natty\""));
        assertEquals("filter + 5", Priority.of(5).toString(Hook.FORWARD));
        assertEquals("-100", Priority.DSTNAT.toString(Hook.OUTPUT));
        assertEquals("raw - 5", Priority.of(-305).toString(Hook.FORWARD));
        assertEquals("25", Priority.of(25).toString(Hook.FORWARD));
        assertEquals("invalid chain type \"mangle\": not a base chain type; expected filter, nat or route",
                refused(() -> ChainType.parse("chain type", "mangle")));
    }

    @Test
    void theBridgeFamily() {
        TableRef br = TableRef.of(Family.BRIDGE, "nlbridge");
        assertEquals(Family.BRIDGE, Family.parse("family", "bridge"));
        assertEquals(Family.BRIDGE, Family.ofNfproto(7));
        assertEquals(false, Family.BRIDGE.hasIpv4());
        // the bridge family has its own priority scale, and nft its own names for it
        assertEquals("filter", Priority.BRIDGE_FILTER.toString(Family.BRIDGE, Hook.FORWARD));
        assertEquals("filter + 1", Priority.of(-199).toString(Family.BRIDGE, Hook.FORWARD));
        assertEquals("-200", Priority.BRIDGE_FILTER.toString(Family.IP, Hook.FORWARD));
        assertEquals("dstnat", Priority.BRIDGE_DSTNAT.toString(Family.BRIDGE, Hook.PREROUTING));
        assertEquals("-300", Priority.BRIDGE_DSTNAT.toString(Family.BRIDGE, Hook.FORWARD));
        assertEquals("out", Priority.BRIDGE_OUT.toString(Family.BRIDGE, Hook.OUTPUT));
        assertEquals("100", Priority.BRIDGE_OUT.toString(Family.BRIDGE, Hook.FORWARD));
        assertEquals("srcnat - 2", Priority.of(298).toString(Family.BRIDGE, Hook.POSTROUTING));
        assertEquals("0", Priority.FILTER.toString(Family.BRIDGE, Hook.FORWARD));
        assertEquals(-200, Priority.parse(Family.BRIDGE, "p", "filter").value());
        assertEquals(105, Priority.parse(Family.BRIDGE, "p", "out + 5").value());
        assertEquals("invalid p \"raw\": unknown priority name \"raw\"; expected an integer -2147483648..2147483647, or"
                + " dstnat, filter, out, srcnat, optionally followed by + N or - N",
                refused(() -> Priority.parse(Family.BRIDGE, "p", "raw")));
        Chain.base(br.chain("f"), ChainType.FILTER, Hook.FORWARD, Priority.BRIDGE_FILTER, Policy.ACCEPT);
        assertEquals("invalid chain type \"nat\": the bridge family has no nat chains; expected for a table of family"
                + " bridge: filter", refused(() -> Chain.base(br.chain("n"), ChainType.NAT, Hook.PREROUTING,
                Priority.DSTNAT, Policy.ACCEPT)));
        assertEquals("invalid chain type \"route\": the inet family has no route chains; expected for a table of family"
                + " inet: filter or nat", refused(() -> Chain.base(TableRef.of(Family.INET, "t").chain("r"),
                ChainType.ROUTE, Hook.OUTPUT, Priority.MANGLE, Policy.ACCEPT)));
        RuleBuilder r = Rule.in(br.chain("f"));
        // ip fields pin the frame's protocol as nft does (meta protocol ip); a second network protocol cannot follow
        r.ipSaddr(Ipv4Address.parse("a", "1.2.3.4"));
        assertEquals("invalid ip6 saddr \"bridge nlbridge f\": conflicts with an earlier match of ether type 0x800;"
                + " expected fields of one network protocol per rule", refused(() -> r.saddr(Ipv6Address.parse("a", "fd00::1"))));
        assertEquals(true, refused(() -> r.nfproto(Family.BRIDGE)).contains("not a packet family"));
        assertEquals(true, refused(r::masquerade).contains("the bridge family has no nat"));
        assertEquals(true, refused(() -> r.dnat(Ipv4Address.parse("a", "1.2.3.4"))).contains("table of family bridge"));
    }

    @Test
    void setTypes() {
        assertEquals("invalid set nets key type \"ipv4_addr . inet_service\": interval sets of this engine take one field"
                + " of ipv4_addr, ipv6_addr or inet_service; expected a single rangeable field, or no interval flag",
                refused(() -> new NamedSet(IP.set("nets"), KeyType.parse("k", "ipv4_addr . inet_service"), null, true, null)));
        assertEquals("invalid key type \"ipv4_address\": not a data type the engine handles; expected ipv4_addr, ipv6_addr,"
                + " inet_proto, inet_service, ifname, mark, ether_addr, icmp_type, icmpv6_type or verdict",
                refused(() -> KeyType.parse("key type", "ipv4_address")));
        assertEquals(true, refused(() -> NamedSet.set(IP.set("v"), KeyType.VERDICT)).contains("a verdict cannot be a key"));
        assertEquals(0xc1cd, HP.key().typeId(), "nft's concatenated type id");
        assertEquals(12, HP.key().length());
        assertEquals(8, HP.data().length());
    }

    @Test
    void lookupsAreTypeChecked() {
        RuleBuilder r = Rule.in(IP.chain("c"));
        assertEquals("invalid lookup key of @hostports \"ip daddr . th dport\": its type ipv4_addr . inet_service does not"
                + " match the set's key type inet_proto . ipv4_addr . inet_service; expected selectors of types inet_proto"
                + " . ipv4_addr . inet_service", refused(() -> r.dnatMap(HP, Selector.IP_DADDR, Selector.TH_DPORT)));
        assertEquals(true, refused(() -> r.inSet(HP, Selector.L4PROTO, Selector.IP_DADDR, Selector.TH_DPORT))
                .contains("is a map; membership tests take a set"));
        NamedSet other = NamedSet.set(TableRef.of(Family.IP, "other").set("s"), KeyType.of(FieldType.IPV4_ADDR));
        assertEquals(true, refused(() -> r.inSet(other, Selector.IP_SADDR)).contains("belongs to another table"));
        NamedSet jumps = NamedSet.verdictMap(IP.set("jumps"), KeyType.of(FieldType.IFNAME));
        assertEquals(true, refused(() -> r.vmap(jumps, Selector.IP_SADDR)).contains("does not match the set's key type ifname"));
        assertEquals(true, refused(() -> r.vmap(HP, Selector.L4PROTO, Selector.IP_DADDR, Selector.TH_DPORT))
                .contains("is not a verdict map"));
    }

    @Test
    void rulesAreCheckedForTheirTable() {
        TableRef ip6 = TableRef.of(Family.IP6, "nlbridge");
        assertEquals("invalid ip saddr \"ip6 nlbridge c\": ip saddr cannot match in a table of family ip6; expected ip6"
                + " fields (ip6 saddr, ip6 daddr)", refused(() -> Rule.in(ip6.chain("c")).ipSaddr(Cidr.parseSubnet("s", "10.0.0.0/8"))));
        assertEquals("invalid ip saddr \"fd00::/64\": an IPv6 prefix cannot match ip saddr; expected an IPv4 prefix",
                refused(() -> Rule.in(IP.chain("c")).ipSaddr(Cidr.parseSubnet("s", "fd00::/64"))));
        assertEquals(true, refused(() -> Rule.in(IP.chain("c")).dnat(Ipv6Address.parse("a", "fd00::1")))
                .contains("an IPv6 address cannot be used in a table of family ip"));
        assertEquals("invalid dnat port \"80\": a port mapping needs a transport protocol match before it, as in nft;"
                + " expected tcp dport/udp dport/meta l4proto before the nat statement",
                refused(() -> Rule.in(IP.chain("c")).dnat(Ipv4Address.parse("a", "10.0.0.2"), 80)));
        assertEquals(true, refused(() -> Rule.in(IP.chain("c")).accept().counter()).contains("already ends with a verdict"));
        // nat statements end the rule too (the kernel accepts the packet once translated): nothing after them runs
        assertEquals(true, refused(() -> Rule.in(IP.chain("c")).masquerade().accept()).contains("already ends"));
        assertEquals(true, refused(() -> Rule.in(IP.chain("c")).tcpDport(80).dnat(Ipv4Address.parse("a", "10.0.0.2"), 8080)
                .counter()).contains("already ends"));
        assertEquals(true, refused(() -> Rule.in(IP.chain("c")).tcpDport(1).udpDport(2)).contains("conflicts with an earlier match of protocol 6"));
        assertEquals(true, refused(() -> Rule.in(TableRef.of(Family.INET, "x").chain("c")).saddr(Cidr.parseSubnet("s", "10.0.0.0/8"))
                .daddr(Cidr.parseSubnet("s", "fd00::/8"))).contains("conflicts with an earlier match of the other IP version"));
        assertEquals("invalid iifname \"eth0:1\": character ':' not allowed; expected an interface name of 1..15 bytes from"
                + " A-Z a-z 0-9 _ . -, not starting with '-' or '.'", refused(() -> Rule.in(IP.chain("c")).iifname("eth0:1")));
        assertEquals(true, refused(() -> Rule.in(IP.chain("c")).match(Selector.TH_DPORT, Expr.CmpOp.EQ, 70000))
                .contains("not a port"));
        assertEquals(true, refused(() -> Rule.in(IP.chain("c")).match(Selector.IP_DADDR, Expr.CmpOp.EQ, "10.0.0.1"))
                .contains("a String does not fit type ipv4_addr"));
    }

    @Test
    void elementsAreTypeChecked() {
        ElementWriter w = new ElementWriter(HP, false);
        assertEquals("invalid element 1 of map hostports key field 1 (inet_proto) \"10.0.0.1\": an Ipv4Address does not"
                + " fit type inet_proto; expected an IpProtocol or an Integer 0..255",
                refused(() -> w.key(Ipv4Address.parse("a", "10.0.0.1"))));
        assertEquals("invalid element 1 of map hostports value \"80\": given before the key is complete (0 of 3 fields);"
                + " expected the key fields first", refused(() -> w.value(80)));
        w.key(IpProtocol.TCP).key(Ipv4Address.parse("a", "10.0.0.1")).key(8080);
        assertEquals("invalid element 1 of map hostports key \"1\": one field more than the key's 3; expected a key of"
                + " type inet_proto . ipv4_addr . inet_service", refused(() -> w.key(1)));
        assertEquals("invalid element 1 of map hostports: \"3 key fields, 0 value fields\" has no complete value;"
                        .replace(": \"", " \"").replace("\" has", "\": has") + " expected a value of type ipv4_addr . inet_service",
                refused(w::add));
        w.value(Ipv4Address.parse("a", "172.17.0.2"));
        assertEquals(true, refused(() -> w.value(65536)).contains("not a port"));
        w.value(80).add();
        assertEquals(1, w.count());
        NamedSet nets = NamedSet.intervalSet(IP.set("nets"), FieldType.IPV4_ADDR);
        ElementWriter n = new ElementWriter(nets, false);
        assertEquals(true, refused(() -> n.prefix(Cidr.parseInterface("p", "10.0.0.1/8"))).contains("did you mean 10.0.0.0/8?"));
        assertEquals(true, refused(() -> n.range(Ipv4Address.parse("a", "10.0.0.9"), Ipv4Address.parse("a", "10.0.0.1")))
                .contains("the start is above the end"));
        ElementWriter s = new ElementWriter(NamedSet.set(IP.set("s"), KeyType.of(FieldType.INET_SERVICE)), false);
        assertEquals(true, refused(() -> s.key(1).verdict(Verdict.ACCEPT)).contains("the set is not a verdict map"));
        ElementWriter d = new ElementWriter(HP, true);
        assertEquals(true, refused(() -> d.add(IpProtocol.TCP, Ipv4Address.parse("a", "10.0.0.1"), 1, Ipv4Address.parse("a", "1.1.1.1"), 2))
                .contains("a delete takes only the key"));
    }

    @Test
    void onlyOwnedTablesAreWritten() {
        Transaction tx = new Transaction(Set.of(IP));
        assertEquals("invalid table \"ip filter\": is not a table this engine owns; it never writes others; expected ip"
                + " nlbridge", refused(() -> tx.flushTable(TableRef.of(Family.IP, "filter"))));
        assertEquals(true, refused(() -> tx.add(Rule.in(TableRef.of(Family.INET, "fw").chain("input")).accept()))
                .startsWith("invalid table \"inet fw\""));
        assertEquals(true, refused(() -> tx.addElements(NamedSet.set(TableRef.of(Family.IP6, "nlbridge").set("s"),
                KeyType.of(FieldType.IPV6_ADDR)))).startsWith("invalid table \"ip6 nlbridge\""));
        assertEquals(0, tx.size());
    }

    /** In another owner's chain the engine may only add its own rules and delete single rules, nothing else. */
    @Test
    void aGuestChainTakesRulesAndNothingElse() {
        ChainRef forward = TableRef.of(Family.IP, "filter").chain("FORWARD");
        Transaction tx = new Transaction(Set.of(IP), Set.of(forward));
        tx.add(Rule.in(forward).oifname("nlb0").accept());
        tx.insertBefore(7, Rule.in(forward).iifname("nlb0").accept().build());
        tx.deleteRule(forward, 9);
        assertEquals(3, tx.size());
        assertEquals(true, refused(() -> tx.flushChain(forward)).startsWith("invalid table \"ip filter\": is not a table"));
        assertEquals(true, refused(() -> tx.deleteChain(forward)).startsWith("invalid table \"ip filter\""));
        assertEquals(true, refused(() -> tx.replace(9, Rule.in(forward).accept().build())).startsWith("invalid table \"ip filter\""));
        assertEquals("invalid table \"ip filter\": is not a table this engine owns, nor a chain it may add its own rules"
                + " to; expected ip nlbridge, rules in ip filter FORWARD",
                refused(() -> tx.add(Rule.in(TableRef.of(Family.IP, "filter").chain("INPUT")).accept())));
        assertEquals(3, tx.size());
    }

    @Test
    void anonymousSets() {
        RuleBuilder r = Rule.in(IP.chain("c"));
        Ipv4Address a = Ipv4Address.parse("a", "8.8.8.8");
        assertEquals("invalid ip saddr != { ... } \"{ }\": no elements; expected one or more distinct values (an"
                + " Ipv4Address, Cidr prefixes or Ranges), not overlapping", refused(() -> r.noneOf(Selector.IP_SADDR)));
        assertEquals("invalid ip saddr { ... } \"fd00::1\": an Ipv6Address does not fit type ipv4_addr; expected one or"
                + " more distinct values (an Ipv4Address, Cidr prefixes or Ranges), not overlapping",
                refused(() -> r.anyOf(Selector.IP_SADDR, a, Ipv6Address.parse("a", "fd00::1"))));
        assertEquals(true, refused(() -> r.anyOf(Selector.IP_SADDR, Cidr.parseInterface("a", "10.1.2.3/8")))
                .contains("\"10.1.2.3/8\": host bits set; did you mean 10.0.0.0/8?"));
        assertEquals(true, refused(() -> r.noneOf(Selector.IP_SADDR, Cidr.parseSubnet("a", "10.0.0.0/8"), a,
                Cidr.parseSubnet("a", "10.1.0.0/16"))).contains("\"10.1.0.0/16\": overlaps 10.0.0.0/8"));
        assertEquals(true, refused(() -> r.noneOf(Selector.IP_SADDR, a, Cidr.parseSubnet("a", "8.8.8.8/32")))
                .contains("\"8.8.8.8\": given twice"));
        assertEquals(true, refused(() -> r.anyOf(Selector.TCP_DPORT, new Range(90, 80)))
                .contains("\"90-80\": the start is above the end"));
        assertEquals(true, refused(() -> r.anyOf(Selector.TCP_DPORT, Cidr.parseSubnet("a", "10.0.0.0/8")))
                .contains("a prefix does not fit type inet_service"));
        assertEquals(true, refused(() -> r.anyOf(Selector.IIFNAME, new Range("a", "b")))
                .contains("a range does not fit type ifname"));
        assertEquals(true, refused(() -> r.anyOf(Selector.TCP_DPORT, 70000)).contains("not a port 0..65535"));
        // nothing was recorded by the refusals
        assertEquals("", r.build().toString());
    }

    @Test
    void anonymousSetsAreKeptInOneCanonicalForm() {
        AnonymousSet s = AnonymousSet.of(FieldType.IPV4_ADDR, Cidr.parseSubnet("a", "10.0.0.0/8"),
                Cidr.parseSubnet("a", "8.8.8.8/32"), new Range(Ipv4Address.parse("a", "9.0.0.1"), Ipv4Address.parse("a", "9.0.0.1")),
                new Range(Ipv4Address.parse("a", "11.0.0.0"), Ipv4Address.parse("a", "11.255.255.255")));
        assertEquals(java.util.List.of(Ipv4Address.parse("a", "8.8.8.8"), Ipv4Address.parse("a", "9.0.0.1"),
                Cidr.parseSubnet("a", "10.0.0.0/8"), Cidr.parseSubnet("a", "11.0.0.0/8")), s.elements());
        assertEquals("{ 8.8.8.8, 9.0.0.1, 10.0.0.0/8, 11.0.0.0/8 }", s.toString(), "adjacent intervals stay apart");
        assertEquals(true, s.interval());
        AnonymousSet p = AnonymousSet.of(FieldType.INET_PROTO, 17, IpProtocol.TCP);
        assertEquals(java.util.List.of(IpProtocol.TCP, IpProtocol.UDP), p.elements());
        assertEquals(false, p.interval());
        assertEquals(AnonymousSet.of(FieldType.IFNAME, "eth0"), AnonymousSet.of(FieldType.IFNAME,
                org.nlbridge.net.IfName.parse("i", "eth0")));
        assertEquals("{ 22, 80-90 }", AnonymousSet.of(FieldType.INET_SERVICE, new Range(80, 90), 22).toString());
    }
}

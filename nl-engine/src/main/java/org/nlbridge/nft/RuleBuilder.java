package org.nlbridge.nft;

import java.util.Objects;

import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.IfName;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.ValidationException;

/**
 * Builds a {@link Rule} in nft's word order, emitting the expressions nft would emit for the same text (so
 * {@code nft list} prints our rules as if nft had written them). Matches come first, then statements
 * ({@code counter}, nat), then at most one verdict, then the comment:
 *
 * <pre>{@code
 * Rule.in(prerouting).fibDaddrTypeLocal().counter().jump("nat-prerouting-and-output")
 * Rule.in(dnat).dnatMap(hostports, Selector.L4PROTO, Selector.IP_DADDR, Selector.TH_DPORT)
 * Rule.in(forwardIn).ctState(CtState.ESTABLISHED, CtState.RELATED).counter().accept()
 * Rule.in(forward).vmap(jumps, Selector.OIFNAME)                  // oifname vmap @jumps
 * Rule.in(hook).iifname("eth0").noneOf(Selector.IP_SADDR, a, subnet).counter().drop()  // ip saddr != { ... }
 * }</pre>
 *
 * <p>Everything is checked here, before anything is sent: a field of the wrong family for the table ({@code ip6
 * saddr} in an {@code ip} table), a set from another table, a lookup key whose field types differ from the set's
 * key type, a value of the wrong type, a port mapping without a transport protocol match, a second verdict.
 *
 * <p>The interface, address, port, mark, conntrack, fib and set matches live in {@link RuleMatches} (with the
 * protocol dependencies); here are the frame and raw matches, statements and verdicts.
 */
public final class RuleBuilder extends RuleMatches {

    RuleBuilder(ChainRef chain) {
        super(chain);
    }

    // ---------------------------------------------------------------- frames, raw fields, iptables' forms

    /**
     * {@code meta protocol ip|ip6|arp}: the frame's ether type, as the kernel saw it ({@code ETH_P_*}, e.g.
     * {@link Selector#ETH_P_IPV6}); in a bridge table it pins the protocol for the matches that follow.
     */
    public RuleBuilder metaProtocol(int ethertype) {
        if (ethertype <= 0 || ethertype > 0xffff) {
            throw new ValidationException("meta protocol", Integer.toString(ethertype), "not an ether type", "0x0001..0xffff");
        }
        matchable();
        pinEthertype(ethertype, true);
        return this;
    }

    /** {@code ether saddr MAC} (bridge tables). */
    public RuleBuilder etherSaddr(MacAddress mac) {
        return match(Selector.ETHER_SADDR, Expr.CmpOp.EQ, mac);
    }

    /** {@code ether saddr != MAC} (bridge tables). */
    public RuleBuilder etherSaddrNot(MacAddress mac) {
        return match(Selector.ETHER_SADDR, Expr.CmpOp.NEQ, mac);
    }

    /** {@code arp saddr ip ADDR}: the sender address of an ARP packet (bridge tables). */
    public RuleBuilder arpSaddrIp(Ipv4Address a) {
        return match(Selector.ARP_SADDR_IP, Expr.CmpOp.EQ, a);
    }

    /** {@code arp saddr ether != MAC}: the sender hardware address of an ARP packet is not {@code mac}. */
    public RuleBuilder arpSaddrEtherNot(MacAddress mac) {
        return match(Selector.ARP_SADDR_ETHER, Expr.CmpOp.NEQ, mac);
    }

    /** {@code icmp type T}. */
    public RuleBuilder icmpType(int type) {
        return match(Selector.ICMP_TYPE, Expr.CmpOp.EQ, type);
    }

    /** {@code icmpv6 type T}. */
    public RuleBuilder icmpv6Type(int type) {
        return match(Selector.ICMPV6_TYPE, Expr.CmpOp.EQ, type);
    }

    /** {@code ip6 length N}: the IPv6 payload length (extension headers included). */
    public RuleBuilder ip6Length(int length) {
        if (length < 0 || length > 65535) {
            throw new ValidationException("ip6 length", Integer.toString(length), "not a length", "0..65535");
        }
        dependencies(Selector.IP6_SADDR);
        exprs.add(new Expr.Payload(Uapi.NFT_PAYLOAD_NETWORK_HEADER(), 4, 2, R1));
        exprs.add(new Expr.Cmp(R1, Expr.CmpOp.EQ, Data.be16(length)));
        return this;
    }

    /**
     * {@code @th,OFFSET,LENGTH VALUE}: raw bytes of the transport header (offset and value in bytes, 1..16 of them),
     * for fields nft has no name for, such as the target or the first option of a neighbour discovery message.
     */
    public RuleBuilder transportBytes(int offset, byte[] value) {
        if (offset < 0 || offset > 255 || value.length == 0 || value.length > 16) {
            throw new ValidationException("@th", offset + "," + value.length, "not a raw transport header field the"
                    + " engine writes", "an offset 0..255 and 1..16 bytes");
        }
        matchable();
        exprs.add(new Expr.Payload(Uapi.NFT_PAYLOAD_TRANSPORT_HEADER(), offset, value.length, R1));
        exprs.add(new Expr.Cmp(R1, Expr.CmpOp.EQ, Data.of(value)));
        return this;
    }

    /**
     * {@code iifname}/{@code oifname} compared as iptables-nft writes {@code -i}/{@code -o NAME}: the name and its
     * NUL, not nft's 16 padded bytes. The kernel matches both the same way; iptables-nft reads a rule back to the
     * same {@code -i NAME} only from its own form ({@code iptables -C} compares them byte for byte).
     */
    public RuleBuilder ifnameAsIptables(Selector s, Expr.CmpOp op, IfName name) {
        if (s != Selector.IIFNAME && s != Selector.OIFNAME) {
            throw new ValidationException("interface selector", s.toString(), "not an interface name", "iifname or oifname");
        }
        if (op != Expr.CmpOp.EQ && op != Expr.CmpOp.NEQ) {
            throw new ValidationException(s.toString(), op.symbol(), "not an interface comparison", "== or !=");
        }
        byte[] b = java.util.Arrays.copyOf(name.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                name.toString().length() + 1);
        return cmp(s, op, Data.wrap(b));
    }

    /**
     * An x_tables match run by nf_tables' compat layer ({@code match name NAME rev REV}), with its
     * {@code struct xt_*_info} as {@code info}: what iptables-nft writes for {@code -m conntrack} and the like. The
     * caller answers for the bytes; the kernel checks their size against the match's.
     */
    public RuleBuilder xtMatch(String name, int rev, byte[] info) {
        matchable();
        exprs.add(new Expr.Match(name, rev, Data.of(info)));
        return this;
    }

    // ---------------------------------------------------------------- statements

    /** {@code counter}. */
    public RuleBuilder counter() {
        matchable();
        exprs.add(Expr.Counter.ZERO);
        return this;
    }

    /** {@code meta mark set MARK}. */
    public RuleBuilder setMetaMark(int mark) {
        matchable();
        exprs.add(new Expr.Immediate(R1, Data.u32(mark)));
        exprs.add(new Expr.MetaSet(Uapi.NFT_META_MARK(), R1));
        return this;
    }

    /** {@code dnat to ADDR}. */
    public RuleBuilder dnat(IpAddress to) {
        return nat(true, to, -1);
    }

    /** {@code dnat to ADDR:PORT}; needs a transport protocol match first, as in nft. */
    public RuleBuilder dnat(IpAddress to, int port) {
        return nat(true, to, port);
    }

    /** {@code snat to ADDR}. */
    public RuleBuilder snat(IpAddress to) {
        return nat(false, to, -1);
    }

    private RuleBuilder nat(boolean dnat, IpAddress to, int port) {
        Objects.requireNonNull(to, "address");
        Family f = to instanceof Ipv4Address ? Family.IP : Family.IP6;
        natFamily(f, to.toString());
        if (port >= 0 && l4proto == 0) {
            throw new ValidationException((dnat ? "dnat" : "snat") + " port", Integer.toString(port),
                    "a port mapping needs a transport protocol match before it, as in nft",
                    "tcp dport/udp dport/meta l4proto before the nat statement");
        }
        if (port > 65535) throw new ValidationException("nat port", Integer.toString(port), "not a port", "0..65535");
        matchable();
        exprs.add(new Expr.Immediate(R1, Data.wrap(to.bytes())));
        if (port >= 0) {
            exprs.add(new Expr.Immediate(Expr.REG_2, Data.be16(port)));
            exprs.add(new Expr.Nat(dnat, f, R1, 0, Expr.REG_2, 0, Uapi.NF_NAT_RANGE_PROTO_SPECIFIED()));
        } else {
            exprs.add(new Expr.Nat(dnat, f, R1, 0, 0, 0, 0));
        }
        terminal();
        return this;
    }

    /**
     * {@code dnat [ip] to KEY map @map}: the map's value ({@code ipv4_addr . inet_service}, {@code ipv4_addr}, or
     * the IPv6 equivalents) is the new destination; packets whose key is not in the map are left alone.
     */
    public RuleBuilder dnatMap(NamedSet map, Selector... key) {
        if (!map.isMap() || map.isVerdictMap()) {
            throw new ValidationException("dnat map", map.name(), "is not a data map", "a map of type KEY : ipv4_addr . inet_service");
        }
        KeyType d = map.data();
        FieldType addr = d.field(0);
        boolean ok = (addr == FieldType.IPV4_ADDR || addr == FieldType.IPV6_ADDR)
                && (d.size() == 1 || (d.size() == 2 && d.field(1) == FieldType.INET_SERVICE));
        if (!ok) {
            throw new ValidationException("dnat map @" + map.name() + " value type", d.toString(),
                    "is not an address or an address and a port", "ipv4_addr, ipv4_addr . inet_service, ipv6_addr or ipv6_addr . inet_service");
        }
        Family f = addr == FieldType.IPV4_ADDR ? Family.IP : Family.IP6;
        natFamily(f, map.data().toString());
        matchable();
        loadKey(map, key);
        exprs.add(new Expr.Lookup(map.name(), R1, R1, false));
        int portReg = d.size() == 2 ? Expr.slotRegister(addr.registerLength() / 4) : 0;
        exprs.add(new Expr.Nat(true, f, R1, 0, portReg, 0, 0));
        terminal();
        return this;
    }

    private void natFamily(Family f, String what) {
        if (family != Family.INET && family != f) {
            throw new ValidationException("nat address", what, "an " + (f == Family.IP ? "IPv4" : "IPv6")
                    + " address cannot be used in a table of family " + family, "an address of the table's family");
        }
    }

    /** {@code masquerade}. */
    public RuleBuilder masquerade() {
        if (family == Family.BRIDGE) {
            throw new ValidationException("masquerade", chain.toString(), "the bridge family has no nat",
                    "masquerade in an ip, ip6 or inet table");
        }
        matchable();
        exprs.add(new Expr.Masq(0, 0, 0));
        terminal();
        return this;
    }

    // ---------------------------------------------------------------- verdicts

    public RuleBuilder accept() {
        return verdict(Verdict.ACCEPT);
    }

    public RuleBuilder drop() {
        return verdict(Verdict.DROP);
    }

    /** {@code return}. */
    public RuleBuilder ret() {
        return verdict(Verdict.RETURN);
    }

    public RuleBuilder jump(String chainName) {
        return verdict(Verdict.jump(chainName));
    }

    public RuleBuilder jump(Chain target) {
        sameTable(target.ref());
        return verdict(Verdict.jump(target.name()));
    }

    public RuleBuilder goTo(String chainName) {
        return verdict(Verdict.goTo(chainName));
    }

    public RuleBuilder verdict(Verdict v) {
        matchable();
        exprs.add(new Expr.VerdictExpr(v));
        terminal();
        return this;
    }

    /** {@code comment "TEXT"}: kept in the rule's userdata. */
    public RuleBuilder comment(String text) {
        this.comment = NftNames.comment("rule comment", text);
        return this;
    }

    /** Appends a raw expression (for what the builder has no word for); the caller answers for it. */
    public RuleBuilder expr(Expr e) {
        exprs.add(Objects.requireNonNull(e, "expr"));
        return this;
    }

    public Rule build() {
        return new Rule(chain, exprs, comment, 0);
    }
}

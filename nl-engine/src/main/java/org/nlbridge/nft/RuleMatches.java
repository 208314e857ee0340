package org.nlbridge.nft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.IpProtocol;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.ValidationException;

/**
 * The matches of a {@link RuleBuilder} (interfaces, addresses, ports, marks, conntrack, fib, sets) and the checks
 * every part of a rule goes through: what nft would emit for the same words, with the protocol dependencies nft
 * adds. Split from the builder's statements and verdicts only to keep each file readable; use {@link RuleBuilder}.
 */
abstract sealed class RuleMatches permits RuleBuilder {
    static final int R1 = Expr.REG_1;

    final ChainRef chain;
    final Family family;
    final List<Expr> exprs = new ArrayList<>();
    String comment;
    /** Whether a network/transport protocol is already pinned by an earlier match (nft adds no second dependency). */
    int nfproto;
    int l4proto;
    /** In a bridge table, the ether type an earlier match pinned (0x0800, 0x86dd, 0x0806), or 0. */
    int ethertype;
    boolean terminal;

    RuleMatches(ChainRef chain) {
        this.chain = Objects.requireNonNull(chain, "chain");
        this.family = chain.table().family();
    }

    public ChainRef chain() {
        return chain;
    }

    // ---------------------------------------------------------------- matches

    /** {@code iifname "NAME"}. */
    public RuleBuilder iifname(IfName name) {
        return ifname(Selector.IIFNAME, Expr.CmpOp.EQ, name);
    }

    public RuleBuilder iifname(String name) {
        return iifname(IfName.parse("iifname", name));
    }

    /** {@code iifname != "NAME"}. */
    public RuleBuilder iifnameNot(IfName name) {
        return ifname(Selector.IIFNAME, Expr.CmpOp.NEQ, name);
    }

    public RuleBuilder iifnameNot(String name) {
        return iifnameNot(IfName.parse("iifname", name));
    }

    /** {@code oifname "NAME"}. */
    public RuleBuilder oifname(IfName name) {
        return ifname(Selector.OIFNAME, Expr.CmpOp.EQ, name);
    }

    public RuleBuilder oifname(String name) {
        return oifname(IfName.parse("oifname", name));
    }

    /** {@code oifname != "NAME"}. */
    public RuleBuilder oifnameNot(IfName name) {
        return ifname(Selector.OIFNAME, Expr.CmpOp.NEQ, name);
    }

    public RuleBuilder oifnameNot(String name) {
        return oifnameNot(IfName.parse("oifname", name));
    }

    private RuleBuilder ifname(Selector s, Expr.CmpOp op, IfName name) {
        Objects.requireNonNull(name, s.toString());
        byte[] b = new byte[16];
        FieldType.IFNAME.write(name, b, 0, s.toString());
        return cmp(s, op, Data.wrap(b));
    }

    /** {@code meta l4proto tcp}. */
    public RuleBuilder l4proto(IpProtocol proto) {
        return l4proto(proto.number());
    }

    /** {@code meta l4proto N}. */
    public RuleBuilder l4proto(int proto) {
        if (proto < 0 || proto > 255) {
            throw new ValidationException("meta l4proto", Integer.toString(proto), "not a protocol number", "0..255");
        }
        matchable();
        exprs.add(Selector.L4PROTO.load(R1));
        exprs.add(new Expr.Cmp(R1, Expr.CmpOp.EQ, Data.u8(proto)));
        l4proto = proto;
        return self();
    }

    /** {@code meta nfproto ipv4|ipv6} (only meaningful in an inet table). */
    public RuleBuilder nfproto(Family f) {
        if (f != Family.IP && f != Family.IP6) {
            throw new ValidationException("meta nfproto", f.toString(), "not a packet family", "ip or ip6");
        }
        matchable();
        exprs.add(new Expr.Meta(Uapi.NFT_META_NFPROTO(), R1));
        exprs.add(new Expr.Cmp(R1, Expr.CmpOp.EQ, Data.u8(f.nfproto())));
        nfproto = f.nfproto();
        return self();
    }

    /**
     * Pins the frame's ether type ({@code ETH_P_*}) for the matches that follow, as nft does: {@code meta protocol}
     * ({@code meta}) or the Ethernet header's type field.
     */
    void pinEthertype(int type, boolean meta) {
        exprs.add(meta ? new Expr.Meta(Uapi.NFT_META_PROTOCOL(), R1) : new Expr.Payload(Uapi.NFT_PAYLOAD_LL_HEADER(), 12, 2, R1));
        exprs.add(new Expr.Cmp(R1, Expr.CmpOp.EQ, Data.be16(type)));
        this.ethertype = type;
    }

    /** {@code ip saddr ADDR/LEN} or {@code ip6 saddr ...}, by the prefix's family. */
    public RuleBuilder saddr(Cidr prefix) {
        return prefix(prefix.address() instanceof Ipv4Address ? Selector.IP_SADDR : Selector.IP6_SADDR, Expr.CmpOp.EQ, prefix);
    }

    public RuleBuilder saddrNot(Cidr prefix) {
        return prefix(prefix.address() instanceof Ipv4Address ? Selector.IP_SADDR : Selector.IP6_SADDR, Expr.CmpOp.NEQ, prefix);
    }

    public RuleBuilder daddr(Cidr prefix) {
        return prefix(prefix.address() instanceof Ipv4Address ? Selector.IP_DADDR : Selector.IP6_DADDR, Expr.CmpOp.EQ, prefix);
    }

    public RuleBuilder daddrNot(Cidr prefix) {
        return prefix(prefix.address() instanceof Ipv4Address ? Selector.IP_DADDR : Selector.IP6_DADDR, Expr.CmpOp.NEQ, prefix);
    }

    /** {@code ip saddr ADDR} or {@code ip6 saddr ADDR}, by the address's family. */
    public RuleBuilder saddr(IpAddress a) {
        return saddr(Cidr.of(a, a.bitLength()));
    }

    public RuleBuilder saddrNot(IpAddress a) {
        return saddrNot(Cidr.of(a, a.bitLength()));
    }

    public RuleBuilder daddr(IpAddress a) {
        return daddr(Cidr.of(a, a.bitLength()));
    }

    public RuleBuilder daddrNot(IpAddress a) {
        return daddrNot(Cidr.of(a, a.bitLength()));
    }

    /** {@code ip saddr ADDR/LEN}; the prefix must be IPv4. */
    public RuleBuilder ipSaddr(Cidr prefix) {
        return prefix(Selector.IP_SADDR, Expr.CmpOp.EQ, prefix);
    }

    public RuleBuilder ipSaddrNot(Cidr prefix) {
        return prefix(Selector.IP_SADDR, Expr.CmpOp.NEQ, prefix);
    }

    public RuleBuilder ipDaddr(Cidr prefix) {
        return prefix(Selector.IP_DADDR, Expr.CmpOp.EQ, prefix);
    }

    public RuleBuilder ipDaddrNot(Cidr prefix) {
        return prefix(Selector.IP_DADDR, Expr.CmpOp.NEQ, prefix);
    }

    public RuleBuilder ipSaddr(Ipv4Address a) {
        return ipSaddr(Cidr.of(a, 32));
    }

    public RuleBuilder ipDaddr(Ipv4Address a) {
        return ipDaddr(Cidr.of(a, 32));
    }

    public RuleBuilder ip6Saddr(Cidr prefix) {
        return prefix(Selector.IP6_SADDR, Expr.CmpOp.EQ, prefix);
    }

    public RuleBuilder ip6SaddrNot(Cidr prefix) {
        return prefix(Selector.IP6_SADDR, Expr.CmpOp.NEQ, prefix);
    }

    public RuleBuilder ip6Daddr(Cidr prefix) {
        return prefix(Selector.IP6_DADDR, Expr.CmpOp.EQ, prefix);
    }

    public RuleBuilder ip6DaddrNot(Cidr prefix) {
        return prefix(Selector.IP6_DADDR, Expr.CmpOp.NEQ, prefix);
    }

    /**
     * An address prefix match, encoded as nft does: a byte-aligned prefix loads only its bytes, any other is masked
     * with {@code bitwise}.
     */
    private RuleBuilder prefix(Selector s, Expr.CmpOp op, Cidr prefix) {
        Objects.requireNonNull(prefix, s.toString());
        int bits = s.type() == FieldType.IPV4_ADDR ? 32 : 128;
        if (prefix.address().bitLength() != bits) {
            throw new ValidationException(s.toString(), prefix.toString(), "an IPv" + (bits == 32 ? 6 : 4)
                    + " prefix cannot match " + s, bits == 32 ? "an IPv4 prefix" : "an IPv6 prefix");
        }
        dependencies(s);
        byte[] net = prefix.network().bytes();
        int plen = prefix.prefixLength();
        if (plen % 8 == 0 && plen > 0) {
            int n = plen / 8;
            exprs.add(new Expr.Payload(s.key, s.offset, n, R1));
            exprs.add(new Expr.Cmp(R1, op, Data.wrap(Arrays.copyOf(net, n))));
        } else {
            exprs.add(s.load(R1));
            exprs.add(new Expr.Bitwise(R1, R1, Data.wrap(prefix.mask().bytes()), Data.wrap(new byte[net.length])));
            exprs.add(new Expr.Cmp(R1, op, Data.wrap(net)));
        }
        return self();
    }

    /** {@code tcp dport N}. */
    public RuleBuilder tcpDport(int port) {
        return match(Selector.TCP_DPORT, Expr.CmpOp.EQ, port);
    }

    public RuleBuilder tcpSport(int port) {
        return match(Selector.TCP_SPORT, Expr.CmpOp.EQ, port);
    }

    public RuleBuilder udpDport(int port) {
        return match(Selector.UDP_DPORT, Expr.CmpOp.EQ, port);
    }

    public RuleBuilder udpSport(int port) {
        return match(Selector.UDP_SPORT, Expr.CmpOp.EQ, port);
    }

    /** {@code th dport N}: the transport header's destination port, whatever the protocol. */
    public RuleBuilder thDport(int port) {
        return match(Selector.TH_DPORT, Expr.CmpOp.EQ, port);
    }

    /** {@code tcp dport N} or {@code udp dport N}. */
    public RuleBuilder dport(IpProtocol proto, int port) {
        return match(Selector.dport(proto.number()), Expr.CmpOp.EQ, port);
    }

    /** {@code meta mark 0x...}. */
    public RuleBuilder metaMark(int mark) {
        return match(Selector.META_MARK, Expr.CmpOp.EQ, mark);
    }

    /** {@code ct mark 0x...}. */
    public RuleBuilder ctMark(int mark) {
        return match(Selector.CT_MARK, Expr.CmpOp.EQ, mark);
    }

    /**
     * {@code SELECTOR OP VALUE} for any selector, the value type-checked against the selector's field type (an
     * {@link Ipv4Address} for {@code ip saddr}, an Integer for a port, ...).
     */
    public RuleBuilder match(Selector s, Expr.CmpOp op, Object value) {
        Objects.requireNonNull(op, "op");
        if (s == Selector.L4PROTO && op == Expr.CmpOp.EQ) {
            if (value instanceof IpProtocol p) return l4proto(p);
            if (value instanceof Integer i) return l4proto(i);
        }
        byte[] b = new byte[s.type().registerLength()];
        if (value instanceof Integer i) {
            s.type().writeInt(i, b, 0, s.toString());
        } else {
            s.type().write(value, b, 0, s.toString());
        }
        return cmp(s, op, Data.wrap(Arrays.copyOf(b, s.len)));
    }

    RuleBuilder cmp(Selector s, Expr.CmpOp op, Data data) {
        dependencies(s);
        exprs.add(s.load(R1));
        exprs.add(new Expr.Cmp(R1, op, data));
        return self();
    }

    /** {@code ct state S1,S2}: any of the states. */
    public RuleBuilder ctState(CtState... states) {
        int mask = 0;
        for (CtState s : states) mask |= s.bit();
        if (mask == 0) throw new ValidationException("ct state", "", "no state given", "one or more of " + List.of(CtState.values()));
        return flags(Uapi.NFT_CT_STATE(), mask);
    }

    /** {@code ct status S1,S2}: any of the status bits, e.g. {@code ct status dnat}. */
    public RuleBuilder ctStatus(CtStatus... status) {
        int mask = 0;
        for (CtStatus s : status) mask |= s.bit();
        if (mask == 0) throw new ValidationException("ct status", "", "no status given", "one or more of " + List.of(CtStatus.values()));
        return flags(Uapi.NFT_CT_STATUS(), mask);
    }

    private RuleBuilder flags(int ctKey, int mask) {
        matchable();
        exprs.add(new Expr.Ct(ctKey, R1, -1));
        exprs.add(new Expr.Bitwise(R1, R1, Data.u32(mask), Data.u32(0)));
        exprs.add(new Expr.Cmp(R1, Expr.CmpOp.NEQ, Data.u32(0)));
        return self();
    }

    /** {@code fib daddr type local}: the destination is an address of this host. */
    public RuleBuilder fibDaddrTypeLocal() {
        return fibAddrType(Names.FIB_F_DADDR, Uapi.RTN_LOCAL(), Expr.CmpOp.EQ);
    }

    /** {@code fib saddr type local}: the source is an address of this host. */
    public RuleBuilder fibSaddrTypeLocal() {
        return fibAddrType(Names.FIB_F_SADDR, Uapi.RTN_LOCAL(), Expr.CmpOp.EQ);
    }

    /** {@code fib daddr|saddr type TYPE} for an {@code RTN_*} address type. */
    public RuleBuilder fibAddrType(int fibFlags, int rtnType, Expr.CmpOp op) {
        matchable();
        exprs.add(new Expr.Fib(fibFlags, Uapi.NFT_FIB_RESULT_ADDRTYPE(), R1));
        exprs.add(new Expr.Cmp(R1, op, Data.u32(rtnType)));
        return self();
    }

    /** {@code KEY @set}: the concatenation of {@code key} is in the set. */
    public RuleBuilder inSet(NamedSet set, Selector... key) {
        return lookup(set, key, -1, false, false);
    }

    /** {@code KEY != @set}. */
    public RuleBuilder notInSet(NamedSet set, Selector... key) {
        return lookup(set, key, -1, true, false);
    }

    /**
     * {@code SELECTOR { V1, V2, ... }}: the field is one of the values, sent as an {@link AnonymousSet} with the rule.
     * Values have the selector's type (addresses, ports, interface names, protocols); an address field also takes
     * {@link Cidr} prefixes and a port or address field {@link Range}s. E.g. {@code anyOf(Selector.TCP_DPORT, 22, 80)}
     * is {@code tcp dport { 22, 80 }}.
     */
    public RuleBuilder anyOf(Selector s, Collection<?> values) {
        return anonymous(s, false, values);
    }

    public RuleBuilder anyOf(Selector s, Object... values) {
        return anyOf(s, Arrays.asList(values));
    }

    /** {@code SELECTOR != { V1, V2, ... }}: the field is none of the values ({@link #anyOf(Selector, Collection)}). */
    public RuleBuilder noneOf(Selector s, Collection<?> values) {
        return anonymous(s, true, values);
    }

    public RuleBuilder noneOf(Selector s, Object... values) {
        return noneOf(s, Arrays.asList(values));
    }

    private RuleBuilder anonymous(Selector s, boolean inverted, Collection<?> values) {
        Objects.requireNonNull(s, "selector");
        String field = s + (inverted ? " != " : " ") + "{ ... }";
        AnonymousSet set = new AnonymousSet(s.type(), AnonymousSet.canonical(field, s.type(), values));
        dependencies(s);
        exprs.add(s.load(R1));
        exprs.add(new Expr.Lookup(AnonymousSet.NAME, R1, -1, inverted, set));
        return self();
    }

    /** {@code KEY vmap @map}: the verdict map's verdict for the key ends the rule. */
    public RuleBuilder vmap(NamedSet map, Selector... key) {
        if (!map.isVerdictMap()) {
            throw new ValidationException("vmap", map.name(), "is not a verdict map (its values are " + map.data() + ")",
                    "a map of type ... : verdict");
        }
        matchable();
        lookup(map, key, Expr.REG_VERDICT, false, true);
        terminal();
        return self();
    }

    RuleBuilder lookup(NamedSet set, Selector[] key, int dreg, boolean inverted, boolean forVerdictMap) {
        if (!forVerdictMap && set.isMap()) {
            throw new ValidationException("set", set.name(), "is a map; membership tests take a set",
                    "a set, or vmap/dnatMap for maps");
        }
        loadKey(set, key);
        exprs.add(new Expr.Lookup(set.name(), R1, dreg, inverted));
        return self();
    }

    /** Loads a concatenation into consecutive 4-byte slots from register 1, after checking it against the set key. */
    void loadKey(NamedSet set, Selector[] key) {
        Objects.requireNonNull(set, "set");
        if (!set.table().equals(chain.table())) {
            throw new ValidationException("set", set.ref().toString(), "belongs to another table than chain " + chain,
                    "a set of table " + chain.table());
        }
        KeyType given = new KeyType(Stream.of(key).map(Selector::type).toList());
        if (!given.equals(set.key())) {
            String keyText = Stream.of(key).map(Selector::toString).collect(Collectors.joining(" . "));
            throw new ValidationException("lookup key of @" + set.name(), keyText, "its type " + given
                    + " does not match the set's key type " + set.key(), "selectors of types " + set.key());
        }
        matchable();
        for (Selector s : key) dependencies(s);
        int slot = 0;
        for (Selector s : key) {
            exprs.add(s.load(Expr.slotRegister(slot)));
            slot += s.type().registerLength() / 4;
        }
    }

    // ---------------------------------------------------------------- checks

    void sameTable(ChainRef target) {
        if (!target.table().equals(chain.table())) {
            throw new ValidationException("jump target", target.toString(), "is in another table than " + chain,
                    "a chain of table " + chain.table());
        }
    }

    void matchable() {
        if (terminal) {
            throw new ValidationException("rule for " + chain, NftText.exprs(family, exprs),
                    "already ends with a verdict or a nat statement", "matches and statements before one final verdict");
        }
    }

    /**
     * Ends the rule: after a verdict, a verdict map or a nat statement (terminal in nftables: the packet is accepted
     * once translated) nothing more may match or act. Call after the statement's own expressions are in.
     */
    void terminal() {
        terminal = true;
    }

    /**
     * Adds what {@code s} depends on, as nft 1.0.6 does: {@code meta nfproto} in inet tables; in bridge tables
     * {@code meta protocol} before an ip or ip6 header field and {@code ether type} before an arp field or a
     * transport field of one IP version ({@code icmpv6 type}); {@code meta l4proto} before a transport field.
     */
    void dependencies(Selector s) {
        matchable();
        if (s.bridgeOnly() && family != Family.BRIDGE) {
            throw new ValidationException(s.toString(), chain.toString(), s + " can only match in a bridge table",
                    "a chain of a bridge table");
        }
        if (family == Family.BRIDGE) {
            int et = s.ethertype();
            if (et != 0 && ethertype != et) {
                if (ethertype != 0) {
                    throw new ValidationException(s.toString(), chain.toString(), "conflicts with an earlier match of"
                            + " ether type 0x" + Integer.toHexString(ethertype), "fields of one network protocol per rule");
                }
                boolean header = s.kind == Selector.Kind.PAYLOAD && s.key == Uapi.NFT_PAYLOAD_NETWORK_HEADER();
                pinEthertype(et, header && et != Selector.ETH_P_ARP);
            }
        } else if (s.l3 != null) {
            if (family != Family.INET && family != s.l3) {
                throw new ValidationException(s.toString(), chain.toString(), s + " cannot match in a table of family "
                        + family, family == Family.IP ? "ip fields (ip saddr, ip daddr)" : "ip6 fields (ip6 saddr, ip6 daddr)");
            }
            if (family == Family.INET && nfproto != s.l3.nfproto()) {
                if (nfproto != 0) {
                    throw new ValidationException(s.toString(), chain.toString(), "conflicts with an earlier match of the other IP version",
                            "fields of one IP version per rule");
                }
                nfproto(s.l3);
            }
        }
        if (s.l4proto != 0 && l4proto != s.l4proto) {
            if (l4proto != 0) {
                throw new ValidationException(s.toString(), chain.toString(), "conflicts with an earlier match of protocol " + l4proto,
                        "ports of one transport protocol per rule");
            }
            l4proto(s.l4proto);
        }
    }

    private RuleBuilder self() {
        return (RuleBuilder) this;
    }
}

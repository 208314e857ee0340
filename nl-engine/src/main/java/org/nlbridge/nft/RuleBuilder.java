package org.nlbridge.nft;

import java.util.Objects;

import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
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
 */public final class RuleBuilder extends RuleMatches {

    RuleBuilder(ChainRef chain) {
        super(chain);
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

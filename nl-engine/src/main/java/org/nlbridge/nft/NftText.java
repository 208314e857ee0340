package org.nlbridge.nft;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;

/**
 * Prints rules, sets and tables the way {@code nft list} does. Rules are printed from their expressions (not from
 * how they were built), the way nft's delinearisation reads them back from the kernel: loads are tracked per
 * register slot, each comparison or lookup becomes a statement, and the implicit protocol dependencies nft adds
 * ({@code meta nfproto ipv4} before {@code ip saddr} in an inet table, {@code meta l4proto tcp} before a port) are
 * dropped again when a later statement implies them. An expression sequence it does not understand is printed in
 * libnftnl's debug form, so nothing is ever hidden.
 */
final class NftText {
    private NftText() {}

    /** A source loaded into a register slot. */
    private record Src(Expr load, Data mask, String text, int nfproto, int l4proto) {}

    private record Stmt(String text, int depNfproto, int depL4, int needsNfproto, int needsL4) {
        static Stmt of(String text) {
            return new Stmt(text, 0, 0, 0, 0);
        }
    }

    static String rule(Family family, Rule r) {
        String body = exprs(family, r.exprs());
        if (r.comment() != null) body = body.isEmpty() ? "comment \"" + r.comment() + "\"" : body + " comment \"" + r.comment() + "\"";
        return body;
    }

    static String exprs(Family family, List<Expr> exprs) {
        List<Stmt> stmts = new ArrayList<>();
        Map<Integer, Src> regs = new HashMap<>();
        int nfproto = family == Family.IP ? Uapi.NFPROTO_IPV4() : family == Family.IP6 ? Uapi.NFPROTO_IPV6() : 0;
        int l4 = 0;
        for (Expr e : exprs) {
            switch (e) {
                case Expr.Meta m -> regs.put(slot(m.dreg()), new Src(m, null, null, 0, 0));
                case Expr.Payload p -> regs.put(slot(p.dreg()), new Src(p, null, null, 0, 0));
                case Expr.Ct c -> regs.put(slot(c.dreg()), new Src(c, null, null, 0, 0));
                case Expr.Fib f -> regs.put(slot(f.dreg()), new Src(f, null, null, 0, 0));
                case Expr.Immediate i -> regs.put(slot(i.dreg()), new Src(i, null, null, 0, 0));
                case Expr.Bitwise b -> {
                    Src s = regs.get(slot(b.sreg()));
                    if (s == null || s.mask != null || !b.xor().isZero()) {
                        stmts.add(Stmt.of(e.toString()));
                        regs.remove(slot(b.dreg()));
                    } else {
                        regs.put(slot(b.dreg()), new Src(s.load, b.mask(), null, 0, 0));
                    }
                }
                case Expr.Cmp c -> {
                    Src s = regs.get(slot(c.sreg()));
                    Stmt st = s == null ? null : compare(s, c, nfproto, l4);
                    if (st == null && s != null) st = raw(s, c);
                    if (st == null) st = Stmt.of((s == null ? "" : s.load + " ") + c);
                    if (st.depNfproto != 0) nfproto = st.depNfproto;
                    if (st.depL4 != 0) l4 = st.depL4;
                    stmts.add(st);
                    regs.clear();
                }
                case Expr.Lookup l -> {
                    StringJoiner key = new StringJoiner(" . ");
                    int needsNf = 0;
                    int needsL4 = 0;
                    int at = slot(l.sreg());
                    Src s;
                    while ((s = regs.get(at)) != null && s.mask == null) {
                        Selected sel = select(s.load, nfproto, l4);
                        if (sel == null) break;
                        key.add(sel.text);
                        needsNf = Math.max(needsNf, sel.nfproto);
                        needsL4 = Math.max(needsL4, sel.l4);
                        at += (sel.len + 3) / 4;
                    }
                    String k = key.length() == 0 ? "[ key in reg " + l.sreg() + " ]" : key.toString();
                    regs.clear();
                    // a named set by name, an anonymous one by its elements: ip saddr != { 8.8.8.8, 10.0.0.0/8 }
                    String target = l.anonymous() != null ? l.anonymous().toString() : "@" + l.set();
                    if (l.dreg() > 0) {
                        regs.put(slot(l.dreg()), new Src(l, null, k + " map " + target, needsNf, needsL4));
                    } else if (l.dreg() == 0) {
                        stmts.add(new Stmt(k + " vmap " + target, 0, 0, needsNf, needsL4));
                    } else {
                        stmts.add(new Stmt(k + (l.inverted() ? " != " : " ") + target, 0, 0, needsNf, needsL4));
                    }
                }
                case Expr.Nat n -> {
                    stmts.add(nat(family, n, regs));
                    regs.clear();
                }
                case Expr.Masq m -> stmts.add(Stmt.of("masquerade"));
                case Expr.Counter c -> stmts.add(Stmt.of("counter packets " + c.packets() + " bytes " + c.bytes()));
                case Expr.VerdictExpr v -> stmts.add(Stmt.of(v.verdict().toString()));
                case Expr.MetaSet ms -> {
                    Src s = regs.get(slot(ms.sreg()));
                    if (ms.key() == Uapi.NFT_META_MARK() && s != null && s.load instanceof Expr.Immediate i) {
                        stmts.add(Stmt.of("meta mark set " + String.format("0x%08x", i.data().u32())));
                    } else {
                        stmts.add(Stmt.of(e.toString()));
                    }
                    regs.clear();
                }
                case Expr.Match m -> stmts.add(Stmt.of("xt match \"" + m.match() + "\""));
                case Expr.Unknown u -> stmts.add(Stmt.of(u.toString()));
            }
        }
        StringJoiner out = new StringJoiner(" ");
        for (int i = 0; i < stmts.size(); i++) {
            Stmt st = stmts.get(i);
            if (implied(stmts, i)) continue;
            out.add(st.text);
        }
        return out.toString();
    }

    /** Whether statement {@code i} is a dependency a later statement implies. */
    private static boolean implied(List<Stmt> stmts, int i) {
        Stmt d = stmts.get(i);
        if (d.depNfproto == 0 && d.depL4 == 0) return false;
        for (int j = i + 1; j < stmts.size(); j++) {
            Stmt s = stmts.get(j);
            if (d.depNfproto != 0 && s.needsNfproto == d.depNfproto) return true;
            if (d.depL4 != 0 && s.needsL4 == d.depL4) return true;
            if ((d.depNfproto != 0 && s.depNfproto != 0) || (d.depL4 != 0 && s.depL4 != 0)) return false;
        }
        return false;
    }

    private static int slot(int reg) {
        return Expr.registerSlot(reg);
    }

    /** How a load reads in nft: its text, its length, and the dependencies it implies. */
    private record Selected(String text, int len, FieldType type, int nfproto, int l4) {}

    private static Selected select(Expr load, int nfproto, int l4) {
        switch (load) {
            case Expr.Meta m -> {
                int k = m.key();
                if (k == Uapi.NFT_META_IIFNAME()) return new Selected("iifname", 16, FieldType.IFNAME, 0, 0);
                if (k == Uapi.NFT_META_OIFNAME()) return new Selected("oifname", 16, FieldType.IFNAME, 0, 0);
                if (k == Uapi.NFT_META_L4PROTO()) return new Selected("meta l4proto", 1, FieldType.INET_PROTO, 0, 0);
                if (k == Uapi.NFT_META_MARK()) return new Selected("meta mark", 4, FieldType.MARK, 0, 0);
                return null;
            }
            case Expr.Ct c -> {
                if (c.key() == Uapi.NFT_CT_MARK() && c.direction() < 0) return new Selected("ct mark", 4, FieldType.MARK, 0, 0);
                return null;
            }
            case Expr.Payload p -> {
                if (p.base() == Uapi.NFT_PAYLOAD_LL_HEADER() && p.len() == 6 && (p.offset() == 0 || p.offset() == 6)) {
                    return new Selected(p.offset() == 6 ? "ether saddr" : "ether daddr", 6, FieldType.ETHER_ADDR, 0, 0);
                }
                if (p.base() == Uapi.NFT_PAYLOAD_NETWORK_HEADER() && nfproto == Uapi.NFPROTO_ARP()) {
                    if (p.offset() == 8 && p.len() == 6) return new Selected("arp saddr ether", 6, FieldType.ETHER_ADDR, nfproto, 0);
                    if (p.offset() == 14 && p.len() == 4) return new Selected("arp saddr ip", 4, FieldType.IPV4_ADDR, nfproto, 0);
                    return null;
                }
                if (p.base() == Uapi.NFT_PAYLOAD_TRANSPORT_HEADER() && p.offset() == 0 && p.len() == 1
                        && (l4 == 58 && nfproto == Uapi.NFPROTO_IPV6() || l4 == 1 && nfproto == Uapi.NFPROTO_IPV4())) {
                    return l4 == 58 ? new Selected("icmpv6 type", 1, FieldType.ICMPV6_TYPE, nfproto, 58)
                            : new Selected("icmp type", 1, FieldType.ICMP_TYPE, nfproto, 1);
                }
                if (p.base() == Uapi.NFT_PAYLOAD_NETWORK_HEADER()) {
                    if (nfproto == Uapi.NFPROTO_IPV4() && p.len() <= 4 && (p.offset() == 12 || p.offset() == 16)) {
                        return new Selected(p.offset() == 12 ? "ip saddr" : "ip daddr", p.len(), FieldType.IPV4_ADDR, nfproto, 0);
                    }
                    if (nfproto == Uapi.NFPROTO_IPV6() && p.len() <= 16 && (p.offset() == 8 || p.offset() == 24)) {
                        return new Selected(p.offset() == 8 ? "ip6 saddr" : "ip6 daddr", p.len(), FieldType.IPV6_ADDR, nfproto, 0);
                    }
                    return null;
                }
                if (p.base() == Uapi.NFT_PAYLOAD_TRANSPORT_HEADER() && p.len() == 2 && (p.offset() == 0 || p.offset() == 2)) {
                    String proto = l4 == 6 ? "tcp" : l4 == 17 ? "udp" : "th";
                    return new Selected(proto + (p.offset() == 0 ? " sport" : " dport"), 2, FieldType.INET_SERVICE, 0,
                            l4 == 6 || l4 == 17 ? l4 : 0);
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /** A comparison of a loaded (and maybe masked) value as an nft match, or null to print it raw. */
    private static Stmt compare(Src s, Expr.Cmp c, int nfproto, int l4) {
        String op = c.op().symbol();
        String sp = op.isEmpty() ? "" : op + " ";
        Data d = c.data();
        if (s.load instanceof Expr.Meta m && s.mask == null) {
            int k = m.key();
            if (k == Uapi.NFT_META_NFPROTO() && d.length() == 1) {
                int v = d.get(0) & 0xff;
                String name = v == Uapi.NFPROTO_IPV4() ? "ipv4" : v == Uapi.NFPROTO_IPV6() ? "ipv6" : Integer.toString(v);
                return c.op() == Expr.CmpOp.EQ ? new Stmt("meta nfproto " + name, v, 0, 0, 0) : Stmt.of("meta nfproto " + sp + name);
            }
            if (k == Uapi.NFT_META_L4PROTO() && d.length() == 1) {
                int v = d.get(0) & 0xff;
                String name = FieldType.INET_PROTO.format(FieldType.INET_PROTO.read(d.array(), 0));
                return c.op() == Expr.CmpOp.EQ ? new Stmt("meta l4proto " + name, 0, v, 0, 0) : Stmt.of("meta l4proto " + sp + name);
            }
            if ((k == Uapi.NFT_META_IIFNAME() || k == Uapi.NFT_META_OIFNAME()) && d.length() <= 16) {
                String field = k == Uapi.NFT_META_IIFNAME() ? "iifname" : "oifname";
                byte[] b = d.array();
                int n = 0;
                while (n < b.length && b[n] != 0) n++;
                String name = new String(b, 0, n, StandardCharsets.US_ASCII);
                if (n == b.length) name += "*"; // compared without the NUL: a prefix wildcard
                return Stmt.of(field + " " + sp + "\"" + name + "\"");
            }
            if (k == Uapi.NFT_META_MARK() && d.length() == 4) {
                return Stmt.of("meta mark " + sp + String.format("0x%08x", d.u32()));
            }
            if (k == Uapi.NFT_META_PROTOCOL() && d.length() == 2) {
                return etherType("meta protocol ", c.op(), d.be16());
            }
            return null;
        }
        if (s.load instanceof Expr.Payload p && s.mask == null && p.base() == Uapi.NFT_PAYLOAD_LL_HEADER()
                && p.offset() == 12 && p.len() == 2 && d.length() == 2) {
            return etherType("ether type ", c.op(), d.be16());
        }
        if (s.load instanceof Expr.Payload p && s.mask == null && nfproto == Uapi.NFPROTO_IPV6()
                && p.base() == Uapi.NFT_PAYLOAD_NETWORK_HEADER() && p.offset() == 4 && p.len() == 2 && d.length() == 2) {
            return new Stmt("ip6 length " + sp + d.be16(), 0, 0, nfproto, 0);
        }
        if (s.load instanceof Expr.Ct ct && ct.direction() < 0) {
            if (ct.key() == Uapi.NFT_CT_MARK() && s.mask == null && d.length() == 4) {
                return Stmt.of("ct mark " + sp + String.format("0x%08x", d.u32()));
            }
            boolean flagsTest = s.mask != null && c.op() == Expr.CmpOp.NEQ && d.isZero() && s.mask.length() == 4;
            if (ct.key() == Uapi.NFT_CT_STATE() && flagsTest) {
                StringJoiner j = new StringJoiner(",");
                int mask = s.mask.u32();
                for (CtState st : CtState.values()) if ((mask & st.bit()) != 0) j.add(st.toString());
                return Stmt.of("ct state " + j);
            }
            if (ct.key() == Uapi.NFT_CT_STATUS() && flagsTest) {
                StringJoiner j = new StringJoiner(",");
                int mask = s.mask.u32();
                for (CtStatus st : CtStatus.values()) if ((mask & st.bit()) != 0) j.add(st.toString());
                return Stmt.of("ct status " + j);
            }
            return null;
        }
        if (s.load instanceof Expr.Fib f && s.mask == null && f.result() == Uapi.NFT_FIB_RESULT_ADDRTYPE() && d.length() == 4) {
            return Stmt.of("fib " + Names.fibFlags(f.flags()) + " type " + sp + Names.addrType(d.u32()));
        }
        Selected sel = select(s.load, nfproto, l4);
        if (sel == null) return null;
        if (sel.type == FieldType.IPV4_ADDR || sel.type == FieldType.IPV6_ADDR) {
            int full = sel.type.length();
            byte[] v = Arrays.copyOf(d.array(), full);
            int prefix;
            if (s.mask != null) {
                prefix = prefixLength(s.mask.array());
                if (prefix < 0) return null;
            } else {
                prefix = d.length() * 8;
            }
            Object addr = sel.type.read(v, 0);
            String text = prefix == full * 8 ? addr.toString() : addr + "/" + prefix;
            return new Stmt(sel.text + " " + sp + text, 0, 0, sel.nfproto, 0);
        }
        if (sel.type == FieldType.INET_SERVICE && s.mask == null && d.length() == 2) {
            return new Stmt(sel.text + " " + sp + d.be16(), 0, 0, 0, sel.l4);
        }
        if ((sel.type == FieldType.ETHER_ADDR || sel.type == FieldType.ICMP_TYPE || sel.type == FieldType.ICMPV6_TYPE)
                && s.mask == null && d.length() == sel.len) {
            Object v = sel.type.read(java.util.Arrays.copyOf(d.array(), sel.type.registerLength()), 0);
            return new Stmt(sel.text + " " + sp + sel.type.format(v), 0, 0, sel.nfproto, sel.l4);
        }
        return null;
    }

    /** A raw payload comparison as nft writes one it has no name for: {@code @th,192,64 0x2010242ac120002}. */
    private static Stmt raw(Src s, Expr.Cmp c) {
        if (!(s.load instanceof Expr.Payload p) || s.mask != null || c.data().length() != p.len()) return null;
        String base = p.base() == Uapi.NFT_PAYLOAD_LL_HEADER() ? "ll" : p.base() == Uapi.NFT_PAYLOAD_NETWORK_HEADER()
                ? "nh" : p.base() == Uapi.NFT_PAYLOAD_TRANSPORT_HEADER() ? "th" : null;
        if (base == null) return null;
        String op = c.op().symbol();
        return Stmt.of("@" + base + "," + p.offset() * 8 + "," + p.len() * 8 + " " + (op.isEmpty() ? "" : op + " ")
                + "0x" + new java.math.BigInteger(1, c.data().array()).toString(16));
    }

    /**
     * {@code meta protocol ip6} or {@code ether type ip6}: in a bridge table the dependency of the ip6 (ip, arp)
     * matches after it, which hide it as nft does.
     */
    private static Stmt etherType(String field, Expr.CmpOp op, int type) {
        String name = type == Selector.ETH_P_IP ? "ip" : type == Selector.ETH_P_IPV6 ? "ip6"
                : type == Selector.ETH_P_ARP ? "arp" : String.format("0x%04x", type);
        int nf = type == Selector.ETH_P_IP ? Uapi.NFPROTO_IPV4() : type == Selector.ETH_P_IPV6 ? Uapi.NFPROTO_IPV6()
                : type == Selector.ETH_P_ARP ? Uapi.NFPROTO_ARP() : 0;
        if (op == Expr.CmpOp.EQ && nf != 0) return new Stmt(field + name, nf, 0, 0, 0);
        return Stmt.of(field + (op.symbol().isEmpty() ? "" : op.symbol() + " ") + name);
    }

    /** The prefix length of a contiguous mask, or -1. */
    private static int prefixLength(byte[] mask) {
        int n = 0;
        boolean ended = false;
        for (byte b : mask) {
            for (int bit = 7; bit >= 0; bit--) {
                boolean one = (b >> bit & 1) != 0;
                if (one && ended) return -1;
                if (one) n++;
                else ended = true;
            }
        }
        return n;
    }

    private static Stmt nat(Family family, Expr.Nat n, Map<Integer, Src> regs) {
        StringBuilder b = new StringBuilder(n.dnat() ? "dnat" : "snat");
        Src addr = n.addrMin() != 0 ? regs.get(slot(n.addrMin())) : null;
        Src port = n.protoMin() != 0 ? regs.get(slot(n.protoMin())) : null;
        boolean viaMap = addr != null && addr.load instanceof Expr.Lookup;
        if (family == Family.INET || (viaMap && n.protoMin() != 0)) {
            b.append(' ').append(n.family());
        }
        b.append(" to ");
        if (viaMap) {
            return new Stmt(b.append(addr.text).toString(), 0, 0, addr.nfproto, addr.l4proto);
        }
        String a = "";
        if (addr != null && addr.load instanceof Expr.Immediate im) {
            byte[] v = im.data().array();
            a = v.length == 4 ? Ipv4Address.of(v).toString() : v.length == 16 ? Ipv6Address.of(v).toString() : im.data().toString();
        } else if (addr != null) {
            return Stmt.of(n.toString());
        }
        if (port != null && port.load instanceof Expr.Immediate pm) {
            String p = Integer.toString(pm.data().be16());
            b.append(n.family() == Family.IP6 && !a.isEmpty() ? "[" + a + "]" : a).append(':').append(p);
        } else {
            b.append(a);
        }
        return Stmt.of(b.toString());
    }
}

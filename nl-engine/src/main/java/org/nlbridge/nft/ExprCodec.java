package org.nlbridge.nft;

import static org.nlbridge.bindings.linux.Uapi.*;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.nlbridge.netlink.AttrCursor;
import org.nlbridge.netlink.MsgWriter;
import org.nlbridge.netlink.WireFormatException;

/**
 * Expressions to and from their netlink form: a {@code NFTA_LIST_ELEM} holding {@code NFTA_EXPR_NAME} and the
 * {@code NFTA_EXPR_DATA} nest, with every number in network order as nf_tables expects. Decoding skips attributes
 * it does not know (newer kernels add some) and keeps expressions it does not know as {@link Expr.Unknown}.
 */
final class ExprCodec {
    private ExprCodec() {}

    /** {@code NFTA_MATCH_*} of {@code linux/netfilter/nf_tables_compat.h}, which the generated bindings leave out. */
    static final int NFTA_MATCH_NAME = 1;
    static final int NFTA_MATCH_REV = 2;
    static final int NFTA_MATCH_INFO = 3;

    /** Writes {@code NFTA_RULE_EXPRESSIONS} (or any list attribute of type {@code listType}). */
    static void encodeList(MsgWriter w, int listType, List<Expr> exprs) {
        encodeList(w, listType, exprs, new int[0]);
    }

    /**
     * As {@link #encodeList(MsgWriter, int, List)}, the {@code i}-th lookup in an anonymous set referring to it by
     * {@code anonymousIds[i]}, the {@code NFTA_SET_ID} it was sent with in the same transaction.
     */
    static void encodeList(MsgWriter w, int listType, List<Expr> exprs, int[] anonymousIds) {
        long list = w.nestStart(listType);
        int next = 0;
        for (Expr e : exprs) {
            int id = 0;
            if (e instanceof Expr.Lookup l && l.anonymous() != null && next < anonymousIds.length) {
                id = anonymousIds[next++];
            }
            encodeIn(w, NFTA_LIST_ELEM(), e, id);
        }
        w.nestEnd(list);
    }

    static void encode(MsgWriter w, Expr e) {
        encodeIn(w, NFTA_LIST_ELEM(), e);
    }

    /**
     * One expression as a nest of {@code type} holding {@code NFTA_EXPR_NAME} and {@code NFTA_EXPR_DATA}: a list
     * element, or a set's {@code NFTA_SET_EXPR}.
     */
    static void encodeIn(MsgWriter w, int type, Expr e) {
        encodeIn(w, type, e, 0);
    }

    /** As {@link #encodeIn(MsgWriter, int, Expr)}; a lookup in an anonymous set names it by {@code setId} too. */
    private static void encodeIn(MsgWriter w, int type, Expr e, int setId) {
        long elem = w.nestStart(type);
        w.putString(NFTA_EXPR_NAME(), e.name());
        long d = w.nestStart(NFTA_EXPR_DATA());
        switch (e) {
            case Expr.Meta m -> {
                w.putBe32(NFTA_META_KEY(), m.key());
                w.putBe32(NFTA_META_DREG(), m.dreg());
            }
            case Expr.MetaSet m -> {
                w.putBe32(NFTA_META_KEY(), m.key());
                w.putBe32(NFTA_META_SREG(), m.sreg());
            }
            case Expr.Payload p -> {
                w.putBe32(NFTA_PAYLOAD_DREG(), p.dreg());
                w.putBe32(NFTA_PAYLOAD_BASE(), p.base());
                w.putBe32(NFTA_PAYLOAD_OFFSET(), p.offset());
                w.putBe32(NFTA_PAYLOAD_LEN(), p.len());
            }
            case Expr.Cmp c -> {
                w.putBe32(NFTA_CMP_SREG(), c.sreg());
                w.putBe32(NFTA_CMP_OP(), c.op().code());
                value(w, NFTA_CMP_DATA(), c.data());
            }
            case Expr.Bitwise b -> {
                w.putBe32(NFTA_BITWISE_SREG(), b.sreg());
                w.putBe32(NFTA_BITWISE_DREG(), b.dreg());
                w.putBe32(NFTA_BITWISE_LEN(), b.len());
                value(w, NFTA_BITWISE_MASK(), b.mask());
                value(w, NFTA_BITWISE_XOR(), b.xor());
            }
            case Expr.Ct c -> {
                w.putBe32(NFTA_CT_DREG(), c.dreg());
                w.putBe32(NFTA_CT_KEY(), c.key());
                if (c.direction() >= 0) w.putU8(NFTA_CT_DIRECTION(), c.direction());
            }
            case Expr.Fib f -> {
                w.putBe32(NFTA_FIB_DREG(), f.dreg());
                w.putBe32(NFTA_FIB_RESULT(), f.result());
                w.putBe32(NFTA_FIB_FLAGS(), f.flags());
            }
            case Expr.Lookup l -> {
                w.putBe32(NFTA_LOOKUP_SREG(), l.sreg());
                if (l.dreg() >= 0) w.putBe32(NFTA_LOOKUP_DREG(), l.dreg());
                w.putString(NFTA_LOOKUP_SET(), l.set());
                if (setId != 0) w.putBe32(NFTA_LOOKUP_SET_ID(), setId);
                if (l.inverted()) w.putBe32(NFTA_LOOKUP_FLAGS(), NFT_LOOKUP_F_INV());
            }
            case Expr.Nat n -> {
                w.putBe32(NFTA_NAT_TYPE(), n.dnat() ? NFT_NAT_DNAT() : NFT_NAT_SNAT());
                w.putBe32(NFTA_NAT_FAMILY(), n.family().nfproto());
                if (n.addrMin() != 0) w.putBe32(NFTA_NAT_REG_ADDR_MIN(), n.addrMin());
                if (n.addrMax() != 0) w.putBe32(NFTA_NAT_REG_ADDR_MAX(), n.addrMax());
                if (n.protoMin() != 0) w.putBe32(NFTA_NAT_REG_PROTO_MIN(), n.protoMin());
                if (n.protoMax() != 0) w.putBe32(NFTA_NAT_REG_PROTO_MAX(), n.protoMax());
                if (n.flags() != 0) w.putBe32(NFTA_NAT_FLAGS(), n.flags());
            }
            case Expr.Masq m -> {
                if (m.flags() != 0) w.putBe32(NFTA_MASQ_FLAGS(), m.flags());
                if (m.protoMin() != 0) w.putBe32(NFTA_MASQ_REG_PROTO_MIN(), m.protoMin());
                if (m.protoMax() != 0) w.putBe32(NFTA_MASQ_REG_PROTO_MAX(), m.protoMax());
            }
            case Expr.Immediate i -> {
                w.putBe32(NFTA_IMMEDIATE_DREG(), i.dreg());
                value(w, NFTA_IMMEDIATE_DATA(), i.data());
            }
            case Expr.VerdictExpr v -> {
                w.putBe32(NFTA_IMMEDIATE_DREG(), Expr.REG_VERDICT);
                long data = w.nestStart(NFTA_IMMEDIATE_DATA());
                verdict(w, v.verdict());
                w.nestEnd(data);
            }
            case Expr.Counter c -> {
                // the kernel starts from zero when no counts are given; listing reports them
            }
            case Expr.Match m -> {
                w.putString(NFTA_MATCH_NAME, m.match());
                w.putBe32(NFTA_MATCH_REV, m.rev());
                w.putBytes(NFTA_MATCH_INFO, m.info().array());
            }
            case Expr.Unknown u -> throw new IllegalArgumentException("cannot send expression \"" + u.name()
                    + "\": it was listed from the kernel without being decoded");
        }
        w.nestEnd(d);
        w.nestEnd(elem);
    }

    /** {@code NFTA_DATA_VALUE} inside a nest of {@code type}. */
    private static void value(MsgWriter w, int type, Data data) {
        long n = w.nestStart(type);
        w.putBytes(NFTA_DATA_VALUE(), data.array());
        w.nestEnd(n);
    }

    /** {@code NFTA_DATA_VERDICT}: the code and, for jump and goto, the chain. */
    static void verdict(MsgWriter w, Verdict v) {
        long n = w.nestStart(NFTA_DATA_VERDICT());
        w.putBe32(NFTA_VERDICT_CODE(), v.kind().code());
        if (v.chain() != null) w.putString(NFTA_VERDICT_CHAIN(), v.chain());
        w.nestEnd(n);
    }

    // ---------------------------------------------------------------- decoding

    /** Decodes one {@code NFTA_LIST_ELEM} the cursor stands on. */
    static Expr decode(AttrCursor elem) {
        AttrCursor a = elem.enter(new AttrCursor());
        String name = null;
        AttrCursor data = null;
        while (a.next()) {
            if (a.type() == NFTA_EXPR_NAME()) name = a.string();
            else if (a.type() == NFTA_EXPR_DATA()) data = a.enter(new AttrCursor());
        }
        if (name == null) throw new WireFormatException("expression without NFTA_EXPR_NAME");
        if (data == null) data = new AttrCursor().reset(MemorySegment.ofArray(new byte[0]), 0, 0);
        return switch (name) {
            case "meta" -> meta(data);
            case "payload" -> payload(data);
            case "cmp" -> cmp(data);
            case "bitwise" -> bitwise(data);
            case "ct" -> ct(data);
            case "fib" -> fib(data);
            case "lookup" -> lookup(data);
            case "nat" -> nat(data);
            case "masq" -> masq(data);
            case "immediate" -> immediate(data);
            case "counter" -> counter(data);
            case "match" -> match(data);
            default -> new Expr.Unknown(name);
        };
    }

    private static Expr meta(AttrCursor a) {
        int key = -1, dreg = -1, sreg = -1;
        while (a.next()) {
            int t = a.type();
            if (t == NFTA_META_KEY()) key = a.be32();
            else if (t == NFTA_META_DREG()) dreg = a.be32();
            else if (t == NFTA_META_SREG()) sreg = a.be32();
        }
        if (sreg >= 0) return new Expr.MetaSet(key, sreg);
        return new Expr.Meta(key, dreg);
    }

    private static Expr payload(AttrCursor a) {
        int dreg = -1, base = -1, off = -1, len = -1;
        boolean set = false;
        while (a.next()) {
            int t = a.type();
            if (t == NFTA_PAYLOAD_DREG()) dreg = a.be32();
            else if (t == NFTA_PAYLOAD_BASE()) base = a.be32();
            else if (t == NFTA_PAYLOAD_OFFSET()) off = a.be32();
            else if (t == NFTA_PAYLOAD_LEN()) len = a.be32();
            else if (t == NFTA_PAYLOAD_SREG()) set = true;
        }
        return set ? new Expr.Unknown("payload set") : new Expr.Payload(base, off, len, dreg);
    }

    private static Expr cmp(AttrCursor a) {
        int sreg = -1, op = -1;
        Data d = null;
        while (a.next()) {
            int t = a.type();
            if (t == NFTA_CMP_SREG()) sreg = a.be32();
            else if (t == NFTA_CMP_OP()) op = a.be32();
            else if (t == NFTA_CMP_DATA()) d = valueOf(a);
        }
        Expr.CmpOp o = Expr.CmpOp.ofCode(op);
        if (o == null || d == null) return new Expr.Unknown("cmp");
        return new Expr.Cmp(sreg, o, d);
    }

    private static Expr bitwise(AttrCursor a) {
        int sreg = -1, dreg = -1, op = 0;
        Data mask = null, xor = null;
        while (a.next()) {
            int t = a.type();
            if (t == NFTA_BITWISE_SREG()) sreg = a.be32();
            else if (t == NFTA_BITWISE_DREG()) dreg = a.be32();
            else if (t == NFTA_BITWISE_MASK()) mask = valueOf(a);
            else if (t == NFTA_BITWISE_XOR()) xor = valueOf(a);
            else if (t == NFTA_BITWISE_OP()) op = a.be32();
        }
        if (op != NFT_BITWISE_MASK_XOR() || mask == null || xor == null || mask.length() != xor.length()) {
            return new Expr.Unknown("bitwise");
        }
        return new Expr.Bitwise(sreg, dreg, mask, xor);
    }

    private static Expr ct(AttrCursor a) {
        int key = -1, dreg = -1, dir = -1;
        boolean set = false;
        while (a.next()) {
            int t = a.type();
            if (t == NFTA_CT_KEY()) key = a.be32();
            else if (t == NFTA_CT_DREG()) dreg = a.be32();
            else if (t == NFTA_CT_DIRECTION()) dir = a.u8();
            else if (t == NFTA_CT_SREG()) set = true;
        }
        return set ? new Expr.Unknown("ct set") : new Expr.Ct(key, dreg, dir);
    }

    private static Expr fib(AttrCursor a) {
        int dreg = -1, result = -1, flags = 0;
        while (a.next()) {
            int t = a.type();
            if (t == NFTA_FIB_DREG()) dreg = a.be32();
            else if (t == NFTA_FIB_RESULT()) result = a.be32();
            else if (t == NFTA_FIB_FLAGS()) flags = a.be32();
        }
        return new Expr.Fib(flags, result, dreg);
    }

    private static Expr lookup(AttrCursor a) {
        String set = null;
        int sreg = -1, dreg = -1, flags = 0;
        while (a.next()) {
            int t = a.type();
            if (t == NFTA_LOOKUP_SET()) set = a.string();
            else if (t == NFTA_LOOKUP_SREG()) sreg = a.be32();
            else if (t == NFTA_LOOKUP_DREG()) dreg = a.be32();
            else if (t == NFTA_LOOKUP_FLAGS()) flags = a.be32();
        }
        if (set == null) return new Expr.Unknown("lookup");
        return new Expr.Lookup(set, sreg, dreg, (flags & NFT_LOOKUP_F_INV()) != 0);
    }

    private static Expr nat(AttrCursor a) {
        int type = -1, fam = -1, amin = 0, amax = 0, pmin = 0, pmax = 0, flags = 0;
        while (a.next()) {
            int t = a.type();
            if (t == NFTA_NAT_TYPE()) type = a.be32();
            else if (t == NFTA_NAT_FAMILY()) fam = a.be32();
            else if (t == NFTA_NAT_REG_ADDR_MIN()) amin = a.be32();
            else if (t == NFTA_NAT_REG_ADDR_MAX()) amax = a.be32();
            else if (t == NFTA_NAT_REG_PROTO_MIN()) pmin = a.be32();
            else if (t == NFTA_NAT_REG_PROTO_MAX()) pmax = a.be32();
            else if (t == NFTA_NAT_FLAGS()) flags = a.be32();
        }
        Family f = Family.ofNfproto(fam);
        if (f != Family.IP && f != Family.IP6) return new Expr.Unknown("nat");
        return new Expr.Nat(type == NFT_NAT_DNAT(), f, amin, amax, pmin, pmax, flags);
    }

    private static Expr masq(AttrCursor a) {
        int flags = 0, pmin = 0, pmax = 0;
        while (a.next()) {
            int t = a.type();
            if (t == NFTA_MASQ_FLAGS()) flags = a.be32();
            else if (t == NFTA_MASQ_REG_PROTO_MIN()) pmin = a.be32();
            else if (t == NFTA_MASQ_REG_PROTO_MAX()) pmax = a.be32();
        }
        return new Expr.Masq(flags, pmin, pmax);
    }

    private static Expr immediate(AttrCursor a) {
        int dreg = -1;
        AttrCursor data = null;
        while (a.next()) {
            int t = a.type();
            if (t == NFTA_IMMEDIATE_DREG()) dreg = a.be32();
            else if (t == NFTA_IMMEDIATE_DATA()) data = a.enter(new AttrCursor());
        }
        if (data == null) return new Expr.Unknown("immediate");
        while (data.next()) {
            if (data.type() == NFTA_DATA_VALUE()) return new Expr.Immediate(dreg, Data.wrap(data.bytes()));
            if (data.type() == NFTA_DATA_VERDICT()) {
                Verdict v = verdictOf(data);
                return v == null ? new Expr.Unknown("immediate") : new Expr.VerdictExpr(v);
            }
        }
        return new Expr.Unknown("immediate");
    }

    private static Expr match(AttrCursor a) {
        String name = null;
        int rev = -1;
        Data info = null;
        while (a.next()) {
            int t = a.type();
            if (t == NFTA_MATCH_NAME) name = a.string();
            else if (t == NFTA_MATCH_REV) rev = a.be32();
            else if (t == NFTA_MATCH_INFO) info = Data.wrap(a.bytes());
        }
        if (name == null || rev < 0 || info == null) return new Expr.Unknown("match");
        return new Expr.Match(name, rev, info);
    }

    private static Expr counter(AttrCursor a) {
        long pkts = 0, bytes = 0;
        while (a.next()) {
            int t = a.type();
            if (t == NFTA_COUNTER_PACKETS()) pkts = a.be64();
            else if (t == NFTA_COUNTER_BYTES()) bytes = a.be64();
        }
        return new Expr.Counter(pkts, bytes);
    }

    /** The {@code NFTA_DATA_VALUE} inside the nest the cursor stands on. */
    static Data valueOf(AttrCursor nest) {
        AttrCursor in = nest.enter(new AttrCursor());
        while (in.next()) {
            if (in.type() == NFTA_DATA_VALUE()) return Data.wrap(in.bytes());
        }
        return null;
    }

    /** The verdict in the {@code NFTA_DATA_VERDICT} nest the cursor stands on, or null if unknown. */
    static Verdict verdictOf(AttrCursor nest) {
        AttrCursor in = nest.enter(new AttrCursor());
        int code = Integer.MIN_VALUE;
        String chain = null;
        while (in.next()) {
            if (in.type() == NFTA_VERDICT_CODE()) code = in.be32();
            else if (in.type() == NFTA_VERDICT_CHAIN()) chain = in.string();
        }
        Verdict.Kind k = Verdict.Kind.ofCode(code);
        if (k == null) return null;
        boolean needsChain = k == Verdict.Kind.JUMP || k == Verdict.Kind.GOTO;
        if (needsChain != (chain != null)) return null;
        return new Verdict(k, chain);
    }
}

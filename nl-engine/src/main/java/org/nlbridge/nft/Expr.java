package org.nlbridge.nft;

import java.util.Objects;

import org.nlbridge.bindings.linux.Uapi;

/**
 * One nf_tables expression as the kernel sees it: loads into registers, comparisons, lookups, statements. A
 * {@link Rule} is a list of them; {@link RuleBuilder} writes the lists nft would write, and listing decodes the
 * kernel's back into the same records. {@link #toString()} prints libnftnl's debug form, e.g.
 * {@code [ payload load 4b @ network header + 12 => reg 1 ]}, which is what {@code nft --debug=netlink} shows.
 *
 * <p>Registers are the kernel's numbers: {@code 0} the verdict register, {@code 1..4} the 16-byte registers,
 * {@code 8..23} the 4-byte {@code NFT_REG32_*} registers.
 */
public sealed interface Expr {

    /** The kernel's expression name ({@code NFTA_EXPR_NAME}). */
    String name();

    int REG_VERDICT = 0;
    int REG_1 = 1;
    int REG_2 = 2;
    int REG32_00 = 8;

    /** The register holding 4-byte slot {@code slot} of the register file, as nft numbers it. */
    static int slotRegister(int slot) {
        return slot % 4 == 0 ? REG_1 + slot / 4 : REG32_00 + slot;
    }

    /** The 4-byte slot a register starts at, or -1 for the verdict register or an unknown one. */
    static int registerSlot(int reg) {
        if (reg >= REG_1 && reg <= 4) return (reg - REG_1) * 4;
        if (reg >= REG32_00 && reg < REG32_00 + 16) return reg - REG32_00;
        return -1;
    }

    /** {@code meta load KEY => reg}. */
    record Meta(int key, int dreg) implements Expr {
        public String name() {
            return "meta";
        }

        @Override
        public String toString() {
            return "[ meta load " + Names.meta(key) + " => reg " + dreg + " ]";
        }
    }

    /** {@code meta set KEY with reg}. */
    record MetaSet(int key, int sreg) implements Expr {
        public String name() {
            return "meta";
        }

        @Override
        public String toString() {
            return "[ meta set " + Names.meta(key) + " with reg " + sreg + " ]";
        }
    }

    /** {@code payload load LEN @ BASE + OFFSET => reg}. */
    record Payload(int base, int offset, int len, int dreg) implements Expr {
        public String name() {
            return "payload";
        }

        @Override
        public String toString() {
            return "[ payload load " + len + "b @ " + Names.payloadBase(base) + " + " + offset + " => reg " + dreg + " ]";
        }
    }

    /** Comparison operators of {@code cmp}. */
    enum CmpOp {
        EQ("eq", "==", Uapi.NFT_CMP_EQ()), NEQ("neq", "!=", Uapi.NFT_CMP_NEQ()), LT("lt", "<", Uapi.NFT_CMP_LT()),
        LTE("lte", "<=", Uapi.NFT_CMP_LTE()), GT("gt", ">", Uapi.NFT_CMP_GT()), GTE("gte", ">=", Uapi.NFT_CMP_GTE());

        final String debug;
        final String symbol;
        final int code;

        CmpOp(String debug, String symbol, int code) {
            this.debug = debug;
            this.symbol = symbol;
            this.code = code;
        }

        /** {@code NFT_CMP_*}. */
        public int code() {
            return code;
        }

        /** As nft prints it in a rule: {@code !=}, {@code <}; empty for eq. */
        public String symbol() {
            return this == EQ ? "" : symbol;
        }

        static CmpOp ofCode(int code) {
            for (CmpOp o : values()) {
                if (o.code == code) return o;
            }
            return null;
        }
    }

    /** {@code cmp OP reg DATA}. */
    record Cmp(int sreg, CmpOp op, Data data) implements Expr {
        public Cmp {
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(data, "data");
        }

        public String name() {
            return "cmp";
        }

        @Override
        public String toString() {
            return "[ cmp " + op.debug + " reg " + sreg + " " + data + " ]";
        }
    }

    /** {@code bitwise dreg = (sreg & MASK) ^ XOR}. */
    record Bitwise(int sreg, int dreg, Data mask, Data xor) implements Expr {
        public Bitwise {
            if (mask.length() != xor.length()) throw new IllegalArgumentException("mask and xor differ in length");
        }

        public String name() {
            return "bitwise";
        }

        public int len() {
            return mask.length();
        }

        @Override
        public String toString() {
            return "[ bitwise reg " + dreg + " = ( reg " + sreg + " & " + mask + " ) ^ " + xor + " ]";
        }
    }

    /** {@code ct load KEY => reg}; {@code direction} is -1 when not given. */
    record Ct(int key, int dreg, int direction) implements Expr {
        public String name() {
            return "ct";
        }

        @Override
        public String toString() {
            return "[ ct load " + Names.ct(key) + " => reg " + dreg
                    + (direction < 0 ? "" : direction == 0 ? ", dir original" : ", dir reply") + " ]";
        }
    }

    /** {@code fib FLAGS RESULT => reg}: e.g. flags {@code NFTA_FIB_F_DADDR}, result {@code ADDRTYPE}. */
    record Fib(int flags, int result, int dreg) implements Expr {
        public String name() {
            return "fib";
        }

        @Override
        public String toString() {
            return "[ fib " + Names.fibFlags(flags) + " " + Names.fibResult(result) + " => reg " + dreg + " ]";
        }
    }

    /**
     * {@code lookup reg SREG set NAME [dreg D] [0x1]}: set membership ({@code dreg} -1), a map lookup into a data
     * register, or a verdict map lookup ({@code dreg} 0). {@code inverted} is {@code NFT_LOOKUP_F_INV}. In a rule
     * with an {@link AnonymousSet} ({@code ip saddr { ... }}), {@code anonymous} holds its elements and {@code set}
     * its name: {@code __set%d} as built, the name the kernel gave it as listed ({@link Rule#withoutState()} puts
     * the first back).
     */
    record Lookup(String set, int sreg, int dreg, boolean inverted, AnonymousSet anonymous) implements Expr {
        public Lookup {
            Objects.requireNonNull(set, "set");
        }

        /** A lookup in a named set. */
        public Lookup(String set, int sreg, int dreg, boolean inverted) {
            this(set, sreg, dreg, inverted, null);
        }

        public String name() {
            return "lookup";
        }

        @Override
        public String toString() {
            return "[ lookup reg " + sreg + " set " + set + (dreg >= 0 ? " dreg " + dreg : "") + (inverted ? " 0x1" : "")
                    + " ]";
        }
    }

    /**
     * {@code nat snat|dnat FAMILY addr_min reg proto_min reg flags}; registers are 0 when absent. Equality is by
     * meaning: the kernel reports a missing maximum register as the minimum one and adds the flags a register
     * implies ({@code NF_NAT_RANGE_MAP_IPS}, {@code NF_NAT_RANGE_PROTO_SPECIFIED}), so a listed nat equals the one
     * that was sent.
     */
    record Nat(boolean dnat, Family family, int addrMin, int addrMax, int protoMin, int protoMax, int flags)
            implements Expr {
        public String name() {
            return "nat";
        }

        private int impliedAddrMax() {
            return addrMax == addrMin ? 0 : addrMax;
        }

        private int impliedProtoMax() {
            return protoMax == protoMin ? 0 : protoMax;
        }

        private int explicitFlags() {
            int f = flags;
            if (addrMin != 0) f &= ~Uapi.NF_NAT_RANGE_MAP_IPS();
            if (protoMin != 0) f &= ~Uapi.NF_NAT_RANGE_PROTO_SPECIFIED();
            return f;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Nat n && n.dnat == dnat && n.family == family && n.addrMin == addrMin
                    && n.protoMin == protoMin && n.impliedAddrMax() == impliedAddrMax()
                    && n.impliedProtoMax() == impliedProtoMax() && n.explicitFlags() == explicitFlags();
        }

        @Override
        public int hashCode() {
            return Objects.hash(dnat, family, addrMin, protoMin, impliedAddrMax(), impliedProtoMax(), explicitFlags());
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("[ nat ").append(dnat ? "dnat" : "snat").append(' ').append(family);
            if (addrMin != 0) b.append(" addr_min reg ").append(addrMin);
            if (addrMax != 0) b.append(" addr_max reg ").append(addrMax);
            if (protoMin != 0) b.append(" proto_min reg ").append(protoMin);
            if (protoMax != 0) b.append(" proto_max reg ").append(protoMax);
            if (flags != 0) b.append(" flags 0x").append(Integer.toHexString(flags));
            return b.append(" ]").toString();
        }
    }

    /** {@code masq}, with optional port registers and {@code NF_NAT_RANGE_*} flags. */
    record Masq(int flags, int protoMin, int protoMax) implements Expr {
        public String name() {
            return "masq";
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("[ masq");
            if (protoMin != 0) b.append(" proto_min reg ").append(protoMin);
            if (protoMax != 0) b.append(" proto_max reg ").append(protoMax);
            if (flags != 0) b.append(" flags 0x").append(Integer.toHexString(flags));
            return b.append(" ]").toString();
        }
    }

    /** {@code immediate reg D DATA}: a constant into a data register. */
    record Immediate(int dreg, Data data) implements Expr {
        public String name() {
            return "immediate";
        }

        @Override
        public String toString() {
            return "[ immediate reg " + dreg + " " + data + " ]";
        }
    }

    /** {@code immediate reg 0 VERDICT}: the rule's verdict. */
    record VerdictExpr(Verdict verdict) implements Expr {
        public VerdictExpr {
            Objects.requireNonNull(verdict, "verdict");
        }

        public String name() {
            return "immediate";
        }

        @Override
        public String toString() {
            Verdict v = verdict;
            return "[ immediate reg 0 " + (v.chain() == null ? v.kind() : v.kind() + " -> " + v.chain()) + " ]";
        }
    }

    /** {@code counter}: as listed, with the kernel's counts; as sent, with zeros (the kernel starts from them). */
    record Counter(long packets, long bytes) implements Expr {
        public static final Counter ZERO = new Counter(0, 0);

        public String name() {
            return "counter";
        }

        @Override
        public String toString() {
            return "[ counter pkts " + packets + " bytes " + bytes + " ]";
        }
    }

    /**
     * {@code match name NAME rev REV}: an x_tables match run by nf_tables' compat layer, with its
     * {@code struct xt_*_info} as {@code info} (what iptables-nft writes for {@code -m conntrack}, {@code -m comment}).
     */
    record Match(String match, int rev, Data info) implements Expr {
        public Match {
            Objects.requireNonNull(match, "match");
            Objects.requireNonNull(info, "info");
        }

        public String name() {
            return "match";
        }

        @Override
        public String toString() {
            return "[ match name " + match + " rev " + rev + " ]";
        }
    }

    /** An expression the engine does not decode (a rule written by someone else); kept by name only. */
    record Unknown(String name) implements Expr {
        @Override
        public String toString() {
            return "[ " + name + " ]";
        }
    }
}

package org.nlbridge.nft;

import java.util.Locale;
import java.util.Objects;

import org.nlbridge.bindings.linux.Uapi;

/** A verdict: {@code accept}, {@code drop}, {@code return}, {@code continue}, {@code jump CHAIN}, {@code goto CHAIN}. */
public record Verdict(Kind kind, String chain) {
    public enum Kind {
        ACCEPT(Uapi.NF_ACCEPT()), DROP(Uapi.NF_DROP()), CONTINUE(Uapi.NFT_CONTINUE()), RETURN(Uapi.NFT_RETURN()),
        JUMP(Uapi.NFT_JUMP()), GOTO(Uapi.NFT_GOTO());

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        /** The kernel's verdict code ({@code NF_ACCEPT}, {@code NFT_JUMP}, ...). */
        public int code() {
            return code;
        }

        static Kind ofCode(int code) {
            for (Kind k : values()) {
                if (k.code == code) return k;
            }
            return null;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final Verdict ACCEPT = new Verdict(Kind.ACCEPT, null);
    public static final Verdict DROP = new Verdict(Kind.DROP, null);
    public static final Verdict RETURN = new Verdict(Kind.RETURN, null);
    public static final Verdict CONTINUE = new Verdict(Kind.CONTINUE, null);

    public Verdict {
        Objects.requireNonNull(kind, "kind");
        boolean needsChain = kind == Kind.JUMP || kind == Kind.GOTO;
        if (needsChain) {
            NftNames.name(kind + " target chain", chain);
        } else if (chain != null) {
            throw new IllegalArgumentException(kind + " takes no chain");
        }
    }

    public static Verdict jump(String chain) {
        return new Verdict(Kind.JUMP, chain);
    }

    public static Verdict goTo(String chain) {
        return new Verdict(Kind.GOTO, chain);
    }

    /** As nft prints it: {@code accept}, {@code jump filter-forward-in__br0}. */
    @Override
    public String toString() {
        return chain == null ? kind.toString() : kind + " " + chain;
    }
}

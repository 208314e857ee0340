package org.nlbridge.nft;

import java.util.Locale;

import org.nlbridge.bindings.linux.Uapi;

/** A base chain's policy: the verdict for packets no rule decided. */
public enum Policy {
    ACCEPT(Uapi.NF_ACCEPT()),
    DROP(Uapi.NF_DROP());

    private final int code;

    Policy(int code) {
        this.code = code;
    }

    /** {@code NF_ACCEPT} or {@code NF_DROP}, as sent in {@code NFTA_CHAIN_POLICY}. */
    public int code() {
        return code;
    }

    public static Policy ofCode(int code) {
        return code == Uapi.NF_DROP() ? DROP : ACCEPT;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

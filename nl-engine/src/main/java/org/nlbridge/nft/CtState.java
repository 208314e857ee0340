package org.nlbridge.nft;

import java.util.Locale;

/** Conntrack states as {@code ct state} matches them (bits of {@code NF_CT_STATE_*}), in nft's print order. */
public enum CtState {
    INVALID(1), ESTABLISHED(2), RELATED(4), NEW(8), UNTRACKED(64);

    private final int bit;

    CtState(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

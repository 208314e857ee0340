package org.nlbridge.nft;

import org.nlbridge.bindings.linux.Uapi;

/** Conntrack status bits ({@code IPS_*}) as {@code ct status} matches them, in nft's print order. */
public enum CtStatus {
    EXPECTED("expected", Uapi.IPS_EXPECTED()), SEEN_REPLY("seen-reply", Uapi.IPS_SEEN_REPLY()),
    ASSURED("assured", Uapi.IPS_ASSURED()), CONFIRMED("confirmed", Uapi.IPS_CONFIRMED()),
    SNAT("snat", Uapi.IPS_SRC_NAT()), DNAT("dnat", Uapi.IPS_DST_NAT()), DYING("dying", Uapi.IPS_DYING());

    private final String nftName;
    private final int bit;

    CtStatus(String nftName, int bit) {
        this.nftName = nftName;
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    @Override
    public String toString() {
        return nftName;
    }
}

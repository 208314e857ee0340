package org.nlbridge.driver.firewall.nftables;

/** The nf_tables families nlbridge uses, with their {@code NFPROTO_*} numbers. */
public enum NftFamily {
    IP("ip", 2),
    IP6("ip6", 10),
    BRIDGE("bridge", 7);

    private final String text;
    private final int nfproto;

    NftFamily(String text, int nfproto) {
        this.text = text;
        this.nfproto = nfproto;
    }

    /** {@code NFPROTO_IPV4}, {@code NFPROTO_IPV6} or {@code NFPROTO_BRIDGE}: the nfgenmsg family. */
    public int nfproto() {
        return nfproto;
    }

    /** As nft spells it: {@code ip}, {@code ip6}, {@code bridge}. */
    @Override
    public String toString() {
        return text;
    }
}

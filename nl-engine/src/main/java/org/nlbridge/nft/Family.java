package org.nlbridge.nft;

import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.net.ValidationException;

/**
 * The nftables table families the engine uses: {@code ip} and {@code ip6} see routed IPv4 and IPv6 packets,
 * {@code inet} both, and {@code bridge} the frames a bridge forwards between its ports (layer 2, whether or not
 * {@code br_netfilter} also passes them to the ip hooks).
 */
public enum Family {
    IP("ip", Uapi.NFPROTO_IPV4()),
    IP6("ip6", Uapi.NFPROTO_IPV6()),
    INET("inet", Uapi.NFPROTO_INET()),
    BRIDGE("bridge", Uapi.NFPROTO_BRIDGE());

    private final String nftName;
    private final int nfproto;

    Family(String nftName, int nfproto) {
        this.nftName = nftName;
        this.nfproto = nfproto;
    }

    /** {@code NFPROTO_*}, the {@code nfgen_family} of every message about a table of this family. */
    public int nfproto() {
        return nfproto;
    }

    /** The family for an {@code NFPROTO_*} value, or null for one the engine does not handle (arp, netdev). */
    public static Family ofNfproto(int nfproto) {
        for (Family f : values()) {
            if (f.nfproto == nfproto) return f;
        }
        return null;
    }

    /** {@code ip}, {@code ip6}, {@code inet} or {@code bridge}. */
    public static Family parse(String field, String text) {
        if (text != null) {
            for (Family f : values()) {
                if (f.nftName.equals(text)) return f;
            }
        }
        throw new ValidationException(field, text, "not a table family the engine handles", "ip, ip6, inet or bridge");
    }

    /** Whether the IPv4 header fields ({@code ip saddr}, ...) can be matched in tables of this family. */
    public boolean hasIpv4() {
        return this == IP || this == INET;
    }

    /** Whether the IPv6 header fields ({@code ip6 saddr}, ...) can be matched in tables of this family. */
    public boolean hasIpv6() {
        return this == IP6 || this == INET;
    }

    /** As nft spells it: {@code ip}, {@code ip6}, {@code inet}, {@code bridge}. */
    @Override
    public String toString() {
        return nftName;
    }
}

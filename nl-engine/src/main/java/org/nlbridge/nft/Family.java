package org.nlbridge.nft;

import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.net.ValidationException;

/** The nftables table families the engine uses; {@code inet} sees both IPv4 and IPv6 packets. */
public enum Family {
    IP("ip", Uapi.NFPROTO_IPV4()),
    IP6("ip6", Uapi.NFPROTO_IPV6()),
    INET("inet", Uapi.NFPROTO_INET());

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

    /** The family for an {@code NFPROTO_*} value, or null for one the engine does not handle (arp, bridge, netdev). */
    public static Family ofNfproto(int nfproto) {
        for (Family f : values()) {
            if (f.nfproto == nfproto) return f;
        }
        return null;
    }

    /** {@code ip}, {@code ip6} or {@code inet}. */
    public static Family parse(String field, String text) {
        if (text != null) {
            for (Family f : values()) {
                if (f.nftName.equals(text)) return f;
            }
        }
        throw new ValidationException(field, text, "not a table family the engine handles", "ip, ip6 or inet");
    }

    /** Whether IPv4 packets reach tables of this family. */
    public boolean hasIpv4() {
        return this != IP6;
    }

    public boolean hasIpv6() {
        return this != IP;
    }

    /** As nft spells it: {@code ip}, {@code ip6}, {@code inet}. */
    @Override
    public String toString() {
        return nftName;
    }
}

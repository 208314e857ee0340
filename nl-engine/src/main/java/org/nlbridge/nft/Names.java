package org.nlbridge.nft;

import org.nlbridge.bindings.linux.Uapi;

/** Kernel enum values as libnftnl's debug output and nft spell them. */
final class Names {
    private Names() {}

    static final int FIB_F_SADDR = Uapi.NFTA_FIB_F_SADDR();
    static final int FIB_F_DADDR = Uapi.NFTA_FIB_F_DADDR();
    static final int FIB_F_MARK = Uapi.NFTA_FIB_F_MARK();
    static final int FIB_F_IIF = Uapi.NFTA_FIB_F_IIF();
    static final int FIB_F_OIF = Uapi.NFTA_FIB_F_OIF();
    static final int FIB_F_PRESENT = Uapi.NFTA_FIB_F_PRESENT();

    private static final String[] META = {"len", "protocol", "priority", "mark", "iif", "oif", "iifname", "oifname",
            "iiftype", "oiftype", "skuid", "skgid", "nftrace", "rtclassid", "secmark", "nfproto", "l4proto",
            "bri_iifname", "bri_oifname", "pkttype", "cpu", "iifgroup", "oifgroup", "cgroup", "prandom", "secpath",
            "iifkind", "oifkind", "bri_iifpvid", "bri_iifvproto", "time", "day", "hour", "sdif", "sdifname"};

    private static final String[] CT = {"state", "direction", "status", "mark", "secmark", "expiration", "helper",
            "l3protocol", "src", "dst", "protocol", "proto_src", "proto_dst", "label", "packets", "bytes", "avgpkt",
            "zone", "event", "src_ip", "dst_ip", "src_ip6", "dst_ip6", "id"};

    static String meta(int key) {
        return key >= 0 && key < META.length ? META[key] : "unknown-" + key;
    }

    static String ct(int key) {
        return key >= 0 && key < CT.length ? CT[key] : "unknown-" + key;
    }

    static String payloadBase(int base) {
        if (base == Uapi.NFT_PAYLOAD_LL_HEADER()) return "link header";
        if (base == Uapi.NFT_PAYLOAD_NETWORK_HEADER()) return "network header";
        if (base == Uapi.NFT_PAYLOAD_TRANSPORT_HEADER()) return "transport header";
        if (base == Uapi.NFT_PAYLOAD_INNER_HEADER()) return "inner header";
        return "base " + base;
    }

    static String fibFlags(int flags) {
        StringBuilder b = new StringBuilder();
        append(b, flags, FIB_F_SADDR, "saddr");
        append(b, flags, FIB_F_DADDR, "daddr");
        append(b, flags, FIB_F_MARK, "mark");
        append(b, flags, FIB_F_IIF, "iif");
        append(b, flags, FIB_F_OIF, "oif");
        append(b, flags, FIB_F_PRESENT, "present");
        return b.toString();
    }

    private static void append(StringBuilder b, int flags, int bit, String name) {
        if ((flags & bit) != 0) {
            if (!b.isEmpty()) b.append(' ');
            b.append(name);
        }
    }

    static String fibResult(int r) {
        if (r == Uapi.NFT_FIB_RESULT_OIF()) return "oif";
        if (r == Uapi.NFT_FIB_RESULT_OIFNAME()) return "oifname";
        if (r == Uapi.NFT_FIB_RESULT_ADDRTYPE()) return "type";
        return "unknown";
    }

    /** {@code RTN_*} names as nft prints a fib address type. */
    static String addrType(int t) {
        String[] n = {"unspec", "unicast", "local", "broadcast", "anycast", "multicast", "blackhole", "unreachable",
                "prohibit", "throw", "nat", "xresolve"};
        return t >= 0 && t < n.length ? n[t] : Integer.toString(t);
    }
}

package org.nlbridge.nft;

/** ICMP and ICMPv6 type numbers as nft names them ({@code nd-router-advert} for 134), and numbers nft does not name. */
final class IcmpTypes {
    private IcmpTypes() {}

    private static final String[] ICMP = new String[256];
    private static final String[] ICMPV6 = new String[256];

    static {
        put(ICMP, 0, "echo-reply");
        put(ICMP, 3, "destination-unreachable");
        put(ICMP, 4, "source-quench");
        put(ICMP, 5, "redirect");
        put(ICMP, 8, "echo-request");
        put(ICMP, 9, "router-advertisement");
        put(ICMP, 10, "router-solicitation");
        put(ICMP, 11, "time-exceeded");
        put(ICMP, 12, "parameter-problem");
        put(ICMP, 13, "timestamp-request");
        put(ICMP, 14, "timestamp-reply");
        put(ICMP, 15, "info-request");
        put(ICMP, 16, "info-reply");
        put(ICMP, 17, "address-mask-request");
        put(ICMP, 18, "address-mask-reply");
        put(ICMPV6, 1, "destination-unreachable");
        put(ICMPV6, 2, "packet-too-big");
        put(ICMPV6, 3, "time-exceeded");
        put(ICMPV6, 4, "parameter-problem");
        put(ICMPV6, 128, "echo-request");
        put(ICMPV6, 129, "echo-reply");
        put(ICMPV6, 130, "mld-listener-query");
        put(ICMPV6, 131, "mld-listener-report");
        put(ICMPV6, 132, "mld-listener-done");
        put(ICMPV6, 133, "nd-router-solicit");
        put(ICMPV6, 134, "nd-router-advert");
        put(ICMPV6, 135, "nd-neighbor-solicit");
        put(ICMPV6, 136, "nd-neighbor-advert");
        put(ICMPV6, 137, "nd-redirect");
        put(ICMPV6, 138, "router-renumbering");
        put(ICMPV6, 141, "ind-neighbor-solicit");
        put(ICMPV6, 142, "ind-neighbor-advert");
        put(ICMPV6, 143, "mld2-listener-report");
    }

    private static void put(String[] table, int type, String name) {
        table[type] = name;
    }

    static String icmp(int type) {
        return name(ICMP, type);
    }

    static String icmpv6(int type) {
        return name(ICMPV6, type);
    }

    private static String name(String[] table, int type) {
        String n = type >= 0 && type < 256 ? table[type] : null;
        return n != null ? n : Integer.toString(type);
    }
}

package org.nlbridge.driver.firewall.nftables;

/**
 * The packet fields our rules read, each with its nft spelling and the netlink expression that loads it
 * ({@code meta} key, or {@code payload} base/offset/length).
 */
public enum NftField {
    /** {@code meta iifname}: NFT_META_IIFNAME, 16 bytes. */
    IIFNAME("iifname", NftType.IFNAME),
    /** {@code meta oifname}: NFT_META_OIFNAME. */
    OIFNAME("oifname", NftType.IFNAME),
    /** {@code meta l4proto}: NFT_META_L4PROTO, 1 byte. */
    L4PROTO("meta l4proto", NftType.INET_PROTO),
    /** IPv4 source: network header offset 12, 4 bytes. */
    IP_SADDR("ip saddr", NftType.IPV4_ADDR),
    /** IPv4 destination: network header offset 16, 4 bytes. */
    IP_DADDR("ip daddr", NftType.IPV4_ADDR),
    /** IPv6 source: network header offset 8, 16 bytes. */
    IP6_SADDR("ip6 saddr", NftType.IPV6_ADDR),
    /** IPv6 destination: network header offset 24, 16 bytes. */
    IP6_DADDR("ip6 daddr", NftType.IPV6_ADDR),
    /** {@code th dport}: transport header offset 2, 2 bytes (valid for tcp and udp, which the keys pin). */
    TH_DPORT("th dport", NftType.INET_SERVICE);

    private final String text;
    private final NftType type;

    NftField(String text, NftType type) {
        this.text = text;
        this.type = type;
    }

    public NftType type() {
        return type;
    }

    /** The field's source or destination address of a family, e.g. {@code addr(IP6, true)} is {@code ip6 saddr}. */
    public static NftField addr(NftFamily family, boolean source) {
        return switch (family) {
            case IP -> source ? IP_SADDR : IP_DADDR;
            case IP6 -> source ? IP6_SADDR : IP6_DADDR;
            case BRIDGE -> throw new IllegalArgumentException("no address field in the bridge family");
        };
    }

    @Override
    public String toString() {
        return text;
    }
}

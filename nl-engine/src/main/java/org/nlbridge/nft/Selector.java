package org.nlbridge.nft;

import org.nlbridge.bindings.linux.Uapi;

/**
 * Typed packet fields a rule matches on or looks up in a set: each loads into registers with one expression and
 * has a {@link FieldType}, so a set lookup can be type-checked against the set's key before anything is sent.
 * Protocol-specific fields carry their dependency ({@code tcp dport} needs {@code meta l4proto tcp}; {@code ip saddr}
 * in an inet table needs {@code meta nfproto ipv4}, in a bridge table {@code meta protocol ip}; {@code arp saddr ip}
 * needs {@code ether type arp}), which {@link RuleBuilder} adds as nft does. The Ethernet and ARP fields exist in
 * bridge tables only.
 */
public enum Selector {
    IIFNAME("iifname", FieldType.IFNAME, Kind.META, Uapi.NFT_META_IIFNAME(), 0, 16, null, 0),
    OIFNAME("oifname", FieldType.IFNAME, Kind.META, Uapi.NFT_META_OIFNAME(), 0, 16, null, 0),
    L4PROTO("meta l4proto", FieldType.INET_PROTO, Kind.META, Uapi.NFT_META_L4PROTO(), 0, 1, null, 0),
    META_MARK("meta mark", FieldType.MARK, Kind.META, Uapi.NFT_META_MARK(), 0, 4, null, 0),
    CT_MARK("ct mark", FieldType.MARK, Kind.CT, Uapi.NFT_CT_MARK(), 0, 4, null, 0),
    IP_SADDR("ip saddr", FieldType.IPV4_ADDR, Kind.PAYLOAD, Uapi.NFT_PAYLOAD_NETWORK_HEADER(), 12, 4, Family.IP, 0),
    IP_DADDR("ip daddr", FieldType.IPV4_ADDR, Kind.PAYLOAD, Uapi.NFT_PAYLOAD_NETWORK_HEADER(), 16, 4, Family.IP, 0),
    IP6_SADDR("ip6 saddr", FieldType.IPV6_ADDR, Kind.PAYLOAD, Uapi.NFT_PAYLOAD_NETWORK_HEADER(), 8, 16, Family.IP6, 0),
    IP6_DADDR("ip6 daddr", FieldType.IPV6_ADDR, Kind.PAYLOAD, Uapi.NFT_PAYLOAD_NETWORK_HEADER(), 24, 16, Family.IP6, 0),
    TH_SPORT("th sport", FieldType.INET_SERVICE, Kind.PAYLOAD, Uapi.NFT_PAYLOAD_TRANSPORT_HEADER(), 0, 2, null, 0),
    TH_DPORT("th dport", FieldType.INET_SERVICE, Kind.PAYLOAD, Uapi.NFT_PAYLOAD_TRANSPORT_HEADER(), 2, 2, null, 0),
    TCP_SPORT("tcp sport", FieldType.INET_SERVICE, Kind.PAYLOAD, Uapi.NFT_PAYLOAD_TRANSPORT_HEADER(), 0, 2, null, 6),
    TCP_DPORT("tcp dport", FieldType.INET_SERVICE, Kind.PAYLOAD, Uapi.NFT_PAYLOAD_TRANSPORT_HEADER(), 2, 2, null, 6),
    UDP_SPORT("udp sport", FieldType.INET_SERVICE, Kind.PAYLOAD, Uapi.NFT_PAYLOAD_TRANSPORT_HEADER(), 0, 2, null, 17),
    UDP_DPORT("udp dport", FieldType.INET_SERVICE, Kind.PAYLOAD, Uapi.NFT_PAYLOAD_TRANSPORT_HEADER(), 2, 2, null, 17),
    ICMP_TYPE("icmp type", FieldType.ICMP_TYPE, Kind.PAYLOAD, Uapi.NFT_PAYLOAD_TRANSPORT_HEADER(), 0, 1, Family.IP, 1),
    ICMPV6_TYPE("icmpv6 type", FieldType.ICMPV6_TYPE, Kind.PAYLOAD, Uapi.NFT_PAYLOAD_TRANSPORT_HEADER(), 0, 1,
            Family.IP6, 58),
    /** The frame's source MAC (bridge tables). */
    ETHER_SADDR("ether saddr", FieldType.ETHER_ADDR, Kind.PAYLOAD, Uapi.NFT_PAYLOAD_LL_HEADER(), 6, 6, null, 0),
    ETHER_DADDR("ether daddr", FieldType.ETHER_ADDR, Kind.PAYLOAD, Uapi.NFT_PAYLOAD_LL_HEADER(), 0, 6, null, 0),
    /** The sender hardware address in an Ethernet/IPv4 ARP packet (bridge tables). */
    ARP_SADDR_ETHER("arp saddr ether", FieldType.ETHER_ADDR, Kind.PAYLOAD, Uapi.NFT_PAYLOAD_NETWORK_HEADER(), 8, 6,
            null, 0),
    /** The sender protocol address in an Ethernet/IPv4 ARP packet (bridge tables). */
    ARP_SADDR_IP("arp saddr ip", FieldType.IPV4_ADDR, Kind.PAYLOAD, Uapi.NFT_PAYLOAD_NETWORK_HEADER(), 14, 4, null, 0);

    /** Ether types of the layer-3 protocols a bridge table tells apart. */
    public static final int ETH_P_IP = 0x0800;
    public static final int ETH_P_ARP = 0x0806;
    public static final int ETH_P_IPV6 = 0x86dd;

    enum Kind { META, CT, PAYLOAD }

    private final String text;
    private final FieldType type;
    final Kind kind;
    /** Meta or ct key, or payload base. */
    final int key;
    final int offset;
    final int len;
    /** The network protocol family the field belongs to, or null. */
    final Family l3;
    /** The transport protocol the field needs ({@code meta l4proto}), or 0. */
    final int l4proto;

    Selector(String text, FieldType type, Kind kind, int key, int offset, int len, Family l3, int l4proto) {
        this.text = text;
        this.type = type;
        this.kind = kind;
        this.key = key;
        this.offset = offset;
        this.len = len;
        this.l3 = l3;
        this.l4proto = l4proto;
    }

    public FieldType type() {
        return type;
    }

    /** The load of this field into {@code reg}. */
    Expr load(int reg) {
        return switch (kind) {
            case META -> new Expr.Meta(key, reg);
            case CT -> new Expr.Ct(key, reg, -1);
            case PAYLOAD -> new Expr.Payload(key, offset, len, reg);
        };
    }

    /** The ether type the field's header needs in a bridge table ({@code ip saddr}: 0x0800), or 0 for none. */
    int ethertype() {
        if (this == ARP_SADDR_ETHER || this == ARP_SADDR_IP) return ETH_P_ARP;
        return l3 == Family.IP ? ETH_P_IP : l3 == Family.IP6 ? ETH_P_IPV6 : 0;
    }

    /** Whether the field exists only in bridge tables (Ethernet and ARP header fields). */
    boolean bridgeOnly() {
        return this == ETHER_SADDR || this == ETHER_DADDR || this == ARP_SADDR_ETHER || this == ARP_SADDR_IP;
    }

    /** The transport-port selector of {@code proto} ({@code tcp dport}); th for protocols other than tcp and udp. */
    static Selector dport(int proto) {
        return proto == 6 ? TCP_DPORT : proto == 17 ? UDP_DPORT : TH_DPORT;
    }

    /** As nft writes it: {@code ip saddr}. */
    @Override
    public String toString() {
        return text;
    }
}

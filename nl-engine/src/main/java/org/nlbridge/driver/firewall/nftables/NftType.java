package org.nlbridge.driver.firewall.nftables;

/**
 * Key and data types of our sets and maps, with what the kernel and nft need to agree on them: the byte length
 * of a value and nft's datatype number (its {@code enum datatypes}), which nft reads back from
 * {@code NFTA_SET_KEY_TYPE}/{@code NFTA_SET_DATA_TYPE} to print {@code type inet_proto . ipv4_addr . inet_service}.
 */
public enum NftType {
    VERDICT("verdict", 1, 0),
    IPV4_ADDR("ipv4_addr", 7, 4),
    IPV6_ADDR("ipv6_addr", 8, 16),
    INET_PROTO("inet_proto", 12, 1),
    INET_SERVICE("inet_service", 13, 2),
    IFNAME("ifname", 41, 16);

    /** nft packs the types of a concatenation 6 bits apiece ({@code TYPE_BITS}). */
    public static final int CONCAT_TYPE_BITS = 6;

    private final String text;
    private final int nftTypeId;
    private final int length;

    NftType(String text, int nftTypeId, int length) {
        this.text = text;
        this.nftTypeId = nftTypeId;
        this.length = length;
    }

    /** nft's datatype number ({@code TYPE_IPADDR} = 7, ...). */
    public int nftTypeId() {
        return nftTypeId;
    }

    /** Bytes of one value (a verdict has no fixed length). */
    public int length() {
        return length;
    }

    /** Bytes the value takes inside a concatenation: every part starts on a 4-byte register boundary. */
    public int paddedLength() {
        return (length + 3) & ~3;
    }

    /** The type number nft stores for a concatenation: each part's number shifted in, first part highest. */
    public static int concatTypeId(java.util.List<NftType> parts) {
        int id = 0;
        for (NftType t : parts) {
            id = (id << CONCAT_TYPE_BITS) | t.nftTypeId;
        }
        return id;
    }

    /** Key or data length of a concatenation: the sum of padded lengths (a single part is not padded). */
    public static int concatLength(java.util.List<NftType> parts) {
        if (parts.size() == 1) return parts.getFirst().length;
        int n = 0;
        for (NftType t : parts) n += t.paddedLength();
        return n;
    }

    @Override
    public String toString() {
        return text;
    }
}

package org.nlbridge.nft;

import java.nio.charset.StandardCharsets;

import org.nlbridge.net.IfName;
import org.nlbridge.net.IpProtocol;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.ValidationException;

/**
 * The nft data types a set key or map value field can have, with nft's type ids (userspace {@code enum datatypes},
 * sent in {@code NFTA_SET_KEY_TYPE}/{@code NFTA_SET_DATA_TYPE}), their sizes, their byte order in registers, the
 * Java values that fill them and how nft prints them.
 */
public enum FieldType {
    /** An {@link Ipv4Address}, network order. */
    IPV4_ADDR("ipv4_addr", 7, 4, Ipv4Address.class, "an Ipv4Address"),
    /** An {@link Ipv6Address}, network order. */
    IPV6_ADDR("ipv6_addr", 8, 16, Ipv6Address.class, "an Ipv6Address"),
    /** An {@link IpProtocol} (or an Integer 0..255): what {@code meta l4proto} loads. */
    INET_PROTO("inet_proto", 12, 1, IpProtocol.class, "an IpProtocol or an Integer 0..255"),
    /** A port, Integer 0..65535, network order. */
    INET_SERVICE("inet_service", 13, 2, Integer.class, "an Integer port 0..65535"),
    /** An interface name ({@link IfName} or a String that parses as one), NUL-padded to 16 bytes. */
    IFNAME("ifname", 41, 16, IfName.class, "an IfName or a String interface name"),
    /** A packet or conntrack mark, any Integer, host order. */
    MARK("mark", 19, 4, Integer.class, "an Integer mark"),
    /** A {@link MacAddress}. */
    ETHER_ADDR("ether_addr", 9, 6, MacAddress.class, "a MacAddress"),
    /** An ICMP type, Integer 0..255 ({@code icmp type}). */
    ICMP_TYPE("icmp_type", 14, 1, Integer.class, "an Integer ICMP type 0..255"),
    /** An ICMPv6 type, Integer 0..255 ({@code icmpv6 type}). */
    ICMPV6_TYPE("icmpv6_type", 29, 1, Integer.class, "an Integer ICMPv6 type 0..255"),
    /** A verdict: the value of a verdict map only. */
    VERDICT("verdict", 1, 0, Verdict.class, "a Verdict");

    /** nft combines concatenated type ids 6 bits apart ({@code TYPE_BITS}). */
    static final int TYPE_BITS = 6;

    private final String nftName;
    private final int id;
    private final int length;
    private final Class<?> javaType;
    private final String accepted;

    FieldType(String nftName, int id, int length, Class<?> javaType, String accepted) {
        this.nftName = nftName;
        this.id = id;
        this.length = length;
        this.javaType = javaType;
        this.accepted = accepted;
    }

    /** nft's type id. */
    public int id() {
        return id;
    }

    /** Bytes of the value. */
    public int length() {
        return length;
    }

    /** Bytes it takes in registers and concatenations: the length rounded up to 4. */
    public int registerLength() {
        return (length + 3) & ~3;
    }

    /** The Java type values of this field have. */
    public Class<?> javaType() {
        return javaType;
    }

    /** What Java values the field accepts, for error messages. */
    public String accepted() {
        return accepted;
    }

    /** Whether a set with this key can be an interval set (ranges, prefixes). */
    public boolean rangeable() {
        return this == IPV4_ADDR || this == IPV6_ADDR || this == INET_SERVICE;
    }

    public static FieldType ofId(int id) {
        for (FieldType t : values()) {
            if (t.id == id) return t;
        }
        return null;
    }

    public static FieldType parse(String field, String text) {
        if (text != null) {
            for (FieldType t : values()) {
                if (t.nftName.equals(text.strip())) return t;
            }
        }
        throw new ValidationException(field, text, "not a data type the engine handles",
                "ipv4_addr, ipv6_addr, inet_proto, inet_service, ifname, mark, ether_addr, icmp_type, icmpv6_type or verdict");
    }

    /**
     * Writes {@code value} at {@code off}; {@code length()} bytes, zero-padded to {@link #registerLength()}.
     *
     * @throws ValidationException naming {@code field} if the value does not fit this type
     */
    void write(Object value, byte[] dst, int off, String field) {
        String why = tryWrite(value, dst, off);
        if (why != null) throw new ValidationException(field, value == null ? null : value.toString(), why, accepted);
    }

    /** The int fast path for {@code inet_proto}, {@code inet_service} and {@code mark}: no boxing. */
    void writeInt(int v, byte[] dst, int off, String field) {
        String why = tryWriteInt(v, dst, off);
        if (why != null) throw new ValidationException(field, Integer.toString(v), why, accepted);
    }

    /**
     * Writes {@code value} at {@code off} and returns null, or returns why it does not fit (and writes nothing
     * useful): the hot path of element encoding builds no message unless there is a failure.
     */
    String tryWrite(Object value, byte[] dst, int off) {
        switch (this) {
            case IPV4_ADDR -> {
                if (!(value instanceof Ipv4Address a)) return mismatch(value);
                be32(dst, off, a.toInt());
            }
            case IPV6_ADDR -> {
                if (!(value instanceof Ipv6Address a)) return mismatch(value);
                be64(dst, off, a.high());
                be64(dst, off + 8, a.low());
            }
            case INET_PROTO -> {
                if (value instanceof IpProtocol p) return tryWriteInt(p.number(), dst, off);
                if (value instanceof Integer i) return tryWriteInt(i, dst, off);
                return mismatch(value);
            }
            case INET_SERVICE, MARK, ICMP_TYPE, ICMPV6_TYPE -> {
                if (!(value instanceof Integer i)) return mismatch(value);
                return tryWriteInt(i, dst, off);
            }
            case IFNAME -> {
                IfName n;
                if (value instanceof IfName x) {
                    n = x;
                } else if (value instanceof String s) {
                    try {
                        n = IfName.parse("ifname", s);
                    } catch (ValidationException e) {
                        return e.reason();
                    }
                } else {
                    return mismatch(value);
                }
                String name = n.toString();
                int len = name.length();
                for (int i = 0; i < 16; i++) dst[off + i] = i < len ? (byte) name.charAt(i) : 0;
            }
            case ETHER_ADDR -> {
                if (!(value instanceof MacAddress m)) return mismatch(value);
                long v = m.toLong();
                for (int i = 0; i < 6; i++) dst[off + i] = (byte) (v >>> (8 * (5 - i)));
                dst[off + 6] = 0;
                dst[off + 7] = 0;
            }
            case VERDICT -> throw new IllegalStateException("a verdict is encoded as a nest, not as data");
        }
        return null;
    }

    /** As {@link #tryWrite} for an int. */
    String tryWriteInt(int v, byte[] dst, int off) {
        switch (this) {
            case INET_PROTO, ICMP_TYPE, ICMPV6_TYPE -> {
                if (v < 0 || v > 255) return this == INET_PROTO ? "not a protocol number 0..255" : "not a type 0..255";
                dst[off] = (byte) v;
                dst[off + 1] = 0;
                dst[off + 2] = 0;
                dst[off + 3] = 0;
            }
            case INET_SERVICE -> {
                if (v < 0 || v > 65535) return "not a port 0..65535";
                dst[off] = (byte) (v >>> 8);
                dst[off + 1] = (byte) v;
                dst[off + 2] = 0;
                dst[off + 3] = 0;
            }
            case MARK -> {
                dst[off] = (byte) v;
                dst[off + 1] = (byte) (v >>> 8);
                dst[off + 2] = (byte) (v >>> 16);
                dst[off + 3] = (byte) (v >>> 24);
            }
            default -> {
                return "an Integer does not fit type " + nftName;
            }
        }
        return null;
    }

    /** Reads a value written by {@link #write}. */
    Object read(byte[] src, int off) {
        return switch (this) {
            case IPV4_ADDR -> Ipv4Address.of(be32(src, off));
            case IPV6_ADDR -> Ipv6Address.of(be64(src, off), be64(src, off + 8));
            case INET_PROTO -> {
                int p = src[off] & 0xff;
                yield p == 6 ? IpProtocol.TCP : p == 17 ? IpProtocol.UDP : (Object) p;
            }
            case INET_SERVICE -> ((src[off] & 0xff) << 8) | (src[off + 1] & 0xff);
            case ICMP_TYPE, ICMPV6_TYPE -> src[off] & 0xff;
            case MARK -> (src[off] & 0xff) | (src[off + 1] & 0xff) << 8 | (src[off + 2] & 0xff) << 16 | (src[off + 3] & 0xff) << 24;
            case IFNAME -> {
                int n = 0;
                while (n < 16 && src[off + n] != 0) n++;
                yield new String(src, off, n, StandardCharsets.US_ASCII);
            }
            case ETHER_ADDR -> {
                long v = 0;
                for (int i = 0; i < 6; i++) v = (v << 8) | (src[off + i] & 0xff);
                yield MacAddress.of(v);
            }
            case VERDICT -> throw new IllegalStateException("a verdict is decoded from a nest");
        };
    }

    /** As nft prints a value of this type. */
    String format(Object value) {
        return switch (this) {
            case IFNAME -> "\"" + value + "\"";
            case MARK -> String.format("0x%08x", (Integer) value);
            case INET_PROTO -> value instanceof IpProtocol p ? p.toString() : protoName((Integer) value);
            case ICMP_TYPE -> IcmpTypes.icmp((Integer) value);
            case ICMPV6_TYPE -> IcmpTypes.icmpv6((Integer) value);
            default -> value.toString();
        };
    }

    private static String protoName(int p) {
        return switch (p) {
            case 1 -> "icmp";
            case 58 -> "ipv6-icmp";
            case 132 -> "sctp";
            case 33 -> "dccp";
            case 136 -> "udplite";
            default -> Integer.toString(p);
        };
    }

    private String mismatch(Object value) {
        String name = value == null ? null : value.getClass().getSimpleName();
        String kind = name == null ? "no value" : ("AEIOU".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
        return kind + " does not fit type " + nftName;
    }

    static void be32(byte[] d, int off, int v) {
        d[off] = (byte) (v >>> 24);
        d[off + 1] = (byte) (v >>> 16);
        d[off + 2] = (byte) (v >>> 8);
        d[off + 3] = (byte) v;
    }

    static void be64(byte[] d, int off, long v) {
        be32(d, off, (int) (v >>> 32));
        be32(d, off + 4, (int) v);
    }

    static int be32(byte[] s, int off) {
        return (s[off] & 0xff) << 24 | (s[off + 1] & 0xff) << 16 | (s[off + 2] & 0xff) << 8 | (s[off + 3] & 0xff);
    }

    static long be64(byte[] s, int off) {
        return ((long) be32(s, off) << 32) | (be32(s, off + 4) & 0xffffffffL);
    }

    /** As nft spells it: {@code ipv4_addr}. */
    @Override
    public String toString() {
        return nftName;
    }
}

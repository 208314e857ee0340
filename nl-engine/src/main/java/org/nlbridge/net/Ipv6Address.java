package org.nlbridge.net;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * An IPv6 address held as two 64-bit halves. Parses every RFC 4291 text form (incl. "::" and a dotted
 * IPv4 tail) but no zone index; prints RFC 5952 canonical text.
 */
public final class Ipv6Address implements IpAddress {

    public static final String ACCEPTED = "an IPv6 address like fd00::1 (RFC 4291 text, no zone index)";

    private static final ValueLayout.OfLong NETWORK_LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final long high;
    private final long low;

    private Ipv6Address(long high, long low) {
        this.high = high;
        this.low = low;
    }

    public static Ipv6Address parse(String field, String text) {
        ValidationException.requireValue(field, text, ACCEPTED);
        try {
            return IpLiterals.parseIpv6(text);
        } catch (Invalid e) {
            throw ValidationException.of(field, text, e, ACCEPTED);
        }
    }

    /** From the first and last 64 bits: {@code of(0xfd00L << 48, 1)} is fd00::1. */
    public static Ipv6Address of(long high, long low) {
        return new Ipv6Address(high, low);
    }

    /** From 16 bytes in network order. */
    public static Ipv6Address of(byte[] bytes) {
        if (bytes.length != 16) {
            throw new IllegalArgumentException("an IPv6 address has 16 bytes, not " + bytes.length);
        }
        return readFrom(MemorySegment.ofArray(bytes), 0);
    }

    public static Ipv6Address readFrom(MemorySegment segment, long offset) {
        return new Ipv6Address(segment.get(NETWORK_LONG, offset), segment.get(NETWORK_LONG, offset + 8));
    }

    /** The first 64 bits (the network half of a /64). */
    public long high() {
        return high;
    }

    /** The last 64 bits. */
    public long low() {
        return low;
    }

    /** {@code ::ffff:a.b.c.d}: an IPv4 address in IPv6 clothing, which a v6 network should usually refuse. */
    public boolean isIpv4Mapped() {
        return high == 0 && low >>> 32 == 0xFFFF;
    }

    @Override
    public int family() {
        return AF_INET6;
    }

    @Override
    public int bitLength() {
        return 128;
    }

    @Override
    public int byteLength() {
        return 16;
    }

    @Override
    public byte[] bytes() {
        byte[] b = new byte[16];
        writeTo(MemorySegment.ofArray(b), 0);
        return b;
    }

    @Override
    public void writeTo(MemorySegment segment, long offset) {
        segment.set(NETWORK_LONG, offset, high);
        segment.set(NETWORK_LONG, offset + 8, low);
    }

    @Override
    public Ipv6Address plus(long n) {
        long lo = low + n;
        long carry = Long.compareUnsigned(lo, low) < 0 ? 1 : 0;
        long hi = high + (n >> 63) + carry; // n >> 63 sign-extends n to 128 bits
        int moved = compareUnsigned(hi, lo, high, low);
        if (n > 0 && moved <= 0 || n < 0 && moved >= 0) {
            throw new ArithmeticException(this + " plus " + n + " is outside the IPv6 address space");
        }
        return new Ipv6Address(hi, lo);
    }

    @Override
    public Ipv6Address next() {
        return plus(1);
    }

    @Override
    public Ipv6Address previous() {
        return plus(-1);
    }

    @Override
    public boolean isLoopback() {
        return high == 0 && low == 1;
    }

    @Override
    public boolean isMulticast() {
        return high >>> 56 == 0xFF;
    }

    @Override
    public boolean isLinkLocal() {
        return high >>> 54 == 0xFE80 >>> 6;
    }

    @Override
    public boolean isUnspecified() {
        return high == 0 && low == 0;
    }

    @Override
    public int compareTo(IpAddress other) {
        return other instanceof Ipv6Address v6 ? compareUnsigned(high, low, v6.high, v6.low) : 1;
    }

    private static int compareUnsigned(long hiA, long loA, long hiB, long loB) {
        int c = Long.compareUnsigned(hiA, hiB);
        return c != 0 ? c : Long.compareUnsigned(loA, loB);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv6Address v6 && v6.high == high && v6.low == low;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(high) * 31 + Long.hashCode(low);
    }

    @Override
    public String toString() {
        return IpLiterals.formatIpv6(high, low);
    }
}

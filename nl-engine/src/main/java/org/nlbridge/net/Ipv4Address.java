package org.nlbridge.net;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** An IPv4 address held as its 32 bits; text is exactly four decimal parts 0..255 without leading zeros. */
public final class Ipv4Address implements IpAddress {

    public static final String ACCEPTED = "an IPv4 address like 10.0.0.1 (four decimal parts 0..255, no leading zeros)";

    private static final ValueLayout.OfInt NETWORK_INT =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final int value;

    private Ipv4Address(int value) {
        this.value = value;
    }

    public static Ipv4Address parse(String field, String text) {
        ValidationException.requireValue(field, text, ACCEPTED);
        try {
            return new Ipv4Address(IpLiterals.parseIpv4(text));
        } catch (Invalid e) {
            throw ValidationException.of(field, text, e, ACCEPTED);
        }
    }

    /** From the address as a big-endian int: {@code of(0x0A000001)} is 10.0.0.1. */
    public static Ipv4Address of(int value) {
        return new Ipv4Address(value);
    }

    /** From 4 bytes in network order. */
    public static Ipv4Address of(byte[] bytes) {
        if (bytes.length != 4) {
            throw new IllegalArgumentException("an IPv4 address has 4 bytes, not " + bytes.length);
        }
        return new Ipv4Address((bytes[0] & 0xFF) << 24 | (bytes[1] & 0xFF) << 16 | (bytes[2] & 0xFF) << 8 | bytes[3] & 0xFF);
    }

    public static Ipv4Address readFrom(MemorySegment segment, long offset) {
        return new Ipv4Address(segment.get(NETWORK_INT, offset));
    }

    /** The 32 bits, big-endian: 10.0.0.1 is {@code 0x0A000001}. */
    public int toInt() {
        return value;
    }

    @Override
    public int family() {
        return AF_INET;
    }

    @Override
    public int bitLength() {
        return 32;
    }

    @Override
    public int byteLength() {
        return 4;
    }

    @Override
    public byte[] bytes() {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    @Override
    public void writeTo(MemorySegment segment, long offset) {
        segment.set(NETWORK_INT, offset, value);
    }

    @Override
    public Ipv4Address plus(long n) {
        long r = Integer.toUnsignedLong(value) + n; // a sum past Long.MAX_VALUE wraps negative: still caught
        if (r < 0 || r > 0xFFFF_FFFFL) {
            throw new ArithmeticException(this + " plus " + n + " is outside the IPv4 address space");
        }
        return new Ipv4Address((int) r);
    }

    @Override
    public Ipv4Address next() {
        return plus(1);
    }

    @Override
    public Ipv4Address previous() {
        return plus(-1);
    }

    @Override
    public boolean isLoopback() {
        return value >>> 24 == 127;
    }

    @Override
    public boolean isMulticast() {
        return value >>> 28 == 0xE;
    }

    @Override
    public boolean isLinkLocal() {
        return value >>> 16 == 0xA9FE;
    }

    @Override
    public boolean isUnspecified() {
        return value == 0;
    }

    @Override
    public int compareTo(IpAddress other) {
        return other instanceof Ipv4Address v4 ? Integer.compareUnsigned(value, v4.value) : -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv4Address v4 && v4.value == value;
    }

    @Override
    public int hashCode() {
        return value;
    }

    @Override
    public String toString() {
        return IpLiterals.formatIpv4(value);
    }
}

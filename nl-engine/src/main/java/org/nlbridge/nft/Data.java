package org.nlbridge.nft;

import java.util.Arrays;

/**
 * Immutable bytes of register data ({@code cmp}, {@code bitwise}, {@code immediate} operands), compared by value.
 * {@link #toString()} prints them as libnftnl's debug output does: 32-bit words in host (little-endian) order,
 * e.g. {@code 0x0000a8c0} for the three bytes {@code c0 a8 00}.
 */
public final class Data {
    private final byte[] bytes;

    private Data(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Data of(byte... bytes) {
        return new Data(bytes.clone());
    }

    static Data wrap(byte[] bytes) {
        return new Data(bytes);
    }

    /** A 32-bit value in host (little-endian) order, as the kernel keeps meta, ct and fib results. */
    public static Data u32(int v) {
        return new Data(new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)});
    }

    /** A 16-bit value in network order (ports). */
    public static Data be16(int v) {
        return new Data(new byte[] {(byte) (v >>> 8), (byte) v});
    }

    public static Data u8(int v) {
        return new Data(new byte[] {(byte) v});
    }

    public int length() {
        return bytes.length;
    }

    public byte get(int i) {
        return bytes[i];
    }

    public byte[] toArray() {
        return bytes.clone();
    }

    byte[] array() {
        return bytes;
    }

    /** The first 4 bytes (zero-padded) as a host-order int. */
    public int u32() {
        int v = 0;
        for (int i = 0; i < 4 && i < bytes.length; i++) v |= (bytes[i] & 0xff) << (8 * i);
        return v;
    }

    /** The first 2 bytes as a network-order value. */
    public int be16() {
        return bytes.length < 2 ? (bytes.length == 1 ? (bytes[0] & 0xff) << 8 : 0)
                : ((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff);
    }

    public boolean isZero() {
        for (byte b : bytes) {
            if (b != 0) return false;
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Data d && Arrays.equals(bytes, d.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int w = 0; w < bytes.length; w += 4) {
            if (w > 0) b.append(' ');
            int v = 0;
            for (int i = 0; i < 4 && w + i < bytes.length; i++) v |= (bytes[w + i] & 0xff) << (8 * i);
            b.append(String.format("0x%08x", v));
        }
        return b.toString();
    }
}

package org.nlbridge.netlink;

import java.lang.foreign.MemorySegment;

/**
 * UTF-8 straight between {@link CharSequence}s and segments, so that writing or comparing a name allocates nothing
 * (interface, table and chain names are ASCII in practice; the other cases cost the same code path).
 */
final class Utf8 {
    private Utf8() {}

    /** Encoded length of {@code s}; refuses NUL and unpaired surrogates, which no netlink string may carry. */
    static int length(CharSequence s) {
        int n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c == 0) {
                throw new IllegalArgumentException("string contains NUL at index " + i + ": " + printable(s));
            } else if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("string has an unpaired surrogate at index " + i);
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** Writes {@code s} (already checked by {@link #length}) at {@code at}. */
    static void encode(CharSequence s, MemorySegment seg, long at) {
        long p = at;
        for (int i = 0, len = s.length(); i < len; i++) {
            int c = s.charAt(i);
            if (c < 0x80) {
                seg.set(Wire.U8, p++, (byte) c);
                continue;
            }
            if (Character.isHighSurrogate((char) c)) {
                c = Character.toCodePoint((char) c, s.charAt(++i));
            }
            int w = width(c);
            for (int k = 0; k < w; k++) {
                seg.set(Wire.U8, p + k, byteOf(c, w, k));
            }
            p += w;
        }
    }

    /** Whether the {@code len} bytes at {@code at} are exactly the UTF-8 encoding of {@code s}. */
    static boolean equals(MemorySegment seg, long at, long len, CharSequence s) {
        long p = at;
        long end = at + len;
        for (int i = 0, n = s.length(); i < n; i++) {
            int c = s.charAt(i);
            if (c < 0x80) {
                if (p >= end || seg.get(Wire.U8, p++) != (byte) c) {
                    return false;
                }
                continue;
            }
            if (Character.isHighSurrogate((char) c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                c = Character.toCodePoint((char) c, s.charAt(++i));
            } else if (Character.isSurrogate((char) c)) {
                return false;
            }
            int w = width(c);
            if (p + w > end) {
                return false;
            }
            for (int k = 0; k < w; k++) {
                if (seg.get(Wire.U8, p + k) != byteOf(c, w, k)) {
                    return false;
                }
            }
            p += w;
        }
        return p == end;
    }

    /** Encoded width of a code point of 0x80 or more. */
    private static int width(int cp) {
        return cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    /** Byte {@code k} of the {@code w}-byte UTF-8 encoding of {@code cp}. */
    private static byte byteOf(int cp, int w, int k) {
        int shift = 6 * (w - 1 - k);
        if (k == 0) {
            int lead = w == 2 ? 0xc0 : w == 3 ? 0xe0 : 0xf0;
            return (byte) (lead | cp >> shift);
        }
        return (byte) (0x80 | cp >> shift & 0x3f);
    }

    private static String printable(CharSequence s) {
        return s.toString().replace("\0", "\\0");
    }
}

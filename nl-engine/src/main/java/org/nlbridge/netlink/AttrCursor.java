package org.nlbridge.netlink;

import static org.nlbridge.netlink.Wire.NLA_HDRLEN;
import static org.nlbridge.netlink.Wire.U16;
import static org.nlbridge.netlink.Wire.U32;
import static org.nlbridge.netlink.Wire.U64;
import static org.nlbridge.netlink.Wire.U8;
import static org.nlbridge.netlink.Wire.align;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Flyweight over an attribute area (the tail of a message, or a nest's payload), read in place.
 *
 * <p>{@link #next()} checks each header like libmnl's {@code mnl_attr_ok} with signed 64-bit remaining lengths:
 * {@code nla_len} shorter than the header or longer than what is left of the area, or 1–3 stray trailing bytes, raise
 * {@link WireFormatException}. A nest entered with {@link #enter} is bounded by its parent's payload, so a child that
 * overruns its parent fails the same way. Typed getters check the payload size exactly (what libmnl's
 * {@code mnl_attr_validate} does) and strings must carry their NUL. Callers skip types they do not know, which keeps
 * decoders working against newer kernels.
 */
public final class AttrCursor {
    private MemorySegment seg;
    private long end;
    private long next;
    private long at = -1;
    private int len;
    private int rawType;

    /** Positions the cursor before the first attribute in {@code [offset, offset + length)} of {@code segment}. */
    public AttrCursor reset(MemorySegment segment, long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > segment.byteSize()) {
            throw new IllegalArgumentException("attribute area [" + offset + ", +" + length + ") outside the "
                    + segment.byteSize() + "-byte segment");
        }
        this.seg = segment;
        this.end = offset + length;
        this.next = offset;
        this.at = -1;
        return this;
    }

    /** Puts the cursor on the already validated attribute at {@code offset} (for {@link AttrIndex}). */
    void select(MemorySegment segment, long offset) {
        this.seg = segment;
        this.at = offset;
        this.len = Short.toUnsignedInt(segment.get(U16, offset));
        this.rawType = Short.toUnsignedInt(segment.get(U16, offset + 2));
        this.end = offset + len;
        this.next = end;
    }

    /** Advances to the next attribute; false at the end of the area. */
    public boolean next() {
        long remaining = end - next;
        if (remaining <= 0) {
            at = -1;
            return false;
        }
        if (remaining < NLA_HDRLEN) {
            throw new WireFormatException(remaining + " trailing bytes at offset " + next
                    + " are too short for an attribute header");
        }
        int n = Short.toUnsignedInt(seg.get(U16, next));
        if (n < NLA_HDRLEN || n > remaining) {
            throw new WireFormatException("attribute " + (seg.get(U16, next + 2) & Wire.NLA_TYPE_MASK) + " at offset "
                    + next + " claims " + n + " bytes; "
                    + (n < NLA_HDRLEN ? "less than its 4-byte header" : "only " + remaining + " remain in its container"));
        }
        at = next;
        len = n;
        rawType = Short.toUnsignedInt(seg.get(U16, at + 2));
        next = at + align(n);
        return true;
    }

    /** The attribute type without the {@code NLA_F_NESTED} and {@code NLA_F_NET_BYTEORDER} bits. */
    public int type() {
        current();
        return rawType & Wire.NLA_TYPE_MASK;
    }

    /** Whether the sender marked the attribute {@code NLA_F_NESTED} (rtnetlink often does not, nftables must). */
    public boolean nested() {
        current();
        return (rawType & Wire.NLA_F_NESTED) != 0;
    }

    public MemorySegment segment() {
        return seg;
    }

    /** Offset of the attribute header in {@link #segment()}. */
    public long offset() {
        current();
        return at;
    }

    public long payloadOffset() {
        current();
        return at + NLA_HDRLEN;
    }

    public int payloadLength() {
        current();
        return len - NLA_HDRLEN;
    }

    public int u8() {
        return Byte.toUnsignedInt(seg.get(U8, payload(1, "u8")));
    }

    public int u16() {
        return Short.toUnsignedInt(seg.get(U16, payload(2, "u16")));
    }

    /** The u32 in host order; use {@link Integer#toUnsignedLong} where values above 2^31 matter. */
    public int u32() {
        return seg.get(U32, payload(4, "u32"));
    }

    public long u64() {
        return seg.get(U64, payload(8, "u64"));
    }

    public int be16() {
        return Short.toUnsignedInt(seg.get(Wire.BE16, payload(2, "be16")));
    }

    public int be32() {
        return seg.get(Wire.BE32, payload(4, "be32"));
    }

    public long be64() {
        return seg.get(Wire.BE64, payload(8, "be64"));
    }

    /** The NUL-terminated string payload, up to its first NUL, decoded as UTF-8. */
    public String string() {
        int n = stringLength();
        byte[] bytes = new byte[n];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, at + NLA_HDRLEN, bytes, 0, n);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Whether the NUL-terminated string payload equals {@code s}, without allocating. */
    public boolean stringEquals(CharSequence s) {
        int n = stringLength();
        return Utf8.equals(seg, at + NLA_HDRLEN, n, s);
    }

    /** A copy of the payload. */
    public byte[] bytes() {
        byte[] bytes = new byte[payloadLength()];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, at + NLA_HDRLEN, bytes, 0, bytes.length);
        return bytes;
    }

    /** The payload as a slice of {@link #segment()}: valid only while the underlying buffer holds this datagram. */
    public MemorySegment slice() {
        return seg.asSlice(payloadOffset(), payloadLength());
    }

    /** Points {@code child} at this attribute's payload, to walk a nest. */
    public AttrCursor enter(AttrCursor child) {
        return child.reset(seg, payloadOffset(), payloadLength());
    }

    /** Length before the first NUL; the payload must end with one (libmnl's {@code MNL_TYPE_NUL_STRING}). */
    private int stringLength() {
        int n = payloadLength();
        long p = at + NLA_HDRLEN;
        if (n == 0 || seg.get(U8, p + n - 1) != 0) {
            throw new WireFormatException("attribute " + type() + " at offset " + at + " is not a NUL-terminated string");
        }
        int i = 0;
        while (seg.get(U8, p + i) != 0) {
            i++;
        }
        return i;
    }

    private long payload(int size, String kind) {
        if (payloadLength() != size) {
            throw new WireFormatException("attribute " + type() + " at offset " + at + ": a " + kind + " needs "
                    + size + " payload bytes, found " + payloadLength());
        }
        return at + NLA_HDRLEN;
    }

    private void current() {
        if (at < 0) {
            throw new IllegalStateException("no current attribute: next() has not returned true");
        }
    }
}

package org.nlbridge.netlink;

import static org.nlbridge.netlink.Wire.BE16;
import static org.nlbridge.netlink.Wire.BE32;
import static org.nlbridge.netlink.Wire.BE64;
import static org.nlbridge.netlink.Wire.NLA_HDRLEN;
import static org.nlbridge.netlink.Wire.NLA_MAX_LEN;
import static org.nlbridge.netlink.Wire.NLMSG_HDRLEN;
import static org.nlbridge.netlink.Wire.U16;
import static org.nlbridge.netlink.Wire.U32;
import static org.nlbridge.netlink.Wire.U64;
import static org.nlbridge.netlink.Wire.U8;
import static org.nlbridge.netlink.Wire.align;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * Encodes netlink messages back to back into a caller-supplied segment, libmnl style: begin a message, reserve its
 * family header, put attributes, end it. Nothing is allocated per message; the writer is reused via {@link #reset()}.
 *
 * <p>Every put is bounds-checked. Running out of room throws {@link BufferFullException} after dropping the message
 * being written, so {@link #position()} is the end of the last complete message and the buffer holds only whole
 * messages. Padding bytes are zeroed, so the same calls always produce the same bytes.
 *
 * <p>Integers are in host order ({@code putU32}) or network order ({@code putBe32}, what nftables expects for
 * packet data). Offsets returned by {@link #begin}, {@link #reserve} and {@link #nestStart} are absolute offsets into
 * {@link #segment()}. Not thread-safe.
 *
 * <p>A writer made with {@link #growing} moves to a buffer twice as large (from its arena, up to a maximum) instead of
 * throwing, keeping every offset valid; {@link #segment()} is then the new buffer.
 */
public final class MsgWriter {
    private MemorySegment buf;
    private long capacity;
    private long pos;
    /** Start of the open message, or -1 when none is open. */
    private long msgStart = -1;
    private int nestFlag;
    /** Where a growing writer's larger buffers come from (null: fixed), and how large they may get. */
    private final Arena growth;
    private final long maxCapacity;

    public MsgWriter(MemorySegment buffer) {
        this.buf = buffer;
        this.capacity = buffer.byteSize();
        this.growth = null;
        this.maxCapacity = capacity;
    }

    private MsgWriter(Arena arena, long initial, long maximum) {
        this.buf = arena.allocate(initial, 8);
        this.capacity = initial;
        this.growth = arena;
        this.maxCapacity = Math.max(initial, maximum);
    }

    /**
     * A writer over {@code initial} bytes from {@code arena} that grows (doubling, copying what it holds) up to
     * {@code maximum} bytes before it throws {@link BufferFullException}. The buffers it leaves stay allocated until
     * the arena closes.
     */
    public static MsgWriter growing(Arena arena, long initial, long maximum) {
        return new MsgWriter(arena, initial, maximum);
    }

    /**
     * Whether {@link #nestStart} sets {@code NLA_F_NESTED}: nftables rejects nests without it; rtnetlink parses
     * either way. Off by default, which is what iproute2 sends for links and addresses.
     */
    public MsgWriter nestedFlag(boolean on) {
        this.nestFlag = on ? Wire.NLA_F_NESTED : 0;
        return this;
    }

    public MemorySegment segment() {
        return buf;
    }

    public long capacity() {
        return capacity;
    }

    /** The end of the encoded bytes: of the last complete message, or the write position inside an open one. */
    public long position() {
        return pos;
    }

    public boolean inMessage() {
        return msgStart >= 0;
    }

    /** Drops everything, complete messages included. */
    public void reset() {
        pos = 0;
        msgStart = -1;
    }

    /**
     * Starts a message: its {@code nlmsghdr} with {@code nlmsg_pid} 0 (the kernel fills in ours) and the length left
     * for {@link #end()}.
     *
     * @return the offset of the message
     */
    public long begin(int type, int flags, int seq) {
        if (msgStart >= 0) {
            throw new IllegalStateException("the message at offset " + msgStart + " is still open: end() or cancel() it");
        }
        ensure(NLMSG_HDRLEN);
        long at = pos;
        buf.set(U32, at + Wire.LEN, 0);
        buf.set(U16, at + Wire.TYPE, (short) type);
        buf.set(U16, at + Wire.FLAGS, (short) flags);
        buf.set(U32, at + Wire.SEQ, seq);
        buf.set(U32, at + Wire.PID, 0);
        msgStart = at;
        pos = at + NLMSG_HDRLEN;
        return at;
    }

    /**
     * Reserves {@code size} zeroed bytes, padded to 4, and returns their offset: the family header right after
     * {@link #begin} ({@code ifinfomsg}, {@code nfgenmsg}) or a struct opening a nest's payload (the peer's
     * {@code ifinfomsg} in {@code VETH_INFO_PEER}). Fill its fields with the {@code set*} methods and the jextract
     * field offsets, e.g. {@code w.setU32(h + ifinfomsg.ifi_index$offset(), index)}.
     */
    public long reserve(int size) {
        requireOpen();
        long padded = align(size);
        ensure(padded);
        long at = pos;
        for (long i = at; i < at + padded; i += 4) {
            buf.set(U32, i, 0);
        }
        pos = at + padded;
        return at;
    }

    public void setU8(long at, int value) {
        checkSet(at, 1);
        buf.set(U8, at, (byte) value);
    }

    public void setU16(long at, int value) {
        checkSet(at, 2);
        buf.set(U16, at, (short) value);
    }

    public void setU32(long at, int value) {
        checkSet(at, 4);
        buf.set(U32, at, value);
    }

    public void setBe16(long at, int value) {
        checkSet(at, 2);
        buf.set(BE16, at, (short) value);
    }

    public void setBe32(long at, int value) {
        checkSet(at, 4);
        buf.set(BE32, at, value);
    }

    public MsgWriter putU8(int type, int value) {
        long p = attr(type, 1);
        buf.set(U8, p, (byte) value);
        return this;
    }

    public MsgWriter putU16(int type, int value) {
        long p = attr(type, 2);
        buf.set(U16, p, (short) value);
        return this;
    }

    public MsgWriter putU32(int type, int value) {
        long p = attr(type, 4);
        buf.set(U32, p, value);
        return this;
    }

    public MsgWriter putU64(int type, long value) {
        long p = attr(type, 8);
        buf.set(U64, p, value);
        return this;
    }

    public MsgWriter putBe16(int type, int value) {
        long p = attr(type, 2);
        buf.set(BE16, p, (short) value);
        return this;
    }

    public MsgWriter putBe32(int type, int value) {
        long p = attr(type, 4);
        buf.set(BE32, p, value);
        return this;
    }

    public MsgWriter putBe64(int type, long value) {
        long p = attr(type, 8);
        buf.set(BE64, p, value);
        return this;
    }

    /** An attribute without payload: its presence is the value. */
    public MsgWriter putFlag(int type) {
        attr(type, 0);
        return this;
    }

    /**
     * A NUL-terminated UTF-8 string, encoded without allocating. A NUL or an unpaired surrogate inside the value is
     * refused: the kernel would silently cut the string there.
     */
    public MsgWriter putString(int type, CharSequence value) {
        int n = Utf8.length(value);
        long p = attr(type, n + 1);
        Utf8.encode(value, buf, p);
        buf.set(U8, p + n, (byte) 0);
        return this;
    }

    public MsgWriter putBytes(int type, byte[] value) {
        return putBytes(type, value, 0, value.length);
    }

    public MsgWriter putBytes(int type, byte[] value, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, value.length);
        long p = attr(type, length);
        MemorySegment.copy(value, offset, buf, ValueLayout.JAVA_BYTE, p, length);
        return this;
    }

    /**
     * Copies attributes already encoded elsewhere ({@code length} bytes of whole attributes, each 4-aligned, as
     * {@code nlattr} frames) into the open message in one copy, e.g. a run of set elements framed by the nftables
     * element writer.
     */
    public MsgWriter putEncoded(byte[] source, int offset, int length) {
        requireOpen();
        Objects.checkFromIndexSize(offset, length, source.length);
        if ((length & 3) != 0) {
            throw new IllegalArgumentException("encoded attributes come in 4-byte units, not " + length + " bytes");
        }
        ensure(length);
        MemorySegment.copy(source, offset, buf, ValueLayout.JAVA_BYTE, pos, length);
        pos += length;
        return this;
    }

    /** Copies {@code length} bytes of {@code source} from {@code offset} as the payload. */
    public MsgWriter putBytes(int type, MemorySegment source, long offset, int length) {
        Objects.checkFromIndexSize(offset, length, source.byteSize());
        long p = attr(type, length);
        MemorySegment.copy(source, offset, buf, p, length);
        return this;
    }

    /** Opens a nested attribute; everything put until {@link #nestEnd} becomes its payload. Nests may nest. */
    public long nestStart(int type) {
        long at = pos;
        attr(type | nestFlag, 0);
        return at;
    }

    /** Closes the nest opened at {@code nest}, writing its length. */
    public void nestEnd(long nest) {
        checkNest(nest);
        long len = pos - nest;
        if (len > NLA_MAX_LEN) {
            throw new IllegalStateException("nested attribute of " + len + " bytes exceeds the " + NLA_MAX_LEN
                    + "-byte limit of nla_len: split it across messages");
        }
        buf.set(U16, nest, (short) len);
    }

    /** Drops the nest opened at {@code nest} and everything put into it. */
    public void nestCancel(long nest) {
        checkNest(nest);
        pos = nest;
    }

    /**
     * Completes the open message by writing its {@code nlmsg_len}.
     *
     * @return the message length
     */
    public int end() {
        requireOpen();
        int len = (int) (pos - msgStart);
        buf.set(U32, msgStart + Wire.LEN, len);
        msgStart = -1;
        return len;
    }

    /** Drops the open message; the writer returns to the end of the previous one. */
    public void cancel() {
        requireOpen();
        pos = msgStart;
        msgStart = -1;
    }

    /**
     * Moves the complete messages in {@code [from, position())} to the start of the buffer, dropping those before:
     * what a batch does after sending a prefix, to carry the message that did not fit over to the next send.
     */
    void compact(long from) {
        if (msgStart >= 0) {
            throw new IllegalStateException("cannot compact while a message is open");
        }
        if (from < 0 || from > pos) {
            throw new IllegalArgumentException("compact from " + from + " outside [0, " + pos + "]");
        }
        MemorySegment.copy(buf, from, buf, 0, pos - from);
        pos -= from;
    }

    /** Writes an attribute header for a payload of {@code len} bytes, zeroes its padding, returns the payload offset. */
    private long attr(int type, int len) {
        requireOpen();
        if (len > NLA_MAX_LEN - NLA_HDRLEN) {
            throw new IllegalArgumentException("attribute " + (type & Wire.NLA_TYPE_MASK) + " payload of " + len
                    + " bytes exceeds the " + (NLA_MAX_LEN - NLA_HDRLEN) + "-byte limit of nla_len");
        }
        int total = NLA_HDRLEN + len;
        long padded = align(total);
        ensure(padded);
        long at = pos;
        buf.set(U16, at, (short) total);
        buf.set(U16, at + 2, (short) type);
        for (long i = at + total; i < at + padded; i++) {
            buf.set(U8, i, (byte) 0);
        }
        pos = at + padded;
        return at + NLA_HDRLEN;
    }

    private void ensure(long n) {
        if (pos + n > capacity && !grow(pos + n)) {
            long at = pos;
            if (msgStart >= 0) {
                pos = msgStart;
                msgStart = -1;
            }
            throw new BufferFullException(at, n, capacity);
        }
    }

    /** Moves a growing writer to a buffer of at least {@code needed} bytes; false for a fixed or full-grown one. */
    private boolean grow(long needed) {
        if (growth == null || needed > maxCapacity) return false;
        long size = Math.min(maxCapacity, Math.max(needed, capacity * 2));
        MemorySegment bigger = growth.allocate(size, 8);
        MemorySegment.copy(buf, 0, bigger, 0, pos);
        buf = bigger;
        capacity = size;
        return true;
    }

    private void requireOpen() {
        if (msgStart < 0) {
            throw new IllegalStateException("no open message: call begin() first");
        }
    }

    private void checkSet(long at, int size) {
        requireOpen();
        if (at < msgStart + NLMSG_HDRLEN || at + size > pos) {
            throw new IllegalArgumentException("field at " + at + " (" + size + " bytes) lies outside the open message's"
                    + " reserved bytes [" + (msgStart + NLMSG_HDRLEN) + ", " + pos + ")");
        }
    }

    private void checkNest(long nest) {
        requireOpen();
        if (nest < msgStart + NLMSG_HDRLEN || nest + NLA_HDRLEN > pos) {
            throw new IllegalArgumentException("no nest of the open message starts at " + nest);
        }
    }
}

package org.nlbridge.netlink;

import static org.nlbridge.netlink.Wire.NLMSG_HDRLEN;
import static org.nlbridge.netlink.Wire.U16;
import static org.nlbridge.netlink.Wire.U32;
import static org.nlbridge.netlink.Wire.U8;
import static org.nlbridge.netlink.Wire.align;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over the netlink messages of one received datagram, read in place and reused across datagrams.
 *
 * <p>{@link #next()} checks each header like libmnl's {@code mnl_nlmsg_ok}, with lengths as signed 64-bit values so
 * no {@code nlmsg_len} can wrap: a header that does not fit in what is left, a length shorter than the header or
 * longer than what is left, or trailing bytes too short for a header all raise {@link WireFormatException}. Nothing
 * is read outside {@code [0, length)}. The last message may omit its padding, as the kernel allows.
 */
public final class MsgCursor {
    private MemorySegment seg;
    private long end;
    private long next;
    private long at = -1;
    private int len;
    private int type;
    private int flags;
    private int seq;
    private int pid;

    /** Positions the cursor before the first message in bytes {@code [0, length)} of {@code segment}. */
    public MsgCursor reset(MemorySegment segment, long length) {
        if (length < 0 || length > segment.byteSize()) {
            throw new IllegalArgumentException("length " + length + " outside the " + segment.byteSize() + "-byte segment");
        }
        this.seg = segment;
        this.end = length;
        this.next = 0;
        this.at = -1;
        return this;
    }

    /** Advances to the next message; false at the end of the datagram. */
    public boolean next() {
        long remaining = end - next;
        if (remaining <= 0) {
            at = -1;
            return false;
        }
        if (remaining < NLMSG_HDRLEN) {
            throw new WireFormatException(remaining + " trailing bytes at offset " + next
                    + " are too short for a netlink message header");
        }
        long n = Integer.toUnsignedLong(seg.get(U32, next + Wire.LEN));
        if (n < NLMSG_HDRLEN || n > remaining) {
            throw new WireFormatException("netlink message at offset " + next + " claims " + n + " bytes; "
                    + (n < NLMSG_HDRLEN ? "less than its 16-byte header" : "only " + remaining + " remain"));
        }
        at = next;
        len = (int) n;
        type = Short.toUnsignedInt(seg.get(U16, at + Wire.TYPE));
        flags = Short.toUnsignedInt(seg.get(U16, at + Wire.FLAGS));
        seq = seg.get(U32, at + Wire.SEQ);
        pid = seg.get(U32, at + Wire.PID);
        next = at + align(n);
        return true;
    }

    public MemorySegment segment() {
        return seg;
    }

    /** Offset of the current message's header in {@link #segment()}. */
    public long offset() {
        current();
        return at;
    }

    /** {@code nlmsg_len}. */
    public int length() {
        current();
        return len;
    }

    public int type() {
        current();
        return type;
    }

    public int flags() {
        current();
        return flags;
    }

    public int seq() {
        current();
        return seq;
    }

    /** {@code nlmsg_pid}: in a reply, the port id of the socket that made the request. */
    public int portId() {
        current();
        return pid;
    }

    public long payloadOffset() {
        current();
        return at + NLMSG_HDRLEN;
    }

    public int payloadLength() {
        current();
        return len - NLMSG_HDRLEN;
    }

    /** Throws unless the payload holds at least a {@code size}-byte family header. */
    public void requirePayload(int size) {
        if (payloadLength() < size) {
            throw new WireFormatException("message type " + type + " at offset " + at + " has " + payloadLength()
                    + " payload bytes, less than its " + size + "-byte header");
        }
    }

    /** The u8 at {@code offset} into the payload (a family-header field). */
    public int u8At(int offset) {
        return Byte.toUnsignedInt(seg.get(U8, field(offset, 1)));
    }

    public int u16At(int offset) {
        return Short.toUnsignedInt(seg.get(U16, field(offset, 2)));
    }

    public int u32At(int offset) {
        return seg.get(U32, field(offset, 4));
    }

    public int be16At(int offset) {
        return Short.toUnsignedInt(seg.get(Wire.BE16, field(offset, 2)));
    }

    /**
     * Points {@code attrs} at the attributes after a {@code headerSize}-byte family header (padded to 4), e.g. 16 for
     * {@code ifinfomsg}, 4 for {@code nfgenmsg}.
     */
    public AttrCursor attributes(AttrCursor attrs, int headerSize) {
        requirePayload(headerSize);
        long skip = Math.min(align(headerSize), payloadLength());
        return attrs.reset(seg, payloadOffset() + skip, payloadLength() - skip);
    }

    private long field(int offset, int size) {
        if (offset < 0 || offset + size > payloadLength()) {
            throw new WireFormatException("message type " + type + " at offset " + at + ": a " + size
                    + "-byte field at payload offset " + offset + " lies beyond its " + payloadLength() + " payload bytes");
        }
        return at + NLMSG_HDRLEN + offset;
    }

    private void current() {
        if (at < 0) {
            throw new IllegalStateException("no current message: next() has not returned true");
        }
    }
}

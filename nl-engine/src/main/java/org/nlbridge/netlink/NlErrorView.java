package org.nlbridge.netlink;

import static org.nlbridge.netlink.Wire.NLMSGERR_SIZE;
import static org.nlbridge.netlink.Wire.NLMSG_HDRLEN;
import static org.nlbridge.netlink.Wire.U32;
import static org.nlbridge.netlink.Wire.align;

import java.lang.foreign.MemorySegment;

import org.nlbridge.bindings.linux.Uapi;

/**
 * Flyweight over the error code of an {@code NLMSG_ERROR} (an ack when the code is 0) or an {@code NLMSG_DONE}
 * (which carries the dump's final error code), with the kernel's extended-ack TLVs.
 *
 * <p>{@code NLMSG_ERROR} payload: {@code struct nlmsgerr} (error, then the request's header), then the rest of the
 * request unless {@code NLM_F_CAPPED} (acks, and errors under {@code NETLINK_CAP_ACK}), then the TLVs if
 * {@code NLM_F_ACK_TLVS}. One shorter than {@code nlmsgerr} raises {@link WireFormatException}, as libmnl's
 * {@code mnl_cb_error} refuses it with {@code EBADMSG}. The TLVs are only walked when asked for, i.e. on failure.
 */
public final class NlErrorView {
    private static final int ATTR_MSG = Uapi.NLMSGERR_ATTR_MSG();
    private static final int ATTR_OFFS = Uapi.NLMSGERR_ATTR_OFFS();

    private final AttrCursor tlv = new AttrCursor();
    private MemorySegment seg;
    private int error;
    private int requestType;
    private int requestSeq;
    /** Extended-ack TLV area, or -1 when the message has none. */
    private long tlvOffset;
    private long tlvLength;

    /** Decodes the current message of {@code msg}, which must be an {@code NLMSG_ERROR} or {@code NLMSG_DONE}. */
    public NlErrorView reset(MsgCursor msg) {
        seg = msg.segment();
        long payload = msg.payloadOffset();
        long payloadEnd = payload + msg.payloadLength();
        long tlvStart;
        if (msg.type() == Wire.NLMSG_ERROR) {
            if (msg.payloadLength() < NLMSGERR_SIZE) {
                throw new WireFormatException("NLMSG_ERROR at offset " + msg.offset() + " has " + msg.payloadLength()
                        + " payload bytes, less than struct nlmsgerr (" + NLMSGERR_SIZE + ")");
            }
            error = seg.get(U32, payload);
            long request = payload + 4;
            requestType = Short.toUnsignedInt(seg.get(Wire.U16, request + Wire.TYPE));
            requestSeq = seg.get(U32, request + Wire.SEQ);
            if ((msg.flags() & Wire.NLM_F_CAPPED) != 0) {
                tlvStart = payload + NLMSGERR_SIZE;
            } else {
                long echoed = Integer.toUnsignedLong(seg.get(U32, request + Wire.LEN));
                if (echoed < NLMSG_HDRLEN) {
                    throw new WireFormatException("NLMSG_ERROR at offset " + msg.offset() + " echoes a request of "
                            + echoed + " bytes, less than a netlink header");
                }
                tlvStart = payload + 4 + align(echoed);
            }
        } else if (msg.type() == Wire.NLMSG_DONE) {
            // the kernel always sends the int; a DONE without it (other senders) means success
            error = msg.payloadLength() >= 4 ? seg.get(U32, payload) : 0;
            requestType = -1;
            requestSeq = msg.seq();
            tlvStart = payload + Math.min(4, msg.payloadLength());
        } else {
            throw new IllegalArgumentException("message type " + msg.type() + " is neither NLMSG_ERROR nor NLMSG_DONE");
        }
        if ((msg.flags() & Wire.NLM_F_ACK_TLVS) == 0) {
            tlvOffset = -1;
        } else if (tlvStart > payloadEnd) {
            throw new WireFormatException("NLMSG_ERROR at offset " + msg.offset() + ": the echoed request overruns the"
                    + " message");
        } else {
            tlvOffset = tlvStart;
            tlvLength = payloadEnd - tlvStart;
        }
        return this;
    }

    /** 0 for an ack or a clean end of dump, else {@code -errno}. */
    public int error() {
        return error;
    }

    public boolean isAck() {
        return error == 0;
    }

    /** Type of the request being answered ({@code NLMSG_ERROR} only; -1 for {@code NLMSG_DONE}). */
    public int requestType() {
        return requestType;
    }

    /** Sequence number of the request being answered. */
    public int requestSeq() {
        return requestSeq;
    }

    /** {@code NLMSGERR_ATTR_MSG}: the kernel's explanation, or null. */
    public String extackMessage() {
        return findTlv(ATTR_MSG) ? tlv.string() : null;
    }

    /** {@code NLMSGERR_ATTR_OFFS}: the byte offset in the request of the attribute the kernel objected to, or -1. */
    public int extackOffset() {
        return findTlv(ATTR_OFFS) ? tlv.u32() : -1;
    }

    private boolean findTlv(int type) {
        if (tlvOffset < 0) {
            return false;
        }
        tlv.reset(seg, tlvOffset, tlvLength);
        while (tlv.next()) {
            if (tlv.type() == type) {
                return true;
            }
        }
        return false;
    }
}

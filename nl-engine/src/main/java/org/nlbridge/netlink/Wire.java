package org.nlbridge.netlink;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.bindings.linux.nfgenmsg;
import org.nlbridge.bindings.linux.nlmsgerr;
import org.nlbridge.bindings.linux.nlmsghdr;
import org.nlbridge.bindings.sys.NlMacros;

/**
 * Layouts and offsets shared by the writer and the cursors, read once from the jextract bindings.
 *
 * <p>All layouts are unaligned: attributes are only 4-byte aligned (a u64 payload sits at 4 mod 8), and
 * tests run the cursors over heap segments, which guarantee no alignment at all.
 */
final class Wire {
    private Wire() {}

    static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    static final ValueLayout.OfShort BE16 = U16.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt BE32 = U32.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong BE64 = U64.withOrder(ByteOrder.BIG_ENDIAN);

    static final int NLMSG_HDRLEN = NlMacros.NLMSG_HDRLEN;
    static final int NLA_HDRLEN = NlMacros.NLA_HDRLEN;
    static final long LEN = nlmsghdr.nlmsg_len$offset();
    static final long TYPE = nlmsghdr.nlmsg_type$offset();
    static final long FLAGS = nlmsghdr.nlmsg_flags$offset();
    static final long SEQ = nlmsghdr.nlmsg_seq$offset();
    static final long PID = nlmsghdr.nlmsg_pid$offset();

    /** {@code sizeof(struct nlmsgerr)}: the error code and the echoed request header. */
    static final int NLMSGERR_SIZE = (int) nlmsgerr.sizeof();
    static final int NFGENMSG_SIZE = (int) nfgenmsg.sizeof();

    static final int NLMSG_ERROR = Uapi.NLMSG_ERROR();
    static final int NLMSG_DONE = Uapi.NLMSG_DONE();
    static final int NLMSG_NOOP = Uapi.NLMSG_NOOP();
    static final int NLM_F_REQUEST = Uapi.NLM_F_REQUEST();
    static final int NLM_F_ACK = Uapi.NLM_F_ACK();
    static final int NLM_F_DUMP = Uapi.NLM_F_DUMP();
    static final int NLM_F_DUMP_INTR = Uapi.NLM_F_DUMP_INTR();
    static final int NLM_F_CAPPED = Uapi.NLM_F_CAPPED();
    static final int NLM_F_ACK_TLVS = Uapi.NLM_F_ACK_TLVS();
    static final int NLA_F_NESTED = Uapi.NLA_F_NESTED();
    /** {@code NLA_TYPE_MASK} is {@code ~(flags)} as a C int; only its low 16 bits apply to {@code nla_type}. */
    static final int NLA_TYPE_MASK = Uapi.NLA_TYPE_MASK() & 0xffff;

    /** Largest attribute: {@code nla_len} is a u16 that counts the 4-byte header. */
    static final int NLA_MAX_LEN = 0xffff;

    static long align(long len) {
        return (len + NlMacros.ALIGNTO - 1) & ~(long) (NlMacros.ALIGNTO - 1);
    }
}

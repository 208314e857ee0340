package org.nlbridge.bindings.sys;

/**
 * Java forms of the netlink alignment macros of {@code <linux/netlink.h>} and {@code <linux/rtnetlink.h>},
 * which jextract cannot generate (they are function-like macros).
 *
 * <p>Netlink messages and attributes are aligned to 4 bytes ({@code NLMSG_ALIGNTO}, {@code NLA_ALIGNTO},
 * {@code RTA_ALIGNTO}). Every method is a pure function on {@code int}s.
 */
public final class NlMacros {
    private NlMacros() {}

    /** {@code NLMSG_ALIGNTO}, {@code NLA_ALIGNTO} and {@code RTA_ALIGNTO}: all 4. */
    public static final int ALIGNTO = 4;
    /** {@code sizeof(struct nlmsghdr)}, already aligned: {@code NLMSG_HDRLEN}. */
    public static final int NLMSG_HDRLEN = 16;
    /** {@code sizeof(struct nlattr)}, already aligned: {@code NLA_HDRLEN} (same as {@code RTA_LENGTH(0)}). */
    public static final int NLA_HDRLEN = 4;
    /** {@code sizeof(struct nlmsgerr)} without the echoed request: error code + original header. */
    public static final int NLMSGERR_SIZE = 4 + NLMSG_HDRLEN;

    /** {@code NLMSG_ALIGN(len)}. */
    public static int nlmsgAlign(int len) {
        return (len + ALIGNTO - 1) & ~(ALIGNTO - 1);
    }

    /** {@code NLMSG_LENGTH(len)}: header plus {@code len} payload bytes, unpadded. */
    public static int nlmsgLength(int payloadLen) {
        return payloadLen + NLMSG_HDRLEN;
    }

    /** {@code NLMSG_SPACE(len)}: header plus {@code len} payload bytes, padded. */
    public static int nlmsgSpace(int payloadLen) {
        return nlmsgAlign(nlmsgLength(payloadLen));
    }

    /** {@code NLA_ALIGN(len)} (identical to {@code RTA_ALIGN}). */
    public static int nlaAlign(int len) {
        return (len + ALIGNTO - 1) & ~(ALIGNTO - 1);
    }

    /** {@code RTA_LENGTH(len)} / {@code nla_attr_size(len)}: attribute header plus payload, unpadded. */
    public static int nlaLength(int payloadLen) {
        return NLA_HDRLEN + payloadLen;
    }

    /** {@code RTA_SPACE(len)} / {@code nla_total_size(len)}: attribute header plus payload, padded. */
    public static int nlaSpace(int payloadLen) {
        return nlaAlign(nlaLength(payloadLen));
    }

    private static final int TYPE_MASK = org.nlbridge.bindings.linux.Uapi.NLA_TYPE_MASK() & 0xffff;

    /** The attribute type without the {@code NLA_F_NESTED} / {@code NLA_F_NET_BYTEORDER} flag bits. */
    public static int nlaType(int rawType) {
        return rawType & TYPE_MASK;
    }
}

package org.nlbridge.rtnl;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.netlink.AttrCursor;
import org.nlbridge.netlink.AttrIndex;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.WireFormatException;

/**
 * Decodes one {@code RTM_NEWADDR} message in place. Unknown attributes are skipped; an address whose length does not
 * match its family, or a prefix longer than the family allows, raises {@link WireFormatException}.
 */
final class AddressView {
    private final AttrCursor attrs = new AttrCursor();
    private final AttrIndex index = new AttrIndex(Rt.IFA_MAX);
    private int family;
    private int prefix;
    private int flags;
    private int scope;
    private int ifindex;

    /** Returns false (and decodes nothing) for a family other than IPv4 and IPv6. */
    boolean reset(MsgCursor msg) {
        msg.requirePayload(Rt.IFADDRMSG);
        family = msg.u8At(Rt.IFA_FAMILY);
        if (family != Rt.AF_INET && family != Rt.AF_INET6) {
            return false;
        }
        prefix = msg.u8At(Rt.IFA_PREFIXLEN);
        flags = msg.u8At(Rt.IFA_FLAGS_U8);
        scope = msg.u8At(Rt.IFA_SCOPE);
        ifindex = msg.u32At(Rt.IFA_INDEX);
        index.fill(msg.attributes(attrs, Rt.IFADDRMSG));
        return true;
    }

    int ifindex() {
        return ifindex;
    }

    int family() {
        return family;
    }

    Address toAddress() {
        AttrCursor local = index.get(Rt.IFA_LOCAL);
        IpAddress a = local != null ? address(local, "IFA_LOCAL") : null;
        if (a == null) {
            AttrCursor addr = index.get(Rt.IFA_ADDRESS);
            if (addr == null) {
                throw new WireFormatException("RTM_NEWADDR on ifindex " + ifindex + " carries no address");
            }
            a = address(addr, "IFA_ADDRESS");
        }
        if (prefix > a.bitLength()) {
            throw new WireFormatException("RTM_NEWADDR on ifindex " + ifindex + ": prefix length " + prefix
                    + " exceeds " + a.bitLength());
        }
        AttrCursor f = index.get(Rt.IFA_FLAGS);
        int allFlags = f != null ? f.u32() : flags;
        AttrCursor label = index.get(Rt.IFA_LABEL);
        String labelText = label != null ? label.string() : null;
        AttrCursor brd = index.get(Rt.IFA_BROADCAST);
        IpAddress broadcast = brd != null ? address(brd, "IFA_BROADCAST") : null;
        return new Address(family, ifindex, Cidr.of(a, prefix), scope, allFlags, labelText, broadcast);
    }

    private IpAddress address(AttrCursor a, String what) {
        return readAddress(family, a, "RTM_NEWADDR " + what);
    }

    /** The address in attribute {@code a}, whose payload must be exactly one address of {@code family}. */
    static IpAddress readAddress(int family, AttrCursor a, String what) {
        int need = family == Rt.AF_INET ? 4 : 16;
        if (a.payloadLength() != need) {
            throw new WireFormatException(what + " at offset " + a.offset() + " has " + a.payloadLength()
                    + " bytes; an address of family " + family + " has " + need);
        }
        return IpAddress.readFrom(family == Rt.AF_INET ? IpAddress.AF_INET : IpAddress.AF_INET6, a.segment(),
                a.payloadOffset());
    }

    /** The 48 bits of a 6-byte hardware address attribute, or -1 when {@code a} is null or not 6 bytes long. */
    static long macBits(AttrCursor a) {
        if (a == null || a.payloadLength() != 6) {
            return -1;
        }
        MemorySegment seg = a.segment();
        long p = a.payloadOffset();
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = v << 8 | seg.get(ValueLayout.JAVA_BYTE, p + i) & 0xff;
        }
        return v;
    }
}

package org.nlbridge.rtnl;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.netlink.AttrCursor;
import org.nlbridge.netlink.AttrIndex;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.WireFormatException;

/**
 * Decodes one {@code RTM_NEWROUTE} message in place. Unknown attributes (and {@code RTA_MULTIPATH}'s next hops) are
 * skipped; an address whose length does not match the family, or a prefix longer than it allows, raises
 * {@link WireFormatException}.
 */
final class RouteView {
    private final AttrCursor attrs = new AttrCursor();
    private final AttrIndex index = new AttrIndex(Rt.RTA_MAX);
    private int family;
    private int dstLen;
    private int table;
    private int protocol;
    private int scope;
    private int type;

    /** Returns false (and decodes nothing) for a family other than IPv4 and IPv6. */
    boolean reset(MsgCursor msg) {
        msg.requirePayload(Rt.RTMSG);
        family = msg.u8At(Rt.RTM_FAMILY);
        if (family != Rt.AF_INET && family != Rt.AF_INET6) {
            return false;
        }
        dstLen = msg.u8At(Rt.RTM_DST_LEN);
        table = msg.u8At(Rt.RTM_TABLE);
        protocol = msg.u8At(Rt.RTM_PROTOCOL);
        scope = msg.u8At(Rt.RTM_SCOPE);
        type = msg.u8At(Rt.RTM_TYPE);
        index.fill(msg.attributes(attrs, Rt.RTMSG));
        AttrCursor t = index.get(Rt.RTA_TABLE);
        if (t != null) {
            table = t.u32();
        }
        return true;
    }

    /** {@code RTA_TABLE}, else {@code rtm_table}. */
    int table() {
        return table;
    }

    Route toRoute() {
        int bits = family == Rt.AF_INET ? 32 : 128;
        if (dstLen > bits) {
            throw new WireFormatException("RTM_NEWROUTE: destination prefix length " + dstLen + " exceeds " + bits);
        }
        AttrCursor d = index.get(Rt.RTA_DST);
        IpAddress dst = d != null ? AddressView.readAddress(family, d, "RTM_NEWROUTE RTA_DST")
                : family == Rt.AF_INET ? Ipv4Address.of(0) : Ipv6Address.of(0, 0);
        AttrCursor g = index.get(Rt.RTA_GATEWAY);
        IpAddress gateway = g != null ? AddressView.readAddress(family, g, "RTM_NEWROUTE RTA_GATEWAY") : null;
        AttrCursor s = index.get(Rt.RTA_PREFSRC);
        IpAddress source = s != null ? AddressView.readAddress(family, s, "RTM_NEWROUTE RTA_PREFSRC") : null;
        AttrCursor o = index.get(Rt.RTA_OIF);
        int oif = o != null ? o.u32() : 0;
        AttrCursor p = index.get(Rt.RTA_PRIORITY);
        int priority = p != null ? p.u32() : 0;
        return new Route(family, Cidr.of(dst, dstLen), gateway, oif, table, priority, scope, protocol, type, source);
    }
}

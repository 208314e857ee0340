package org.nlbridge.rtnl;

import java.util.List;

import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.WireFormatException;

/**
 * Decodes the notifications of the rtnetlink multicast groups a monitor joins ({@link #GROUPS}: links, IPv4 and IPv6
 * addresses and routes; {@link #NEIGHBOUR_GROUPS}: neighbour and FDB entries) into {@link RtnlEvent}s. Reuses its views: one decoder per monitor thread. Messages of other
 * types, and addresses or routes of other families, decode to null; malformed ones raise
 * {@link WireFormatException}.
 */
public final class RtnlEvents {

    /** {@code RTNLGRP_LINK}, {@code RTNLGRP_IPV4_IFADDR}, {@code RTNLGRP_IPV6_IFADDR}, {@code RTNLGRP_IPV4_ROUTE}, {@code RTNLGRP_IPV6_ROUTE}. */
    public static final List<Integer> GROUPS = List.of(Uapi.RTNLGRP_LINK(), Uapi.RTNLGRP_IPV4_IFADDR(),
            Uapi.RTNLGRP_IPV6_IFADDR(), Uapi.RTNLGRP_IPV4_ROUTE(), Uapi.RTNLGRP_IPV6_ROUTE());

    /**
     * {@code RTNLGRP_NEIGH}: neighbour and FDB changes, and VXLAN miss notifications. Not in {@link #GROUPS}: a host
     * with an overlay has thousands of entries, and a monitor that does not need them should not read them.
     */
    public static final List<Integer> NEIGHBOUR_GROUPS = List.of(Uapi.RTNLGRP_NEIGH());

    private static final int AF_BRIDGE = LibC.AF_BRIDGE();

    private final LinkView link = new LinkView();
    private final AddressView address = new AddressView();
    private final RouteView route = new RouteView();
    private final NeighbourView neighbour = new NeighbourView();

    /** The event the current message of {@code msg} carries, or null if it is none of ours. */
    public RtnlEvent decode(MsgCursor msg) {
        int type = msg.type();
        if (type == Rt.RTM_NEWLINK || type == Rt.RTM_DELLINK) {
            msg.requirePayload(Rt.IFINFOMSG);
            boolean port = msg.u8At(Rt.IFI_FAMILY) == AF_BRIDGE;
            return new RtnlEvent.LinkEvent(type == Rt.RTM_DELLINK, link.reset(msg).toLink(), port);
        }
        if (type == Rt.RTM_NEWADDR || type == Rt.RTM_DELADDR) {
            return address.reset(msg) ? new RtnlEvent.AddressEvent(type == Rt.RTM_DELADDR, address.toAddress()) : null;
        }
        if (type == Rt.RTM_NEWROUTE || type == Rt.RTM_DELROUTE) {
            return route.reset(msg) ? new RtnlEvent.RouteEvent(type == Rt.RTM_DELROUTE, route.toRoute()) : null;
        }
        if (type == Nd.RTM_NEWNEIGH || type == Nd.RTM_DELNEIGH || type == Nd.RTM_GETNEIGH) {
            return neighbour.reset(msg)
                    ? new RtnlEvent.NeighbourEvent(type == Nd.RTM_DELNEIGH, type == Nd.RTM_GETNEIGH, neighbour.toNeighbour())
                    : null;
        }
        return null;
    }
}

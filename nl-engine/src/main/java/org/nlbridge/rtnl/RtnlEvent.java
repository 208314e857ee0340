package org.nlbridge.rtnl;

/**
 * One rtnetlink notification, as a monitor socket receives it ({@code ip monitor link address route neigh}): a link,
 * an address, a route or a neighbour/FDB entry appeared, changed or went away. Decoded by {@link RtnlEvents}.
 */
public sealed interface RtnlEvent {

    /** {@code RTM_DEL*}: the object is gone. {@code RTM_NEW*} is either a creation or a change. */
    boolean deleted();

    /**
     * {@code RTM_NEWLINK} / {@code RTM_DELLINK}.
     *
     * @param bridgePort the {@code AF_BRIDGE} twin of a link message, which the bridge sends about its ports: a
     *                   port joined or changed ({@code deleted} false), or left the bridge or went away (true)
     */
    record LinkEvent(boolean deleted, Link link, boolean bridgePort) implements RtnlEvent {}

    /** {@code RTM_NEWADDR} / {@code RTM_DELADDR}. */
    record AddressEvent(boolean deleted, Address address) implements RtnlEvent {}

    /** {@code RTM_NEWROUTE} / {@code RTM_DELROUTE}. */
    record RouteEvent(boolean deleted, Route route) implements RtnlEvent {}

    /**
     * {@code RTM_NEWNEIGH} / {@code RTM_DELNEIGH}: a neighbour (ARP/ND) or FDB entry appeared, changed or went away;
     * or, with {@code miss}, the kernel asks about one ({@code RTM_GETNEIGH} from a VXLAN device with {@code l2miss}
     * or {@code l3miss}: no FDB entry for a MAC, no neighbour entry for an address). Only on a socket that joined
     * {@link RtnlEvents#NEIGHBOUR_GROUPS}.
     */
    record NeighbourEvent(boolean deleted, boolean miss, Neighbour neighbour) implements RtnlEvent {}
}

/**
 * rtnetlink: links (bridge-port settings among their verbs), addresses, routes and neighbour/FDB entries of a network namespace over {@code NETLINK_ROUTE},
 * without ever running {@code ip} or {@code bridge}. One class per kernel object, vishvananda/netlink style, each verb
 * documenting its iproute2 equivalent: {@link org.nlbridge.rtnl.Rtnl} is the handle bound to one namespace;
 * {@link org.nlbridge.rtnl.Links}, {@link org.nlbridge.rtnl.Addresses}, {@link org.nlbridge.rtnl.Routes} and
 * {@link org.nlbridge.rtnl.Neighbours} send one request per verb;
 * {@link org.nlbridge.rtnl.RtnlBatch} queues the same verbs into one batch. Intent is an immutable, validated
 * {@code *Spec}; what the kernel reports is an immutable record ({@link org.nlbridge.rtnl.Link},
 * {@link org.nlbridge.rtnl.Address}, {@link org.nlbridge.rtnl.Route}) or, on hot paths, the
 * {@link org.nlbridge.rtnl.LinkView} and {@link org.nlbridge.rtnl.NeighbourView} flyweights. The overlay's data
 * plane (VXLAN devices, FDB and ARP entries per remote container) is described in {@code docs/overlay-data-plane.md}.
 */
package org.nlbridge.rtnl;

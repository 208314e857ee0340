package org.nlbridge.rtnl;

import org.nlbridge.net.MacAddress;

/**
 * A link as the kernel reported it (an immutable copy of a {@link LinkView}).
 *
 * @param index       ifindex
 * @param name        {@code IFLA_IFNAME}
 * @param kind        {@code IFLA_INFO_KIND} ({@code bridge}, {@code veth}, ...), or null for links without one
 *                    ({@code lo}, physical NICs)
 * @param mtu         {@code IFLA_MTU}
 * @param mac         {@code IFLA_ADDRESS} when it is a 6-byte Ethernet address, else null
 * @param flags       {@code ifi_flags} ({@code IFF_UP}, {@code IFF_LOWER_UP}, ...)
 * @param master      ifindex of the bridge (or other master) it is enslaved to, or 0
 * @param alias       {@code IFLA_IFALIAS}, or null
 * @param linkNetnsid {@code IFLA_LINK_NETNSID}: the id, in this namespace, of the namespace {@code peerIndex}
 *                    lives in; -1 when the other end is in this namespace (or there is none)
 * @param peerIndex   {@code IFLA_LINK}: a veth's peer ifindex (in the namespace {@code linkNetnsid} names), a VLAN's
 *                    parent; 0 when absent
 */
public record Link(int index, String name, String kind, int mtu, MacAddress mac, int flags, int master, String alias,
        int linkNetnsid, int peerIndex) {

    /** Administratively up ({@code IFF_UP}). */
    public boolean isUp() {
        return (flags & Rt.IFF_UP) != 0;
    }

    /** Carrier present ({@code IFF_LOWER_UP}); for a veth, both ends are up. */
    public boolean isLowerUp() {
        return (flags & Rt.IFF_LOWER_UP) != 0;
    }

    public boolean hasMaster() {
        return master != 0;
    }
}

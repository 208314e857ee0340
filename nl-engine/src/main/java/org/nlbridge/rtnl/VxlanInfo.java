package org.nlbridge.rtnl;

import org.nlbridge.net.IpAddress;

/**
 * A VXLAN device's settings as the kernel reports them ({@code IFLA_INFO_DATA} of a link of kind {@code vxlan}),
 * from {@link LinkView#vxlan()}: what reconcile compares with a {@link VxlanSpec}.
 *
 * @param vni      {@code IFLA_VXLAN_ID}
 * @param local    {@code IFLA_VXLAN_LOCAL} or {@code LOCAL6}, or null
 * @param port     {@code IFLA_VXLAN_PORT}
 * @param underlay {@code IFLA_VXLAN_LINK}, or 0
 * @param learning {@code IFLA_VXLAN_LEARNING}
 * @param proxy    {@code IFLA_VXLAN_PROXY}
 * @param l2miss   {@code IFLA_VXLAN_L2MISS}
 * @param l3miss   {@code IFLA_VXLAN_L3MISS}
 * @param ttl      {@code IFLA_VXLAN_TTL} (0: the kernel's default)
 */
public record VxlanInfo(int vni, IpAddress local, int port, int underlay, boolean learning, boolean proxy,
        boolean l2miss, boolean l3miss, int ttl) {}

package org.nlbridge.rtnl;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;

/**
 * A route as the kernel reported it. Multipath routes ({@code RTA_MULTIPATH}) are reported without their next hops:
 * {@code gateway} is null and {@code oif} 0 for them.
 *
 * @param destination {@code RTA_DST} with {@code rtm_dst_len}; {@code 0.0.0.0/0} or {@code ::/0} for the default
 * @param gateway     {@code RTA_GATEWAY}, or null
 * @param oif         {@code RTA_OIF}, or 0
 * @param table       {@code RTA_TABLE}, else {@code rtm_table}
 * @param priority    {@code RTA_PRIORITY} (the metric), or 0
 * @param scope       {@link Scope}
 * @param protocol    {@link RouteProtocol}
 * @param type        {@link RouteType}
 * @param source      {@code RTA_PREFSRC}, or null
 */
public record Route(int family, Cidr destination, IpAddress gateway, int oif, int table, int priority, int scope,
        int protocol, int type, IpAddress source) {

    public boolean isDefault() {
        return destination.prefixLength() == 0;
    }
}

package org.nlbridge.rtnl;

import java.util.Objects;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.ValidationException;

/**
 * A route: {@code ip route add {default|SUBNET} [via GATEWAY] [dev LINK] [table T] [metric M] [scope S]
 * [proto P] [src ADDRESS] [type]}.
 *
 * <pre>{@code
 * RouteSpec.defaultVia("172.18.0.1")                 // ip route add default via 172.18.0.1
 * RouteSpec.to("10.9.0.0/16").dev(eth0.index())      // ip route add 10.9.0.0/16 dev eth0   (scope link)
 * }</pre>
 *
 * The destination is a subnet: {@code 10.0.0.1/24} is refused ("host bits set; did you mean 10.0.0.0/24?"), never
 * silently masked. Fields left at -1 take iproute2's defaults when added (protocol {@code boot}, type
 * {@code unicast}, scope {@code global} via a gateway and {@code link} without one) and match anything when deleting.
 *
 * @param destination the subnet; {@code 0.0.0.0/0} or {@code ::/0} for the default route
 * @param gateway     {@code RTA_GATEWAY}, or null
 * @param oif         output ifindex ({@code RTA_OIF}), or 0
 * @param table       routing table; {@code 254} ({@code main}) unless asked otherwise
 * @param priority    {@code metric} ({@code RTA_PRIORITY}), or -1 for none
 * @param scope       {@link Scope}, or -1 for the default
 * @param protocol    {@link RouteProtocol}, or -1 for the default
 * @param type        {@link RouteType}, or -1 for the default
 * @param source      preferred source address ({@code RTA_PREFSRC}), or null
 */
public record RouteSpec(Cidr destination, IpAddress gateway, int oif, int table, int priority, int scope,
        int protocol, int type, IpAddress source) {

    public RouteSpec {
        Objects.requireNonNull(destination, "destination");
        if (destination.hasHostBits()) {
            throw new ValidationException("route.destination", destination.toString(),
                    "host bits set; did you mean " + destination.subnet() + "?", Cidr.ACCEPTED_SUBNET);
        }
        if (gateway != null && gateway.family() != destination.family()) {
            throw new ValidationException("route.gateway", gateway.toString(),
                    "not of the destination's address family (" + destination + ")",
                    "a gateway of the same family as the destination");
        }
        if (source != null && source.family() != destination.family()) {
            throw new ValidationException("route.source", source.toString(),
                    "not of the destination's address family (" + destination + ")",
                    "a source address of the same family as the destination");
        }
        if (oif < 0) {
            throw new ValidationException("route.oif", Integer.toString(oif), "not an interface index",
                    "a positive interface index, or 0 for none");
        }
        if (table == 0) {
            throw new ValidationException("route.table", "0", "table 0 means unspecified",
                    "a table id 1..4294967295, e.g. 254 for main");
        }
        if (priority < -1) {
            throw new ValidationException("route.metric", Integer.toUnsignedString(priority), "negative",
                    "a metric 0..2147483647");
        }
        if (scope != -1) {
            Checks.u8("route.scope", scope);
        }
        if (protocol != -1) {
            Checks.u8("route.protocol", protocol);
        }
        if (type != -1 && (type < 1 || type > 255)) {
            throw new ValidationException("route.type", Integer.toString(type), "not a route type", "RouteType.*");
        }
    }

    /** A route to {@code subnet}, e.g. {@code 10.9.0.0/16}; field {@code route.destination}. */
    public static RouteSpec to(String subnet) {
        return to(Cidr.parseSubnet("route.destination", subnet));
    }

    public static RouteSpec to(Cidr subnet) {
        return new RouteSpec(subnet, null, 0, Rt.RT_TABLE_MAIN, -1, -1, -1, -1, null);
    }

    /** {@code default via GATEWAY}; field {@code route.gateway}. */
    public static RouteSpec defaultVia(String gateway) {
        return defaultVia(IpAddress.parse("route.gateway", gateway));
    }

    public static RouteSpec defaultVia(IpAddress gateway) {
        return defaultRoute(gateway.family()).via(gateway);
    }

    /** {@code default} of a family ({@code 0.0.0.0/0} or {@code ::/0}), without a gateway yet. */
    public static RouteSpec defaultRoute(int family) {
        IpAddress any = switch (family) {
            case IpAddress.AF_INET -> Ipv4Address.of(0);
            case IpAddress.AF_INET6 -> Ipv6Address.of(0, 0);
            default -> throw new IllegalArgumentException("address family " + family + " is neither AF_INET nor AF_INET6");
        };
        return to(Cidr.of(any, 0));
    }

    /** {@code via GATEWAY}; field {@code route.gateway}. */
    public RouteSpec via(String gateway) {
        return via(IpAddress.parse("route.gateway", gateway));
    }

    public RouteSpec via(IpAddress gateway) {
        return new RouteSpec(destination, Objects.requireNonNull(gateway, "gateway"), oif, table, priority, scope,
                protocol, type, source);
    }

    /** {@code dev LINK}, by ifindex. */
    public RouteSpec dev(int ifindex) {
        return new RouteSpec(destination, gateway, Checks.index("route.oif", ifindex), table, priority, scope,
                protocol, type, source);
    }

    /** {@code table T}. */
    public RouteSpec table(int table) {
        return new RouteSpec(destination, gateway, oif, table, priority, scope, protocol, type, source);
    }

    /** {@code metric M}. */
    public RouteSpec metric(int metric) {
        if (metric < 0) {
            throw new ValidationException("route.metric", Integer.toString(metric), "negative", "a metric 0..2147483647");
        }
        return new RouteSpec(destination, gateway, oif, table, metric, scope, protocol, type, source);
    }

    /** {@code scope S}, a {@link Scope} value. */
    public RouteSpec scope(int scope) {
        return new RouteSpec(destination, gateway, oif, table, priority, Checks.u8("route.scope", scope), protocol,
                type, source);
    }

    /** {@code proto P}, a {@link RouteProtocol} value or a private number below 256. */
    public RouteSpec protocol(int protocol) {
        return new RouteSpec(destination, gateway, oif, table, priority, scope,
                Checks.u8("route.protocol", protocol), type, source);
    }

    /** The route type, a {@link RouteType} value. */
    public RouteSpec type(int type) {
        return new RouteSpec(destination, gateway, oif, table, priority, scope, protocol, type, source);
    }

    /** {@code src ADDRESS}; field {@code route.source}. */
    public RouteSpec source(String address) {
        return new RouteSpec(destination, gateway, oif, table, priority, scope, protocol, type,
                IpAddress.parse("route.source", address));
    }

    public int family() {
        return destination.family();
    }

    public boolean isDefault() {
        return destination.prefixLength() == 0;
    }

    /** Names it in errors: {@code route default via 172.18.0.1}, {@code route 10.9.0.0/16 dev #7}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("route ").append(isDefault() ? "default" : destination.toString());
        if (gateway != null) {
            b.append(" via ").append(gateway);
        }
        if (oif != 0) {
            b.append(" dev #").append(oif);
        }
        if (table != Rt.RT_TABLE_MAIN) {
            b.append(" table ").append(Integer.toUnsignedString(table));
        }
        if (priority >= 0) {
            b.append(" metric ").append(priority);
        }
        return b.toString();
    }
}

package org.nlbridge.rtnl;

import org.nlbridge.bindings.linux.Uapi;

/** Route types ({@code RTN_*}), as plain ints the way the kernel keeps them. */
public final class RouteType {
    private RouteType() {}

    public static final int UNICAST = Uapi.RTN_UNICAST();
    public static final int LOCAL = Uapi.RTN_LOCAL();
    public static final int BROADCAST = Uapi.RTN_BROADCAST();
    public static final int ANYCAST = Uapi.RTN_ANYCAST();
    public static final int MULTICAST = Uapi.RTN_MULTICAST();
    public static final int BLACKHOLE = Uapi.RTN_BLACKHOLE();
    public static final int UNREACHABLE = Uapi.RTN_UNREACHABLE();
    public static final int PROHIBIT = Uapi.RTN_PROHIBIT();
    public static final int THROW = Uapi.RTN_THROW();

    /** The iproute2 spelling ({@code unicast}, {@code local}, ...), or the number. */
    public static String name(int type) {
        if (type == UNICAST) return "unicast";
        if (type == LOCAL) return "local";
        if (type == BROADCAST) return "broadcast";
        if (type == ANYCAST) return "anycast";
        if (type == MULTICAST) return "multicast";
        if (type == BLACKHOLE) return "blackhole";
        if (type == UNREACHABLE) return "unreachable";
        if (type == PROHIBIT) return "prohibit";
        if (type == THROW) return "throw";
        return Integer.toString(type);
    }
}

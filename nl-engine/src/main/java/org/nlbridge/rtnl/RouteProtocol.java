package org.nlbridge.rtnl;

import org.nlbridge.bindings.linux.Uapi;

/**
 * Who installed a route ({@code RTPROT_*}), as plain ints. {@link #BOOT} is what {@code ip route add} uses;
 * a private number (above {@link #STATIC}, below 256, not claimed in {@code /etc/iproute2/rt_protos}) can mark routes
 * as ours for reconcile.
 */
public final class RouteProtocol {
    private RouteProtocol() {}

    /** Installed by the kernel itself (prefix routes of addresses). */
    public static final int KERNEL = Uapi.RTPROT_KERNEL();
    /** {@code ip route add}'s default. */
    public static final int BOOT = Uapi.RTPROT_BOOT();
    public static final int STATIC = Uapi.RTPROT_STATIC();

    /** The iproute2 spelling ({@code kernel}, {@code boot}, {@code static}), or the number. */
    public static String name(int protocol) {
        if (protocol == KERNEL) return "kernel";
        if (protocol == BOOT) return "boot";
        if (protocol == STATIC) return "static";
        return Integer.toString(protocol);
    }
}

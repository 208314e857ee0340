package org.nlbridge.rtnl;

import org.nlbridge.netlink.Batch;
import org.nlbridge.netlink.MsgWriter;

/**
 * The route verbs that change the kernel, shared by the direct handle ({@link Rtnl#routes()}) and a batch
 * ({@link RtnlBatch#routes()}); see {@link LinkRequests} for how the two differ.
 */
public abstract sealed class RouteRequests permits Routes, RtnlBatch.BatchRoutes {
    final Batch batch;
    private final Enc enc = new Enc();

    RouteRequests(Batch batch) {
        this.batch = batch;
    }

    abstract void commit();

    /**
     * Adds a route; {@link org.nlbridge.netlink.ObjectExistsException} if the table has one for that destination
     * and metric already. Equivalent to: {@code ip route add $dst [via $gw] [dev $link] [table $t] [metric $m]}.
     */
    public void add(RouteSpec spec) {
        send(Rt.RTM_NEWROUTE, Rt.ADD, spec);
    }

    /**
     * Makes it so: adds the route or replaces the one with that destination and metric (converges, for reconcile).
     * Equivalent to: {@code ip route replace $dst [via $gw] [dev $link] ...}.
     */
    public void replace(RouteSpec spec) {
        send(Rt.RTM_NEWROUTE, Rt.REPLACE, spec);
    }

    /**
     * Deletes the route that matches {@code spec} (fields left unset match anything);
     * {@link org.nlbridge.netlink.NoSuchObjectException} ({@code ESRCH}) if none does.
     * Equivalent to: {@code ip route del $dst [via $gw] [dev $link] [table $t] [metric $m]}.
     */
    public void delete(RouteSpec spec) {
        send(Rt.RTM_DELROUTE, 0, spec);
    }

    private void send(int type, int flags, RouteSpec spec) {
        boolean del = type == Rt.RTM_DELROUTE;
        int family = spec.family();
        int rtType = spec.type() != -1 ? spec.type() : del ? 0 : RouteType.UNICAST;
        MsgWriter w = batch.begin(type, flags, spec);
        long h = w.reserve(Rt.RTMSG);
        w.setU8(h + Rt.RTM_FAMILY, family);
        w.setU8(h + Rt.RTM_DST_LEN, spec.destination().prefixLength());
        w.setU8(h + Rt.RTM_TABLE, Integer.compareUnsigned(spec.table(), 256) < 0 ? spec.table() : Rt.RT_TABLE_UNSPEC);
        w.setU8(h + Rt.RTM_PROTOCOL, spec.protocol() != -1 ? spec.protocol() : del ? 0 : RouteProtocol.BOOT);
        w.setU8(h + Rt.RTM_SCOPE, spec.scope() != -1 ? spec.scope() : defaultScope(spec, rtType, del));
        w.setU8(h + Rt.RTM_TYPE, rtType);
        if (!spec.isDefault()) {
            enc.putAddress(w, Rt.RTA_DST, spec.destination().address());
        }
        if (spec.gateway() != null) {
            enc.putAddress(w, Rt.RTA_GATEWAY, spec.gateway());
        }
        if (spec.oif() != 0) {
            w.putU32(Rt.RTA_OIF, spec.oif());
        }
        if (spec.priority() >= 0) {
            w.putU32(Rt.RTA_PRIORITY, spec.priority());
        }
        if (spec.source() != null) {
            enc.putAddress(w, Rt.RTA_PREFSRC, spec.source());
        }
        w.putU32(Rt.RTA_TABLE, spec.table());
        batch.end();
        commit();
    }

    /** iproute2's defaults: IPv6 is always global; local routes host; a delete matches any scope. */
    private static int defaultScope(RouteSpec spec, int type, boolean delete) {
        if (spec.family() == Rt.AF_INET6) {
            return Scope.UNIVERSE;
        }
        if (type == RouteType.LOCAL) {
            return Scope.HOST;
        }
        if (type == RouteType.BROADCAST || type == RouteType.MULTICAST || type == RouteType.ANYCAST) {
            return Scope.LINK;
        }
        if (delete) {
            return Scope.NOWHERE;
        }
        return (type == RouteType.UNICAST || type == 0) && spec.gateway() == null ? Scope.LINK : Scope.UNIVERSE;
    }
}

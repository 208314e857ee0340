package org.nlbridge.rtnl;

import java.util.ArrayList;
import java.util.List;

import org.nlbridge.netlink.DumpRequest;
import org.nlbridge.netlink.DumpVisitor;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.NoSuchObjectException;

/**
 * Routes of one namespace, through an {@link Rtnl} handle: the verbs of {@link RouteRequests}, each sent at once and
 * throwing on refusal, plus {@link #list}. Not thread-safe.
 */
public final class Routes extends RouteRequests {
    private final Rtnl rtnl;
    private final RouteView view = new RouteView();
    private List<Route> out;
    private int familyFilter;
    private int tableFilter;
    private final DumpVisitor collector = new DumpVisitor() {
        @Override
        public void message(MsgCursor msg) {
            if (msg.type() == Rt.RTM_NEWROUTE && view.reset(msg)
                    && (tableFilter == Rt.RT_TABLE_UNSPEC || view.table() == tableFilter)) {
                out.add(view.toRoute());
            }
        }

        @Override
        public void restart() {
            out.clear();
        }
    };
    private final DumpRequest request = w -> {
        long h = w.reserve(Rt.RTMSG);
        w.setU8(h + Rt.RTM_FAMILY, familyFilter);
        if (tableFilter != Rt.RT_TABLE_UNSPEC) {
            // filtered by the kernel under NETLINK_GET_STRICT_CHK, and again above for kernels that ignore it
            w.putU32(Rt.RTA_TABLE, tableFilter);
        }
    };

    Routes(Rtnl rtnl) {
        super(rtnl.direct());
        this.rtnl = rtnl;
    }

    @Override
    void commit() {
        batch.execute().throwIfFailed();
    }

    /**
     * Deletes the route matching {@code spec} if there is one; returns whether there was. For teardown, where
     * "already gone" counts as done. Equivalent to: {@code ip route del ...}, ignoring "No such process".
     */
    public boolean deleteIfExists(RouteSpec spec) {
        try {
            delete(spec);
            return true;
        } catch (NoSuchObjectException e) {
            return false;
        }
    }

    /**
     * The routes of the main table, {@code AF_INET} or {@code AF_INET6}. Equivalent to: {@code ip -4 route show}.
     */
    public List<Route> list(int family) {
        return list(family, Rt.RT_TABLE_MAIN);
    }

    /**
     * The routes of one table ({@code 0} for every table, local included); none for a table that does not exist
     * (a namespace that never had an IPv4 route has no main table, and the kernel says ENOENT for it).
     * Equivalent to: {@code ip -4 route show table $table}.
     */
    public List<Route> list(int family, int table) {
        if (family != Rt.AF_INET && family != Rt.AF_INET6) {
            throw new IllegalArgumentException("address family " + family + " is neither AF_INET nor AF_INET6");
        }
        List<Route> result = new ArrayList<>();
        out = result;
        familyFilter = family;
        tableFilter = table;
        try {
            rtnl.dump().run(Rt.RTM_GETROUTE, "routes of table " + Integer.toUnsignedString(table), request, collector);
        } catch (NoSuchObjectException noTable) {
            return List.of();
        } finally {
            out = null;
        }
        return result;
    }
}

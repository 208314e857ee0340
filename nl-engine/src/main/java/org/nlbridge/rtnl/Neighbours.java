package org.nlbridge.rtnl;

import java.util.ArrayList;
import java.util.List;

import org.nlbridge.net.IpAddress;
import org.nlbridge.netlink.DumpRequest;
import org.nlbridge.netlink.DumpVisitor;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.MsgWriter;

/**
 * Neighbour (ARP/ND) and FDB entries of one namespace, through an {@link Rtnl} handle: the verbs of
 * {@link NeighbourRequests}, each sent at once and throwing on refusal, plus lists and a zero-copy {@link #dump}.
 * Not thread-safe.
 *
 * <p>Dumps are filtered by the kernel ({@code NDA_IFINDEX} in the request, honoured under
 * {@code NETLINK_GET_STRICT_CHK}, which refuses a filter it does not know instead of ignoring it), and again here
 * for kernels that ignore it.
 */
public final class Neighbours extends NeighbourRequests {
    private final Rtnl rtnl;
    private final NeighbourView view = new NeighbourView();
    private NeighbourVisitor visitor;
    private int familyFilter;
    private int indexFilter;
    private final DumpVisitor adapter = new DumpVisitor() {
        @Override
        public void message(MsgCursor msg) {
            if (msg.type() == Nd.RTM_NEWNEIGH && view.reset(msg)
                    && (familyFilter == Rt.AF_UNSPEC || view.family() == familyFilter)
                    && (indexFilter == 0 || view.ifindex() == indexFilter)) {
                visitor.neighbour(view);
            }
        }

        @Override
        public void restart() {
            visitor.restart();
        }
    };
    private final DumpRequest request = w -> {
        long h = w.reserve(Nd.NDMSG);
        w.setU8(h + Nd.NDM_FAMILY, familyFilter);
        if (indexFilter > 0) {
            w.putU32(Nd.NDA_IFINDEX, indexFilter);
        }
    };

    Neighbours(Rtnl rtnl) {
        super(rtnl.direct());
        this.rtnl = rtnl;
    }

    @Override
    void commit() {
        batch.execute().throwIfFailed();
    }

    @Override
    MsgWriter begin(int type, int flags, NeighbourSpec spec) {
        return batch.begin(type, flags, spec);
    }

    /**
     * The ARP and ND entries of one link ({@code ifindex} 0: of every link). Equivalent to:
     * {@code ip neigh show [dev $link]}.
     */
    public List<Neighbour> list(int ifindex) {
        return list(Rt.AF_UNSPEC, ifindex);
    }

    /**
     * The FDB entries of one link: for a VXLAN device that is a bridge port, its own ({@code self}: MAC to remote
     * VTEP) and the bridge's for that port ({@code master}). Equivalent to: {@code bridge fdb show dev $link}.
     */
    public List<Neighbour> fdb(int ifindex) {
        return list(NeighbourSpec.AF_BRIDGE, Checks.index("fdb.ifindex", ifindex));
    }

    /**
     * The entries of one family ({@code AF_INET}, {@code AF_INET6}, {@link NeighbourSpec#AF_BRIDGE} for the FDB, or
     * {@code AF_UNSPEC} (0) for ARP and ND together) on one link, or on all ({@code ifindex} 0).
     */
    public List<Neighbour> list(int family, int ifindex) {
        List<Neighbour> out = new ArrayList<>();
        dump(family, ifindex, new NeighbourVisitor() {
            @Override
            public void neighbour(NeighbourView entry) {
                out.add(entry.toNeighbour());
            }

            @Override
            public void restart() {
                out.clear();
            }
        });
        return out;
    }

    /**
     * Streams the entries of one family on one link (or all, {@code ifindex} 0) through one reused
     * {@link NeighbourView}, in place in the receive buffer: the path for scanning an FDB of thousands of entries.
     * An interrupted dump is redone (the visitor's {@link NeighbourVisitor#restart()} is called), a bounded number
     * of times.
     *
     * @return the number of reply messages the attempt that completed delivered
     */
    public int dump(int family, int ifindex, NeighbourVisitor v) {
        if (family != Rt.AF_UNSPEC && family != IpAddress.AF_INET && family != IpAddress.AF_INET6
                && family != NeighbourSpec.AF_BRIDGE) {
            throw new IllegalArgumentException("address family " + family
                    + " is none of AF_UNSPEC, AF_INET, AF_INET6, AF_BRIDGE");
        }
        if (ifindex != 0) {
            Checks.index("neighbour.ifindex", ifindex);
        }
        visitor = v;
        familyFilter = family;
        indexFilter = ifindex;
        try {
            String what = (family == NeighbourSpec.AF_BRIDGE ? "fdb" : "neighbours")
                    + (ifindex > 0 ? " of ifindex " + ifindex : "");
            return rtnl.dump().run(Nd.RTM_GETNEIGH, what, request, adapter);
        } finally {
            visitor = null;
        }
    }
}

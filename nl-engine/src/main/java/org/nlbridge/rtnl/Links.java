package org.nlbridge.rtnl;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.nlbridge.net.IfName;
import org.nlbridge.netlink.DumpRequest;
import org.nlbridge.netlink.DumpVisitor;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.NoSuchObjectException;
import org.nlbridge.netlink.ObjectExistsException;
import org.nlbridge.netlink.WireFormatException;

/**
 * Links of one namespace, through an {@link Rtnl} handle: the verbs of {@link LinkRequests}, each sent at once and
 * throwing on refusal, plus lookups, lists and a zero-copy {@link #dump}. Not thread-safe (one handle, one owner).
 */
public final class Links extends LinkRequests {
    private final Rtnl rtnl;
    private final LinkView view = new LinkView();
    private final Collect collect = new Collect();
    private LinkVisitor visitor;
    private int masterFilter;
    private final DumpVisitor dumpAdapter = new DumpVisitor() {
        @Override
        public void message(MsgCursor msg) {
            if (msg.type() == Rt.RTM_NEWLINK) {
                visitor.link(view.reset(msg));
            }
        }

        @Override
        public void restart() {
            visitor.restart();
        }
    };
    private final DumpRequest dumpRequest = w -> {
        w.reserve(Rt.IFINFOMSG);
        w.putU32(Rt.IFLA_EXT_MASK, Rt.EXT_MASK);
        if (masterFilter > 0) {
            w.putU32(Rt.IFLA_MASTER, masterFilter);
        }
    };

    Links(Rtnl rtnl) {
        super(rtnl.direct());
        this.rtnl = rtnl;
    }

    @Override
    void commit() {
        batch.execute().throwIfFailed();
    }

    @Override
    void created(LinkSpec spec, int request) {
        try {
            commit();
        } catch (ObjectExistsException e) {
            throw exists(spec, e);
        }
        if (spec.alias() == null && spec.bridgePort() == null && !mtuAfterCreate(spec)) return;
        try {
            if (spec.alias() != null) alias(spec.name(), 0, spec.alias());
            if (spec.bridgePort() != null) setBridgePort(spec.name().toString(), spec.bridgePort());
            if (mtuAfterCreate(spec)) setMtu(spec.name().toString(), spec.mtu().value());
        } catch (RuntimeException e) {
            // all or nothing: a link we cannot mark as ours (or set up as asked) must not stay behind
            try {
                delete(spec.name().toString());
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    /** Says which name is taken: {@code link br0 already exists}, or the veth peer's name in its namespace. */
    private ObjectExistsException exists(LinkSpec spec, ObjectExistsException e) {
        String detail = "link " + spec.name() + " already exists";
        if (spec instanceof VethSpec v) {
            boolean hostSide;
            try {
                hostSide = find(v.name().toString()).isPresent();
            } catch (RuntimeException lookup) {
                hostSide = true; // cannot tell; name the side the caller asked about first
            }
            if (!hostSide) {
                detail = "link " + v.peerName() + " already exists"
                        + (v.peerNetns() != null ? " in " + v.peerNetns() + " (the peer's namespace)" : " (the peer's name)");
            }
        }
        ObjectExistsException x = new ObjectExistsException(e.errno(), e.operation(), e.object(), e.extack(), detail);
        x.initCause(e);
        return x;
    }

    /**
     * The link named {@code name}; {@link NoSuchObjectException} if there is none.
     * Equivalent to: {@code ip link show $name}.
     */
    public Link get(String name) {
        IfName n = Checks.name("link.name", name);
        return get(new LinkChange(n, 0, null, null), w -> {
            w.reserve(Rt.IFINFOMSG);
            w.putString(Rt.IFLA_IFNAME, n.toString());
            w.putU32(Rt.IFLA_EXT_MASK, Rt.EXT_MASK);
        });
    }

    /** The link with ifindex {@code index}; {@link NoSuchObjectException} if there is none. */
    public Link get(int index) {
        Checks.index("link.index", index);
        return get(new LinkChange(null, index, null, null), w -> {
            long h = w.reserve(Rt.IFINFOMSG);
            w.setU32(h + Rt.IFI_INDEX, index);
            w.putU32(Rt.IFLA_EXT_MASK, Rt.EXT_MASK);
        });
    }

    private Link get(LinkChange subject, DumpRequest request) {
        collect.links.clear();
        rtnl.dump().call(Rt.RTM_GETLINK, 0, subject, request, collect);
        if (collect.links.isEmpty()) {
            throw new WireFormatException("RTM_GETLINK for " + subject + " was acknowledged without a reply");
        }
        Link l = collect.links.getFirst();
        collect.links.clear();
        return l;
    }

    /** The link named {@code name}, or empty if there is none. */
    public Optional<Link> find(String name) {
        try {
            return Optional.of(get(name));
        } catch (NoSuchObjectException e) {
            return Optional.empty();
        }
    }

    /** Every link of the namespace. Equivalent to: {@code ip link show}. */
    public List<Link> list() {
        return collect(0);
    }

    /** The ports of a bridge, filtered by the kernel. Equivalent to: {@code ip link show master $bridge}. */
    public List<Link> ports(int masterIndex) {
        return collect(Checks.index("link.master", masterIndex));
    }

    private List<Link> collect(int master) {
        List<Link> out = new ArrayList<>();
        dump(master, new LinkVisitor() {
            @Override
            public void link(LinkView link) {
                out.add(link.toLink());
            }

            @Override
            public void restart() {
                out.clear();
            }
        });
        return out;
    }

    /**
     * Streams every link through one reused {@link LinkView}, in place in the receive buffer: the hot path for
     * scanning many links (e.g. finding ours by alias) without allocating. An interrupted dump is redone (the
     * visitor's {@link LinkVisitor#restart()} is called); after {@code Dump.DEFAULT_ATTEMPTS} interruptions in a row
     * it fails with {@link org.nlbridge.netlink.DumpInterruptedException}.
     *
     * @return the number of links delivered by the attempt that completed
     */
    public int dump(LinkVisitor visitor) {
        return dump(0, visitor);
    }

    private int dump(int master, LinkVisitor v) {
        visitor = v;
        masterFilter = master;
        try {
            return rtnl.dump().run(Rt.RTM_GETLINK, master > 0 ? "links of master #" + master : "links", dumpRequest,
                    dumpAdapter);
        } finally {
            visitor = null;
        }
    }

    /**
     * Deletes a link if it exists; returns whether it did. For teardown, where "already gone" counts as done.
     * Equivalent to: {@code ip link del $link}, ignoring "Cannot find device".
     */
    public boolean deleteIfExists(String link) {
        try {
            delete(link);
            return true;
        } catch (NoSuchObjectException e) {
            return false;
        }
    }

    /** Reused reply collector for {@link #get}. */
    private final class Collect implements DumpVisitor {
        final List<Link> links = new ArrayList<>(1);

        @Override
        public void message(MsgCursor msg) {
            if (msg.type() == Rt.RTM_NEWLINK) {
                links.add(view.reset(msg).toLink());
            }
        }
    }

    /**
     * Renames a link found by name (looked up first: the kernel finds a link by name or renames it, not both in one
     * request); see {@link #rename(int, String)}. Equivalent to: {@code ip link set dev $link name $newName}.
     */
    public void rename(String link, String newName) {
        Checks.newName("link.new_name", newName);
        rename(get(link).index(), newName);
    }
}

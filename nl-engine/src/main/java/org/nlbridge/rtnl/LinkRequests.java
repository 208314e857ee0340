package org.nlbridge.rtnl;

import java.util.Objects;

import org.nlbridge.net.IfName;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.Mtu;
import org.nlbridge.netlink.Batch;
import org.nlbridge.netlink.MsgWriter;
import org.nlbridge.netns.NetNs;

/**
 * The link verbs that change the kernel, shared by the direct handle ({@link Rtnl#links()}: each verb is one
 * request, sent at once, and a refusal throws) and by a batch ({@link RtnlBatch#links()}: each verb queues its
 * request, {@link RtnlBatch#execute()} sends them all and reports every outcome).
 *
 * <p>Links are named by name (validated as an interface name, field {@code link.name}) or by ifindex. Every input is
 * checked before anything is encoded, so a bad one changes nothing. A refusal is a
 * {@link org.nlbridge.netlink.NetlinkException} naming the request and the link, with the kernel's extended-ack
 * text: {@link org.nlbridge.netlink.ObjectExistsException} (create of a name in use),
 * {@link org.nlbridge.netlink.NoSuchObjectException} (no such link), {@link org.nlbridge.netlink.BusyException}.
 */
public abstract sealed class LinkRequests permits Links, RtnlBatch.BatchLinks {
    final Batch batch;
    final Enc enc = new Enc();

    LinkRequests(Batch batch) {
        this.batch = batch;
    }

    /** Direct handle: sends what was queued and throws its failure. Batch: nothing (execute sends). */
    abstract void commit();

    /** Called once the create of {@code spec}, request {@code request} of the batch, is queued. */
    abstract void created(LinkSpec spec, int request);

    /**
     * Creates a link; fails with {@link org.nlbridge.netlink.ObjectExistsException} if one of that name exists
     * ({@code NLM_F_CREATE | NLM_F_EXCL}). A veth's peer is created in its target namespace with its final name.
     * The alias, which the kernel ignores inside a create, is set by a second request once the create is
     * acknowledged, so a marker never lands on a link we did not create.
     *
     * <p>Equivalent to: {@code ip link add $name [mtu $mtu] [address $mac] [master $br] [up] type $kind ...} then
     * {@code ip link set $name alias $alias}.
     */
    public void add(LinkSpec spec) {
        int netnsFd = spec instanceof VethSpec v && v.peerNetns() != null ? v.peerNetns().fd() : -1;
        int request = batch.size();
        MsgWriter w = batch.begin(Rt.RTM_NEWLINK, Rt.ADD, spec);
        try {
            encodeCreate(w, spec, netnsFd);
        } catch (RuntimeException e) {
            abort(w);
            throw e;
        }
        batch.end();
        created(spec, request);
    }

    private void encodeCreate(MsgWriter w, LinkSpec spec, int netnsFd) {
        long h = w.reserve(Rt.IFINFOMSG);
        if (spec.up()) {
            w.setU32(h + Rt.IFI_FLAGS, Rt.IFF_UP);
            w.setU32(h + Rt.IFI_CHANGE, Rt.IFF_UP);
        }
        w.putString(Rt.IFLA_IFNAME, spec.name().toString());
        if (spec.mtu() != null && !mtuAfterCreate(spec)) {
            w.putU32(Rt.IFLA_MTU, spec.mtu().value());
        }
        if (spec.mac() != null) {
            enc.putMac(w, Rt.IFLA_ADDRESS, spec.mac());
        }
        int master = spec instanceof VethSpec v ? v.master() : spec instanceof VxlanSpec x ? x.master() : 0;
        if (master != 0) {
            w.putU32(Rt.IFLA_MASTER, master);
        }
        if (spec instanceof VethSpec v) {
            queues(w, v);
        }
        long info = w.nestStart(Rt.IFLA_LINKINFO);
        w.putString(Rt.IFLA_INFO_KIND, spec.kind());
        switch (spec) {
            case BridgeSpec b -> bridgeData(w, b);
            case VethSpec v -> vethPeer(w, v, netnsFd);
            case DummySpec d -> { }
            case VxlanSpec x -> VxlanWire.encode(w, x, enc);
        }
        w.nestEnd(info);
    }

    /**
     * A bridge's MTU goes in a request of its own after the create: only an MTU set on an existing bridge is one the
     * kernel keeps; one given in the create still follows the ports (the smallest of theirs, 1500 with none left).
     */
    static boolean mtuAfterCreate(LinkSpec spec) {
        return spec instanceof BridgeSpec && spec.mtu() != null;
    }

    private static void bridgeData(MsgWriter w, BridgeSpec b) {
        if (b.stp() == null && b.forwardDelay() == null && b.vlanFiltering() == null && b.multicastSnooping() == null) {
            return;
        }
        long data = w.nestStart(Rt.IFLA_INFO_DATA);
        // the kernel applies these in its own order (forward delay before STP state), which is the one that works
        if (b.forwardDelay() != null) {
            w.putU32(Rt.IFLA_BR_FORWARD_DELAY, b.forwardDelayCentis());
        }
        if (b.stp() != null) {
            w.putU32(Rt.IFLA_BR_STP_STATE, b.stp() ? 1 : 0);
        }
        if (b.vlanFiltering() != null) {
            w.putU8(Rt.IFLA_BR_VLAN_FILTERING, b.vlanFiltering() ? 1 : 0);
        }
        if (b.multicastSnooping() != null) {
            w.putU8(Rt.IFLA_BR_MCAST_SNOOPING, b.multicastSnooping() ? 1 : 0);
        }
        w.nestEnd(data);
    }

    /** {@code VETH_INFO_PEER}: the peer's own ifinfomsg and attributes, its namespace among them. */
    private void vethPeer(MsgWriter w, VethSpec v, int netnsFd) {
        long data = w.nestStart(Rt.IFLA_INFO_DATA);
        long peer = w.nestStart(Rt.VETH_INFO_PEER);
        w.reserve(Rt.IFINFOMSG);
        w.putString(Rt.IFLA_IFNAME, v.peerName().toString());
        Mtu mtu = v.effectivePeerMtu();
        if (mtu != null) {
            w.putU32(Rt.IFLA_MTU, mtu.value());
        }
        if (v.peerMac() != null) {
            enc.putMac(w, Rt.IFLA_ADDRESS, v.peerMac());
        }
        if (netnsFd >= 0) {
            w.putU32(Rt.IFLA_NET_NS_FD, netnsFd);
        }
        queues(w, v);
        w.nestEnd(peer);
        w.nestEnd(data);
    }

    private static void queues(MsgWriter w, VethSpec v) {
        if (v.queues() > 0) w.putU32(Rt.IFLA_NUM_TX_QUEUES, v.queues()).putU32(Rt.IFLA_NUM_RX_QUEUES, v.queues());
    }

    /** Equivalent to: {@code ip link set $link up}. */
    public void setUp(String link) {
        flags(Checks.name("link.name", link), 0, Rt.IFF_UP, "up");
    }

    /** Equivalent to: {@code ip link set $link up}, by ifindex. */
    public void setUp(int index) {
        flags(null, Checks.index("link.index", index), Rt.IFF_UP, "up");
    }

    /** Equivalent to: {@code ip link set $link down}. */
    public void setDown(String link) {
        flags(Checks.name("link.name", link), 0, 0, "down");
    }

    /** Equivalent to: {@code ip link set $link down}, by ifindex. */
    public void setDown(int index) {
        flags(null, Checks.index("link.index", index), 0, "down");
    }

    private void flags(IfName name, int index, int flags, String change) {
        MsgWriter w = batch.begin(Rt.RTM_NEWLINK, 0, new LinkChange(name, index, change, null));
        long h = target(w, name, index);
        w.setU32(h + Rt.IFI_FLAGS, flags);
        w.setU32(h + Rt.IFI_CHANGE, Rt.IFF_UP);
        done();
    }

    /** Equivalent to: {@code ip link set $link mtu $mtu}. */
    public void setMtu(String link, int mtu) {
        setMtu(Checks.name("link.name", link), 0, Checks.mtu("link.mtu", mtu));
    }

    /** Equivalent to: {@code ip link set $link mtu $mtu}, by ifindex. */
    public void setMtu(int index, int mtu) {
        setMtu(null, Checks.index("link.index", index), Checks.mtu("link.mtu", mtu));
    }

    private void setMtu(IfName name, int index, Mtu mtu) {
        MsgWriter w = batch.begin(Rt.RTM_NEWLINK, 0, new LinkChange(name, index, "mtu", mtu));
        target(w, name, index);
        w.putU32(Rt.IFLA_MTU, mtu.value());
        done();
    }

    /** Equivalent to: {@code ip link set $link address $mac}. Most drivers refuse while the link is up. */
    public void setMac(String link, String mac) {
        setMac(Checks.name("link.name", link), 0, MacAddress.parseUnicast("link.mac", mac));
    }

    /** Equivalent to: {@code ip link set $link address $mac}, by ifindex. */
    public void setMac(int index, MacAddress mac) {
        setMac(null, Checks.index("link.index", index), mac);
    }

    private void setMac(IfName name, int index, MacAddress mac) {
        MsgWriter w = batch.begin(Rt.RTM_NEWLINK, 0, new LinkChange(name, index, "address", mac));
        target(w, name, index);
        enc.putMac(w, Rt.IFLA_ADDRESS, mac);
        done();
    }

    /** Equivalent to: {@code ip link set $link master $bridge} (the bridge by ifindex). */
    public void setMaster(String link, int masterIndex) {
        master(Checks.name("link.name", link), 0, Checks.index("link.master", masterIndex));
    }

    /** Equivalent to: {@code ip link set $link master $bridge}, both by ifindex. */
    public void setMaster(int index, int masterIndex) {
        master(null, Checks.index("link.index", index), Checks.index("link.master", masterIndex));
    }

    /** Equivalent to: {@code ip link set $link nomaster}. */
    public void noMaster(String link) {
        master(Checks.name("link.name", link), 0, 0);
    }

    /** Equivalent to: {@code ip link set $link nomaster}, by ifindex. */
    public void noMaster(int index) {
        master(null, Checks.index("link.index", index), 0);
    }

    private void master(IfName name, int index, int master) {
        MsgWriter w = batch.begin(Rt.RTM_NEWLINK, 0,
                new LinkChange(name, index, master == 0 ? "nomaster" : "master", master == 0 ? null : "#" + master));
        target(w, name, index);
        w.putU32(Rt.IFLA_MASTER, master);
        done();
    }

    /**
     * Changes the settings of a bridge port (the link must be enslaved to a bridge); settings left null stay as they
     * are. Equivalent to: {@code ip link set $link type bridge_slave hairpin on ...}.
     */
    public void setBridgePort(String link, BridgePortSpec port) {
        bridgePort(Checks.name("link.name", link), 0, port);
    }

    /** Equivalent to: {@code ip link set $link type bridge_slave ...}, by ifindex. */
    public void setBridgePort(int index, BridgePortSpec port) {
        bridgePort(null, Checks.index("link.index", index), port);
    }

    private void bridgePort(IfName name, int index, BridgePortSpec port) {
        Objects.requireNonNull(port, "port");
        MsgWriter w = batch.begin(Rt.RTM_NEWLINK, 0, new LinkChange(name, index, "bridge port", port));
        target(w, name, index);
        long info = w.nestStart(Rt.IFLA_LINKINFO);
        w.putString(Rt.IFLA_INFO_SLAVE_KIND, "bridge");
        long data = w.nestStart(Rt.IFLA_INFO_SLAVE_DATA);
        flag(w, Rt.IFLA_BRPORT_MODE, port.hairpin());
        flag(w, Rt.IFLA_BRPORT_ISOLATED, port.isolated());
        flag(w, Rt.IFLA_BRPORT_LEARNING, port.learning());
        flag(w, Rt.IFLA_BRPORT_UNICAST_FLOOD, port.unicastFlood());
        flag(w, Rt.IFLA_BRPORT_MCAST_FLOOD, port.multicastFlood());
        flag(w, Rt.IFLA_BRPORT_BCAST_FLOOD, port.broadcastFlood());
        w.nestEnd(data);
        w.nestEnd(info);
        done();
    }

    private static void flag(MsgWriter w, int type, Boolean value) {
        if (value != null) w.putU8(type, value ? 1 : 0);
    }

    /**
     * Renames a link. Kernels before 6.2 refuse while it is up ({@link org.nlbridge.netlink.BusyException}), so take
     * it down first where that matters. Equivalent to: {@code ip link set dev $link name $newName}, by ifindex.
     */
    public void rename(int index, String newName) {
        IfName to = Checks.newName("link.new_name", newName);
        MsgWriter w = batch.begin(Rt.RTM_NEWLINK, 0, new LinkChange(null, Checks.index("link.index", index), "name", to));
        target(w, null, index);
        w.putString(Rt.IFLA_IFNAME, to.toString());
        done();
    }

    /** Equivalent to: {@code ip link set $link alias $alias}. */
    public void setAlias(String link, String alias) {
        alias(Checks.name("link.name", link), 0, Checks.alias("link.alias", alias));
    }

    /** Equivalent to: {@code ip link set $link alias $alias}, by ifindex. */
    public void setAlias(int index, String alias) {
        alias(null, Checks.index("link.index", index), Checks.alias("link.alias", alias));
    }

    /** Removes the alias. Equivalent to: {@code ip link set $link alias ""}. */
    public void clearAlias(String link) {
        alias(Checks.name("link.name", link), 0, "");
    }

    void alias(IfName name, int index, String alias) {
        MsgWriter w = batch.begin(Rt.RTM_NEWLINK, 0, new LinkChange(name, index, "alias", alias));
        target(w, name, index);
        enc.putAsciiNoNul(w, Rt.IFLA_IFALIAS, alias);
        done();
    }

    /**
     * Moves a link into another namespace ({@code IFLA_NET_NS_FD}); its addresses and routes stay behind.
     * Equivalent to: {@code ip link set $link netns $ns}.
     */
    public void setNetns(String link, NetNs ns) {
        netns(Checks.name("link.name", link), 0, ns);
    }

    /** Equivalent to: {@code ip link set $link netns $ns}, by ifindex. */
    public void setNetns(int index, NetNs ns) {
        netns(null, Checks.index("link.index", index), ns);
    }

    private void netns(IfName name, int index, NetNs ns) {
        int fd = ns.fd();
        MsgWriter w = batch.begin(Rt.RTM_NEWLINK, 0, new LinkChange(name, index, "netns", ns));
        target(w, name, index);
        w.putU32(Rt.IFLA_NET_NS_FD, fd);
        done();
    }

    /** Deletes a link (both ends of a veth). Equivalent to: {@code ip link del $link}. */
    public void delete(String link) {
        IfName name = Checks.name("link.name", link);
        MsgWriter w = batch.begin(Rt.RTM_DELLINK, 0, new LinkChange(name, 0, null, null));
        target(w, name, 0);
        done();
    }

    /** Equivalent to: {@code ip link del $link}, by ifindex. */
    public void delete(int index) {
        MsgWriter w = batch.begin(Rt.RTM_DELLINK, 0, new LinkChange(null, Checks.index("link.index", index), null, null));
        target(w, null, index);
        done();
    }

    /** The ifinfomsg naming the link by index, or by {@code IFLA_IFNAME} when the index is 0; returns its offset. */
    static long target(MsgWriter w, IfName name, int index) {
        long h = w.reserve(Rt.IFINFOMSG);
        if (index > 0) {
            w.setU32(h + Rt.IFI_INDEX, index);
        } else {
            w.putString(Rt.IFLA_IFNAME, name.toString());
        }
        return h;
    }

    private void done() {
        batch.end();
        commit();
    }

    /** Drops a request whose encoding failed (a writer that ran out of room has already dropped it). */
    void abort(MsgWriter w) {
        if (w.inMessage()) {
            batch.cancel();
        }
    }
}

package org.nlbridge.rtnl;

import java.util.Objects;

import org.nlbridge.net.IfName;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.Mtu;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netns.NetNs;

/**
 * A veth pair whose peer is created directly inside its target namespace with its final name, so there is never a
 * window in which it exists in the wrong namespace or under a temporary name:
 * {@code ip link add NAME [mtu M] [address MAC] [master BR] [up] type veth peer name PEER [mtu M] [address MAC]
 * netns NS}. The peer's namespace goes as {@code IFLA_NET_NS_FD} in the peer's own {@code ifinfomsg}
 * ({@code VETH_INFO_PEER}), which is also where its name, MTU and MAC go.
 *
 * <p>The peer cannot be brought up by the create itself: the kernel opens it before the pair is complete and
 * refuses with {@code ENOTCONN}. Bring it up with a handle in its namespace, together with its address and route
 * ({@code container.links().setUp("eth0")}).
 *
 * <pre>{@code
 * VethSpec v = VethSpec.builder("vethc0ffee", "eth0").peerNetns(container).mtu(1400)
 *         .master(bridge.index()).alias("nlbridge:ep-1").up().build();
 * }</pre>
 *
 * @param peerNetns the peer's namespace, or null for this handle's own; its fd is read when the request is encoded,
 *                  so it must stay open until then (a batch encodes at {@link LinkRequests#add})
 * @param mtu       MTU of this end, and of the peer unless {@code peerMtu} is set
 * @param master    ifindex of the bridge this end joins ({@code IFLA_MASTER}), or 0
 * @param bridgePort settings of this end as a port of {@code master} (e.g. hairpin), or null; like the alias they
 *                  go in a request of their own once the create is acknowledged, so they never land on a link of
 *                  that name that someone else made
 * @param queues    TX and RX queues of each end ({@code IFLA_NUM_TX_QUEUES}, {@code IFLA_NUM_RX_QUEUES}), or 0 for
 *                  the kernel's default, see {@link Builder#queues}
 */
public record VethSpec(IfName name, IfName peerName, NetNs peerNetns, Mtu mtu, Mtu peerMtu, MacAddress mac,
        MacAddress peerMac, int master, BridgePortSpec bridgePort, String alias, boolean up, int queues)
        implements LinkSpec {

    /** The most queues the kernel gives a device ({@code rtnl_create_link}). */
    public static final int MAX_QUEUES = 4096;

    public VethSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(peerName, "peerName");
        if (peerNetns == null && name.equals(peerName)) {
            throw new ValidationException("veth.peer.name", peerName.toString(),
                    "the same as the veth's own name in the same namespace", "a different name, or a peer namespace");
        }
        if (master < 0) {
            throw new ValidationException("veth.master", Integer.toString(master), "not an interface index",
                    "a positive interface index, or 0 for none");
        }
        if (bridgePort != null && master == 0) {
            throw new ValidationException("veth.port", bridgePort.toString(), "bridge port settings without a master",
                    "a master bridge for this end, or no port settings");
        }
        if (alias != null) {
            Checks.alias("veth.alias", alias);
        }
        if (queues < 0 || queues > MAX_QUEUES) {
            throw new ValidationException("veth.queues", Integer.toString(queues), "outside 0.." + MAX_QUEUES,
                    "1.." + MAX_QUEUES + " queues, or 0 for the kernel's default");
        }
    }

    public static Builder builder(String name, String peerName) {
        return new Builder(Checks.newName("veth.name", name), Checks.newName("veth.peer.name", peerName));
    }

    @Override
    public String kind() {
        return "veth";
    }

    /** The MTU the peer gets: {@code peerMtu}, else {@code mtu}, else null. */
    public Mtu effectivePeerMtu() {
        return peerMtu != null ? peerMtu : mtu;
    }

    /** Names both ends in errors: {@code veth vethc0ffee (peer eth0 in netns c1)}. */
    @Override
    public String toString() {
        return "veth " + name + " (peer " + peerName + (peerNetns != null ? " in " + peerNetns : "") + ")";
    }

    public static final class Builder {
        private final IfName name;
        private final IfName peerName;
        private NetNs peerNetns;
        private Mtu mtu;
        private Mtu peerMtu;
        private MacAddress mac;
        private MacAddress peerMac;
        private int master;
        private BridgePortSpec port;
        private String alias;
        private boolean up;
        private int queues;

        private Builder(IfName name, IfName peerName) {
            this.name = name;
            this.peerName = peerName;
        }

        /** Create the peer inside {@code ns} (a container's namespace). */
        public Builder peerNetns(NetNs ns) {
            this.peerNetns = Objects.requireNonNull(ns, "ns");
            return this;
        }

        /** MTU of both ends (unless {@link #peerMtu} is given). */
        public Builder mtu(int mtu) {
            this.mtu = Checks.mtu("veth.mtu", mtu);
            return this;
        }

        public Builder mtu(Mtu mtu) {
            this.mtu = mtu;
            return this;
        }

        public Builder peerMtu(int mtu) {
            this.peerMtu = Checks.mtu("veth.peer.mtu", mtu);
            return this;
        }

        public Builder mac(String mac) {
            this.mac = MacAddress.parseUnicast("veth.mac", mac);
            return this;
        }

        public Builder mac(MacAddress mac) {
            this.mac = mac;
            return this;
        }

        /** The container side's MAC ({@code --mac-address}). */
        public Builder peerMac(String mac) {
            this.peerMac = MacAddress.parseUnicast("veth.peer.mac", mac);
            return this;
        }

        public Builder peerMac(MacAddress mac) {
            this.peerMac = mac;
            return this;
        }

        /** The bridge this end joins, by ifindex in this handle's namespace. */
        public Builder master(int bridgeIndex) {
            this.master = Checks.index("veth.master", bridgeIndex);
            return this;
        }

        /** This end's settings as a port of its master bridge, e.g. {@link BridgePortSpec#HAIRPIN}. */
        public Builder port(BridgePortSpec port) {
            this.port = Objects.requireNonNull(port, "port");
            return this;
        }

        /** Ownership marker or description of this end ({@code IFLA_IFALIAS}). */
        public Builder alias(String alias) {
            this.alias = Checks.alias("veth.alias", alias);
            return this;
        }

        /** Create this end up. */
        public Builder up() {
            this.up = true;
            return this;
        }

        /**
         * TX and RX queues of each end: {@code ip link add ... numtxqueues N numrxqueues N type veth peer ...
         * numtxqueues N numrxqueues N}. Without it a veth gets one queue per possible CPU, of which one is in use,
         * and the kernel cuts the real count back to that one after registering each end, which costs an expedited
         * RCU grace period per end under the RTNL lock ({@code netif_set_real_num_tx_queues}; measured as the largest
         * cause of a batch of veth creates sleeping). {@code queues(1)} gives the same one queue in use without it.
         */
        public Builder queues(int queues) {
            if (queues < 1 || queues > MAX_QUEUES) {
                throw new ValidationException("veth.queues", Integer.toString(queues), "outside 1.." + MAX_QUEUES,
                        "1.." + MAX_QUEUES + " queues");
            }
            this.queues = queues;
            return this;
        }

        public VethSpec build() {
            return new VethSpec(name, peerName, peerNetns, mtu, peerMtu, mac, peerMac, master, port, alias, up,
                    queues);
        }
    }
}

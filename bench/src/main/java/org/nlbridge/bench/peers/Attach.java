package org.nlbridge.bench.peers;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.net.Cidr;
import org.nlbridge.netlink.Batch;
import org.nlbridge.netlink.BatchResult;
import org.nlbridge.netlink.NlSocket;
import org.nlbridge.netns.NetNs;
import org.nlbridge.nft.Nft;
import org.nlbridge.nft.Transaction;
import org.nlbridge.rtnl.AddressSpec;
import org.nlbridge.rtnl.BridgeSpec;
import org.nlbridge.rtnl.LinkView;
import org.nlbridge.rtnl.LinkVisitor;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.rtnl.RtnlBatch;
import org.nlbridge.rtnl.RouteSpec;
import org.nlbridge.rtnl.VethSpec;

/**
 * The harness's {@code attach} scenario: a bridge with the gateway address in the host namespace and N containers on
 * it, each a veth whose peer is created in place as {@code PB_IFNAME}, with an address, up, and a default route.
 *
 * <ol>
 * <li>open: every namespace handle, and from one thread hopping with {@code setns} one {@code NETLINK_ROUTE} socket
 *     per namespace (plus {@code NETLINK_NETFILTER} in the host for the full variant);</li>
 * <li>host: the bridge (created, then looked up for its ifindex), then one batch with its address and the N veth
 *     creates (master in the create, peer directly in its namespace by {@code IFLA_NET_NS_FD}, one queue per end);</li>
 * <li>one dump of the bridge's ports gives each peer's ifindex ({@code IFLA_LINK}), so no container is asked;</li>
 * <li>each container: one batch on its own socket, through one reused {@link Batch}: IPv6 address generation off
 *     (and {@code arp_notify} for the full variant), address, up, ({@code lo} up,) default route;</li>
 * <li>host veths up: in their create (Docker's order, and the full variant's, so that the container's gratuitous ARP
 *     at up finds a carrier), or by default for the plain scenario in one batch after the containers
 *     ({@link Order#LATE_UP}: see there);</li>
 * <li>full variant: one nftables transaction with the table, masquerade, and one published port per container
 *     (map and set elements).</li>
 * </ol>
 */
final class Attach {
    /** When the host ends of the veths come up. */
    enum Order {
        /** In the create, before the containers are configured (Docker, CNI, netavark, the ip peers). */
        UP_IN_CREATE,
        /**
         * After every container is configured, in one batch. A port that comes up runs the bridge's port state
         * selection over all ports (O(N)); created up it does so three times (at enslave, when the missing carrier
         * is noticed, when the container's end comes up), two of them in the link-watch worker, which holds the RTNL
         * lock while our container requests wait for it. Enslaved down and brought up last, once, in our own request.
         */
        LATE_UP
    }

    static final String HOST_PREFIX = "nlbv";

    private final PeersEnv env;
    private final Phases phases;
    private final boolean viaRtnl;
    private final boolean rawHost;
    private final Order order;
    private final NsSource namespaces;
    private boolean leaveSocketsToExit;

    /**
     * @param viaRtnl the container side through an {@link Rtnl} handle per container, not one reused batch
     * @param rawHost the veth creates encoded here (one queue per end), not by {@code RtnlBatch} from {@link VethSpec}
     */
    Attach(PeersEnv env, Phases phases, boolean viaRtnl, boolean rawHost, Order order, NsSource namespaces) {
        this.env = env;
        this.phases = phases;
        this.viaRtnl = viaRtnl;
        this.rawHost = rawHost;
        this.order = order;
        this.namespaces = namespaces;
    }

    /**
     * Leaves the container sockets open for the process exit to close: a one-shot command gains nothing from closing
     * them itself, and each {@code NlSocket.close()} ends a shared arena, a JVM-wide handshake (about 60 us each here,
     * 30 ms for 500 containers).
     */
    Attach leaveSocketsToExit() {
        leaveSocketsToExit = true;
        return this;
    }

    static String hostName(int i) {
        return HOST_PREFIX + i;
    }

    void run(NsHopper hopper) throws Exception {
        int n = env.n();
        phases.since("init", phases.mainStart); // to here: JVM classes, the native calls linked (Sys), this thread
        NetNs host = namespaces.open(env.hostNs());
        NetNs[] cts = new NetNs[n + 1];
        NlSocket[] sockets = new NlSocket[n + 1];
        NlSocket nftSocket = null;
        Rtnl hostRtnl = null;
        try {
            for (int i = 1; i <= n; i++) cts[i] = namespaces.open(env.container(i));
            // one host socket: the handle's direct verbs and dump, and our own batches (it closes it)
            NlSocket hostSocket = hopper.openSocket(host, Uapi.NETLINK_ROUTE());
            hostRtnl = Rtnl.over(hostSocket);
            if (env.full()) {
                nftSocket = hopper.openSocket(host, Uapi.NETLINK_NETFILTER());
                // the CNI bridge plugin (isGateway) and netavark switch forwarding on in the host namespace
                hopper.inside(host, () -> Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), "1",
                        StandardCharsets.US_ASCII));
            }
            long ts = System.nanoTime();
            for (int i = 1; i <= n; i++) sockets[i] = hopper.openSocket(cts[i], Uapi.NETLINK_ROUTE());
            hopper.goHome();
            phases.since("ct_sockets", ts);
            phases.since("engine_open", phases.mainStart);

            long[] mark = phases.threadMark();
            long t1 = System.nanoTime();
            int[][] ports = hostSide(hostRtnl, hostSocket, cts);
            phases.since("host_batch", t1);
            phases.cpuSince("host", mark);

            long[] mark2 = phases.threadMark();
            long t2 = System.nanoTime();
            if (viaRtnl) {
                containersViaRtnl(sockets, ports[1]);
            } else {
                containers(sockets, ports[1]);
            }
            phases.since("container_batches", t2);
            phases.cpuSince("ct", mark2);
            if (order == Order.LATE_UP) {
                long t3 = System.nanoTime();
                hostUp(hostSocket, ports[0]);
                phases.since("host_up", t3);
            }
            if (env.full()) {
                long t4 = System.nanoTime();
                publish(nftSocket);
                phases.since("nft", t4);
            }
            phases.since("netlink", t1);
            phases.cpuSince("netlink", mark);
        } finally {
            long t5 = System.nanoTime();
            if (!leaveSocketsToExit) {
                for (NlSocket s : sockets) if (s != null) s.close();
            }
            if (nftSocket != null) nftSocket.close();
            if (hostRtnl != null) hostRtnl.close();
            for (NetNs c : cts) if (c != null) c.close();
            host.close();
            phases.since("close", t5);
        }
    }

    /**
     * Bridge, its address and the N veths; returns the host ends' ifindexes and the container ends' (each in its
     * own namespace), by container number.
     */
    private int[][] hostSide(Rtnl h, NlSocket socket, NetNs[] cts) {
        int n = env.n();
        boolean up = order == Order.UP_IN_CREATE;
        h.links().add(BridgeSpec.builder(env.bridge()).up().build());
        int br = h.links().get(env.bridge()).index();
        if (rawHost) {
            // the bridge address and the veths in one batch of our own (one queue per veth end, see HostRequests)
            try (Batch b = new Batch(new SocketSwitch(64 * 1024, 1 << 20).select(socket))) {
                HostRequests rq = new HostRequests(b);
                new ContainerRequests(b).address(br, env.gateway().toInt(), env.prefixLength(), env.bridge());
                for (int i = 1; i <= n; i++) rq.veth(hostName(i), env.ifname(), cts[i].fd(), br, up, hostName(i));
                b.execute().throwIfFailed();
            }
        } else {
            RtnlBatch b = h.batch();
            b.addresses().add(AddressSpec.of(br, env.gatewayCidr()).withBroadcast());
            for (int i = 1; i <= n; i++) {
                VethSpec.Builder v = VethSpec.builder(hostName(i), env.ifname()).peerNetns(cts[i]).master(br);
                b.links().add((up ? v.up() : v).build());
            }
            b.execute().throwIfFailed();
        }

        int[] self = new int[n + 1];
        int[] peer = new int[n + 1];
        h.links().dump(new LinkVisitor() {
            @Override
            public void link(LinkView l) {
                if (l.master() != br || !startsWithPrefix(l)) return;
                String name = l.name();
                int i = Integer.parseInt(name, HOST_PREFIX.length(), name.length(), 10);
                if (i >= 1 && i <= n) {
                    self[i] = l.index();
                    peer[i] = l.peerIndex();
                }
            }

            @Override
            public void restart() {
                Arrays.fill(self, 0);
                Arrays.fill(peer, 0);
            }
        });
        for (int i = 1; i <= n; i++) {
            if (peer[i] <= 0) throw new IllegalStateException("no peer ifindex for " + hostName(i) + " after the host batch");
        }
        return new int[][] {self, peer};
    }

    private static boolean startsWithPrefix(LinkView l) {
        String name = l.name();
        return name != null && name.startsWith(HOST_PREFIX) && name.length() > HOST_PREFIX.length();
    }

    /** One reused batch, one send per container. */
    private void containers(NlSocket[] sockets, int[] peer) {
        int n = env.n();
        SocketSwitch sw = new SocketSwitch(16 * 1024, 1 << 20);
        try (Batch batch = new Batch(sw)) {
            ContainerRequests rq = new ContainerRequests(batch);
            int gw = env.gateway().toInt();
            int plen = env.prefixLength();
            boolean full = env.full();
            for (int i = 1; i <= n; i++) {
                sw.select(sockets[i]);
                int eth = peer[i];
                String subject = env.container(i);
                if (env.ipv6Off() || full) rq.afSpec(eth, full, env.ipv6Off(), subject);
                rq.address(eth, gw + i, plen, subject);
                rq.up(eth, subject);
                if (full) rq.up(1, subject); // lo is always ifindex 1
                rq.defaultRoute(gw, eth, subject);
                BatchResult r = batch.execute();
                if (!r.ok()) r.throwIfFailed();
            }
        }
    }

    /** The same through the public per-namespace handle: an {@link Rtnl} (own buffers) per container. */
    private void containersViaRtnl(NlSocket[] sockets, int[] peer) {
        int n = env.n();
        boolean full = env.full();
        SocketSwitch sw = new SocketSwitch(16 * 1024, 1 << 20);
        try (Batch raw = new Batch(sw)) {
            ContainerRequests rq = new ContainerRequests(raw);
            for (int i = 1; i <= n; i++) {
                int eth = peer[i];
                if (env.ipv6Off() || full) {
                    // RtnlBatch has no verb for IFLA_AF_SPEC: one request of our own first
                    sw.select(sockets[i]);
                    rq.afSpec(eth, full, env.ipv6Off(), env.container(i));
                    raw.execute().throwIfFailed();
                }
                Rtnl c = Rtnl.over(sockets[i]);
                sockets[i] = null; // the handle owns it now
                try (c) {
                    RtnlBatch b = c.batch();
                    b.addresses().add(AddressSpec.of(eth, Cidr.of(env.ipOf(i), env.prefixLength())).withBroadcast());
                    b.links().setUp(eth);
                    if (full) b.links().setUp(1);
                    b.routes().add(RouteSpec.defaultVia(env.gateway()).dev(eth));
                    b.execute().throwIfFailed();
                }
            }
        }
    }

    /** {@link Order#LATE_UP}: every host end up, in one batch. */
    private void hostUp(NlSocket socket, int[] self) {
        try (Batch b = new Batch(new SocketSwitch(64 * 1024, 1 << 20).select(socket))) {
            ContainerRequests rq = new ContainerRequests(b);
            for (int i = 1; i <= env.n(); i++) rq.up(self[i], hostName(i));
            b.execute().throwIfFailed();
        }
    }

    /** Masquerade for the subnet and one published port per container, in one nftables transaction. */
    private void publish(NlSocket socket) {
        try (Nft nft = Nft.over(socket, List.of(PublishedPorts.TABLE))) {
            PublishedPorts pp = new PublishedPorts(PublishedPorts.Mode.MAP, env.bridge(), env.ctPort());
            Transaction tx = nft.transaction();
            pp.create(tx, env.subnet());
            for (int i = 1; i <= env.n(); i++) pp.publish(tx, env.portBase() + i, env.ipOf(i));
            nft.commit(tx);
        }
    }
}

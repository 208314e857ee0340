package org.nlbridge.driver.overlay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;

import org.nlbridge.cluster.ClusterEvent;
import org.nlbridge.cluster.ClusterOptions;
import org.nlbridge.cluster.etcd.EtcdClient;
import org.nlbridge.cluster.etcd.EtcdException;
import org.nlbridge.cluster.etcd.Lease;
import org.nlbridge.cluster.etcd.LeaseLostException;
import org.nlbridge.cluster.etcd.StoreUnavailableException;
import org.nlbridge.driver.DriverContext;
import org.nlbridge.driver.Peers;
import org.nlbridge.driver.overlay.Records.HostRecord;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.netns.NetNs;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Network;

/**
 * This host in the cluster, one per engine: its identity (a random host ID kept in {@code STATE/overlay/host.json}),
 * its lease (kept alive every third of {@code discovery.ttl}; taken over again by a restarted daemon, so a restart
 * within the TTL changes nothing anywhere), the overlay networks it follows ({@link NetworkPeers}) and its own
 * endpoints, announced in the store ({@link Announcements}).
 *
 * <p>Connecting (the lease, the host record, then catching up every network: re-announcing what the store lacks,
 * withdrawing what it has too much, resuming each watch) runs on a thread of its own, at start and again whenever
 * the store was found unreachable (a call timed out, a watch lost its stream, the lease was lost), retried every
 * second until the store answers, so an engine opens, and existing traffic flows, while the store is unreachable,
 * and every outage ends in a reconnection. What needs the store meanwhile fails at once with a
 * {@link ClusterUnavailableException}.
 */
final class Cluster implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("nlbridge.overlay");
    private static final long RETRY_MS = 1000;
    /** How long a watch may take to resume on another member before the store counts as unreachable. */
    private static final long GRACE_MS = 1500;

    /** One of this host's endpoints as the store should have it. */
    record Local(Ipv4Address ip, MacAddress mac) {}

    private final NetNs host;
    private final ClusterOptions options;
    private final EtcdClient etcd;
    private final Path dir;
    private final String hostId;
    private final String hostName;
    private volatile Underlay underlay;
    private final Map<String, NetworkPeers> networks = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Local>> local = new ConcurrentHashMap<>();
    private final Announcements announcements;
    private final Membership membership;
    private final AtomicBoolean connecting = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong watchLosses = new java.util.concurrent.atomic.AtomicLong();
    private final ScheduledExecutorService saver;
    private final Object connected = new Object();
    private volatile Lease lease;
    private volatile long savedLease;
    private volatile boolean reachable;
    private volatile boolean everConnected;
    private volatile String down = "not connected yet";
    private volatile boolean closed;

    Cluster(DriverContext ctx) {
        this.host = ctx.host();
        this.options = ctx.cluster();
        this.underlay = Underlay.resolve(ctx.rtnl(), options.advertise());
        this.dir = ctx.stateDir().resolve("overlay");
        String[] saved = readHost();
        this.hostId = saved[0];
        this.savedLease = Long.parseLong(saved[1]);
        this.hostName = hostName();
        this.etcd = EtcdClient.open(options.store(), host.threadFactory("nlbridge-etcd"));
        this.announcements = new Announcements(this);
        this.membership = new Membership(this);
        this.saver = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("nlbridge-overlay-save").unstarted(r));
        saver.scheduleWithFixedDelay(() -> networks.values().forEach(NetworkPeers::save), 200, 200, TimeUnit.MILLISECONDS);
        startConnector();
    }

    // ------------------------------------------------------------------------------------------- identity

    String hostId() {
        return hostId;
    }

    NetNs hostNs() {
        return host;
    }

    EtcdClient etcd() {
        return etcd;
    }

    Underlay underlay() {
        return underlay;
    }

    /** Re-reads the advertise address's interface (engine thread: it may have been re-made). */
    Underlay refreshUnderlay(org.nlbridge.rtnl.Rtnl rtnl) {
        underlay = Underlay.resolve(rtnl, options.advertise());
        return underlay;
    }

    String underlayAddress() {
        return underlay.address().toString();
    }

    HostRecord record() {
        return new HostRecord(hostId, hostName, underlay.address(), options.hostTtl().toSeconds());
    }

    long leaseId() {
        Lease l = lease;
        if (l == null || !l.alive()) throw unavailable("this host has no lease in the cluster store", null);
        return l.id();
    }

    /** {@code STATE/overlay/host.json}: the host ID (made once) and the last lease, to take over after a restart. */
    private String[] readHost() {
        Path f = dir.resolve("host.json");
        try {
            if (Files.exists(f)) {
                JsonNode o = Records.JSON.readTree(Files.readString(f, StandardCharsets.UTF_8));
                String id = o.path("host").asText("");
                if (id.matches("h[0-9a-f]{12}")) return new String[] {id, Long.toString(o.path("lease").asLong(0))};
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "overlay: unreadable " + f + " (" + e + "); a new host ID is made");
        }
        byte[] b = new byte[6];
        new SecureRandom().nextBytes(b);
        String id = "h" + HexFormat.of().formatHex(b);
        writeHost(id, 0);
        return new String[] {id, "0"};
    }

    private void writeHost(String id, long leaseId) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve("host.json.tmp");
            Files.writeString(tmp, Records.JSON.createObjectNode().put("host", id).put("lease", leaseId).toString(),
                    StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve("host.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("overlay: cannot write " + dir.resolve("host.json") + ": " + e.getMessage(), e);
        }
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    // --------------------------------------------------------------------------------------- connection

    boolean reachable() {
        return reachable && lease != null && lease.alive();
    }

    /** {@code reachable}, or {@code unreachable since HH:MM:SS: why}. */
    String storeState() {
        return reachable() ? "reachable" : "unreachable: " + down;
    }

    /**
     * Fails at once with what is known when the store is known to be unreachable; while the first connection is
     * still being made, waits for it up to the store's request timeout.
     */
    void requireConnected(String what) {
        if (reachable()) return;
        if (!everConnected) {
            long end = System.nanoTime() + options.store().requestTimeout().toNanos();
            synchronized (connected) {
                while (!reachable() && !closed && System.nanoTime() < end) {
                    try {
                        connected.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            if (reachable()) return;
        }
        throw unavailable(what, null);
    }

    ClusterUnavailableException unavailable(String what, Throwable cause) {
        return new ClusterUnavailableException("the cluster store is unreachable (" + (cause != null
                ? cause.getMessage() : down) + "): " + what + " needs it and is not done; it is done at the next"
                + " apply once the store answers", cause);
    }

    /**
     * A watch lost its stream. It resumes on the next member at once when one answers (a member lost, quorum kept:
     * nothing to see), so the store counts as unreachable only if no watch is back within {@value #GRACE_MS} ms.
     */
    void watchLost(String where, Throwable cause) {
        long n = watchLosses.incrementAndGet();
        try {
            saver.schedule(() -> {
                if (watchLosses.get() == n) storeUnreachable(where, cause);
            }, GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closed meanwhile
        }
    }

    /** A watch (re)started on a member. */
    void watchBack() {
        watchLosses.incrementAndGet();
        storeReachable();
    }

    /** A watch reached the store: if that ends an outage, catch up (the connector re-announces and resumes). */
    void storeReachable() {
        if (!reachable && lease != null && lease.alive()) {
            startConnector();
        }
    }

    /** The store did not answer (a watch lost its stream, a call timed out). */
    void storeUnreachable(String where, Throwable cause) {
        if (closed) return;
        String why = LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " (" + where + ": "
                + (cause == null ? "no answer" : cause.getMessage()) + ")";
        boolean was = reachable;
        reachable = false;
        if (was) {
            down = "since " + why;
            event(new ClusterEvent("cluster", "disconnected", "host " + hostId, "the cluster store is unreachable: "
                    + why + "; existing traffic keeps flowing, new attachments fail until it answers"));
        }
        // probe until it answers: nothing else may tell (a watch whose stream stayed open through the outage, a
        // lease that outlived it, never report the store back)
        startConnector();
    }

    private void leaseLost(LeaseLostException e) {
        if (closed) return;
        lease = null;
        storeUnreachable("host lease", e);
        event(new ClusterEvent("cluster", "lease-lost", "host " + hostId, e.getMessage()
                + "; the other hosts withdraw this host's containers until it is back"));
        startConnector();
    }

    /**
     * Starts connecting on a thread of its own, unless that runs already; it retries every {@value #RETRY_MS} ms until
     * the store answers, so every way of losing the store (a watch lost, a call timed out, the lease lost) ends in a
     * reconnection and a {@code connected} event.
     */
    void startConnector() {
        if (closed || !connecting.compareAndSet(false, true)) return;
        Thread.ofPlatform().daemon().name("nlbridge-overlay-connect").start(() -> {
            try {
                while (!closed) {
                    try {
                        connect();
                        return;
                    } catch (EtcdException | ClusterUnavailableException e) {
                        storeUnreachable("connecting", e);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "overlay: connecting failed", e);
                        storeUnreachable("connecting", e);
                    }
                    try {
                        Thread.sleep(RETRY_MS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            } finally {
                connecting.set(false);
            }
            // the store lost again while this thread was ending found it still running: probe again
            if (!closed && !reachable()) startConnector();
        });
    }

    /** The lease (taken over or new), the host record, then every adopted network caught up and followed. */
    private void connect() {
        Lease l = lease;
        if (l == null || !l.alive()) {
            l = null;
            if (savedLease != 0) {
                try {
                    l = etcd.keepAlive(savedLease);
                    event(new ClusterEvent("cluster", "lease", "host " + hostId, "took over lease "
                            + Long.toHexString(l.id()) + " (" + l.ttl().toSeconds() + "s)"));
                } catch (LeaseLostException gone) {
                    // expired while we were away: a new one, and everything announced again
                }
            }
            if (l == null) {
                l = etcd.grant(options.hostTtl());
                event(new ClusterEvent("cluster", "lease", "host " + hostId, "new lease " + Long.toHexString(l.id())
                        + " (" + l.ttl().toSeconds() + "s): a host silent this long is withdrawn everywhere"));
            }
            writeHost(hostId, l.id());
            savedLease = l.id();
            lease = l;
            l.lost().thenAccept(this::leaseLost);
        }
        etcd.put(Keys.host(hostId), record().toJson(), l.id());
        boolean was = reachable;
        for (NetworkPeers np : networks.values()) {
            if (!np.adopted()) continue;
            announcements.catchUp(np.network, local(np.network));
            // after an outage a watch may still hold a stream that went silent without breaking (a partition that
            // drops packets): follow afresh from the cursor rather than trust it
            if (!was && everConnected) np.restart(etcd);
            else np.start(etcd);
        }
        reachable = true;
        everConnected = true;
        synchronized (connected) {
            connected.notifyAll();
        }
        if (!was) {
            event(new ClusterEvent("cluster", "connected", "host " + hostId, "cluster store reachable; host "
                    + hostName + ", underlay " + underlay.address() + ", lease " + Long.toHexString(l.id())));
        }
    }

    void event(ClusterEvent e) {
        try {
            options.events().accept(e);
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "overlay: an event listener failed: " + ex);
        }
    }

    // --------------------------------------------------------------------------------------- networks

    /** The network as this host follows it (loaded from its file the first time). */
    NetworkPeers network(String name) {
        return networks.computeIfAbsent(name, n -> NetworkPeers.load(n, this, dir));
    }

    /** The network if this host follows it, else null. */
    NetworkPeers known(String name) {
        return networks.get(name);
    }

    /** This host's endpoints of a network as the store should have them. */
    Map<String, Local> local(String network) {
        return local.computeIfAbsent(network, k -> new ConcurrentHashMap<>());
    }

    /**
     * The engine holds the network with these endpoints: they are what this host announces (the store is made to
     * agree now if it answers, else when it does), the forwarding entries are converged from what this host last
     * knew, and the network is followed.
     */
    void adopt(Network n, List<Endpoint> endpoints) {
        NetworkPeers np = network(n.name());
        Map<String, Local> m = new ConcurrentHashMap<>();
        for (Endpoint e : endpoints) m.put(e.container(), new Local(e.ipv4(), e.mac()));
        local.put(n.name(), m);
        np.adopted(true);
        np.syncKernel();
        if (!reachable()) {
            startConnector();
            return;
        }
        try {
            announcements.catchUp(n.name(), m);
            np.start(etcd);
        } catch (EtcdException e) {
            storeUnreachable("adopting network " + n.name(), e);
            startConnector();
        }
    }

    /** This host joined the network in the store with {@code vni}: remember it and follow the network. */
    void joined(String network, int vni) {
        NetworkPeers np = network(network);
        np.registered(vni);
        np.adopted(true);
        local(network);
        try {
            np.start(etcd);
        } catch (EtcdException e) {
            storeUnreachable("following network " + network, e);
            startConnector();
        }
    }

    /** This host has left the network: stop following it and forget its file. */
    void forget(String network) {
        NetworkPeers np = networks.remove(network);
        local.remove(network);
        if (np != null) {
            np.forget();
            np.close();
        }
    }

    Announcements announcements() {
        return announcements;
    }

    Membership membership() {
        return membership;
    }

    /** The network from the rest of the cluster, for status: last seen from each peer's lease. */
    Peers peers(String network) {
        NetworkPeers np = networks.get(network);
        if (np == null) {
            return new Peers(0, Naming.vxlan(network), underlayAddress(), storeState(), List.of());
        }
        boolean up = reachable();
        return np.status(storeState(), leaseId -> {
            if (!up) return -1;
            try {
                return etcd.timeToLive(leaseId);
            } catch (EtcdException e) {
                return -1;
            }
        });
    }

    /** Stops following, saves every network's copy, stops the keep-alives (the lease stays for the next daemon). */
    @Override
    public void close() {
        closed = true;
        saver.shutdownNow();
        for (NetworkPeers np : networks.values()) {
            try {
                np.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "overlay: closing " + np.network + ": " + e.getMessage());
            }
        }
        Lease l = lease;
        if (l != null) l.stopKeepAlive();
        etcd.close();
        synchronized (connected) {
            connected.notifyAll();
        }
    }

    Duration requestTimeout() {
        return options.store().requestTimeout();
    }

    boolean isUnavailable(Throwable e) {
        return e instanceof StoreUnavailableException;
    }
}

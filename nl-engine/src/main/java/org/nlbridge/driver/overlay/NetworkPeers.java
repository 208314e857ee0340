package org.nlbridge.driver.overlay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.nlbridge.cluster.ClusterEvent;
import org.nlbridge.cluster.etcd.EtcdClient;
import org.nlbridge.cluster.etcd.KeyValue;
import org.nlbridge.cluster.etcd.RangeResult;
import org.nlbridge.cluster.etcd.Watch;
import org.nlbridge.cluster.etcd.WatchEvent;
import org.nlbridge.cluster.etcd.WatchListener;
import org.nlbridge.driver.Peers;
import org.nlbridge.driver.overlay.Records.EndpointRecord;
import org.nlbridge.driver.overlay.Records.HostRecord;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.MacAddress;

/**
 * One overlay network as this host follows it in the cluster store: a copy of every key under
 * {@code networks/NET/} kept current by one watch, the revision it reflects (the cursor), and the forwarding entries
 * programmed from it. Each watch response (any number of changes) becomes one netlink batch; a compaction or a
 * first start replaces the copy and converges every entry. The copy and cursor are saved in
 * {@code STATE/overlay/NET.json} (coalesced), so a restarted daemon resumes the watch where it was instead of
 * reading everything again, and shows its peers while the store is unreachable. Thread-safe: the watch thread and
 * the engine thread both come here, one at a time.
 */
final class NetworkPeers implements WatchListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("nlbridge.overlay");

    final String network;
    private final Cluster cluster;
    private final Forwarding forwarding;
    private final Path file;
    private final TreeMap<String, KeyValue> kvs = new TreeMap<>();
    /** The endpoints of other hosts, by key. */
    private final Map<String, EndpointRecord> remote = new HashMap<>();
    private final Map<MacAddress, Set<String>> byMac = new HashMap<>();
    private final Map<Ipv4Address, Set<String>> byIp = new HashMap<>();
    private long revision;
    private int vni;
    private boolean adopted;
    private boolean unsaved;
    private Watch watch;

    private NetworkPeers(String network, Cluster cluster, Path file) {
        this.network = network;
        this.cluster = cluster;
        this.forwarding = new Forwarding(cluster.hostNs(), Naming.vxlan(network));
        this.file = file;
    }

    /** The network as this host last saw it (its file), or a new one that knows nothing yet. */
    static NetworkPeers load(String network, Cluster cluster, Path dir) {
        NetworkPeers p = new NetworkPeers(network, cluster, dir.resolve(network + ".json"));
        try {
            if (Files.exists(p.file)) p.read(Records.JSON.readTree(Files.readString(p.file, StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "overlay " + network + ": ignoring unreadable " + p.file + " (" + e
                    + "); reading the network from the cluster store again");
            p.kvs.clear();
            p.revision = 0;
        }
        return p;
    }

    private void read(JsonNode o) {
        vni = o.path("vni").asInt(0);
        revision = o.path("revision").asLong(0);
        for (JsonNode k : o.path("keys")) {
            KeyValue kv = new KeyValue(k.path("key").asText(), k.path("value").asText(), k.path("create").asLong(),
                    k.path("mod").asLong(), k.path("version").asLong(), k.path("lease").asLong());
            put(kv, null, null, null);
        }
    }

    // ---------------------------------------------------------------------------------------------- state

    synchronized int vni() {
        return vni;
    }

    /** The network is registered in the store with {@code vni} (this host joined it). */
    synchronized void registered(int vni) {
        this.vni = vni;
        unsaved = true;
        save();
    }

    synchronized boolean adopted() {
        return adopted;
    }

    synchronized void adopted(boolean a) {
        adopted = a;
    }

    synchronized long revision() {
        return revision;
    }

    /** The addresses claimed in the store as far as the watch has seen (for a one-round-trip allocation). */
    synchronized Set<IpAddress> taken() {
        Set<IpAddress> out = new HashSet<>();
        for (String k : kvs.subMap(Keys.ipam(network), Keys.ipam(network) + '\uffff').keySet()) {
            try {
                out.add(IpAddress.parse("ipam key", Keys.last(k)));
            } catch (RuntimeException skip) {
                // not an address: not ours to interpret
            }
        }
        return out;
    }

    /**
     * The address the watched copy shows claimed for {@code holder} ({@code HOST/CONTAINER}), or null: a claim this
     * host made whose reply was lost, found by its value.
     */
    synchronized IpAddress claimedBy(String holder) {
        for (KeyValue kv : kvs.subMap(Keys.ipam(network), Keys.ipam(network) + '\uffff').values()) {
            if (!kv.value().equals(holder)) continue;
            try {
                return IpAddress.parse("ipam key", Keys.last(kv.key()));
            } catch (RuntimeException skip) {
                // not an address: not ours to interpret
            }
        }
        return null;
    }

    /** The network's declaration as the watched copy has it. */
    synchronized java.util.Optional<Declaration.Stored> declaration() {
        KeyValue kv = kvs.get(Keys.config(network));
        if (kv == null) return java.util.Optional.empty();
        try {
            return java.util.Optional.of(Declaration.parse(kv.key(), kv.value(), kv.createRevision()));
        } catch (Records.BadRecord e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; not checked against it");
            return java.util.Optional.empty();
        }
    }

    /** The endpoint records of this host under {@code networks/NET/endpoints/HOST/}, by container. */
    synchronized Map<String, KeyValue> own() {
        Map<String, KeyValue> out = new HashMap<>();
        String p = Keys.endpointsOf(network, cluster.hostId());
        kvs.subMap(p, p + '\uffff').forEach((k, v) -> out.put(Keys.last(k), v));
        return out;
    }

    // ---------------------------------------------------------------------------------------------- watch

    /** Follows the network from the cursor (or from a full read when there is none); idempotent. */
    void start(EtcdClient etcd) {
        long from;
        synchronized (this) {
            if (watch != null && !watch.isClosed()) return;
            from = revision;
        }
        if (from == 0) {
            RangeResult snap = etcd.getPrefix(Keys.network(network));
            replace(snap.kvs(), snap.revision(), "first read");
            from = snap.revision();
        }
        Watch w = etcd.watch(Keys.network(network), from + 1, this);
        synchronized (this) {
            if (watch != null && !watch.isClosed()) {
                w.close();
            } else {
                watch = w;
            }
        }
    }

    /** Follows the network with a new stream from the cursor (the old one closed, whatever state it is in). */
    void restart(EtcdClient etcd) {
        stop();
        start(etcd);
    }

    synchronized void stop() {
        if (watch != null) watch.close();
        watch = null;
    }

    @Override
    public void onEvent(WatchEvent event) {
        switch (event) {
            case WatchEvent.Connected c -> cluster.watchBack();
            case WatchEvent.Disconnected d -> cluster.watchLost("watch of network " + network, d.cause());
            case WatchEvent.Changes c -> changes(c.changes(), c.revision());
            case WatchEvent.Resync r -> replace(r.snapshot(), r.revision(), "history compacted at revision "
                    + r.compactRevision());
        }
    }

    /** One watch response: the copy updated, then one netlink batch for the entries it changes. */
    private void changes(List<WatchEvent.Change> changes, long rev) {
        List<ClusterEvent> events = new ArrayList<>();
        Forwarding.Result result;
        synchronized (this) {
            // a response the copy is already past (from a watch closed as it delivered, or one restarted before it):
            // nothing new in it
            if (rev <= revision) return;
            Set<MacAddress> macs = new LinkedHashSet<>();
            Set<Ipv4Address> ips = new LinkedHashSet<>();
            for (WatchEvent.Change c : changes) {
                if (c.type() == WatchEvent.Change.Type.PUT) {
                    put(c.kv(), macs, ips, events);
                } else {
                    remove(c.kv().key(), macs, ips, events);
                }
            }
            Map<MacAddress, Ipv4Address> fdb = new HashMap<>();
            Map<Ipv4Address, MacAddress> arp = new HashMap<>();
            for (MacAddress m : macs) fdb.put(m, vtepOf(m));
            for (Ipv4Address a : ips) arp.put(a, macOf(a));
            result = fdb.isEmpty() && arp.isEmpty() ? Forwarding.Result.NONE : forwarding.apply(fdb, arp, wanted());
            revision = rev;
            unsaved = true;
        }
        publish(events, changes.size(), result);
    }

    /** The copy replaced by a full read (first start, or after a compaction), every entry converged. */
    private void replace(List<KeyValue> snapshot, long rev, String why) {
        List<ClusterEvent> events = new ArrayList<>();
        Forwarding.Result result;
        synchronized (this) {
            Map<String, KeyValue> old = new TreeMap<>(kvs);
            Set<String> now = new HashSet<>();
            for (KeyValue kv : snapshot) {
                now.add(kv.key());
                KeyValue was = old.get(kv.key());
                if (was == null || was.modRevision() != kv.modRevision()) put(kv, null, null, events);
            }
            for (String k : old.keySet()) if (!now.contains(k)) remove(k, null, null, events);
            result = forwarding.sync(wanted());
            revision = rev;
            unsaved = true;
            events.add(new ClusterEvent("peer", "resync", network, why + ": " + remote.size()
                    + " remote container(s) at revision " + rev));
        }
        publish(events, snapshot.size(), result);
    }

    /** Re-reads the device's entries and converges them (the device was made again, or the engine adopted it). */
    void syncKernel() {
        Forwarding.Result r;
        synchronized (this) {
            forwarding.invalidate();
            r = forwarding.sync(wanted());
        }
        publish(List.of(), 0, r);
    }

    private void publish(List<ClusterEvent> events, int changes, Forwarding.Result r) {
        for (ClusterEvent e : events) cluster.event(e);
        if (r.entries() > 0) {
            cluster.event(new ClusterEvent("peer", "entries", network, changes + " store change(s): " + r.entries()
                    + " forwarding entr" + (r.entries() == 1 ? "y" : "ies") + " in " + r.batches() + " netlink batch"
                    + (r.failed() > 0 ? ", " + r.failed() + " refused (re-read at the next change)" : "")
                    + String.format(java.util.Locale.ROOT, " (%.2f ms)", r.nanos() / 1e6)));
        }
    }

    // ----------------------------------------------------------------------------------------- the copy

    private void put(KeyValue kv, Set<MacAddress> macs, Set<Ipv4Address> ips, List<ClusterEvent> events) {
        KeyValue was = kvs.put(kv.key(), kv);
        switch (Keys.kind(network, kv.key())) {
            case ENDPOINT -> {
                EndpointRecord old = unindex(kv.key(), macs, ips);
                EndpointRecord r = parseEndpoint(kv);
                if (r == null || r.host().equals(cluster.hostId())) return;
                remote.put(kv.key(), r);
                byMac.computeIfAbsent(r.mac(), k -> new LinkedHashSet<>()).add(kv.key());
                byIp.computeIfAbsent(r.ip(), k -> new LinkedHashSet<>()).add(kv.key());
                if (macs != null) {
                    macs.add(r.mac());
                    ips.add(r.ip());
                }
                if (events != null && (old == null || !old.equals(r))) {
                    events.add(new ClusterEvent("peer", old == null ? "add" : "move", r.container() + " on " + network,
                            "host " + r.host() + ", " + r.ip() + ", " + r.mac() + ", vtep " + r.vtep()));
                }
            }
            case MEMBER -> {
                if (events != null && was == null && !Keys.last(kv.key()).equals(cluster.hostId())) {
                    HostRecord h = parseHost(kv);
                    if (h != null) events.add(new ClusterEvent("peer", "join", network, "host " + h.host() + " ("
                            + h.name() + ", underlay " + h.underlay() + ")"));
                }
            }
            default -> { }
        }
    }

    private void remove(String key, Set<MacAddress> macs, Set<Ipv4Address> ips, List<ClusterEvent> events) {
        KeyValue was = kvs.remove(key);
        switch (Keys.kind(network, key)) {
            case ENDPOINT -> {
                EndpointRecord old = unindex(key, macs, ips);
                if (old != null && events != null) {
                    events.add(new ClusterEvent("peer", "remove", old.container() + " on " + network, "host "
                            + old.host() + ", " + old.ip() + ", " + old.mac()));
                }
            }
            case MEMBER -> {
                if (events != null && was != null && !Keys.last(key).equals(cluster.hostId())) {
                    events.add(new ClusterEvent("peer", "leave", network, "host " + Keys.last(key)
                            + (was.lease() != 0 ? " (left, or its lease expired)" : "")));
                }
            }
            default -> { }
        }
    }

    private EndpointRecord unindex(String key, Set<MacAddress> macs, Set<Ipv4Address> ips) {
        EndpointRecord old = remote.remove(key);
        if (old == null) return null;
        drop(byMac, old.mac(), key);
        drop(byIp, old.ip(), key);
        if (macs != null) {
            macs.add(old.mac());
            ips.add(old.ip());
        }
        return old;
    }

    private static <K> void drop(Map<K, Set<String>> index, K k, String key) {
        Set<String> s = index.get(k);
        if (s == null) return;
        s.remove(key);
        if (s.isEmpty()) index.remove(k);
    }

    private Ipv4Address vtepOf(MacAddress m) {
        Set<String> keys = byMac.get(m);
        return keys == null || keys.isEmpty() ? null : remote.get(keys.iterator().next()).vtep();
    }

    private MacAddress macOf(Ipv4Address a) {
        Set<String> keys = byIp.get(a);
        return keys == null || keys.isEmpty() ? null : remote.get(keys.iterator().next()).mac();
    }

    private Forwarding.Wanted wanted() {
        Map<MacAddress, Ipv4Address> fdb = new HashMap<>();
        Map<Ipv4Address, MacAddress> arp = new HashMap<>();
        for (MacAddress m : byMac.keySet()) fdb.put(m, vtepOf(m));
        for (Ipv4Address a : byIp.keySet()) arp.put(a, macOf(a));
        return new Forwarding.Wanted(fdb, arp);
    }

    private EndpointRecord parseEndpoint(KeyValue kv) {
        try {
            return EndpointRecord.parse(kv.key(), kv.value());
        } catch (Records.BadRecord e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; skipped");
            return null;
        }
    }

    private HostRecord parseHost(KeyValue kv) {
        try {
            return HostRecord.parse(kv.key(), kv.value());
        } catch (Records.BadRecord e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; skipped");
            return null;
        }
    }

    // --------------------------------------------------------------------------------------------- status

    /** The other hosts of the network, from the members and the endpoints; {@code lastSeen} by lease. */
    synchronized Peers status(String store, java.util.function.LongUnaryOperator remaining) {
        Map<String, HostRecord> hosts = new TreeMap<>();
        Map<String, Long> leases = new HashMap<>();
        String mp = Keys.members(network);
        for (KeyValue kv : kvs.subMap(mp, mp + '\uffff').values()) {
            HostRecord h = parseHost(kv);
            if (h != null && !h.host().equals(cluster.hostId())) {
                hosts.put(h.host(), h);
                leases.put(h.host(), kv.lease());
            }
        }
        Map<String, TreeSet<String>> containers = new TreeMap<>();
        Map<String, Ipv4Address> vteps = new HashMap<>();
        for (Map.Entry<String, EndpointRecord> e : remote.entrySet()) {
            containers.computeIfAbsent(e.getValue().host(), k -> new TreeSet<>()).add(e.getValue().container());
            vteps.put(e.getValue().host(), e.getValue().vtep());
            leases.putIfAbsent(e.getValue().host(), kvs.get(e.getKey()).lease());
        }
        Set<String> all = new TreeSet<>(hosts.keySet());
        all.addAll(containers.keySet());
        List<Peers.Peer> out = new ArrayList<>();
        for (String h : all) {
            HostRecord r = hosts.get(h);
            String underlay = r != null ? r.underlay().toString() : vteps.get(h).toString();
            long lease = leases.getOrDefault(h, 0L);
            long left = lease == 0 || r == null || r.ttlSeconds() <= 0 ? -1 : remaining.applyAsLong(lease);
            long lastSeen = left < 0 ? -1 : Math.max(0, r.ttlSeconds() - left) * 1000;
            out.add(new Peers.Peer(h, r != null ? r.name() : "?", underlay,
                    List.copyOf(containers.getOrDefault(h, new TreeSet<>())), lastSeen));
        }
        return new Peers(vni, Naming.vxlan(network), cluster.underlayAddress(), store, out);
    }

    /** The entries programmed on the device: FDB and ARP counts. */
    synchronized List<Integer> programmed() {
        return forwarding.counts();
    }

    // ------------------------------------------------------------------------------------------------ file

    /** Writes the copy and cursor if they changed since the last write (atomically: a crash keeps the old one). */
    synchronized void save() {
        if (!unsaved) return;
        ObjectNode o = Records.JSON.createObjectNode();
        o.put("format", 1).put("network", network).put("vni", vni).put("revision", revision);
        ArrayNode a = o.putArray("keys");
        for (KeyValue kv : kvs.values()) {
            a.addObject().put("key", kv.key()).put("value", kv.value()).put("create", kv.createRevision())
                    .put("mod", kv.modRevision()).put("version", kv.version()).put("lease", kv.lease());
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, o.toString(), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            unsaved = false;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "overlay " + network + ": cannot save " + file + ": " + e.getMessage());
        }
    }

    /** Forgets the network on this host: its watch, its file and its entries' bookkeeping. */
    synchronized void forget() {
        stop();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "overlay " + network + ": cannot delete " + file + ": " + e.getMessage());
        }
        unsaved = false;
    }

    @Override
    public synchronized void close() {
        stop();
        save();
        forwarding.close();
    }
}

package org.nlbridge.driver.overlay;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.netlink.BatchResult;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.Link;
import org.nlbridge.rtnl.Neighbour;
import org.nlbridge.rtnl.NeighbourSpec;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.rtnl.RtnlBatch;

/**
 * The kernel half of an overlay network on this host: the entries on its VXLAN device for every remote container,
 * an FDB entry (MAC to the remote host's VTEP) and a permanent ARP entry (IP to MAC, which the device's proxy
 * answers from); docs/overlay-data-plane.md. Each change goes out as one netlink batch with acks only on failure,
 * however many entries it has. Remembers what it programmed, so a change touches only the entries that differ; after a
 * failure, or when the device was (re)made, the next change first re-reads the device's entries and converges all of
 * them ({@link #sync}). Everything on the VXLAN device is ours: it carries the overlay's alias and nothing else writes
 * there. Not thread-safe: its owner ({@link NetworkPeers}) serialises calls.
 */
final class Forwarding implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("nlbridge.overlay");

    /** What one batch did, for the peer events and the benchmarks. */
    record Result(int entries, int batches, int failed, long nanos) {
        static final Result NONE = new Result(0, 0, 0, 0);
    }

    private final NetNs host;
    private final String device;
    private Rtnl rtnl;
    private int ifindex;
    private final Map<MacAddress, Ipv4Address> fdb = new HashMap<>();
    private final Map<Ipv4Address, MacAddress> arp = new HashMap<>();
    private boolean dirty = true;

    Forwarding(NetNs host, String device) {
        this.host = host;
        this.device = device;
    }

    /** The next change re-reads and converges everything (the device was made again, or a batch failed). */
    void invalidate() {
        dirty = true;
        ifindex = 0;
    }

    /**
     * Converges the entries of the MACs and addresses in {@code fdbChanges} and {@code arpChanges} (a null value:
     * none) in one batch; if a full convergence is due, converges to {@code all} instead.
     */
    Result apply(Map<MacAddress, Ipv4Address> fdbChanges, Map<Ipv4Address, MacAddress> arpChanges, Wanted all) {
        if (dirty) return sync(all);
        if (!device()) return Result.NONE;
        long t0 = System.nanoTime();
        RtnlBatch b = rtnl.batch();
        int n = 0;
        for (Map.Entry<MacAddress, Ipv4Address> e : fdbChanges.entrySet()) {
            if (Objects.equals(fdb.get(e.getKey()), e.getValue())) continue;
            queueFdb(b, e.getKey(), e.getValue());
            n++;
        }
        for (Map.Entry<Ipv4Address, MacAddress> e : arpChanges.entrySet()) {
            if (Objects.equals(arp.get(e.getKey()), e.getValue())) continue;
            queueArp(b, e.getKey(), e.getValue());
            n++;
        }
        if (n == 0) return Result.NONE;
        return finish(b, n, t0, () -> {
            fdbChanges.forEach((m, v) -> put(fdb, m, v));
            arpChanges.forEach((a, m) -> put(arp, a, m));
        });
    }

    /** Re-reads the device's entries and converges all of them to {@code all} in one batch. */
    Result sync(Wanted all) {
        dirty = false;
        if (!device()) {
            dirty = true; // the device is not there (yet): when it is, everything is written
            return Result.NONE;
        }
        long t0 = System.nanoTime();
        Map<MacAddress, Ipv4Address> haveFdb = new HashMap<>();
        for (Neighbour x : rtnl.neighbours().fdb(ifindex)) {
            if (x.isSelf() && !x.isMaster() && x.mac() != null && !x.mac().isZero() && x.address() instanceof Ipv4Address v) {
                haveFdb.put(x.mac(), v);
            }
        }
        Map<Ipv4Address, MacAddress> haveArp = new HashMap<>();
        for (Neighbour x : rtnl.neighbours().list(IpAddress.AF_INET, ifindex)) {
            if (x.isPermanent() && x.address() instanceof Ipv4Address v) haveArp.put(v, x.mac());
        }
        RtnlBatch b = rtnl.batch();
        int n = 0;
        for (Map.Entry<MacAddress, Ipv4Address> e : all.fdb().entrySet()) {
            if (!e.getValue().equals(haveFdb.get(e.getKey()))) {
                queueFdb(b, e.getKey(), e.getValue());
                n++;
            }
        }
        for (MacAddress m : haveFdb.keySet()) {
            if (!all.fdb().containsKey(m)) {
                queueFdb(b, m, null);
                n++;
            }
        }
        for (Map.Entry<Ipv4Address, MacAddress> e : all.arp().entrySet()) {
            if (!e.getValue().equals(haveArp.get(e.getKey()))) {
                queueArp(b, e.getKey(), e.getValue());
                n++;
            }
        }
        for (Ipv4Address a : haveArp.keySet()) {
            if (!all.arp().containsKey(a)) {
                queueArp(b, a, null);
                n++;
            }
        }
        Runnable done = () -> {
            fdb.clear();
            fdb.putAll(all.fdb());
            arp.clear();
            arp.putAll(all.arp());
        };
        if (n == 0) {
            done.run();
            return new Result(0, 0, 0, System.nanoTime() - t0);
        }
        return finish(b, n, t0, done);
    }

    /** The entries this host should have: FDB MAC to VTEP and ARP address to MAC, for every remote container. */
    record Wanted(Map<MacAddress, Ipv4Address> fdb, Map<Ipv4Address, MacAddress> arp) {}

    private Result finish(RtnlBatch b, int n, long t0, Runnable done) {
        BatchResult r;
        try {
            r = b.execute();
        } catch (RuntimeException e) {
            dirty = true;
            LOG.log(System.Logger.Level.WARNING, "overlay entries on " + device + ": " + e.getMessage());
            return new Result(n, 1, n, System.nanoTime() - t0);
        }
        int failed = r.failures().size();
        if (failed == 0) {
            done.run();
        } else {
            dirty = true; // re-read and converge at the next change
            LOG.log(System.Logger.Level.WARNING, "overlay entries on " + device + ": " + failed + " of " + n
                    + " refused, first: " + r.failures().getFirst().getMessage());
            ifindex = 0;
        }
        return new Result(n, 1, failed, System.nanoTime() - t0);
    }

    private void queueFdb(RtnlBatch b, MacAddress mac, Ipv4Address vtep) {
        if (vtep == null) b.neighbours().deleteIfExists(NeighbourSpec.fdb(ifindex, mac));
        else b.neighbours().replace(NeighbourSpec.fdb(ifindex, mac).dst(vtep));
    }

    private void queueArp(RtnlBatch b, Ipv4Address ip, MacAddress mac) {
        if (mac == null) b.neighbours().deleteIfExists(NeighbourSpec.ip(ifindex, ip, null));
        else b.neighbours().replace(NeighbourSpec.ip(ifindex, ip, mac));
    }

    private static <K, V> void put(Map<K, V> m, K k, V v) {
        if (v == null) m.remove(k);
        else m.put(k, v);
    }

    /** Opens the socket on first use and finds the device; false when it does not exist. */
    private boolean device() {
        if (rtnl == null) rtnl = Rtnl.open(host);
        if (ifindex > 0) return true;
        Optional<Link> l = rtnl.links().find(device);
        if (l.isEmpty() || !"vxlan".equals(l.get().kind())) return false;
        ifindex = l.get().index();
        return true;
    }

    /** The entries programmed, for tests and status: FDB and ARP counts. */
    List<Integer> counts() {
        return List.of(fdb.size(), arp.size());
    }

    @Override
    public void close() {
        if (rtnl != null) rtnl.close();
        rtnl = null;
    }
}

package org.nlbridge.driver.overlay;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.nlbridge.cluster.ClusterEvent;
import org.nlbridge.cluster.etcd.Compare;
import org.nlbridge.cluster.etcd.EtcdClient;
import org.nlbridge.cluster.etcd.KeyValue;
import org.nlbridge.cluster.etcd.Op;
import org.nlbridge.cluster.etcd.StoreUnavailableException;
import org.nlbridge.cluster.ipam.AddressInUseException;
import org.nlbridge.cluster.ipam.Claims;
import org.nlbridge.cluster.ipam.ClusterIpam;
import org.nlbridge.driver.ipam.EndpointRequest;
import org.nlbridge.driver.overlay.Cluster.Local;
import org.nlbridge.driver.overlay.Records.EndpointRecord;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.ValidationException;
import org.nlbridge.state.Network;

/**
 * This host's endpoints in the cluster store: an endpoint's address is claimed cluster-wide by compare-and-swap and
 * its record (IP, MAC, VTEP) written in the same transaction, both under the host's lease; one round trip when this
 * host's view of the taken addresses (from its watch) is current. Each host searches for a free address from a place
 * of its own in the range (derived from its ID, then round-robin after its last), so hosts attaching at the same
 * moment seldom collide. Withdrawing deletes both, only if still ours.
 * {@link #catchUp} makes the store agree with the engine's endpoints after a restart or an outage: what is missing
 * is announced again (the same address: a claim that finds our own value is ours), what the store has in excess
 * (withdrawn while it was unreachable, or claimed by a daemon killed mid-attach) is removed. Serialised, so a
 * catch-up never removes a claim an attach is making. A claim whose reply was lost is resolved by reading it back
 * ({@link Claims}); one still unresolved when the store went away is found by its value ({@code HOST/CONTAINER})
 * when the container is attached again, and kept rather than a second address claimed.
 */
final class Announcements {
    private final Cluster cluster;
    private final Object writes = new Object();
    /** Per network, where this host's next search for a free address starts (after the last it took). */
    private final Map<String, IpAddress> next = new java.util.concurrent.ConcurrentHashMap<>();

    Announcements(Cluster cluster) {
        this.cluster = cluster;
    }

    private static ClusterIpam ipam(EtcdClient etcd, Network n) {
        return new ClusterIpam(etcd, Keys.ipam(n.name()), n.ipv4().subnet(), n.ipv4().range(), Set.of(n.ipv4().gateway()));
    }

    /** The endpoint's address, claimed and announced; the request returned asks the engine's IPAM for exactly it. */
    EndpointRequest reserve(Network n, EndpointRequest r) {
        if (r.ipv4() != null && !allocatable(n, r.ipv4())) return r; // the engine's IPAM refuses it with its reasons
        String what = "container " + r.container() + " on overlay network " + n.name()
                + " (addresses come only from the store, never guessed on this host)";
        cluster.requireConnected(what);
        NetworkPeers np = cluster.network(n.name());
        String holder = Keys.holder(cluster.hostId(), r.container());
        String key = Keys.endpoint(n.name(), cluster.hostId(), r.container());
        Ipv4Address vtep = cluster.underlay().address();
        synchronized (writes) {
            long lease = cluster.leaseId();
            Function<IpAddress, EndpointRecord> record = ip -> new EndpointRecord(cluster.hostId(), r.container(),
                    (Ipv4Address) ip, r.mac() != null ? r.mac() : MacAddress.fromIpv4((Ipv4Address) ip), vtep);
            Function<IpAddress, List<Op>> with = ip -> List.of(Op.put(key, record.apply(ip).toJson(), lease));
            ClusterIpam.Allocation a;
            try {
                ClusterIpam ipam = ipam(cluster.etcd(), n);
                IpAddress mine = r.ipv4() == null ? np.claimedBy(holder) : null;
                a = mine == null ? null : reclaim(ipam, mine, holder, lease, with);
                if (a != null) {
                    next.put(n.name(), a.address().next());
                } else if (r.ipv4() != null) {
                    a = ipam.allocate(r.ipv4(), holder, lease, with);
                } else {
                    // each host searches from its own place in the range (then on from its last address), so hosts
                    // attaching at the same moment seldom want the same address: one round trip, not a retry each
                    IpAddress from = next.computeIfAbsent(n.name(), k -> ipam.spread((cluster.hostId() + "/" + k).hashCode()));
                    a = ipam.allocate(holder, lease, np.taken(), with, from);
                    next.put(n.name(), a.address().next());
                }
                if (!a.fresh()) cluster.etcd().put(key, record.apply(a.address()).toJson(), lease); // ours already
            } catch (StoreUnavailableException e) {
                cluster.storeUnreachable("allocating an address", e);
                throw cluster.unavailable(what, e);
            } catch (AddressInUseException e) {
                throw new ValidationException("container " + r.container() + ": ip", r.ipv4().toString(),
                        "already allocated in the cluster (to " + e.holder() + ")", "a free address of "
                        + n.ipv4().pool() + ", or none (the next free one is given)");
            }
            EndpointRecord rec = record.apply(a.address());
            cluster.local(n.name()).put(r.container(), new Local(rec.ip(), rec.mac()));
            return r.withAddress(rec.ip(), rec.mac());
        }
    }

    /**
     * The address the store already holds for this container (an earlier attempt whose reply was lost, so this host
     * did not know it had won; found by the claim's value), claimed again rather than a second one; null when it has
     * gone to someone else meanwhile.
     */
    private static ClusterIpam.Allocation reclaim(ClusterIpam ipam, IpAddress mine, String holder, long lease,
                                                  Function<IpAddress, List<Op>> with) {
        try {
            return ipam.allocate(mine, holder, lease, with);
        } catch (AddressInUseException | ValidationException e) {
            return null;
        }
    }

    /** Inside the pool, and not the gateway, the network or the broadcast address. */
    private static boolean allocatable(Network n, Ipv4Address ip) {
        var s = n.ipv4().subnet();
        return n.ipv4().pool().contains(ip) && !ip.equals(n.ipv4().gateway()) && !ip.equals(s.network())
                && !ip.equals(s.broadcast());
    }

    /**
     * The endpoint leaves the store (its record, and its address if still ours), now if the store answers, else at
     * the next catch-up; never fails for an unreachable store.
     */
    void withdraw(String network, String container) {
        Local l = cluster.local(network).remove(container);
        if (!cluster.reachable()) {
            cluster.event(new ClusterEvent("cluster", "deferred", container + " on " + network, "the cluster store is"
                    + " unreachable: the container is withdrawn from it once it answers"));
            return;
        }
        synchronized (writes) {
            try {
                remove(network, container, l != null ? l.ip() : null);
            } catch (StoreUnavailableException e) {
                cluster.storeUnreachable("withdrawing " + container, e);
            }
        }
    }

    private void remove(String network, String container, IpAddress ip) {
        String ep = Keys.endpoint(network, cluster.hostId(), container);
        if (ip == null) {
            cluster.etcd().delete(ep);
            return;
        }
        String claim = Keys.ipam(network) + ip;
        cluster.etcd().txn().when(Compare.valueIs(claim, Keys.holder(cluster.hostId(), container)))
                .then(Op.delete(claim), Op.delete(ep)).orElse(Op.delete(ep)).commit();
    }

    /**
     * Makes the store hold exactly {@code want} of this host's endpoints on the network (and this host as a member):
     * two reads, then a write per difference.
     */
    void catchUp(String network, Map<String, Local> want) {
        EtcdClient etcd = cluster.etcd();
        String me = cluster.hostId();
        synchronized (writes) {
            long lease = cluster.leaseId();
            etcd.put(Keys.member(network, me), cluster.record().toJson(), lease);
            Map<String, KeyValue> have = new HashMap<>();
            for (KeyValue kv : etcd.getPrefix(Keys.endpointsOf(network, me)).kvs()) have.put(Keys.last(kv.key()), kv);
            Map<String, IpAddress> claimed = new HashMap<>();
            String prefix = Keys.ipam(network);
            for (KeyValue kv : etcd.getPrefix(prefix).kvs()) {
                if (kv.value().startsWith(me + "/")) {
                    claimed.put(kv.value().substring(me.length() + 1), IpAddress.parse("ipam key",
                            kv.key().substring(prefix.length())));
                }
            }
            int removed = 0;
            int announced = 0;
            for (String c : union(have.keySet(), claimed.keySet())) {
                if (want.containsKey(c)) continue;
                remove(network, c, claimed.get(c));
                removed++;
            }
            Claims claims = new Claims(etcd);
            Ipv4Address vtep = cluster.underlay().address();
            for (Map.Entry<String, Local> e : want.entrySet()) {
                String c = e.getKey();
                EndpointRecord rec = new EndpointRecord(me, c, e.getValue().ip(), e.getValue().mac(), vtep);
                KeyValue kv = have.get(c);
                if (kv != null && kv.lease() == lease && kv.value().equals(rec.toJson())
                        && e.getValue().ip().equals(claimed.get(c))) {
                    continue;
                }
                Claims.Claim won = claims.claim(prefix + rec.ip(), Keys.holder(me, c), lease);
                if (!won.won()) {
                    cluster.event(new ClusterEvent("cluster", "conflict", c + " on " + network, "its address " + rec.ip()
                            + " is held by " + won.holder().value() + " in the cluster store (given away while this host"
                            + " was gone): the container is not announced; re-create it to get a free address"));
                    etcd.delete(Keys.endpoint(network, me, c));
                    continue;
                }
                etcd.put(Keys.endpoint(network, me, c), rec.toJson(), lease);
                announced++;
            }
            if (removed + announced > 0) {
                cluster.event(new ClusterEvent("cluster", "caught-up", network, announced + " container(s) announced"
                        + " again, " + removed + " withdrawn"));
            }
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new java.util.TreeSet<>(a);
        out.addAll(b);
        return out;
    }
}

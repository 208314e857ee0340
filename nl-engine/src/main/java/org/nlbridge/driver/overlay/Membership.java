package org.nlbridge.driver.overlay;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;

import org.nlbridge.cluster.ClusterEvent;
import org.nlbridge.cluster.etcd.Compare;
import org.nlbridge.cluster.etcd.EtcdClient;
import org.nlbridge.cluster.etcd.EtcdException;
import org.nlbridge.cluster.etcd.KeyValue;
import org.nlbridge.cluster.etcd.Op;
import org.nlbridge.cluster.etcd.StoreUnavailableException;
import org.nlbridge.cluster.etcd.TxnResult;
import org.nlbridge.cluster.ipam.Claims;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.NetworkSpec;

/**
 * A network's existence in the cluster store: its declaration (checked against every host's), its VNI (declared, or
 * the lowest free from 4096, claimed by compare-and-swap), and which hosts are on it. The first host creates the
 * declaration; the others join it if they declare the same; the last host to leave deletes it and frees the VNI.
 * "Last" is safe against a host joining meanwhile: every join bumps {@code networks/NET/gen} in its transaction, and
 * the leaver's delete requires the generation it read.
 */
final class Membership {
    static final int FIRST_VNI = 4096;
    private static final int ATTEMPTS = 10;

    private final Cluster cluster;

    Membership(Cluster cluster) {
        this.cluster = cluster;
    }

    /** The store's declaration of the network, or empty. */
    Optional<Declaration.Stored> stored(String network) {
        String key = Keys.config(network);
        return cluster.etcd().get(key).map(kv -> Declaration.parse(key, kv.value(), kv.createRevision()));
    }

    /**
     * Refuses a declaration that differs from the store's, naming the key. A network this host has joined is
     * checked against its watched copy of the store (no round trip, and it works while the store is unreachable); a
     * new one against the store, which must answer.
     */
    void check(String network, Declaration d) {
        NetworkPeers np = cluster.known(network);
        if (np != null && np.vni() != 0) {
            np.declaration().ifPresent(x -> d.requireSameAs(network, x));
            return;
        }
        Optional<Declaration.Stored> s;
        try {
            cluster.requireConnected("creating overlay network " + network + " on this host");
            s = stored(network);
        } catch (StoreUnavailableException e) {
            cluster.storeUnreachable("reading network " + network, e);
            throw cluster.unavailable("creating overlay network " + network + " on this host", e);
        }
        s.ifPresent(x -> d.requireSameAs(network, x));
    }

    /** Joins (or creates) the network in the store; its VNI. */
    int join(String network, Declaration d) {
        cluster.requireConnected("creating overlay network " + network + " on this host");
        EtcdClient etcd = cluster.etcd();
        String config = Keys.config(network);
        String member = Keys.member(network, cluster.hostId());
        String record = cluster.record().toJson();
        String gen = cluster.hostId() + " " + System.currentTimeMillis();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long lease = cluster.leaseId();
            Optional<Declaration.Stored> s = stored(network);
            if (s.isEmpty()) {
                Claims.Claim v = claimVni(network, d.vni());
                int vni = Integer.parseInt(Keys.last(v.holder().key()));
                TxnResult r = etcd.txn().when(Compare.absent(config)).then(Op.put(config, d.toJson(vni, cluster.hostId())),
                        Op.put(Keys.gen(network), gen), Op.put(member, record, lease)).commit();
                if (r.succeeded()) {
                    cluster.event(new ClusterEvent("cluster", "create", network, "declared in the cluster store, vni " + vni));
                    return vni;
                }
                if (v.fresh()) new Claims(etcd).release(v.holder().key(), network); // another host created it first
                continue;
            }
            d.requireSameAs(network, s.get());
            TxnResult r = etcd.txn().when(Compare.createRevision(config, Compare.Result.EQUAL, s.get().createRevision()))
                    .then(Op.put(member, record, lease), Op.put(Keys.gen(network), gen)).commit();
            if (r.succeeded()) {
                cluster.event(new ClusterEvent("cluster", "join", network, "joined, vni " + s.get().vni()
                        + " (declared by host " + s.get().by() + ")"));
                return s.get().vni();
            }
        }
        throw new IllegalStateException("network " + network + ": joining it in the cluster store raced with other hosts "
                + ATTEMPTS + " times; try again");
    }

    private Claims.Claim claimVni(String network, Integer declared) {
        Claims claims = new Claims(cluster.etcd());
        if (declared != null) {
            Claims.Claim c = claims.claim(Keys.vni(declared), network, 0);
            if (!c.won()) {
                throw new ValidationException("network " + network + ": vni", declared.toString(), "already used by"
                        + " network " + c.holder().value() + " in the cluster store", "another VNI, or none (the store"
                        + " gives the lowest free one from " + FIRST_VNI + ")");
            }
            return c;
        }
        return claims.claimFirstFree(Keys.vnis(), vniKeys(), network, 0).orElseThrow(() -> new IllegalStateException(
                "no free VNI left in the cluster store"));
    }

    private static Iterator<String> vniKeys() {
        return new Iterator<>() {
            int next = FIRST_VNI;

            @Override
            public boolean hasNext() {
                return next <= NetworkSpec.VNI_MAX;
            }

            @Override
            public String next() {
                if (!hasNext()) throw new NoSuchElementException();
                return Keys.vni(next++);
            }
        };
    }

    /**
     * Leaves the network: this host's membership goes; if no other host is a member, the declaration, the VNI and
     * whatever dead hosts left under the network go too. Best effort: if the store does not answer, the membership
     * expires with this host's lease and the declaration stays.
     */
    void leave(String network) {
        EtcdClient etcd = cluster.etcd();
        String me = cluster.hostId();
        try {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Optional<KeyValue> g = etcd.get(Keys.gen(network));
                boolean others = etcd.getPrefix(Keys.members(network)).kvs().stream()
                        .anyMatch(kv -> !Keys.last(kv.key()).equals(me));
                Optional<Declaration.Stored> s = stored(network);
                if (others || s.isEmpty()) {
                    etcd.delete(Keys.member(network, me));
                    etcd.deletePrefix(Keys.endpointsOf(network, me));
                    return;
                }
                TxnResult r = etcd.txn().when(Compare.modRevision(Keys.gen(network), Compare.Result.EQUAL,
                                g.map(KeyValue::modRevision).orElse(0L)),
                        Compare.createRevision(Keys.config(network), Compare.Result.EQUAL, s.get().createRevision()))
                        .then(Op.deletePrefix(Keys.network(network))).commit();
                if (r.succeeded()) {
                    new Claims(etcd).release(Keys.vni(s.get().vni()), network);
                    cluster.event(new ClusterEvent("cluster", "delete", network, "the last host left: the declaration"
                            + " and vni " + s.get().vni() + " are free again"));
                    return;
                }
            }
        } catch (EtcdException e) {
            cluster.storeUnreachable("leaving network " + network, e);
            cluster.event(new ClusterEvent("cluster", "deferred", network, "left on this host; its membership expires"
                    + " with this host's lease (" + e.getMessage() + ")"));
        }
    }
}

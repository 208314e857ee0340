package org.nlbridge.cluster.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import org.nlbridge.cluster.etcd.Transport.Retry;

/**
 * A client of an etcd 3.4+ cluster through its v3 JSON gateway ({@code /v3/kv/*}, {@code /v3/lease/*},
 * {@code /v3/watch}) over {@code java.net.http}: no dependency beyond Jackson (the figures that chose this over
 * jetcd are in bench/etcd-client). Thread-safe; one per process is enough.
 *
 * <p>Every call has the configured deadline ({@link EtcdConfig#requestTimeout()}) across all members: a member that
 * cannot be reached or has no leader is skipped for the next one, and when none answers in time the call throws
 * {@link StoreUnavailableException}. Reads, puts, deletes and lease keep-alives are retried freely; a transaction
 * or lease grant whose reply was lost is not sent again ({@link StoreUnavailableException#outcomeUnknown()}).
 * Other failures are typed: {@link CompactedException}, {@link LeaseLostException}, {@link EtcdServerException},
 * {@link MalformedReplyException}.
 *
 * <p>Round trips: every method is one HTTP request, except {@link #getPrefix} (one per 1,000 keys) and
 * {@link #watch} (one long-lived stream, plus a {@link #getPrefix} after a compaction).
 */
public final class EtcdClient implements AutoCloseable {
    static final int PAGE = 1000;

    private final Transport transport;
    private final Set<AutoCloseable> owned = ConcurrentHashMap.newKeySet();

    private EtcdClient(EtcdConfig config, ThreadFactory threads) {
        this.transport = new Transport(config, threads);
    }

    /** Connects lazily: nothing is sent until the first call. */
    public static EtcdClient open(EtcdConfig config) {
        return new EtcdClient(config, null);
    }

    /**
     * Like {@link #open(EtcdConfig)}, with the connections opened from threads made by {@code threads}: a socket
     * lives in the network namespace of the thread that created it, so a daemon whose host is a namespace (its
     * underlay) passes threads inside it (e.g. {@code NetNs.threadFactory}).
     */
    public static EtcdClient open(EtcdConfig config, ThreadFactory threads) {
        return new EtcdClient(config, threads);
    }

    public EtcdConfig config() {
        return transport.config();
    }

    // ---- keys

    /** The key, if it exists. */
    public Optional<KeyValue> get(String key) {
        return range("get " + key, Codec.range(key, false, false, 0, 0)).first();
    }

    /** Every key under {@code prefix} with its value, at one revision (the current one). */
    public RangeResult getPrefix(String prefix) {
        return getPrefix(prefix, 0, false);
    }

    /**
     * Every key under {@code prefix} at {@code revision} (0: the current one), read in pages of 1,000 pinned to
     * the first page's revision, so the result is one consistent snapshot.
     *
     * @throws CompactedException if that revision has been compacted
     */
    public RangeResult getPrefix(String prefix, long revision, boolean keysOnly) {
        List<KeyValue> all = new ArrayList<>();
        String from = prefix;
        long rev = revision;
        while (true) {
            ObjectNode q = Codec.range(from, false, keysOnly, rev, PAGE).put("range_end", Codec.b64(Codec.prefixEnd(prefix)));
            RangeResult page = range("get prefix " + prefix, q);
            all.addAll(page.kvs());
            if (rev == 0) rev = page.revision(); // the header has the store's revision, not the one read at
            if (!page.more() || page.kvs().isEmpty()) return new RangeResult(all, rev, all.size(), false);
            from = page.kvs().getLast().key() + "\0";
        }
    }

    private RangeResult range(String what, ObjectNode q) {
        return Codec.rangeResult(transport.call(what, "/v3/kv/range", q, Retry.ALWAYS), 0);
    }

    /** Writes a key (no lease); the revision it was written at. */
    public long put(String key, String value) {
        return put(key, value, 0);
    }

    /**
     * Writes a key attached to a lease (0: none): it goes when the lease does. The revision it was written at. A put
     * whose reply was lost is sent again (to the next member): the key ends up with the value either way, at worst
     * one revision later than needed.
     */
    public long put(String key, String value, long leaseId) {
        return Codec.revision(transport.call("put " + key, "/v3/kv/put", Codec.put(key, value, leaseId), Retry.ALWAYS));
    }

    /** Deletes a key; how many went (0 or 1). Deleting is idempotent, so it is retried like a read. */
    public long delete(String key) {
        return Codec.int64(transport.call("delete " + key, "/v3/kv/deleterange", Codec.delete(key, false), Retry.ALWAYS), "deleted");
    }

    /** Deletes every key under {@code prefix}; how many went. */
    public long deletePrefix(String prefix) {
        return Codec.int64(transport.call("delete prefix " + prefix, "/v3/kv/deleterange", Codec.delete(prefix, true),
                Retry.ALWAYS), "deleted");
    }

    /** A transaction to build and {@link Txn#commit()}. */
    public Txn txn() {
        return new Txn(this);
    }

    /** If every compare holds, runs {@code success}, else {@code failure}: atomically, one round trip. */
    public TxnResult txn(List<Compare> compares, List<Op> success, List<Op> failure) {
        return Codec.txnResult(transport.call("transaction", "/v3/kv/txn", Codec.txn(compares, success, failure),
                Retry.IF_NOT_APPLIED));
    }

    /** The store's current revision. */
    public long revision() {
        return range("revision", Codec.range("\0", false, true, 0, 1).put("count_only", true)).revision();
    }

    /** Drops history up to {@code revision} (etcdctl compact): watches and reads at older revisions then fail. */
    public long compact(long revision) {
        ObjectNode q = Codec.object().put("revision", Long.toString(revision)).put("physical", true);
        return Codec.revision(transport.call("compact " + revision, "/v3/kv/compaction", q, Retry.ALWAYS));
    }

    // ---- leases

    /**
     * Grants a lease of (at least) {@code ttl} and keeps it alive from a background thread until
     * {@link Lease#close()}, {@link Lease#revoke()} or {@link Lease#stopKeepAlive()}; {@link Lease#lost()}
     * completes if it is lost.
     */
    public Lease grant(Duration ttl) {
        long seconds = Math.max(1, ttl.toSeconds());
        JsonNode r = transport.call("grant lease", "/v3/lease/grant", Codec.object().put("TTL", Long.toString(seconds)), Retry.IF_NOT_APPLIED);
        String err = Codec.text(r, "error");
        if (!err.isEmpty()) throw new EtcdServerException("grant lease", 0, err);
        long id = Codec.int64(r, "ID");
        long granted = Codec.int64(r, "TTL");
        if (id == 0 || granted <= 0) throw new MalformedReplyException("grant lease: no ID or TTL in " + r);
        return adopt(id, granted, System.nanoTime());
    }

    /**
     * Takes over keeping an existing lease alive (a restarted daemon resuming its host lease).
     *
     * @throws LeaseLostException if it has expired or was revoked
     */
    public Lease keepAlive(long leaseId) {
        long sent = System.nanoTime();
        long ttl = keepAliveOnce(leaseId);
        if (ttl <= 0) throw new LeaseLostException(leaseId, "etcd no longer has it (expired or revoked)", null);
        return adopt(leaseId, ttl, sent);
    }

    private Lease adopt(long id, long ttlSeconds, long renewedAt) {
        Lease l = new Lease(this, id, ttlSeconds, renewedAt);
        owned.add(l);
        l.start();
        return l;
    }

    /** One keep-alive: the lease's new time to live in seconds, or 0 if etcd no longer has it. */
    long keepAliveOnce(long leaseId) {
        ObjectNode q = Codec.object().put("ID", Long.toString(leaseId));
        JsonNode r = Transport.result("keep lease alive", transport.call("keep lease alive", "/v3/lease/keepalive", q, Retry.ALWAYS));
        return Codec.int64(r, "TTL");
    }

    /** Revokes a lease, deleting its keys; a lease that is already gone is fine. */
    public void revoke(long leaseId) {
        try {
            transport.call("revoke lease", "/v3/lease/revoke", Codec.object().put("ID", Long.toString(leaseId)), Retry.ALWAYS);
        } catch (EtcdServerException e) {
            if (e.code() != EtcdServerException.NOT_FOUND) throw e;
        }
    }

    /** The lease's remaining time to live in seconds, or -1 if it does not exist (any more). */
    public long timeToLive(long leaseId) {
        JsonNode r = transport.call("lease time to live", "/v3/lease/timetolive", Codec.object().put("ID", Long.toString(leaseId)), Retry.ALWAYS);
        return r.has("TTL") ? Codec.int64(r, "TTL") : -1;
    }

    void forget(AutoCloseable c) {
        owned.remove(c);
    }

    // ---- watches

    /**
     * Watches every key under {@code prefix} from {@code startRevision} (inclusive; a restarted daemon passes the
     * revision it last applied plus one) and delivers {@link WatchEvent}s, in order, on the watch's own thread.
     * A lost connection is resumed on the next member from the last revision delivered; history that was
     * compacted meanwhile is reported as a {@link WatchEvent.Resync} carrying the current state.
     */
    public Watch watch(String prefix, long startRevision, WatchListener listener) {
        if (startRevision < 1) throw new IllegalArgumentException("startRevision must be 1 or more, not " + startRevision);
        Watch w = new Watch(this, transport, prefix, startRevision, listener);
        owned.add(w);
        w.start();
        return w;
    }

    /** Stops every watch and keep-alive of this client (leases are left to expire, or to be adopted). */
    @Override
    public void close() {
        for (AutoCloseable c : List.copyOf(owned)) {
            try {
                if (c instanceof Lease l) l.stopKeepAlive();
                else c.close();
            } catch (Exception e) {
                // best effort: the rest still closes
            }
        }
        transport.close();
    }
}

package org.nlbridge.cluster.ipam;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.nlbridge.cluster.etcd.Compare;
import org.nlbridge.cluster.etcd.EtcdClient;
import org.nlbridge.cluster.etcd.KeyValue;
import org.nlbridge.cluster.etcd.Op;
import org.nlbridge.cluster.etcd.RangeResult;
import org.nlbridge.cluster.etcd.StoreUnavailableException;
import org.nlbridge.cluster.etcd.Txn;
import org.nlbridge.cluster.etcd.TxnResult;

/**
 * Exclusive claims on keys, made with compare-and-swap so two claimants (threads, processes, hosts) can never
 * both win one key: a claim is the transaction "if {@code key} does not exist, put {@code value}". The value
 * names the claimant (e.g. {@code {"host":"h1","container":"web"}}) and must be unique to it: a key that
 * already holds exactly that value is the claimant's own, so a claim repeated after a lost reply, or by a
 * restarted daemon, wins again instead of failing. A claim may be attached to a lease (a host's): etcd deletes
 * it when the lease goes, which frees whatever a dead host held.
 */
public final class Claims {

    /**
     * The outcome of one claim: won, or the key as its holder has it. {@code fresh}: won by this call's transaction,
     * so the operations given to go with the claim ran in it; false for a key that already held our value.
     */
    public record Claim(boolean won, KeyValue holder, long revision, boolean fresh) {
        public Claim(boolean won, KeyValue holder, long revision) {
            this(won, holder, revision, false);
        }
    }

    /** Nothing more in a claim's transaction. */
    private static final Function<String, List<Op>> NOTHING = k -> List.of();

    private final EtcdClient client;

    public Claims(EtcdClient client) {
        this.client = client;
    }

    /**
     * Claims {@code key} for {@code value} if nobody holds it; one round trip (two when re-attaching our own
     * claim to a new lease).
     */
    public Claim claim(String key, String value, long lease) {
        return claim(key, value, lease, NOTHING);
    }

    /**
     * {@link #claim(String, String, long)}, with {@code with.apply(key)} run in the same transaction when it wins
     * (e.g. a record that announces what the claim is for): both or neither.
     */
    public Claim claim(String key, String value, long lease, Function<String, List<Op>> with) {
        requireHolder(value);
        TxnResult r = commit(client.txn().when(Compare.absent(key)).then(win(key, value, lease, with))
                .orElse(Op.get(key)));
        KeyValue kv = r.range(r.succeeded() ? 1 : 0).first().orElse(null);
        if (r.succeeded()) return new Claim(true, kv, r.revision(), true);
        if (kv == null) return claim(key, value, lease, with); // released between the compare and the read: again
        return ours(key, value, lease, kv);
    }

    /** The success branch of a claim: put, read back (result 1), then the operations that go with it. */
    private static Op[] win(String key, String value, long lease, Function<String, List<Op>> with) {
        List<Op> ops = new ArrayList<>(List.of(Op.put(key, value, lease), Op.get(key)));
        ops.addAll(with.apply(key));
        return ops.toArray(Op[]::new);
    }

    /** A key that already holds our value is ours; moved to {@code lease} if it is under another. */
    private Claim ours(String key, String value, long lease, KeyValue held) {
        if (!held.value().equals(value)) return new Claim(false, held, held.modRevision());
        if (held.lease() == lease) return new Claim(true, held, held.modRevision());
        TxnResult r = commit(client.txn().when(Compare.unchangedSince(key, held.modRevision()))
                .then(Op.put(key, value, lease), Op.get(key)).orElse(Op.get(key)));
        KeyValue now = r.range(r.succeeded() ? 1 : 0).first().orElse(null);
        if (r.succeeded()) return new Claim(true, now, r.revision());
        return now == null ? claim(key, value, lease) : ours(key, value, lease, now);
    }

    /**
     * Claims the first candidate key (in the iterator's order) that nobody holds: one read of the keys under
     * {@code prefix}, then one transaction per attempt; a candidate taken meanwhile by someone else costs one
     * more attempt, whose failure branch re-reads the taken keys in the same round trip.
     *
     * @param candidates keys under {@code prefix}, consumed lazily (so a huge pool is never listed)
     * @return the winning claim, or empty when every candidate is held
     */
    public Optional<Claim> claimFirstFree(String prefix, Iterator<String> candidates, String value, long lease) {
        return claimFirstFree(prefix, candidates, value, lease, null, NOTHING);
    }

    /**
     * {@link #claimFirstFree(String, Iterator, String, long)}, starting from {@code known} taken keys instead of a
     * read (null: read them), so a caller that follows the prefix with a watch claims in one round trip when its
     * view is current; and with {@code with.apply(key)} run in the winning transaction.
     */
    public Optional<Claim> claimFirstFree(String prefix, Iterator<String> candidates, String value, long lease,
                                         Set<String> known, Function<String, List<Op>> with) {
        requireHolder(value);
        Set<String> taken = known != null ? known : keys(client.getPrefix(prefix, 0, true));
        while (candidates.hasNext()) {
            String key = candidates.next();
            if (!key.startsWith(prefix)) throw new IllegalArgumentException("candidate " + key + " is not under " + prefix);
            if (taken.contains(key)) continue;
            TxnResult r = commit(client.txn().when(Compare.absent(key)).then(win(key, value, lease, with))
                    .orElse(Op.get(key), Op.keysWithPrefix(prefix)));
            if (r.succeeded()) return Optional.of(new Claim(true, r.range(1).first().orElse(null), r.revision(), true));
            Optional<KeyValue> held = r.range(0).first();
            if (held.isPresent() && held.get().value().equals(value)) return Optional.of(ours(key, value, lease, held.get()));
            taken = keys(r.range(1));
        }
        return Optional.empty();
    }

    /** Deletes {@code key} only if it still holds {@code value} (never someone else's later claim); true if it did. */
    public boolean release(String key, String value) {
        return commit(client.txn().when(Compare.valueIs(key, value)).then(Op.delete(key))).succeeded();
    }

    /** Every claim under {@code prefix}, read at one revision. */
    public RangeResult list(String prefix) {
        return client.getPrefix(prefix);
    }

    /**
     * Commits a claim; when the reply was lost (the member died with it), sends it once more: a claim that was
     * applied the first time finds our own value in the key and counts as won, so repeating it is safe.
     */
    private static TxnResult commit(Txn txn) {
        try {
            return txn.commit();
        } catch (StoreUnavailableException e) {
            if (!e.outcomeUnknown()) throw e;
            return txn.commit();
        }
    }

    /** The value is how a claimant recognises its own claims, so it must say something. */
    private static void requireHolder(String value) {
        if (value == null || value.isEmpty()) throw new IllegalArgumentException("a claim's value names its holder; it cannot be empty");
    }

    private static Set<String> keys(RangeResult r) {
        Set<String> s = new HashSet<>();
        for (KeyValue kv : r.kvs()) s.add(kv.key());
        return s;
    }
}

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
import org.nlbridge.cluster.etcd.TxnResult;

/**
 * Exclusive claims on keys, made with compare-and-swap so two claimants (threads, processes, hosts) can never
 * both win one key: a claim is the transaction "if {@code key} does not exist, put {@code value}". The value
 * names the claimant (e.g. {@code {"host":"h1","container":"web"}}) and must be unique to it: a key that
 * already holds exactly that value is the claimant's own, so a claim repeated after a lost reply, or by a
 * restarted daemon, wins again instead of failing. A transaction whose reply was lost (the member died holding it)
 * is resolved by reading the key back: our value, ours; another's, lost; absent, not applied, so it is sent once
 * more. A claim may be attached to a lease (a host's): etcd deletes it when the lease goes, which frees whatever a
 * dead host held.
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
        for (int sent = 1; ; sent++) {
            TxnResult r;
            try {
                r = client.txn().when(Compare.absent(key)).then(win(key, value, lease, with)).orElse(Op.get(key)).commit();
            } catch (StoreUnavailableException e) {
                KeyValue now = readBack(key, e, sent).orElse(null);
                if (now == null) continue; // not applied: send it again (compare-and-swap, so never twice)
                return ours(key, value, lease, now);
            }
            KeyValue kv = r.range(r.succeeded() ? 1 : 0).first().orElse(null);
            if (r.succeeded()) return new Claim(true, kv, r.revision(), true);
            if (kv == null) continue; // released between the compare and the read: again
            return ours(key, value, lease, kv);
        }
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
        TxnResult r;
        try {
            r = client.txn().when(Compare.unchangedSince(key, held.modRevision()))
                    .then(Op.put(key, value, lease), Op.get(key)).orElse(Op.get(key)).commit();
        } catch (StoreUnavailableException e) {
            KeyValue now = readBack(key, e, 1).orElse(null);
            return now == null ? claim(key, value, lease) : ours(key, value, lease, now);
        }
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
        Set<String> taken = known != null ? new HashSet<>(known) : keys(client.getPrefix(prefix, 0, true));
        String resend = null;
        while (resend != null || candidates.hasNext()) {
            String key = resend != null ? resend : candidates.next();
            boolean again = resend != null;
            resend = null;
            if (!key.startsWith(prefix)) throw new IllegalArgumentException("candidate " + key + " is not under " + prefix);
            if (!again && taken.contains(key)) continue;
            TxnResult r;
            try {
                r = client.txn().when(Compare.absent(key)).then(win(key, value, lease, with))
                        .orElse(Op.get(key), Op.keysWithPrefix(prefix)).commit();
            } catch (StoreUnavailableException e) {
                Optional<KeyValue> now = readBack(key, e, again ? 2 : 1);
                if (now.isEmpty()) {
                    resend = key; // not applied: this candidate once more
                    continue;
                }
                Claim c = ours(key, value, lease, now.get());
                if (c.won()) return Optional.of(c);
                taken.add(key);
                continue;
            }
            if (r.succeeded()) return Optional.of(new Claim(true, r.range(1).first().orElse(null), r.revision(), true));
            Optional<KeyValue> held = r.range(0).first();
            if (held.isPresent() && held.get().value().equals(value)) return Optional.of(ours(key, value, lease, held.get()));
            taken = keys(r.range(1));
        }
        return Optional.empty();
    }

    /** Deletes {@code key} only if it still holds {@code value} (never someone else's later claim); true if it did. */
    public boolean release(String key, String value) {
        for (int sent = 1; ; sent++) {
            try {
                return client.txn().when(Compare.valueIs(key, value)).then(Op.delete(key)).commit().succeeded();
            } catch (StoreUnavailableException e) {
                Optional<KeyValue> now = readBack(key, e, sent);
                if (now.isEmpty() || !now.get().value().equals(value)) return true; // gone: by this call or since
                if (sent >= 2) throw e; // still ours after two attempts: the caller tries again later
            }
        }
    }

    /** Every claim under {@code prefix}, read at one revision. */
    public RangeResult list(String prefix) {
        return client.getPrefix(prefix);
    }

    /**
     * Resolves a claim's transaction whose reply was lost ({@code sent}: how many times it was sent): the key as the
     * store has it now, read back from any member that answers (a linearizable read, so a transaction that will ever
     * be applied already is). Its holder says what happened: our value, the claim is ours (made by that transaction
     * or an earlier one); another's, someone else won it; absent, it was not applied and may be sent again, once.
     *
     * @throws StoreUnavailableException the original one, when the key cannot be read back (the outcome stays
     *                                   unknown: the caller finds its claim by its value later) or was sent twice
     */
    private Optional<KeyValue> readBack(String key, StoreUnavailableException lost, int sent) {
        if (!lost.outcomeUnknown()) throw lost;
        Optional<KeyValue> now;
        try {
            now = client.get(key);
        } catch (StoreUnavailableException unread) {
            lost.addSuppressed(unread);
            throw lost;
        }
        if (now.isEmpty() && sent >= 2) throw lost;
        return now;
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

package org.nlbridge.cluster.etcd;

import java.util.List;
import java.util.Optional;

/**
 * Keys read at one revision: {@link #revision()} is the store's revision the read saw, so a watch from
 * {@code revision() + 1} misses nothing and sees nothing twice.
 *
 * @param count all keys in the range (may exceed {@code kvs().size()} when {@code more} is true)
 * @param more  a limit cut the result short
 */
public record RangeResult(List<KeyValue> kvs, long revision, long count, boolean more) implements TxnResult.OpResult {

    public RangeResult {
        kvs = List.copyOf(kvs);
    }

    /** The first (for a single key: the) key, if any. */
    public Optional<KeyValue> first() {
        return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.getFirst());
    }
}

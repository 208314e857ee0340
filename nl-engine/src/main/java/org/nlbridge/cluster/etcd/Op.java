package org.nlbridge.cluster.etcd;

import java.util.Objects;

/** One operation of a transaction's success or failure branch. */
public sealed interface Op {

    /** Writes {@code value} at {@code key}, attached to {@code lease} (0: no lease). */
    record Put(String key, String value, long lease) implements Op {
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /** Reads {@code key}, or every key under it when {@code prefix}; only the keys when {@code keysOnly}. */
    record Get(String key, boolean prefix, boolean keysOnly) implements Op {
        public Get {
            Objects.requireNonNull(key, "key");
        }
    }

    /** Deletes {@code key}, or every key under it when {@code prefix}. */
    record Delete(String key, boolean prefix) implements Op {
        public Delete {
            Objects.requireNonNull(key, "key");
        }
    }

    static Op put(String key, String value) {
        return new Put(key, value, 0);
    }

    static Op put(String key, String value, long lease) {
        return new Put(key, value, lease);
    }

    static Op get(String key) {
        return new Get(key, false, false);
    }

    static Op getPrefix(String prefix) {
        return new Get(prefix, true, false);
    }

    static Op keysWithPrefix(String prefix) {
        return new Get(prefix, true, true);
    }

    static Op delete(String key) {
        return new Delete(key, false);
    }

    static Op deletePrefix(String prefix) {
        return new Delete(prefix, true);
    }
}

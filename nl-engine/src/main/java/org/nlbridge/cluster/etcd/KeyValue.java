package org.nlbridge.cluster.etcd;

import java.util.Objects;

/**
 * One key as etcd stores it. Keys and values are UTF-8 text here (what nlbridge writes); etcd's bytes that are not
 * UTF-8 decode with replacement characters rather than failing a whole range.
 *
 * @param createRevision the revision that created the key (0 in a compare: "does not exist")
 * @param modRevision    the revision of the last change
 * @param version        changes since creation, 1 for a new key
 * @param lease          the lease the key is attached to, 0 for none
 */
public record KeyValue(String key, String value, long createRevision, long modRevision, long version, long lease) {

    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}

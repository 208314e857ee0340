package org.nlbridge.cluster.etcd;

import java.net.URI;
import java.util.List;

/** What a {@link Watch} tells its listener, in the order it happened. */
public sealed interface WatchEvent {

    /** The watch (re)started on {@code endpoint}, from {@code fromRevision}. */
    record Connected(URI endpoint, long fromRevision) implements WatchEvent {}

    /**
     * Changes of one revision or several, in revision order; after handling them the caller's cursor is
     * {@code revision} (a restarted watch passes {@code revision + 1}).
     */
    record Changes(List<Change> changes, long revision) implements WatchEvent {
        public Changes {
            changes = List.copyOf(changes);
        }
    }

    /**
     * The history the watch needed was compacted (at {@code compactRevision}): changes were missed, so the
     * caller must replace everything it knows under the prefix by {@code snapshot}, read at {@code revision}.
     * The watch continues from {@code revision + 1}.
     */
    record Resync(long compactRevision, List<KeyValue> snapshot, long revision) implements WatchEvent {
        public Resync {
            snapshot = List.copyOf(snapshot);
        }
    }

    /** The stream was lost and no member could take it over yet; the watch keeps trying. Sent once per outage. */
    record Disconnected(EtcdException cause) implements WatchEvent {}

    /** One key changed: a put ({@code kv} is the new value) or a delete ({@code kv} has only the key). */
    record Change(Type type, KeyValue kv, KeyValue previous) {
        public enum Type { PUT, DELETE }
    }
}

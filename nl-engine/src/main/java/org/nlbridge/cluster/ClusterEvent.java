package org.nlbridge.cluster;

import java.util.Objects;

/**
 * Something the cluster side of an engine noticed on its own, for a daemon's event stream: {@code peer} (a container
 * or host of an overlay network appeared or went elsewhere in the cluster) and {@code cluster} (the store became
 * unreachable or reachable again, this host's lease was lost or renewed, a conflict).
 *
 * @param type   {@code peer} or {@code cluster}
 * @param action e.g. {@code add}, {@code remove}, {@code join}, {@code leave}, {@code disconnected}, {@code connected}
 * @param object what it is about, e.g. {@code web on ov} or a network name
 * @param detail one line
 */
public record ClusterEvent(String type, String action, String object, String detail) {

    public ClusterEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(detail, "detail");
    }
}

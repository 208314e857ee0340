package org.nlbridge.cluster.etcd;

/**
 * Receives a watch's events, one at a time, on the watch's thread. A listener that throws ends the watch (see
 * {@link Watch#failure()}).
 */
@FunctionalInterface
public interface WatchListener {
    void onEvent(WatchEvent event);
}

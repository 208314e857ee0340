package org.nlbridge.cluster.etcd;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.etcd.EtcdCluster;

/** Shared bits of the etcd tests: skipping without etcd, clients in the cluster's client namespace, an event queue. */
final class Etcd {
    private Etcd() {}

    static void assumeInstalled() {
        Assumptions.assumeTrue(Host.has("etcd") && Host.has("etcdctl"),
                "needs etcd-server and etcd-client (apt-get install etcd-server etcd-client)");
    }

    static EtcdClient client(EtcdCluster c) {
        return client(c, Duration.ofSeconds(5));
    }

    static EtcdClient client(EtcdCluster c, Duration timeout) {
        return EtcdClient.open(EtcdConfig.plain(c.hostPorts().split(",")).withTimeout(timeout), c.clientThreads());
    }

    /** A watch listener that queues events for the test thread. */
    static final class Events implements WatchListener {
        final BlockingQueue<WatchEvent> queue = new LinkedBlockingQueue<>();

        @Override
        public void onEvent(WatchEvent e) {
            queue.add(e);
        }

        /** The next event of the given type, skipping none: any other type first is a failure. */
        <T extends WatchEvent> T next(Class<T> type) throws InterruptedException {
            WatchEvent e = queue.poll(30, TimeUnit.SECONDS);
            if (e == null) throw new AssertionError("no " + type.getSimpleName() + " event within 30s");
            if (!type.isInstance(e)) throw new AssertionError("expected " + type.getSimpleName() + ", got " + e);
            return type.cast(e);
        }

        /** Changes until {@code count} single changes have arrived (connection events in between are skipped). */
        List<WatchEvent.Change> changes(int count) throws InterruptedException {
            List<WatchEvent.Change> out = new java.util.ArrayList<>();
            while (out.size() < count) {
                WatchEvent e = queue.poll(30, TimeUnit.SECONDS);
                if (e == null) throw new AssertionError("only " + out.size() + " of " + count + " changes within 30s: " + out);
                if (e instanceof WatchEvent.Changes ch) out.addAll(ch.changes());
                if (e instanceof WatchEvent.Resync r) throw new AssertionError("unexpected resync " + r);
            }
            return out;
        }
    }
}

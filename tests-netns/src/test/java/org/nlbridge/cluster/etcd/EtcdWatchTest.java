package org.nlbridge.cluster.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.etcd.EtcdCluster;

/** Watches against a real etcd: every change from a revision, in order; compaction turns into a resync. */
@ExtendWith(SandboxExtension.class)
class EtcdWatchTest {

    @BeforeEach
    void etcd() {
        Etcd.assumeInstalled();
    }

    @Test
    void aWatchFromARevisionSeesEveryChangeInOrder(Sandbox sb) throws Exception {
        try (EtcdCluster c = EtcdCluster.start(sb, 1); EtcdClient client = Etcd.client(c)) {
            client.put("/w/before", "not seen");
            long start = client.put("/other", "x") + 1;
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                client.put("/w/k" + (i % 7), "v" + i);
                expected.add("PUT /w/k" + (i % 7) + "=v" + i);
                if (i % 5 == 4) {
                    client.delete("/w/k" + (i % 7));
                    expected.add("DELETE /w/k" + (i % 7) + "=");
                }
                client.put("/wx/not-under-the-prefix", "x");
            }
            Etcd.Events ev = new Etcd.Events();
            try (Watch w = client.watch("/w/", start, ev)) {
                assertEquals(start, ev.next(WatchEvent.Connected.class).fromRevision());
                List<WatchEvent.Change> got = ev.changes(expected.size());
                assertEquals(expected, got.stream().map(ch -> ch.type() + " " + ch.kv().key() + "=" + ch.kv().value()).toList());
                for (int i = 1; i < got.size(); i++) assertTrue(got.get(i).kv().modRevision() > got.get(i - 1).kv().modRevision());
                WatchEvent.Change del = got.stream().filter(ch -> ch.type() == WatchEvent.Change.Type.DELETE).findFirst().orElseThrow();
                assertEquals("v4", del.previous().value(), "a delete carries the value it removed");
                // live changes keep coming, and the cursor follows them
                long rev = client.put("/w/live", "1");
                WatchEvent.Change live = ev.changes(1).getFirst();
                assertEquals("/w/live", live.kv().key());
                waitFor(() -> w.nextRevision() == rev + 1);
            }
        }
    }

    @Test
    void compactedHistoryIsAResyncWithTheCurrentState(Sandbox sb) throws Exception {
        try (EtcdCluster c = EtcdCluster.start(sb, 1); EtcdClient client = Etcd.client(c)) {
            long cursor = client.put("/r/a", "1");
            client.put("/r/b", "2");
            client.delete("/r/a");
            long now = client.put("/r/c", "3");
            assertEquals(0, c.etcdctl("compact", Long.toString(now)).exit());
            Etcd.Events ev = new Etcd.Events();
            try (Watch w = client.watch("/r/", cursor + 1, ev)) {
                ev.next(WatchEvent.Connected.class);
                WatchEvent.Resync r = ev.next(WatchEvent.Resync.class);
                assertEquals(now, r.compactRevision());
                assertEquals(List.of("/r/b=2", "/r/c=3"), r.snapshot().stream().map(kv -> kv.key() + "=" + kv.value()).toList());
                assertEquals(now, r.revision());
                assertEquals(now + 1, ev.next(WatchEvent.Connected.class).fromRevision());
                client.put("/r/d", "4");
                assertEquals("/r/d", ev.changes(1).getFirst().kv().key());
                assertNull(ev.queue.poll());
                assertFalse(w.isClosed(), "a resync does not end the watch");
            }
        }
    }

    /** The call timeout bounds opening a watch, not how long it may stay quiet. */
    @Test
    void aQuietWatchOutlivesTheCallTimeout(Sandbox sb) throws Exception {
        try (EtcdCluster c = EtcdCluster.start(sb, 1); EtcdClient client = Etcd.client(c, java.time.Duration.ofSeconds(1))) {
            Etcd.Events ev = new Etcd.Events();
            try (Watch w = client.watch("/q/", client.revision() + 1, ev)) {
                ev.next(WatchEvent.Connected.class);
                Thread.sleep(3_500);
                client.put("/q/late", "1");
                // the very next event is the change: no Disconnected/Connected in between
                assertEquals("/q/late", ev.next(WatchEvent.Changes.class).changes().getFirst().kv().key());
                assertFalse(w.isClosed());
            }
        }
    }

    @Test
    void aListenerThatThrowsEndsTheWatch(Sandbox sb) throws Exception {
        try (EtcdCluster c = EtcdCluster.start(sb, 1); EtcdClient client = Etcd.client(c)) {
            long start = client.revision() + 1;
            Watch w = client.watch("/t/", start, e -> {
                if (e instanceof WatchEvent.Changes) throw new IllegalStateException("listener bug");
            });
            client.put("/t/x", "1");
            assertTrue(w.await(java.time.Duration.ofSeconds(30)));
            assertTrue(w.isClosed());
            assertEquals("listener bug", w.failure().orElseThrow().getMessage());
        }
    }

    static void waitFor(java.util.function.BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 30s");
            Thread.sleep(20);
        }
    }
}

package org.nlbridge.cluster.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.etcd.EtcdCluster;

/** The client's key, transaction and compare-and-swap calls against a real one-member etcd, checked with etcdctl. */
@ExtendWith(SandboxExtension.class)
class EtcdClientTest {

    @BeforeEach
    void etcd() {
        Etcd.assumeInstalled();
    }

    @Test
    void putGetRangeAndDeleteAgreeWithEtcdctl(Sandbox sb) {
        try (EtcdCluster c = EtcdCluster.start(sb, 1); EtcdClient client = Etcd.client(c)) {
            long r1 = client.put("/t/a", "1");
            long r2 = client.put("/t/b", "zwei ü");
            assertEquals(r1 + 1, r2);
            assertEquals("zwei ü\n", c.etcdctl("get", "--print-value-only", "/t/b").out());
            c.etcdctl("put", "/t/c", "from-etcdctl");
            KeyValue kv = client.get("/t/c").orElseThrow();
            assertEquals("from-etcdctl", kv.value());
            assertEquals(kv.createRevision(), kv.modRevision());
            assertEquals(1, kv.version());
            assertEquals(Optional.empty(), client.get("/t/none"));
            client.put("/tx", "not under /t/");
            RangeResult all = client.getPrefix("/t/");
            assertEquals(List.of("/t/a", "/t/b", "/t/c"), all.kvs().stream().map(KeyValue::key).toList());
            assertEquals(client.revision(), all.revision());
            assertEquals(1, client.delete("/t/a"));
            assertEquals(0, client.delete("/t/a"));
            assertEquals(2, client.deletePrefix("/t/"));
            assertEquals("", c.etcdctl("get", "--prefix", "/t/").out());
            assertEquals("not under /t/", client.get("/tx").orElseThrow().value());
        }
    }

    @Test
    void aPrefixOfMoreThanOnePageIsOneSnapshot(Sandbox sb) {
        try (EtcdCluster c = EtcdCluster.start(sb, 1); EtcdClient client = Etcd.client(c)) {
            int n = EtcdClient.PAGE * 2 + 345;
            for (int i = 0; i < n; i += 100) {
                List<Op> puts = new ArrayList<>();
                for (int j = i; j < Math.min(n, i + 100); j++) puts.add(Op.put(String.format("/p/%05d", j), "v" + j));
                assertTrue(client.txn(List.of(), puts, List.of()).succeeded());
            }
            long rev = client.revision();
            client.put("/p/zzz-later", "after the snapshot");
            RangeResult r = client.getPrefix("/p/", rev, false);
            assertEquals(n, r.kvs().size());
            assertEquals(rev, r.revision());
            for (int i = 0; i < n; i++) assertEquals("v" + i, r.kvs().get(i).value());
            assertEquals(n + 1, client.getPrefix("/p/", 0, true).kvs().size());
            assertEquals("", client.getPrefix("/p/", 0, true).kvs().getFirst().value());
        }
    }

    @Test
    void transactionsCompareEveryTarget(Sandbox sb) {
        try (EtcdCluster c = EtcdCluster.start(sb, 1); EtcdClient client = Etcd.client(c)) {
            long created = client.put("/k", "v1");
            TxnResult r = client.txn().when(Compare.absent("/k")).then(Op.put("/k", "x")).orElse(Op.get("/k")).commit();
            assertFalse(r.succeeded());
            assertEquals("v1", r.range(0).first().orElseThrow().value());
            assertTrue(client.txn().when(Compare.present("/k"), Compare.valueIs("/k", "v1"), Compare.unchangedSince("/k", created),
                    Compare.version("/k", Compare.Result.EQUAL, 1), Compare.lease("/k", Compare.Result.EQUAL, 0))
                    .then(Op.put("/k", "v2"), Op.put("/k2", "w"), Op.get("/k")).commit().succeeded());
            assertEquals("v2\n", c.etcdctl("get", "--print-value-only", "/k").out());
            TxnResult stale = client.txn().when(Compare.unchangedSince("/k", created)).then(Op.delete("/k")).commit();
            assertFalse(stale.succeeded());
            CompareFailedException e = assertThrows(CompareFailedException.class, () -> stale.orThrow("delete /k"));
            assertEquals(stale.revision(), e.result().revision());
            TxnResult del = client.txn().when(Compare.modRevision("/k", Compare.Result.GREATER, created))
                    .then(Op.delete("/k"), Op.deletePrefix("/k2")).commit();
            assertTrue(del.succeeded());
            assertEquals(new TxnResult.DeleteResult(1), del.results().get(0));
            assertEquals("", c.etcdctl("get", "--prefix", "/k").out());
            EtcdServerException bad = assertThrows(EtcdServerException.class,
                    () -> client.txn().then(Op.put("/d", "1"), Op.put("/d", "2")).commit());
            assertTrue(bad.getMessage().contains("duplicate key"), bad.getMessage());
        }
    }

    /** Many clients increment one counter with read + compare-and-swap: no increment is lost. */
    @Test
    void compareAndSwapRacesLoseNothing(Sandbox sb) throws Exception {
        int clients = 4;
        int each = 25;
        try (EtcdCluster c = EtcdCluster.start(sb, 1)) {
            List<EtcdClient> cs = new ArrayList<>();
            for (int i = 0; i < clients; i++) cs.add(Etcd.client(c));
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            AtomicInteger conflicts = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> fs = new ArrayList<>();
            cs.getFirst().put("/counter", "0");
            for (EtcdClient client : cs) {
                fs.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        while (true) {
                            KeyValue kv = client.get("/counter").orElseThrow();
                            String next = Integer.toString(Integer.parseInt(kv.value()) + 1);
                            if (client.txn().when(Compare.unchangedSince("/counter", kv.modRevision()))
                                    .then(Op.put("/counter", next)).commit().succeeded()) break;
                            conflicts.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : fs) f.get();
            pool.shutdown();
            assertEquals(Integer.toString(clients * each) + "\n", c.etcdctl("get", "--print-value-only", "/counter").out());
            // the same key claimed by every client at once: exactly one wins
            CountDownLatch go2 = new CountDownLatch(1);
            List<Future<Boolean>> wins = new ArrayList<>();
            ExecutorService pool2 = Executors.newFixedThreadPool(clients);
            for (int i = 0; i < clients; i++) {
                EtcdClient client = cs.get(i);
                String me = "client-" + i;
                wins.add(pool2.submit(() -> {
                    go2.await();
                    return client.txn().when(Compare.absent("/claim")).then(Op.put("/claim", me)).commit().succeeded();
                }));
            }
            go2.countDown();
            int won = 0;
            for (Future<Boolean> w : wins) won += w.get() ? 1 : 0;
            pool2.shutdown();
            assertEquals(1, won);
            for (EtcdClient client : cs) client.close();
        }
    }

    @Test
    void compactedHistoryIsATypedError(Sandbox sb) {
        try (EtcdCluster c = EtcdCluster.start(sb, 1); EtcdClient client = Etcd.client(c)) {
            long old = client.put("/h", "1");
            client.put("/h", "2");
            long now = client.put("/h", "3");
            assertEquals("1", client.getPrefix("/h", old, false).kvs().getFirst().value());
            client.compact(now);
            CompactedException e = assertThrows(CompactedException.class, () -> client.getPrefix("/h", old, false));
            assertTrue(e.getMessage().contains("compacted"), e.getMessage());
            assertEquals("3", client.getPrefix("/h", now, false).kvs().getFirst().value());
        }
    }
}

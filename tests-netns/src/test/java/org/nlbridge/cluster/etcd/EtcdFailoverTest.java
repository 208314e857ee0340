package org.nlbridge.cluster.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.etcd.EtcdCerts;
import org.nlbridge.testing.etcd.EtcdCluster;

/**
 * A three-member etcd on three "hosts": a member lost with quorum kept changes nothing for callers (the client
 * fails over, a watch resumes where it was); all members lost is one typed error within the timeout, and
 * everything works again when they return. Also mutual TLS.
 */
@ExtendWith(SandboxExtension.class)
class EtcdFailoverTest {

    @BeforeEach
    void etcd() {
        Etcd.assumeInstalled();
    }

    @Test
    void aMemberKilledWithQuorumKeptChangesNothingForCallers(Sandbox sb) throws Exception {
        try (EtcdCluster c = EtcdCluster.start(sb, 3); EtcdClient client = Etcd.client(c); EtcdClient writer = Etcd.client(c)) {
            long start = client.put("/f/0", "0") + 1;
            Etcd.Events ev = new Etcd.Events();
            try (Watch w = client.watch("/f/", start, ev)) {
                // the first endpoint, m1, serves the watch and every call so far
                assertEquals(EtcdCluster.ip(1), ev.next(WatchEvent.Connected.class).endpoint().getHost());
                writer.put("/f/1", "1");
                assertEquals("/f/1", ev.changes(1).getFirst().kv().key());
                c.kill(1);
                for (int i = 2; i <= 10; i++) writer.put("/f/" + i, Integer.toString(i));
                assertTrue(client.txn().when(Compare.valueIs("/f/10", "10")).then(Op.put("/f/11", "11")).commit().succeeded());
                assertEquals("5", client.get("/f/5").orElseThrow().value());
                assertEquals(12, client.getPrefix("/f/").kvs().size());
                // the watch lost its stream, resumed on another member from where it was: 2..11, nothing twice
                List<String> keys = ev.changes(10).stream().map(ch -> ch.kv().key()).toList();
                assertEquals(List.of("/f/2", "/f/3", "/f/4", "/f/5", "/f/6", "/f/7", "/f/8", "/f/9", "/f/10", "/f/11"), keys);
                assertFalse(ev.queue.stream().anyMatch(e -> e instanceof WatchEvent.Changes), "no change twice");
                c.restart(1);
                assertFalse(w.isClosed(), "the watch outlived its member");
            }
        }
    }

    /**
     * A member cut off from its peers (its raft port dropped by nft in its namespace) but still reachable: it has
     * no leader, so it refuses calls at once and ends the watch stream, which resumes on a member with quorum.
     */
    @Test
    void aMemberCutOffFromItsPeersIsLeftForOneWithALeader(Sandbox sb) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.nlbridge.testing.Host.has("nft"), "needs nft to cut the peer port");
        try (EtcdCluster c = EtcdCluster.start(sb, 3); EtcdClient client = Etcd.client(c); EtcdClient writer = Etcd.client(c)) {
            long start = client.put("/p/0", "0") + 1;
            Etcd.Events ev = new Etcd.Events();
            try (Watch w = client.watch("/p/", start, ev)) {
                assertEquals(EtcdCluster.ip(1), ev.next(WatchEvent.Connected.class).endpoint().getHost());
                org.nlbridge.testing.Cmd.run("table inet cut {\n"
                        + " chain in { type filter hook input priority 0; tcp dport 2380 drop; tcp sport 2380 drop; }\n"
                        + " chain out { type filter hook output priority 0; tcp dport 2380 drop; tcp sport 2380 drop; }\n}\n",
                        "ip", "netns", "exec", sb.name("h1"), "nft", "-f", "-");
                // m1 notices after an election timeout without heartbeats
                EtcdWatchTest.waitFor(() -> {
                    var r = c.etcdctl("--endpoints=" + EtcdCluster.ip(1) + ":2379", "endpoint", "status");
                    return (r.out() + r.err()).contains("no leader");
                });
                for (int i = 1; i <= 5; i++) writer.put("/p/" + i, Integer.toString(i));
                assertEquals("5", client.get("/p/5").orElseThrow().value());
                // the stream on m1 ends once m1 has gone three election timeouts without a leader; the watch resumes
                // on another member from where it was, so every change arrives once
                List<String> keys = ev.changes(5).stream().map(ch -> ch.kv().key()).toList();
                assertEquals(List.of("/p/1", "/p/2", "/p/3", "/p/4", "/p/5"), keys);
                assertFalse(w.isClosed());
            }
        }
    }

    @Test
    void allMembersGoneIsOneTypedErrorWithinTheTimeoutThenEverythingRecovers(Sandbox sb) throws Exception {
        Duration timeout = Duration.ofSeconds(2);
        try (EtcdCluster c = EtcdCluster.start(sb, 3); EtcdClient client = Etcd.client(c, timeout); EtcdClient other = Etcd.client(c)) {
            long start = client.put("/a/0", "0") + 1;
            Etcd.Events ev = new Etcd.Events();
            try (Watch w = client.watch("/a/", start, ev)) {
                ev.next(WatchEvent.Connected.class);
                for (int i = 1; i <= 3; i++) c.kill(i);
                WatchEvent.Disconnected d = ev.next(WatchEvent.Disconnected.class);
                assertTrue(d.cause() instanceof StoreUnavailableException, d.toString());
                for (Runnable call : List.<Runnable>of(() -> client.get("/a/0"), () -> client.put("/a/x", "x"),
                        () -> client.txn().when(Compare.absent("/a/y")).then(Op.put("/a/y", "y")).commit(),
                        () -> client.grant(Duration.ofSeconds(5)))) {
                    long t0 = System.nanoTime();
                    StoreUnavailableException e = assertThrows(StoreUnavailableException.class, call::run);
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(ms < timeout.toMillis() + 1500, "took " + ms + " ms");
                    assertTrue(e.getMessage().startsWith("the cluster store is unreachable"), e.getMessage());
                    assertEquals(3, e.attempts().size(), e.attempts().toString());
                    assertFalse(e.outcomeUnknown(), "nothing was sent to a member that was down");
                }
                c.restart(1, 2, 3);
                other.put("/a/1", "back");
                assertEquals("back", client.get("/a/1").orElseThrow().value());
                // the watch came back by itself, from where it was
                WatchEvent.Connected again = ev.next(WatchEvent.Connected.class);
                assertEquals(start, again.fromRevision());
                assertEquals("/a/1", ev.changes(1).getFirst().kv().key());
                assertFalse(w.isClosed(), "the watch outlived the whole cluster");
            }
        }
    }

    /** A live watch whose member is gone while the history it needs is compacted: it comes back with a resync. */
    @Test
    void historyCompactedWhileDisconnectedIsAResync(Sandbox sb) throws Exception {
        try (EtcdCluster c = EtcdCluster.start(sb, 3);
             EtcdClient onlyM1 = EtcdClient.open(EtcdConfig.plain(EtcdCluster.ip(1) + ":2379"), c.clientThreads());
             EtcdClient others = EtcdClient.open(EtcdConfig.plain(EtcdCluster.ip(2) + ":2379", EtcdCluster.ip(3) + ":2379"),
                     c.clientThreads())) {
            long start = others.put("/z/0", "0") + 1;
            Etcd.Events ev = new Etcd.Events();
            try (Watch w = onlyM1.watch("/z/", start, ev)) {
                ev.next(WatchEvent.Connected.class);
                others.put("/z/1", "1");
                WatchEvent.Change seen = ev.changes(1).getFirst();
                assertEquals("/z/1", seen.kv().key());
                c.kill(1);
                ev.next(WatchEvent.Disconnected.class);
                others.delete("/z/0");
                others.put("/z/2", "2");
                long now = others.put("/z/3", "3");
                others.compact(now);
                c.restart(1);
                WatchEvent.Connected back = ev.next(WatchEvent.Connected.class);
                assertEquals(seen.kv().modRevision() + 1, back.fromRevision(), "resumed after the last change delivered");
                WatchEvent.Resync r = ev.next(WatchEvent.Resync.class);
                assertEquals(now, r.compactRevision());
                assertEquals(List.of("/z/1", "/z/2", "/z/3"), r.snapshot().stream().map(KeyValue::key).toList());
                assertEquals(now + 1, ev.next(WatchEvent.Connected.class).fromRevision());
                others.put("/z/4", "4");
                assertEquals("/z/4", ev.changes(1).getFirst().kv().key());
                assertEquals(w.failure(), java.util.Optional.empty());
            }
        }
    }

    @Test
    void mutualTlsWithPemFilesAsDockerTakesThem(Sandbox sb) {
        try (EtcdCerts certs = EtcdCerts.generate(); EtcdCluster c = EtcdCluster.start(sb, 1, certs)) {
            EtcdConfig ok = EtcdConfig.parse(c.storeUrl(), Map.of("cacert", certs.ca().toString(), "cert", certs.client().toString(),
                    "key", certs.clientKey().toString()));
            assertEquals("https", ok.endpoints().getFirst().getScheme());
            try (EtcdClient client = EtcdClient.open(ok, c.clientThreads())) {
                client.put("/tls", "yes");
                assertEquals("yes", client.get("/tls").orElseThrow().value());
            }
            assertEquals("yes\n", c.etcdctl("get", "--print-value-only", "/tls").out());
            EtcdConfig stranger = EtcdConfig.parse(c.storeUrl(), Map.of("cacert", certs.ca().toString(), "cert",
                    certs.stranger().toString(), "key", certs.strangerKey().toString(), "timeout", "3s"));
            try (EtcdClient client = EtcdClient.open(stranger, c.clientThreads())) {
                StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> client.get("/tls"));
                assertTrue(e.getMessage().contains("SSL") || e.getMessage().contains("certificate"), e.getMessage());
            }
            EtcdConfig plain = EtcdConfig.parse(c.storeUrl(), Map.of("timeout", "1s"));
            try (EtcdClient client = EtcdClient.open(plain, c.clientThreads())) {
                assertThrows(EtcdException.class, () -> client.get("/tls"));
            }
        }
    }
}

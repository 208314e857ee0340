package org.nlbridge.cluster.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.etcd.EtcdCluster;

/** Leases against a real etcd: keep-alive keeps keys, expiry and revocation remove them, loss is signalled. */
@ExtendWith(SandboxExtension.class)
class EtcdLeaseTest {

    @BeforeEach
    void etcd() {
        Etcd.assumeInstalled();
    }

    @Test
    void keepAliveKeepsKeysAndExpiryRemovesThem(Sandbox sb) throws Exception {
        try (EtcdCluster c = EtcdCluster.start(sb, 1); EtcdClient client = Etcd.client(c)) {
            // 5 s: a keep-alive every ~1.7 s, which a loaded machine does not miss for a whole time to live
            Lease kept = client.grant(Duration.ofSeconds(5));
            Lease dropped = client.grant(Duration.ofSeconds(5));
            client.put("/lease/kept", "k", kept.id());
            client.put("/lease/dropped", "d", dropped.id());
            assertEquals(kept.id(), client.get("/lease/kept").orElseThrow().lease());
            dropped.stopKeepAlive();
            // the dropped lease expires (etcd checks every 500 ms, later on a loaded machine): by then at least the
            // time to live has passed, so only keep-alives can have kept the first key
            long end = System.nanoTime() + 60_000_000_000L;
            while (client.get("/lease/dropped").isPresent() && System.nanoTime() < end) Thread.sleep(100);
            assertFalse(client.get("/lease/dropped").isPresent(), "an expired lease's key is still there after a minute");
            assertTrue(client.get("/lease/kept").isPresent(), "a kept-alive lease lost its key");
            assertEquals(-1, client.timeToLive(dropped.id()));
            assertTrue(client.timeToLive(kept.id()) > 0);
            assertTrue(kept.alive());
            assertFalse(dropped.lost().isDone(), "a lease we stopped ourselves is not reported lost");
            assertEquals("", c.etcdctl("get", "/lease/dropped").out());
            kept.revoke();
            assertFalse(client.get("/lease/kept").isPresent(), "revoke deletes the key at once");
            client.revoke(kept.id()); // already gone: fine
        }
    }

    @Test
    void aLeaseRevokedBehindOurBackIsReportedLost(Sandbox sb) throws Exception {
        try (EtcdCluster c = EtcdCluster.start(sb, 1); EtcdClient client = Etcd.client(c)) {
            Lease l = client.grant(Duration.ofSeconds(3));
            client.put("/lease/x", "x", l.id());
            assertEquals(0, c.etcdctl("lease", "revoke", Long.toHexString(l.id())).exit());
            LeaseLostException e = l.lost().get(60, TimeUnit.SECONDS);
            assertEquals(l.id(), e.leaseId());
            assertTrue(e.getMessage().contains("expired or revoked"), e.getMessage());
            assertFalse(l.alive());
            assertThrows(LeaseLostException.class, () -> client.keepAlive(l.id()));
            EtcdServerException put = assertThrows(EtcdServerException.class, () -> client.put("/lease/y", "y", l.id()));
            assertEquals(EtcdServerException.NOT_FOUND, put.code());
        }
    }

    /** A restarted daemon takes over its host lease by ID: the keys stay. */
    @Test
    void anotherClientAdoptsALease(Sandbox sb) throws Exception {
        try (EtcdCluster c = EtcdCluster.start(sb, 1); EtcdClient first = Etcd.client(c); EtcdClient second = Etcd.client(c)) {
            Lease l = first.grant(Duration.ofSeconds(5)); // keep-alives every ~1.7 s, whatever the machine's load
            first.put("/lease/host", "h1", l.id());
            first.close(); // the "daemon" stops: keep-alives stop, the lease is left
            Lease adopted = second.keepAlive(l.id());
            Thread.sleep(7_000); // longer than the time to live: only the adopter's keep-alives can have kept the key
            assertTrue(second.get("/lease/host").isPresent());
            assertTrue(adopted.alive());
            adopted.close();
            assertFalse(second.get("/lease/host").isPresent());
        }
    }

    /** With the store gone for longer than the time to live, the lease is reported lost, not silently kept. */
    @Test
    void noKeepAliveReachingTheStoreWithinTheTtlIsALoss(Sandbox sb) throws Exception {
        try (EtcdCluster c = EtcdCluster.start(sb, 1); EtcdClient client = Etcd.client(c, Duration.ofSeconds(1))) {
            Lease l = client.grant(Duration.ofSeconds(2));
            c.kill(1);
            LeaseLostException e = l.lost().get(60, TimeUnit.SECONDS);
            assertTrue(e.getMessage().contains("no keep-alive reached the store"), e.getMessage());
            assertTrue(e.getCause() instanceof StoreUnavailableException, String.valueOf(e.getCause()));
        }
    }
}

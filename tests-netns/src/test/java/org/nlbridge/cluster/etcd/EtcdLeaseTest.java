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
            Lease kept = client.grant(Duration.ofSeconds(2));
            Lease dropped = client.grant(Duration.ofSeconds(2));
            client.put("/lease/kept", "k", kept.id());
            client.put("/lease/dropped", "d", dropped.id());
            assertEquals(kept.id(), client.get("/lease/kept").orElseThrow().lease());
            dropped.stopKeepAlive();
            // three times the time to live: only keep-alives can have kept the first key
            Thread.sleep(6_000);
            assertTrue(client.get("/lease/kept").isPresent(), "a kept-alive lease lost its key");
            assertFalse(client.get("/lease/dropped").isPresent(), "an expired lease's key is still there");
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
            LeaseLostException e = l.lost().get(10, TimeUnit.SECONDS);
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
            Lease l = first.grant(Duration.ofSeconds(2));
            first.put("/lease/host", "h1", l.id());
            first.close(); // the "daemon" stops: keep-alives stop, the lease is left
            Lease adopted = second.keepAlive(l.id());
            Thread.sleep(5_000);
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
            LeaseLostException e = l.lost().get(15, TimeUnit.SECONDS);
            assertTrue(e.getMessage().contains("no keep-alive reached the store"), e.getMessage());
            assertTrue(e.getCause() instanceof StoreUnavailableException, String.valueOf(e.getCause()));
        }
    }
}

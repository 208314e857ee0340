package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nlbridge.client.DaemonAddress;
import org.nlbridge.client.HttpClient;
import org.nlbridge.cluster.ClusterEvent;
import org.nlbridge.testing.MemoryEngine;

/**
 * Repairs that fail while the cluster store is away back off (up to 30 s); when the store answers again the daemon
 * converges at once, not after the backoff it had reached.
 */
class ClusterRecoveryTest {

    private Path dir;
    private Daemon daemon;
    private MemoryEngine engine;
    private DaemonAddress addr;

    @BeforeEach
    void start() throws IOException {
        dir = Files.createTempDirectory("nlbridge-recovery-");
        engine = new MemoryEngine();
        daemon = Daemon.withoutMonitor(engine);
        addr = DaemonAddress.parse("-H", "unix://" + dir.resolve("d.sock"));
        daemon.listen(addr, null, null);
    }

    @AfterEach
    void stop() throws IOException {
        daemon.close();
        Raw.deleteTree(dir);
    }

    @Test
    void theStoreBackEndsTheBackoffOfFailedRepairs() throws Exception {
        ClusterEvents events = new ClusterEvents();
        events.deliverTo(daemon);
        try (HttpClient c = HttpClient.connect(addr, null)) {
            byte[] net = "{\"name\":\"ov\",\"bridge\":\"ov0\",\"bip\":\"10.9.0.1/24\"}".getBytes(StandardCharsets.UTF_8);
            assertEquals(201, c.send("POST", "/v1/networks", "application/json", net).status());
            // the store is away: six repairs fail in a row, then the retry they scheduled (after 0.5 s) fails too:
            // the next attempt is 30 s away
            engine.failure = new IllegalStateException("the cluster store is unreachable");
            int first = engine.reconciles;
            for (int i = 0; i < 6; i++) {
                HttpClient.Response r = c.send("POST", "/v1/reconcile", null, null);
                assertEquals(500, r.status(), r.text());
            }
            long w = System.nanoTime();
            while (engine.reconciles < first + 7 && System.nanoTime() - w < 10_000_000_000L) Thread.sleep(20);
            assertTrue(engine.reconciles >= first + 7, "the retry after the first backoff ran");
        }
        engine.failure = null;
        int before = engine.reconciles;
        events.accept(new ClusterEvent("cluster", "connected", "host h1", "cluster store reachable"));
        long t0 = System.nanoTime();
        while (engine.reconciles == before && System.nanoTime() - t0 < 8_000_000_000L) Thread.sleep(20);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(engine.reconciles > before, "no repair within 8 s of the store's return (the backoff was 30 s)");
        assertTrue(ms < 8_000, ms + " ms");
    }
}

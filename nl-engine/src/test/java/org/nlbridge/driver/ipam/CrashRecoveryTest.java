package org.nlbridge.driver.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.state.Samples.network;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Phase;
import org.nlbridge.state.StateStore;

/**
 * kill -9 of an engine (bad-inputs-faults-security 2a): once after journalling an attach, once in the middle
 * of a write transaction that holds the lock. The uncommitted allocation must vanish with the process, the
 * lock must not outlive it, and the journalled endpoint must be found by reconcile and its address freed.
 */
class CrashRecoveryTest {

    @TempDir
    Path dir;

    @Test
    void aKilledEngineLeavesOnlyAJournalledEndpointThatReconcileReclaims() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            new Ipam(store).createNetwork(network("net", "br-net", "10.77.0.0/24", "10.77.0.1", null));
        }
        Path err = dir.resolve("engine.err");
        Process engine = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                CrashingEngineMain.class.getName(), dir.toString(), "net")
                .redirectError(err.toFile())
                .start();
        try {
            BufferedReader out = engine.inputReader(StandardCharsets.UTF_8);
            assertEquals("holding", out.readLine(), () -> "engine failed: " + read(err));
        } finally {
            engine.destroyForcibly(); // SIGKILL, inside the open write transaction
            assertTrue(engine.waitFor(10, TimeUnit.SECONDS));
        }

        try (StateStore store = StateStore.open(dir)) {
            Ipam ipam = new Ipam(store);
            // the lock died with the process, and its transaction with it
            assertEquals(List.of("crashed"),
                    store.read(tx -> tx.endpoints().all()).stream().map(Endpoint::container).toList());
            // reconcile: the writer is dead, so the endpoint is ours to tear down
            List<Endpoint> stuck = store.write(tx -> tx.endpoints().claimStuck());
            assertEquals(1, stuck.size());
            Endpoint crashed = stuck.getFirst();
            assertEquals(Phase.DETACHING, crashed.phase());
            assertEquals("10.77.0.2", crashed.ipv4().toString());
            // ... kernel teardown of crashed.hostVeth() etc. would happen here ...
            assertEquals(Optional.of(crashed), ipam.release("crashed", "net"));
            // the address is free again (asked for, as round-robin would only come back to it after a wrap)
            assertEquals("10.77.0.2",
                    ipam.attach(IpamTest.requestIp("next", "net", "10.77.0.2")).ipv4().toString());
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }
}

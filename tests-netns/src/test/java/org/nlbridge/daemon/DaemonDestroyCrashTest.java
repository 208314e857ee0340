package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nlbridge.driver.CrashPoint;
import org.nlbridge.driver.bridge.Leftovers;
import org.nlbridge.driver.bridge.World;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * Issue 16 item 6, at every step of a destroy: the daemon killed in the middle of {@code POST /v1/destroy} (halted
 * at a {@link CrashPoint} of the destroy, as kill -9 would: no finally block, no shutdown hook; the same points
 * {@code AttachCrashTest} gives the CLI's destroy) finishes the destroy when it restarts, instead of re-creating
 * every container (before: 12 of 12 trials re-created all 30), and the next request completes it. Oracles:
 * {@code ip -j link} (our alias-marked veths, the host's links), {@code /run/netns}, {@code nft -j list ruleset},
 * every row of the state store (read with JDBC), the daemon's desired state and status.
 */
@ExtendWith(SandboxExtension.class)
class DaemonDestroyCrashTest {

    private static final int CONTAINERS = 6;

    @TempDir
    Path dir;

    private World world;

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    @ParameterizedTest(name = "killed at {0}")
    @ValueSource(strings = {CrashPoint.DETACHING, CrashPoint.DETACHED, CrashPoint.NETWORK_REMOVING, CrashPoint.FORGETTING})
    void aDestroyCutShortIsFinishedByTheRestartedDaemon(String step, Sandbox sandbox) {
        world = new World(sandbox, dir.resolve("state")); // the daemon's --state is DIR/state too
        List<String> namespaces = new ArrayList<>();
        JsonNode destroyed;
        try (DaemonProcess d = new DaemonProcess(world.host, dir, "-D" + CrashPoint.PROPERTY + "=" + step).start()) {
            d.call("POST", "/v1/networks", Map.of("name", "bridge", "bridge", "nlbd0", "bip", "10.126.0.1/24")).ok();
            for (int i = 0; i < CONTAINERS; i++) {
                String ns = world.ctr("d" + i);
                namespaces.add(ns);
                d.call("POST", "/v1/containers", Map.of("name", "d" + i, "netns", ns, "publish", List.of((22000 + i) + ":80"))).ok();
            }
            assertEquals(CONTAINERS, ConcurrentClientsTest.ourVeths(world.host).size());
            destroyed = d.call("GET", "/v1/desired", null).ok().body();
            try {
                d.call("POST", "/v1/destroy", destroyed);
            } catch (RuntimeException | AssertionError cut) {
                // the daemon died under the request: expected
            }
            assertEquals(137, d.awaitExit(), "the daemon halted at " + step + " of the destroy:\n" + d.log());
            int veths = ConcurrentClientsTest.ourVeths(world.host).size();
            // detaching: the first endpoint is journalled, every veth still there; later: the veths went (one batch)
            assertEquals(step.equals(CrashPoint.DETACHING) ? CONTAINERS : 0, veths, "where the kill left it: " + step);
            assertTrue(!Leftovers.store(world.state).isEmpty(), "the store still has rows to finish: " + step);
        }
        try (DaemonProcess restarted = new DaemonProcess(world.host, dir).start()) {
            JsonNode desired = restarted.call("GET", "/v1/desired", null).ok().body();
            assertEquals(0, desired.path("containers").size(), "the destroy's intent was kept: " + desired);
            assertEquals(0, desired.path("networks").size(), "its network goes too: " + desired);
            JsonNode status = restarted.call("GET", "/v1/status", null).ok().body();
            assertEquals(0, status.path("containers").size(), status.toString());
            assertEquals(0, status.path("networks").size(), status.toString());
            // the next request, the same destroy again, completes it: no container or network is left to remove (on
            // main the last network's empty nft tables may still be there: the daemon's apply of an empty desired
            // state keeps them, as DELETE of the last network does; the docker branch's Firewalls fix removes them)
            JsonNode again = restarted.call("POST", "/v1/destroy", destroyed).ok().body();
            for (JsonNode c : again.path("changes")) {
                assertEquals("firewall", c.path("kind").asText(), "only the unused tables were left to remove: " + again);
            }
            assertEquals(143, restarted.term());
        }
        // nothing of ours: links (only the world's), alias marks, nft tables, store rows, files, namespaces, sysctls
        Leftovers.assertNothingOfOurs(world, Set.of("lo", "eup", "eatk"), namespaces);
    }
}

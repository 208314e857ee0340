package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.driver.CrashPoint;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * Issue 16 item 6: the daemon killed in the middle of {@code POST /v1/destroy} (halted at {@link CrashPoint#DETACHED},
 * as kill -9 would: the veths are gone, no address is released, no record, namespace or rule removed) finishes the destroy when it restarts,
 * instead of re-creating every container (before: 12 of 12 trials re-created all 30). Oracles: {@code ip -j link}
 * (veths with our alias), {@code /run/netns}, {@code nft list ruleset}, the daemon's desired state and status.
 */
@ExtendWith(SandboxExtension.class)
class DaemonDestroyCrashTest {

    private static final int CONTAINERS = 6;

    @TempDir
    Path dir;

    @Test
    void aDestroyCutShortIsFinishedByTheRestartedDaemon(Sandbox sandbox) {
        String host = sandbox.netns("host");
        Net.ip(host, "link set lo up");
        List<String> namespaces = new ArrayList<>();
        try (DaemonProcess d = new DaemonProcess(host, dir, "-D" + CrashPoint.PROPERTY + "=" + CrashPoint.DETACHED).start()) {
            d.call("POST", "/v1/networks", Map.of("name", "bridge", "bridge", "nlbd0", "bip", "10.126.0.1/24")).ok();
            for (int i = 0; i < CONTAINERS; i++) {
                String ns = sandbox.reserve("d" + i);
                namespaces.add(ns);
                d.call("POST", "/v1/containers", Map.of("name", "d" + i, "netns", ns, "publish", List.of((22000 + i) + ":80"))).ok();
            }
            assertEquals(CONTAINERS, ConcurrentClientsTest.ourVeths(host).size());
            JsonNode desired = d.call("GET", "/v1/desired", null).ok().body();
            try {
                d.call("POST", "/v1/destroy", desired);
            } catch (RuntimeException | AssertionError cut) {
                // the daemon died under the request: expected
            }
            assertEquals(137, d.awaitExit(), "the daemon halted in the middle of the destroy:\n" + d.log());
            assertEquals(0, ConcurrentClientsTest.ourVeths(host).size(), "the veths went (one batch); nothing after that");
        }
        try (DaemonProcess restarted = new DaemonProcess(host, dir).start()) {
            JsonNode desired = restarted.call("GET", "/v1/desired", null).ok().body();
            assertEquals(0, desired.path("containers").size(), "the destroy's intent was kept: " + desired);
            assertEquals(0, desired.path("networks").size(), "its network goes too: " + desired);
            JsonNode status = restarted.call("GET", "/v1/status", null).ok().body();
            assertEquals(0, status.path("containers").size(), status.toString());
            assertEquals(List.of(), List.copyOf(ConcurrentClientsTest.ourVeths(host)), "no container was re-created");
            List<String> left = namespaces.stream().filter(ns -> Files.exists(Path.of("/run/netns", ns))).toList();
            assertEquals(List.of(), left, "the namespaces the daemon created are gone");
            String ruleset = Net.nft(host, "nft", "list", "ruleset");
            assertTrue(!ruleset.contains("nlbd0") && !ruleset.contains("10.126."), "no rule of the network left:\n" + ruleset);
            assertEquals(143, restarted.term());
        }
    }
}

package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Inside;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;

/**
 * Issue 14: a real daemon serves {@code GET /v1/status} from what it committed (the containers a request changed
 * re-read after it, the rest kept), with what the kernel says read per request: the published ports' counters and
 * the warnings (IP forwarding turned off behind its back). Oracles: {@code ip -j} for each container's host veth on
 * the bridge, {@code nft} for the ports, real TCP through a published port for its counter, and a restarted
 * daemon, whose first status reads everything from the store: it shows the same.
 */
@ExtendWith(SandboxExtension.class)
class StatusFromMemoryTest {
    private static final String BRIDGE = "nlbm0";

    private static List<String> names(JsonNode status) {
        List<String> out = new ArrayList<>();
        status.path("containers").forEach(c -> out.add(c.path("name").asText()));
        return out;
    }

    /** The status without what changes by itself (the counters): what the store holds. */
    private static JsonNode rows(JsonNode status) {
        ObjectNode copy = status.deepCopy();
        copy.path("ports").forEach(p -> ((ObjectNode) p).remove("packets"));
        return copy;
    }

    private static JsonNode port(JsonNode status, int hostPort) {
        for (JsonNode p : status.path("ports")) if (p.path("hostPort").asInt() == hostPort) return p;
        throw new AssertionError("no port " + hostPort + " in " + status);
    }

    /**
     * A container removed and added again at once (its host veth deleted, then made again under the same name by
     * the daemon's own requests) is no drift: no check of the whole host follows (issue 14: at 1,000 containers one
     * cost a second). The veth deleted by someone else afterwards still is, and is repaired.
     */
    @Test
    void aContainerRemovedAndAddedAgainAtOnceIsNoDrift(Sandbox sandbox) throws IOException {
        Net net = new Net(sandbox);
        String webNs = sandbox.reserve("web");
        Path dir = Files.createTempDirectory("nlbridge-readd-");
        try (DaemonProcess d = new DaemonProcess(net.host, dir).start(); EventLog events = new EventLog(d)) {
            d.call("POST", "/v1/apply", Map.of(
                    "networks", List.of(Map.of("name", "bridge", "bridge", BRIDGE, "bip", "10.125.0.1/16")),
                    "containers", List.of())).ok();
            Map<String, Object> web = Map.of("name", "web", "netns", webNs, "publish", List.of("8080:80"));
            d.call("POST", "/v1/containers", web).ok();
            int mark = events.mark();
            for (int i = 0; i < 5; i++) {
                d.call("DELETE", "/v1/containers/web", null).ok();
                d.call("POST", "/v1/containers", web).ok();
            }
            // a check the deletions had triggered would have run after the debounce (0.1 s), before the next request
            DaemonProcess.sleep(1000);
            String veth = null;
            for (JsonNode c : d.call("GET", "/v1/containers", null).ok().body()) veth = c.path("hostVeth").asText();
            assertTrue(events.all().stream().skip(mark).noneMatch(e -> e.type().equals("drift")), events.since(mark));
            // a deletion by someone else is drift, repaired
            Cmd.run(null, "ip", "-n", net.host, "link", "del", veth);
            var first = events.await(mark, e -> e.type().equals("drift"), 10_000, "the deletion noticed");
            assertEquals("detected", first.action(), events.since(mark));
            assertEquals("link " + veth + " deleted", first.object(), events.since(mark));
            events.await(mark, e -> e.type().equals("drift") && e.action().equals("repaired"), 10_000, "repaired");
            String vethName = veth;
            assertTrue(Tcp.eventually(() -> {
                JsonNode l = Oracle.link(net.host, vethName);
                return l != null && BRIDGE.equals(l.path("master").asText());
            }), "the veth is back on the bridge");
            assertEquals(143, d.term());
        } finally {
            Cmd.exec(null, "rm", "-rf", dir.toString());
        }
    }

    @Test
    void statusShowsWhatWasCommittedAndWhatTheKernelSaysNow(Sandbox sandbox) throws IOException {
        Net net = new Net(sandbox);
        String webNs = sandbox.reserve("web");
        String dbNs = sandbox.reserve("db");
        String appNs = sandbox.reserve("app");
        Path dir = Files.createTempDirectory("nlbridge-status-");
        try {
            JsonNode before;
            try (DaemonProcess d = new DaemonProcess(net.host, dir).start()) {
                d.call("POST", "/v1/apply", Map.of(
                        "networks", List.of(Map.of("name", "bridge", "bridge", BRIDGE, "bip", "10.124.0.1/16")),
                        "containers", List.of(Map.of("name", "web", "netns", webNs, "publish", List.of("8080:80")),
                                Map.of("name", "db", "netns", dbNs, "publish", List.of("8082:80"))))).ok();
                assertEquals(List.of("db", "web"), names(d.call("GET", "/v1/status", null).ok().body()));
                // one container more, one less: each request re-reads its own container only
                d.call("POST", "/v1/containers", Map.of("name", "app", "netns", appNs, "publish", List.of("8081:80"))).ok();
                d.call("DELETE", "/v1/containers/db", null).ok();
                JsonNode st = d.call("GET", "/v1/status", null).ok().body();
                assertEquals(List.of("app", "web"), names(st));
                assertEquals(List.of(8080, 8081), st.path("ports").findValues("hostPort").stream().map(JsonNode::asInt).sorted().toList());
                for (JsonNode c : st.path("containers")) {
                    JsonNode veth = Oracle.link(net.host, c.path("hostVeth").asText());
                    assertNotNull(veth, c + ": its host veth exists");
                    assertEquals(BRIDGE, veth.path("master").asText(), c.toString());
                }
                String ruleset = Net.nft(net.host, "nft", "list", "table", "ip", "nlbridge");
                assertTrue(ruleset.contains("8081") && !ruleset.contains("8082"), ruleset);

                // the counters are the kernel's, read per request: a connection through 8081 counts
                Tcp.start(sandbox, "app", "app", 80, null);
                assertEquals(0, port(st, 8081).path("packets").asLong(), st.toString());
                assertNotNull(Tcp.reach(net.upstream, Net.HOST_UP, 8081, 5000), "upstream -> 8081 -> app");
                JsonNode counted = d.call("GET", "/v1/status", null).ok().body();
                assertTrue(port(counted, 8081).path("packets").asLong() >= 1, counted.toString());

                // drift the store knows nothing of shows at once: IP forwarding turned off
                Inside.run(net.host, "sysctl", "-qw", "net.ipv4.ip_forward=0");
                JsonNode warned = d.call("GET", "/v1/status", null).ok().body();
                assertTrue(warned.path("warnings").toString().contains("net.ipv4.ip_forward is 0"), warned.toString());
                Inside.run(net.host, "sysctl", "-qw", "net.ipv4.ip_forward=1");
                before = d.call("GET", "/v1/status", null).ok().body();
                assertEquals("[]", before.path("warnings").toString());
                assertEquals(143, d.term());
            }
            // a new daemon reads it all from the store: the same rows
            try (DaemonProcess d = new DaemonProcess(net.host, dir).start()) {
                assertEquals(rows(before), rows(d.call("GET", "/v1/status", null).ok().body()));
                assertEquals(143, d.term());
            }
        } finally {
            Cmd.exec(null, "rm", "-rf", dir.toString());
        }
    }
}

package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * kill -9 of the daemon in the middle of a burst of requests, then a restart: every request that was answered is
 * there, the one cut short is either finished or absent, and the kernel, the state and the desired state agree
 * (nothing leaked, no address twice). Then everything is removed through the restarted daemon and nothing is left.
 */
@ExtendWith(SandboxExtension.class)
class KillRestartTest {

    static final int CLIENTS = 4;
    static final int EACH = 15;

    @Test
    void killedInABurstRestartsConsistent(Sandbox sandbox) throws Exception {
        String host = sandbox.netns("host");
        Net.ip(host, "link set lo up");
        Map<String, String> netnsOf = new java.util.concurrent.ConcurrentHashMap<>();
        for (int c = 0; c < CLIENTS; c++) for (int i = 0; i < EACH; i++) netnsOf.put("k" + c + "-" + i, sandbox.reserve("k" + c + "-" + i));
        Path dir = Files.createTempDirectory("nlbridge-kill-");
        try (DaemonProcess d = new DaemonProcess(host, dir).start()) {
            d.call("POST", "/v1/networks", Map.of("name", "bridge", "bridge", "nlbk0", "bip", "10.125.0.1/16")).ok();
            Set<String> acked = Collections.synchronizedSet(new TreeSet<>());
            AtomicInteger answered = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int id = c;
                threads.add(Thread.ofPlatform().start(() -> {
                    try (var http = d.client()) {
                        for (int i = 0; i < EACH; i++) {
                            String name = "k" + id + "-" + i;
                            byte[] body = DaemonProcess.JSON.writeValueAsBytes(Map.of("name", name, "netns", netnsOf.get(name),
                                    "publish", List.of((21000 + id * EACH + i) + ":80")));
                            var r = http.send("POST", "/v1/containers", "application/json", body);
                            if (r.status() == 201) acked.add(name);
                            answered.incrementAndGet();
                        }
                    } catch (Exception killed) {
                        // the daemon died under this client: expected
                    }
                }));
            }
            while (answered.get() < 12) DaemonProcess.sleep(5);
            d.kill9();
            for (Thread t : threads) t.join();
            assertTrue(acked.size() >= 12 && acked.size() < CLIENTS * EACH, "killed mid-burst: " + acked.size() + " answered");

            d.start();
            JsonNode desired = d.call("GET", "/v1/desired", null).ok().body();
            Set<String> wanted = new TreeSet<>();
            desired.path("containers").forEach(c -> wanted.add(c.path("name").asText()));
            assertTrue(wanted.containsAll(acked), "nothing answered is lost: " + acked + " vs " + wanted);
            assertTrue(wanted.size() <= acked.size() + CLIENTS, "at most the requests in flight were added: " + wanted);
            assertTrue(d.call("POST", "/v1/plan", desired).ok().body().path("changes").isEmpty(),
                    "the restarted daemon converged: plan is empty");
            JsonNode st = d.call("GET", "/v1/status", null).ok().body();
            Set<String> running = new TreeSet<>();
            Set<String> ips = new HashSet<>();
            Set<String> veths = new TreeSet<>();
            for (JsonNode c : st.path("containers")) {
                running.add(c.path("name").asText());
                assertTrue(ips.add(c.path("ipv4").asText()), "duplicate address " + c);
                veths.add(c.path("hostVeth").asText());
            }
            assertEquals(wanted, running, "the state holds exactly the desired containers");
            assertEquals(veths, ConcurrentClientsTest.ourVeths(host), "the kernel holds exactly their veths");
            assertEquals(wanted.size(), st.path("ports").size());
            assertEquals(wanted.size(), ConcurrentClientsTest.portElements(host, "10.125"), "one port element per container in the kernel");
            List<String> strays = new ArrayList<>();
            netnsOf.forEach((name, ns) -> {
                if (!wanted.contains(name) && Files.exists(Path.of("/run/netns", ns))) strays.add(ns);
            });
            assertEquals(List.of(), strays, "no namespace of a container that is not wanted");
            System.out.println("killed after " + acked.size() + " answers; " + wanted.size() + " containers after the restart");

            // everything goes through the restarted daemon, and nothing is left
            for (String name : wanted) d.call("DELETE", "/v1/containers/" + name, null).ok();
            d.call("DELETE", "/v1/networks/bridge", null).ok();
            assertEquals(Set.of(), ConcurrentClientsTest.ourVeths(host));
            List<String> left = new ArrayList<>();
            netnsOf.values().forEach(ns -> {
                if (Files.exists(Path.of("/run/netns", ns))) left.add(ns);
            });
            assertEquals(List.of(), left, "no namespace left");
            String ruleset = Net.nft(host, "nft", "list", "ruleset");
            assertTrue(!ruleset.contains("nlbk0") && !ruleset.contains("10.125."), "no rule, chain or element of the network left:\n" + ruleset);
            assertEquals(143, d.term());
        } finally {
            Cmd.exec(null, "rm", "-rf", dir.toString());
        }
    }
}

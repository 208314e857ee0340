package org.nlbridge.testing.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * containerd 1.6 ({@code ctr run --cni}) with nlbridge as its network: the container sees its address and default
 * route (the namespace named {@code /proc/PID/ns/net}), reaches its gateway, and the DEL ctr sends with an empty
 * {@code CNI_NETNS} leaves nothing: no veth, no port, no container in the daemon. Then the daemon is killed -9
 * between an ADD and its DEL, restarted, and the DEL still cleans up.
 */
@ExtendWith(SandboxExtension.class)
class NlbridgeCniContainerdTest {
    static final String BRIDGE = "nlbc1";

    @Test
    void ctrRunsOnNlbridge(Sandbox sandbox) {
        try (ClientHost host = ClientHost.start(sandbox)) {
            Containerd containerd = host.containerd();
            Nlbridge nlb = Nlbridge.start(host);
            Cni.Recorder recorder = Cni.recorder(host);
            var conf = nlb.conflist("pods", "1.0.0", Map.of("bridge", BRIDGE, "bip", "10.88.9.1/24"));
            conf.withArray("plugins").add(recorder.plugin());
            Cni.addNetwork(host, conf);
            String image = containerd.busybox();

            String out = containerd.run("run", "--cni", "--rm", image, "c1", "sh", "-c",
                    "ip -o -4 addr show dev eth0; ip route; ping -c 1 -W 2 10.88.9.1 >/dev/null && echo gateway-ok");
            assertTrue(out.contains("inet 10.88.9.2/24"), out);
            assertTrue(out.contains("default via 10.88.9.1 dev eth0"), out);
            assertTrue(out.contains("gateway-ok"), out);
            JsonNode add = recorder.calls("ADD").getLast();
            assertTrue(add.path("env").path("CNI_NETNS").asText().matches("/proc/\\d+/ns/net"), add.toString());
            assertEquals("", recorder.calls("DEL").getLast().path("env").path("CNI_NETNS").asText());
            // the DEL with an empty CNI_NETNS cleaned up
            assertEquals(Set.of("lo", "eth0", BRIDGE), ClientHostTest.linkNames(host.hostNs()));
            assertEquals(0, nlb.get("/v1/status").path("containers").size());

            // daemon killed -9 while a container runs; restarted; the container's end (ctr's DEL) cleans up
            java.nio.file.Path shared = host.workDir().resolve("c2-shared");
            try {
                java.nio.file.Files.createDirectories(shared);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Cmd.Result[] c2 = new Cmd.Result[1];
            Thread running = Thread.ofPlatform().start(() -> c2[0] = containerd.cli("run", "--cni", "--rm", "--mount",
                    "type=bind,src=" + shared + ",dst=/shared,options=rbind:rw", image, "c2", "sh", "-c",
                    "touch /shared/up; while [ ! -e /shared/go ]; do sleep 0.1; done"));
            long end = System.currentTimeMillis() + 60_000;
            while (!java.nio.file.Files.exists(shared.resolve("up")) && System.currentTimeMillis() < end) sleep(50);
            assertEquals(1, nlb.get("/v1/status").path("containers").size());
            nlb.kill9();
            nlb.restart();
            JsonNode st = nlb.get("/v1/status");
            assertEquals("default-c2", st.path("containers").get(0).path("name").asText(), st.toString());
            try {
                java.nio.file.Files.createFile(shared.resolve("go"));
                running.join(60_000);
            } catch (java.io.IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
            assertEquals(0, c2[0].exit(), c2[0].out() + c2[0].err());
            assertEquals(Set.of("lo", "eth0", BRIDGE), ClientHostTest.linkNames(host.hostNs()));
            assertEquals(0, nlb.get("/v1/status").path("containers").size());
            String nft = Oracle.nft(host.hostNs()).toString();
            assertFalse(nft.contains("10.88.9.2\"") || nft.contains("10.88.9.3\""), "no element of a container left: " + nft);
            assertEquals(List.of(), List.of(containerd.run("containers", "list", "-q").split("\\s+")).stream()
                    .filter(s -> !s.isEmpty()).toList());
            containerd.stop();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

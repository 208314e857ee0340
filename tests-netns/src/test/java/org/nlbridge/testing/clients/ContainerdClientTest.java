package org.nlbridge.testing.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * containerd 1.6 and {@code ctr run --cni} in a client sandbox, on the reference chain: the container gets its
 * address and default route, and the DEL that follows its exit, sent with an empty {@code CNI_NETNS} (the process
 * and its namespace are gone by then), releases the address.
 */
@ExtendWith(SandboxExtension.class)
class ContainerdClientTest {
    static final String NET = "nlbtctr";
    static final String BRIDGE = "cni-nlbt1";

    @Test
    void ctrRunCniAddressRouteAndDelWithEmptyNetns(Sandbox sandbox) {
        try (ClientHost host = ClientHost.start(sandbox)) {
            Containerd containerd = host.containerd();
            Cni.Recorder recorder = Cni.recorder(host);
            Cni.addNetwork(host, Cni.bridgeNetwork(NET, "1.0.0", BRIDGE, "10.88.9.0/24", "10.88.9.1", false, recorder.plugin()));
            String image = containerd.busybox();

            String out = containerd.run("run", "--cni", "--rm", image, "c1", "sh", "-c",
                    "ip -o -4 addr show dev eth0; ip route; ping -c 1 -W 2 10.88.9.1 >/dev/null && echo gateway-ok");
            assertTrue(out.contains("inet 10.88.9.2/24"), out);
            assertTrue(out.contains("default via 10.88.9.1 dev eth0"), out);
            assertTrue(out.contains("gateway-ok"), out);

            JsonNode add = recorder.calls("ADD").getLast();
            assertEquals("default-c1", add.path("env").path("CNI_CONTAINERID").asText());
            assertTrue(add.path("env").path("CNI_NETNS").asText().matches("/proc/\\d+/ns/net"), add.toString());
            JsonNode del = recorder.calls("DEL").getLast();
            assertEquals("default-c1", del.path("env").path("CNI_CONTAINERID").asText());
            assertEquals("", del.path("env").path("CNI_NETNS").asText(), "ctr sends DEL with an empty CNI_NETNS: " + del);
            // the DEL worked: the address is free again, the container's veth went with its namespace
            assertFalse(Files.exists(host.inside("/var/lib/cni/networks/" + NET + "/10.88.9.2")), "address still reserved");
            assertEquals(Set.of("lo", "eth0", BRIDGE), ClientHostTest.linkNames(host.hostNs()));
            assertEquals(List.of(), List.of(containerd.run("containers", "list", "-q").split("\\s+")).stream()
                    .filter(s -> !s.isEmpty()).toList());

            containerd.stop();
        }
    }
}

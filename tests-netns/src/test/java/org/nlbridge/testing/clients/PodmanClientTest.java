package org.nlbridge.testing.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;

/**
 * podman 4.3 with the CNI backend in a client sandbox, on the reference chain {@code bridge} + {@code host-local} +
 * {@code portmap} (what the nlbridge CNI plugin is measured against, issue 11): a fixed address, a published port
 * reached from upstream, outbound masquerade, and stop/start/rm redoing DEL and ADD with nothing left.
 */
@ExtendWith(SandboxExtension.class)
class PodmanClientTest {
    static final String NET = "nlbtnet";
    static final String BRIDGE = "cni-nlbt0";
    static final String IP = "10.88.7.10";

    @Test
    void referenceBridgeChainPublishedPortStopStartRm(Sandbox sandbox) {
        Tcp.assumeAvailable();
        try (ClientHost host = ClientHost.start(sandbox)) {
            Podman podman = host.podman();
            Cni.Recorder recorder = Cni.recorder(host);
            Cni.addNetwork(host, Cni.bridgeNetwork(NET, "1.0.0", BRIDGE, "10.88.7.0/24", "10.88.7.1", true, recorder.plugin()));
            assertTrue(podman.run("network", "ls", "--format", "{{.Name}} {{.Driver}}").contains(NET + " bridge"));
            String image = podman.busybox();

            podman.run("run", "-d", "--name", "web", "--network", NET, "--ip", IP, "-p", "8080:80", image,
                    "httpd", "-f", "-p", "80", "-h", "/www");
            JsonNode eth0 = DockerClientTest.containerLink(host, podman.pid("web"));
            assertEquals(IP, eth0.path("addr_info").get(0).path("local").asText(), eth0.toString());
            assertEquals(IP, podman.run("inspect", "-f", "{{(index .NetworkSettings.Networks \"" + NET + "\").IPAddress}}", "web").strip());
            assertEquals(BusyboxImage.INDEX + "\n", Http.get(host.upstreamNs(), ClientHost.HOST_IP, 8080, "/"));
            assertEquals(ClientHost.UPSTREAM_IP + "\n", Http.get(host.upstreamNs(), ClientHost.HOST_IP, 8080, "/cgi-bin/peer"));
            // what podman sent: --ip as CNI_ARGS IP=, the port as runtimeConfig.portMappings, a netns of its own
            JsonNode add = recorder.calls("ADD").getLast();
            assertTrue(add.path("env").path("CNI_ARGS").asText().contains("IP=" + IP), add.toString());
            assertTrue(add.path("env").path("CNI_NETNS").asText().startsWith("/run/netns/"), add.toString());
            assertEquals(8080, add.path("config").path("runtimeConfig").path("portMappings").get(0).path("hostPort").asInt());

            Tcp.serve(sandbox, ClientHost.UPSTREAM, "up", 7000);
            assertEquals("up from " + ClientHost.HOST_IP,
                    podman.run("run", "--rm", "--network", NET, image, "nc", ClientHost.UPSTREAM_IP, "7000").strip());

            // stop: CNI DEL (address released, veth and port gone); start: ADD again, same address
            podman.run("stop", "-t", "0", "web");
            assertFalse(hasVeth(host), "veth left after stop");
            assertFalse(Files.exists(host.inside("/var/lib/cni/networks/" + NET + "/" + IP)), "address still reserved after stop");
            assertNull(Http.once(host.upstreamNs(), ClientHost.HOST_IP, 8080, "/"));
            podman.run("start", "web");
            assertEquals(BusyboxImage.INDEX + "\n", Http.get(host.upstreamNs(), ClientHost.HOST_IP, 8080, "/"));
            assertTrue(Files.exists(host.inside("/var/lib/cni/networks/" + NET + "/" + IP)));

            // rm -f: nothing of the container left (the bridge stays: the bridge plugin never deletes it)
            podman.run("rm", "-f", "-t", "0", "web");
            assertEquals(Set.of("lo", "eth0", BRIDGE), ClientHostTest.linkNames(host.hostNs()));
            assertFalse(Files.exists(host.inside("/var/lib/cni/networks/" + NET + "/" + IP)));
            assertFalse(Oracle.nft(host.hostNs()).toString().contains("8080"), "no port mapping left");
            assertNull(Http.once(host.upstreamNs(), ClientHost.HOST_IP, 8080, "/"));
            assertEquals(List.of(), List.of(podman.run("ps", "-aq").split("\\s+")).stream().filter(s -> !s.isEmpty()).toList());
        }
    }

    private static boolean hasVeth(ClientHost host) {
        return ClientHostTest.linkNames(host.hostNs()).stream().anyMatch(n -> n.startsWith("veth"));
    }
}

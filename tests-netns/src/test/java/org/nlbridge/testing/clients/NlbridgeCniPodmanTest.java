package org.nlbridge.testing.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;

/**
 * podman 4.3 (CNI backend) with nlbridge as its network: {@code podman run --network pods --ip ... -p 8080:80}, the
 * container reaches its gateway and another container, upstream reaches the published port, and stop/start/rm redo
 * DEL and ADD with nothing left behind (links, nf_tables, the daemon's state).
 */
@ExtendWith(SandboxExtension.class)
class NlbridgeCniPodmanTest {
    static final String NET = "pods";
    static final String BRIDGE = "nlbp0";
    static final String IP = "10.88.8.10";

    @Test
    void podmanRunsOnNlbridge(Sandbox sandbox) {
        Tcp.assumeAvailable();
        try (ClientHost host = ClientHost.start(sandbox)) {
            Podman podman = host.podman();
            Nlbridge nlb = Nlbridge.start(host);
            Cni.addNetwork(host, nlb.conflist(NET, "1.0.0", Map.of("bridge", BRIDGE, "bip", "10.88.8.1/24")));
            assertTrue(podman.run("network", "ls", "--format", "{{.Name}} {{.Driver}}").contains(NET + " nlbridge"));
            String image = podman.busybox();

            podman.run("run", "-d", "--name", "web", "--network", NET, "--ip", IP, "-p", "8080:80", image,
                    "httpd", "-f", "-p", "80", "-h", "/www");
            JsonNode eth0 = DockerClientTest.containerLink(host, podman.pid("web"));
            assertEquals(IP, eth0.path("addr_info").get(0).path("local").asText(), eth0.toString());
            assertEquals(IP, podman.run("inspect", "-f", "{{(index .NetworkSettings.Networks \"" + NET + "\").IPAddress}}", "web").strip());
            // upstream reaches the published port, and the container sees upstream's address
            assertEquals(BusyboxImage.INDEX + "\n", Http.get(host.upstreamNs(), ClientHost.HOST_IP, 8080, "/"));
            assertEquals(ClientHost.UPSTREAM_IP + "\n", Http.get(host.upstreamNs(), ClientHost.HOST_IP, 8080, "/cgi-bin/peer"));
            // the gateway, and another container on the network
            // (podman's containers lack CAP_NET_RAW: ping from the container's namespace instead)
            host.run("nsenter", "-t", podman.pid("web"), "-n", "ping", "-c", "1", "-W", "2", "10.88.8.1");
            assertEquals(BusyboxImage.INDEX, podman.run("run", "--rm", "--network", NET, image, "wget", "-q", "-O", "-",
                    "http://" + IP + "/").strip());
            // outbound, masqueraded behind the host's address
            Tcp.serve(sandbox, ClientHost.UPSTREAM, "up", 7000);
            assertEquals("up from " + ClientHost.HOST_IP,
                    podman.run("run", "--rm", "--network", NET, image, "nc", ClientHost.UPSTREAM_IP, "7000").strip());
            // the daemon knows the container by podman's id and name
            JsonNode st = nlb.get("/v1/status");
            assertEquals(1, st.path("containers").size(), st.toString());
            assertEquals(podman.run("inspect", "-f", "{{.Id}}", "web").strip(), st.path("containers").get(0).path("name").asText());

            // stop: DEL; start: ADD again with the same address
            podman.run("stop", "-t", "0", "web");
            assertEquals(Set.of("lo", "eth0", BRIDGE), ClientHostTest.linkNames(host.hostNs()));
            assertFalse(Oracle.nft(host.hostNs()).toString().contains("8080"), "no port mapping left after stop");
            assertEquals(0, nlb.get("/v1/status").path("containers").size());
            podman.run("start", "web");
            assertEquals(BusyboxImage.INDEX + "\n", Http.get(host.upstreamNs(), ClientHost.HOST_IP, 8080, "/"));
            assertEquals(IP, DockerClientTest.containerLink(host, podman.pid("web")).path("addr_info").get(0).path("local").asText());

            podman.run("rm", "-f", "-t", "0", "web");
            assertEquals(Set.of("lo", "eth0", BRIDGE), ClientHostTest.linkNames(host.hostNs()));
            assertFalse(Oracle.nft(host.hostNs()).toString().contains("8080"), "no port mapping left");
            assertNull(Http.once(host.upstreamNs(), ClientHost.HOST_IP, 8080, "/"));
            assertEquals(0, nlb.get("/v1/status").path("containers").size());
            assertEquals(List.of(), List.of(podman.run("ps", "-aq").split("\\s+")).stream().filter(s -> !s.isEmpty()).toList());
        }
    }
}

package org.nlbridge.dockerplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.clients.ClientHost;
import org.nlbridge.testing.clients.Docker;

/** {@code docker network create -d nlbridge} and {@code docker network rm} on the real dockerd 20.10. */
@ExtendWith(SandboxExtension.class)
class DockerNetworkTest {

    @Test
    void createWithDockersOptionsAndRemove(Sandbox sandbox) {
        try (ClientHost host = ClientHost.start(sandbox); PluginDaemon nlb = PluginDaemon.start(host)) {
            Docker docker = host.docker();
            docker.run("network", "create", "-d", "nlbridge", "--subnet", "192.0.2.0/24", "--gateway", "192.0.2.1",
                    "-o", "com.docker.network.bridge.name=br-nlb", "-o", "com.docker.network.driver.mtu=1400", "nlb1");
            JsonNode br = Oracle.link(host.hostNs(), "br-nlb");
            assertEquals(1400, br.path("mtu").asInt(), br.toString());
            assertEquals(List.of("192.0.2.1/24"), Oracle.addresses(host.hostNs(), "br-nlb"));
            JsonNode desired = nlb.get("/v1/desired");
            assertEquals("br-nlb", desired.path("networks").get(0).path("bridge").asText(), desired.toString());

            Cmd.Result bad = docker.cli("network", "create", "-d", "nlbridge", "-o", "com.docker.network.bridge.enable_icc_typo=1", "nlb2");
            assertNotEquals(0, bad.exit());
            assertTrue(bad.err().contains("invalid -o \"com.docker.network.bridge.enable_icc_typo\": unknown option"), bad.err());

            Cmd.Result lax = docker.cli("network", "create", "-d", "bridge", "-o", "com.docker.network.bridge.enable_icc_typo=1", "dk2");
            assertEquals(0, lax.exit(), "Docker's own bridge driver takes a misspelt option silently: " + lax.err());
            docker.run("network", "rm", "dk2", "nlb1");
            assertEquals(null, Oracle.link(host.hostNs(), "br-nlb"), "the bridge is gone");
            assertEquals(0, nlb.get("/v1/desired").path("networks").size());
        }
    }

    /** {@code --ipam-driver nlbridge}, with nlbridge's network driver and with Docker's own bridge driver. */
    @Test
    void ipamDriver(Sandbox sandbox) {
        try (ClientHost host = ClientHost.start(sandbox); PluginDaemon nlb = PluginDaemon.start(host)) {
            Docker docker = host.docker();
            String image = docker.busybox();
            // no --subnet: the first default pool that misses docker0's 172.17.0.0/16 route
            docker.run("network", "create", "-d", "nlbridge", "--ipam-driver", "nlbridge", "-o",
                    "com.docker.network.bridge.name=br-pooled", "pooled");
            assertEquals(List.of("172.18.0.1/16"), Oracle.addresses(host.hostNs(), "br-pooled"));
            docker.run("network", "create", "-d", "bridge", "--ipam-driver", "nlbridge", "--subnet", "10.77.0.0/24",
                    "--ip-range", "10.77.0.128/25", "-o", "com.docker.network.bridge.name=br-dkpool", "dkpool");
            assertEquals(List.of("10.77.0.1/24"), Oracle.addresses(host.hostNs(), "br-dkpool"), "Docker's bridge, our gateway");
            docker.run("run", "-d", "--name", "ca", "--network", "pooled", image, "sleep", "3600");
            docker.run("run", "-d", "--name", "cb", "--network", "dkpool", image, "sleep", "3600");
            assertEquals("172.18.0.2", docker.run("inspect", "-f", "{{.NetworkSettings.Networks.pooled.IPAddress}}", "ca").strip());
            assertEquals("10.77.0.128", docker.run("inspect", "-f", "{{.NetworkSettings.Networks.dkpool.IPAddress}}", "cb").strip(),
                    "from the --ip-range");
            Cmd.Result clash = docker.cli("network", "create", "-d", "bridge", "--ipam-driver", "nlbridge", "--subnet",
                    "10.77.0.0/25", "clash");
            assertNotEquals(0, clash.exit());
            assertTrue(clash.err().contains("invalid --subnet \"10.77.0.0/25\": overlaps the pool"), clash.err());

            nlb.stop(); // the pools are in the engine's store: a restarted daemon still knows them
            nlb.start();
            docker.run("run", "-d", "--name", "cc", "--network", "dkpool", image, "sleep", "3600");
            assertEquals("10.77.0.129", docker.run("inspect", "-f", "{{.NetworkSettings.Networks.dkpool.IPAddress}}", "cc").strip());

            docker.run("rm", "-f", "ca", "cb", "cc");
            docker.run("network", "rm", "pooled", "dkpool");
            // released: the same subnet can be had again
            docker.run("network", "create", "-d", "bridge", "--ipam-driver", "nlbridge", "--subnet", "10.77.0.0/24", "again");
            docker.run("network", "rm", "again");
        }
    }

    /** {@code --ipv6} with an IPv6 {@code --subnet}: both families inside the container, both default routes. */
    @Test
    void ipv6Network(Sandbox sandbox) {
        try (ClientHost host = ClientHost.start(sandbox); PluginDaemon nlb = PluginDaemon.start(host)) {
            Docker docker = host.docker();
            docker.run("network", "create", "-d", "nlbridge", "--ipv6", "--subnet", "192.0.2.0/24", "--subnet",
                    "fd00:12::/64", "-o", "com.docker.network.bridge.name=br-v6", "v6net");
            assertEquals(List.of("192.0.2.1/24", "fd00:12::1/64"), Oracle.addresses(host.hostNs(), "br-v6").stream()
                    .filter(a -> !a.startsWith("fe80")).toList());
            docker.run("run", "-d", "--name", "v6", "--network", "v6net", docker.busybox(), "sleep", "3600");
            String pid = docker.pid("v6");
            String addrs = host.run("nsenter", "-t", pid, "-n", "ip", "-o", "addr", "show", "dev", "eth0");
            assertTrue(addrs.contains("inet 192.0.2.2/24") && addrs.contains("inet6 fd00:12::2/64"), addrs);
            assertTrue(host.run("nsenter", "-t", pid, "-n", "ip", "-6", "route", "show", "default").contains("via fd00:12::1"));
            docker.run("rm", "-f", "v6");
            docker.run("network", "rm", "v6net");
            assertEquals(null, Oracle.link(host.hostNs(), "br-v6"));
        }
    }
}

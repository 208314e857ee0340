package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Inside;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * The daemon leaves the host's nftables as it found them once its last network goes, whichever way it goes: a
 * {@code DELETE /v1/networks/NAME}, or a desired state without networks. Oracle: {@code nft -j list tables} in the
 * sandbox's host namespace (the user hook's tables stay, as they always do; the engine's own go). After that, a
 * change of another firewall (dockerd's iptables at {@code docker network rm}) makes the daemon re-check: it must
 * not rebuild the empty tables only to take them away again (under dockerd, in a PID namespace whose /proc hides
 * the daemon's own thread ids, that removal looked foreign and the two repeated for ever: DockerRunTest).
 */
@ExtendWith(SandboxExtension.class)
class LastNetworkTablesTest {

    private static Map<String, Object> network(String name, String bridge, String bip) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("name", name);
        n.put("bridge", bridge);
        n.put("bip", bip);
        return n;
    }

    /** The engine's tables in {@code ns}, as {@code family name}: the user hook's left out. */
    private static List<String> ourTables(String ns) {
        List<String> out = new ArrayList<>();
        JsonNode all;
        try {
            all = DaemonProcess.JSON.readTree(Net.nft(ns, "nft", "-j", "list", "tables"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        for (JsonNode o : all.path("nftables")) {
            JsonNode t = o.path("table");
            if (t.isMissingNode() || !t.path("name").asText().equals("nlbridge")) continue;
            out.add(t.path("family").asText() + " " + t.path("name").asText());
        }
        return out;
    }

    @Test
    void theLastNetworkTakesTheTablesByDeleteAndByAnEmptyDesiredState(Sandbox sandbox) throws IOException {
        Net net = new Net(sandbox);
        String ctr = sandbox.reserve("c1");
        Path dir = Files.createTempDirectory("nlbridge-lasttables-");
        try (DaemonProcess d = new DaemonProcess(net.host, dir).start()) {
            // 1. two networks made and removed one by one through the API, the first with a container
            d.call("POST", "/v1/networks", network("one", "nlbt1", "10.124.0.1/24")).ok();
            d.call("POST", "/v1/networks", network("two", "nlbt2", "10.125.0.1/24")).ok();
            d.call("POST", "/v1/containers", Map.of("name", "c1", "netns", ctr, "network", "one",
                    "publish", List.of("8080:80"))).ok();
            assertTrue(ourTables(net.host).contains("ip nlbridge"), ourTables(net.host).toString());
            d.call("DELETE", "/v1/containers/c1", null).ok();
            d.call("DELETE", "/v1/networks/one", null).ok();
            assertTrue(ourTables(net.host).contains("ip nlbridge"), "one network is left: the tables stay");
            d.call("DELETE", "/v1/networks/two", null).ok();
            assertEquals(List.of(), ourTables(net.host), "DELETE of the last network takes the engine's tables");
            // another firewall changes after that (dockerd's iptables at docker network rm): the daemon's drift
            // repair re-checks the host firewall and must not rebuild the tables no network uses
            int before = d.log().length();
            Inside.run(net.host, "iptables-nft", "-P", "FORWARD", "DROP");
            DaemonProcess.sleep(1500); // the debounce and the repair have run
            assertEquals(List.of(), ourTables(net.host), "a repair after the last network did not bring the tables back");
            String repair = d.log().substring(before);
            assertTrue(repair.contains("drift checked host firewall"), repair);
            assertFalse(repair.contains("firewall rebuilt"), "no empty tables made and taken away again:\n" + repair);

            // 2. a desired state with a network and a container, then one without either
            d.call("POST", "/v1/apply", Map.of("networks", List.of(network("three", "nlbt3", "10.126.0.1/24")),
                    "containers", List.of(Map.of("name", "c1", "netns", ctr, "network", "three")))).ok();
            assertTrue(ourTables(net.host).contains("ip nlbridge"), ourTables(net.host).toString());
            d.call("POST", "/v1/apply", Map.of("networks", List.of(), "containers", List.of())).ok();
            assertEquals(List.of(), ourTables(net.host), "a desired state without networks takes the tables");
            before = d.log().length();
            Inside.run(net.host, "iptables-nft", "-P", "FORWARD", "ACCEPT");
            DaemonProcess.sleep(1500);
            assertEquals(List.of(), ourTables(net.host), "nor after the second");
            assertFalse(d.log().substring(before).contains("firewall rebuilt"), d.log().substring(before));
        } finally {
            Cmd.exec(null, "rm", "-rf", dir.toString());
        }
    }
}

package org.nlbridge.rtnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.netlink.BatchResult;
import org.nlbridge.netns.NetNs;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Inside;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * The scenario: a host namespace with a bridge (address, MTU 1400) and 100 container namespaces, each joined
 * by a veth whose peer is created in place as {@code eth0}, with an address, up, and a default route via the bridge.
 * The host side (100 veth creates with master and up, plus their ownership aliases) goes out as one batch. Then
 * {@code ip -j} confirms every piece, and a ping from one container to another proves the path works.
 */
@ExtendWith(SandboxExtension.class)
class ScenarioTest {
    static final int CONTAINERS = 100;

    private static boolean hasFlag(JsonNode link, String flag) {
        for (JsonNode f : link.path("flags")) {
            if (flag.equals(f.asText())) return true;
        }
        return false;
    }

    /** A line in the JUnit report and on stdout (which surefire keeps in the test's XML). */
    private static void note(TestReporter report, String key, String value) {
        report.publishEntry(key, value);
        System.out.println("ScenarioTest: " + key + ": " + value);
    }

    private static String ip(int i) {
        return "10.77.0." + (i + 2);
    }

    @Test
    void hundredContainersOnOneBridge(Sandbox sb, TestReporter report) {
        String host = sb.netns("host");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < CONTAINERS; i++) names.add("c" + i);
        List<String> ctrs = sb.netns(names);

        List<NetNs> netns = new ArrayList<>();
        try (Ns h = Ns.open(host)) {
            for (String c : ctrs) netns.add(NetNs.open(c));

            h.links().add(BridgeSpec.builder("nlb0").mtu(1400).stp(false).forwardDelay(Duration.ZERO)
                    .alias("nlbridge:net-test").up().build());
            int br = h.links().get("nlb0").index();
            h.addresses().add(AddressSpec.of(br, "10.77.0.1/24").withBroadcast());

            // the host side, in one batch: 100 veth creates (master, up, MTU, peer in place as eth0) + their aliases
            long t0 = System.nanoTime();
            RtnlBatch batch = h.rtnl.batch();
            for (int i = 0; i < CONTAINERS; i++) {
                batch.links().add(VethSpec.builder("nlbv" + i, "eth0").peerNetns(netns.get(i)).mtu(1400)
                        .master(br).alias("nlbridge:ep-" + i).up().build());
            }
            BatchResult r = batch.execute();
            long hostMillis = (System.nanoTime() - t0) / 1_000_000;
            r.throwIfFailed();
            assertEquals(2 * CONTAINERS, r.requests(), r.toString());
            assertEquals(2 * CONTAINERS, r.succeeded(), r.toString());

            // each container: eth0 up, its address, the default route via the bridge, in one batch per namespace
            long t1 = System.nanoTime();
            for (int i = 0; i < CONTAINERS; i++) {
                try (Rtnl c = Rtnl.open(netns.get(i))) {
                    int eth0 = c.links().get("eth0").index();
                    RtnlBatch b = c.batch();
                    b.links().setUp(eth0);
                    b.addresses().add(AddressSpec.of(eth0, ip(i) + "/24").withBroadcast());
                    b.routes().add(RouteSpec.defaultVia("10.77.0.1"));
                    b.execute().throwIfFailed();
                }
            }
            long ctrMillis = (System.nanoTime() - t1) / 1_000_000;
            note(report, "host batch (100 veth creates + 100 aliases)", hostMillis + " ms");
            note(report, "container side (100 handles, get eth0 + a 3-request batch each)", ctrMillis + " ms");
        } finally {
            netns.forEach(NetNs::close);
        }

        // iproute2's view: the bridge has exactly our 100 ports, each up, MTU 1400, marked as ours
        JsonNode bridge = Oracle.link(host, "nlb0");
        assertNotNull(bridge);
        assertEquals(1400, bridge.path("mtu").asInt());
        assertTrue(Oracle.addresses(host, "nlb0").contains("10.77.0.1/24"));
        JsonNode ports = Oracle.ip(host, "link", "show", "master", "nlb0");
        assertEquals(CONTAINERS, ports.size(), "ports of nlb0");
        Set<String> portNames = new HashSet<>();
        for (JsonNode p : ports) {
            String name = p.path("ifname").asText();
            portNames.add(name);
            assertTrue(hasFlag(p, "UP") && hasFlag(p, "LOWER_UP"), p.toString());
            assertEquals(1400, p.path("mtu").asInt(), name);
            assertEquals("nlbridge:ep-" + name.substring(4), p.path("ifalias").asText(), name);
        }
        assertEquals(CONTAINERS, portNames.size());

        // every container: eth0 up with its address and MTU, default route via the gateway on eth0
        for (int i = 0; i < CONTAINERS; i++) {
            String c = ctrs.get(i);
            JsonNode eth0 = Oracle.ip(c, "addr", "show", "dev", "eth0").get(0);
            assertTrue(hasFlag(eth0, "UP") && hasFlag(eth0, "LOWER_UP"), c + ": " + eth0);
            assertEquals(1400, eth0.path("mtu").asInt(), c);
            boolean found = false;
            for (JsonNode a : eth0.path("addr_info")) {
                found |= a.path("local").asText().equals(ip(i)) && a.path("prefixlen").asInt() == 24;
            }
            assertTrue(found, c + " has " + ip(i) + "/24: " + eth0);
            JsonNode def = Oracle.ip(c, "route", "show", "default");
            assertEquals(1, def.size(), c + ": " + def);
            assertEquals("10.77.0.1", def.get(0).path("gateway").asText(), c);
            assertEquals("eth0", def.get(0).path("dev").asText(), c);
        }

        // and it works: one container reaches another through the bridge
        if (!Host.has("ping")) {
            note(report, "ping", "skipped: no ping on PATH (install iputils-ping)");
            return;
        }
        Cmd.Result ping = Inside.exec(ctrs.get(0), "ping", "-c1", "-W2", ip(CONTAINERS - 1));
        assertEquals(0, ping.exit(), "ping " + ctrs.get(0) + " -> " + ip(CONTAINERS - 1) + ": " + ping.out() + ping.err());
    }
}

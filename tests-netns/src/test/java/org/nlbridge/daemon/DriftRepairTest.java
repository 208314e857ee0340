package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.client.Event;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Inside;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;

/**
 * Drift repair by a real daemon on a sandbox host namespace: someone deletes a container's veth, runs
 * {@code nft flush ruleset}, deletes the bridge's address, turns an iptables-nft FORWARD policy to drop. Each time the daemon notices, says so on its event
 * stream, and converges back within a second, checked with {@code ip -j}/{@code nft} and real packets (the published
 * port from upstream, icc=false between the containers). The user hook and a foreign table are not "repaired".
 * Then a clean stop leaves the network working, a restart adopts it, and a monitor overrun (a tiny receive queue
 * flooded with link events, our veth deleted in the middle of the flood) ends in a full resync that repairs what
 * the lost events would have said.
 */
@ExtendWith(SandboxExtension.class)
class DriftRepairTest {

    static final String BRIDGE = "nlbd0";
    static final String GATEWAY = "10.123.0.1";

    private static long within(long millis, String what, BooleanSupplier done) {
        long t0 = System.nanoTime();
        while (true) {
            if (done.getAsBoolean()) return (System.nanoTime() - t0) / 1_000_000;
            if ((System.nanoTime() - t0) / 1_000_000 > millis) throw new AssertionError(what + ": not within " + millis + " ms");
            DaemonProcess.sleep(10);
        }
    }

    private static Map<String, Object> desired(String webNs, String dbNs) {
        return Map.of(
                "networks", List.of(Map.of("name", "bridge", "bridge", BRIDGE, "bip", GATEWAY + "/16", "icc", false)),
                "containers", List.of(Map.of("name", "web", "netns", webNs, "publish", List.of("8080:80")),
                        Map.of("name", "db", "netns", dbNs)));
    }

    private static JsonNode container(DaemonProcess d, String name) {
        for (JsonNode c : d.call("GET", "/v1/status", null).ok().body().path("containers")) {
            if (c.path("name").asText().equals(name)) return c;
        }
        throw new AssertionError("no container " + name);
    }

    private static String ipOf(JsonNode c) {
        return c.path("ipv4").asText().replaceFirst("/.*", "");
    }

    private static boolean vethBack(String host, String veth) {
        JsonNode l = Oracle.link(host, veth);
        return l != null && BRIDGE.equals(l.path("master").asText()) && l.path("ifalias").asText().startsWith("nlbridge:endpoint:");
    }

    private static boolean firewallBack(String host) {
        Cmd.Result r = Inside.exec(host, "nft", "list", "table", "ip", "nlbridge");
        return r.exit() == 0 && r.out().contains("8080");
    }

    /** Packets: upstream reaches web through the published port; db cannot reach web (icc=false); web its gateway. */
    private void traffic(Net net, String webNs, String dbNs, String webIp) {
        String line = Tcp.reach(net.upstream, Net.HOST_UP, 8080, 3000);
        assertNotNull(line, "upstream -> " + Net.HOST_UP + ":8080 -> web");
        assertTrue(line.startsWith("web from "), line);
        assertNull(Tcp.connect(dbNs, webIp, 80, Tcp.NO), "icc=false: db must not reach web directly");
        assertTrue(Tcp.ping(webNs, GATEWAY), "web pings its gateway");
    }

    @Test
    void deletedVethFlushedRulesetAndRemovedAddressAreRepaired(Sandbox sandbox) throws IOException {
        Net net = new Net(sandbox);
        String webNs = sandbox.reserve("web");
        String dbNs = sandbox.reserve("db");
        Path dir = Files.createTempDirectory("nlbridge-drift-");
        try (DaemonProcess d = new DaemonProcess(net.host, dir).start(); EventLog events = new EventLog(d)) {
            d.call("POST", "/v1/apply", desired(webNs, dbNs)).ok();
            Tcp.start(sandbox, "web", "web", 80, null);
            Tcp.start(sandbox, "db", "db", 80, null);
            traffic(net, webNs, dbNs, ipOf(container(d, "web")));

            // 1. someone deletes the web container's veth
            String veth = container(d, "web").path("hostVeth").asText();
            int mark = events.mark();
            Cmd.run(null, "ip", "-n", net.host, "link", "del", veth);
            long ms = within(1000, "veth " + veth + " re-created and enslaved", () -> vethBack(net.host, veth)
                    && Tcp.ping(webNs, GATEWAY));
            Event repaired = events.await(mark, e -> e.type().equals("drift") && e.action().equals("repaired"), 2000, "drift repaired");
            assertTrue(repaired.object().contains("link " + veth + " deleted"), repaired.toText());
            assertTrue(repaired.changes().stream().anyMatch(c -> c.toString().startsWith("+ endpoint web on bridge")), repaired.toText());
            System.out.println("veth repaired in " + ms + " ms");
            traffic(net, webNs, dbNs, ipOf(container(d, "web")));

            // 2. nft flush ruleset, with a user hook rule and a foreign table in place
            Net.nft(net.host, "nft", "add", "rule", "ip", "nlbridge-user", "forward", "iifname", "uplink0", "ip", "saddr",
                    "192.0.2.1", "counter", "drop");
            Net.nft(net.host, "nft", "add", "table", "inet", "foreign");
            mark = events.mark();
            Net.nft(net.host, "nft", "flush", "ruleset");
            ms = within(1000, "our tables rebuilt", () -> firewallBack(net.host));
            repaired = events.await(mark, e -> e.type().equals("drift") && e.action().equals("repaired"), 2000, "drift repaired");
            assertTrue(repaired.object().startsWith("nf_tables ip nlbridge deleted"), repaired.toText());
            assertTrue(repaired.detail().startsWith("~ firewall tables nftables (rebuilt from the state: "), repaired.toText());
            System.out.println("firewall repaired in " + ms + " ms");
            DaemonProcess.sleep(300); // anything that would wrongly follow has had time to
            String ruleset = Net.nft(net.host, "nft", "list", "ruleset");
            assertFalse(ruleset.contains("table inet foreign"), "a foreign table is never re-created:\n" + ruleset);
            assertFalse(ruleset.contains("192.0.2.1"), "user hook rules are never re-inserted:\n" + ruleset);
            assertTrue(ruleset.contains("table ip nlbridge") && ruleset.contains("table ip6 nlbridge"), ruleset);
            traffic(net, webNs, dbNs, ipOf(container(d, "web")));

            // 3. someone removes the bridge's address
            mark = events.mark();
            Cmd.run(null, "ip", "-n", net.host, "addr", "del", GATEWAY + "/16", "dev", BRIDGE);
            ms = within(1000, "bridge address re-added", () -> Oracle.addresses(net.host, BRIDGE).contains(GATEWAY + "/16"));
            repaired = events.await(mark, e -> e.type().equals("drift") && e.action().equals("repaired"), 2000, "drift repaired");
            assertEquals("address " + GATEWAY + "/16 removed from " + BRIDGE, repaired.object());
            assertEquals(List.of("+ address " + BRIDGE + " " + GATEWAY + "/16"), repaired.changes().stream().map(Object::toString).toList());
            System.out.println("address repaired in " + ms + " ms");
            traffic(net, webNs, dbNs, ipOf(container(d, "web")));

            // 4. another firewall appears (dockerd, ufw): iptables-nft's FORWARD policy becomes drop
            mark = events.mark();
            Inside.run(net.host, "iptables-nft", "-P", "FORWARD", "DROP");
            ms = within(1000, "our accept rules in the host firewall", () -> Inside.exec(net.host, "iptables-nft", "-S",
                    "FORWARD").out().contains("nlbridge: to " + BRIDGE));
            repaired = events.await(mark, e -> e.type().equals("drift") && e.action().equals("repaired"), 2000, "drift repaired");
            assertTrue(repaired.object().startsWith("host firewall ip filter"), repaired.toText());
            System.out.println("host firewall's FORWARD drop answered in " + ms + " ms");
            traffic(net, webNs, dbNs, ipOf(container(d, "web")));

            // every drift was first reported as detected
            assertEquals(4, events.all().stream().filter(e -> e.type().equals("drift") && e.action().equals("detected")).count(),
                    events.since(0));

            // 4. a clean stop leaves the network working (live-restore)
            String vethNow = container(d, "web").path("hostVeth").asText();
            String webIp = ipOf(container(d, "web"));
            int index = Oracle.link(net.host, vethNow).path("ifindex").asInt();
            String tables = Net.nft(net.host, "nft", "-a", "list", "tables");
            events.close();
            assertEquals(143, d.term(), "SIGTERM: the JVM's exit status after its shutdown hook ran");
            assertTrue(d.log().contains("daemon stop"), d.log());
            assertFalse(Files.exists(d.socket), "the socket is removed on a clean stop");
            traffic(net, webNs, dbNs, webIp);
            assertEquals(index, Oracle.link(net.host, vethNow).path("ifindex").asInt(), "the veth is the same link");

            // 5. a restart with a tiny monitor queue adopts the network as it is, then survives an overrun
            try (DaemonProcess d2 = new DaemonProcess(net.host, dir, "--monitor-rcvbuf", "2048").start();
                 EventLog ev2 = new EventLog(d2)) {
                Event adopt = ev2.await(0, e -> e.type().equals("daemon") && e.action().equals("adopt"), 2000, "adopt");
                assertEquals("the host matches: nothing re-created", adopt.detail());
                assertEquals(index, Oracle.link(net.host, vethNow).path("ifindex").asInt(), "not re-created");
                assertEquals(tables, Net.nft(net.host, "nft", "-a", "list", "tables"), "tables kept, same handles");
                assertTrue(d2.call("POST", "/v1/plan", desired(webNs, dbNs)).ok().body().path("changes").isEmpty());

                mark = ev2.mark();
                StringBuilder flood = new StringBuilder();
                for (int i = 0; i < 150; i++) {
                    flood.append("link add fl").append(i).append(" type veth peer name fp").append(i).append('\n');
                    if (i == 75) flood.append("link del ").append(vethNow).append('\n');
                }
                for (int i = 0; i < 150; i++) flood.append("link del fl").append(i).append('\n');
                Cmd.run(flood.toString(), "ip", "-n", net.host, "-batch", "-");
                ev2.await(mark, e -> e.type().equals("monitor") && e.action().equals("overrun"), 3000, "monitor overrun");
                ev2.await(mark, e -> e.type().equals("monitor") && e.action().equals("resync"), 3000, "monitor resync");
                within(3000, "veth repaired after the overrun", () -> vethBack(net.host, vethNow));
                ev2.await(mark, e -> e.type().equals("drift") && e.action().equals("repaired")
                        && e.changes().stream().anyMatch(c -> c.toString().startsWith("+ endpoint web")), 3000, "repair after overrun");
                traffic(net, webNs, dbNs, ipOf(container(d2, "web")));
                assertEquals(143, d2.term());
            }
        } finally {
            Cmd.exec(null, "rm", "-rf", dir.toString());
        }
    }
}

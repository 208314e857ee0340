package org.nlbridge.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nlbridge.net.Hostname;
import org.nlbridge.spec.FirewallBackend;
import org.nlbridge.spec.GatewayMode;
import org.nlbridge.spec.NetworkMode;

/**
 * A state directory written by the release before containers got their own table (commit a599235, schema version
 * 1: see {@code written-by.groovy} beside the file) opens with this code and reads the same: containers of every
 * mode, the namespaces the engine created, the inserted user rules, networks, endpoints and ports. The same file
 * brought to version 2 and to version 3 (what the releases that stopped there left) upgrades the same way, and what
 * only version 3 could hold (an endpoint with anti-spoofing off) survives version 4.
 */
class StateMigrationTest {

    private static final String TAG = "nlbt-mig22473-";

    @TempDir
    Path dir;

    private Path oldStateDir() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("v1-a599235/state.db")) {
            Files.copy(in, dir.resolve(StateStore.FILE_NAME));
        }
        return dir;
    }

    @ParameterizedTest(name = "from version {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void anOlderStateDirectoryIsUpgradedInPlace(int from) throws IOException, SQLException {
        Path state = oldStateDir();
        sql(state, "INSERT INTO meta (key, value) VALUES ('daemon.desired', '{}')"); // not the engine's to move
        StateStore.migrateTo(state, from);
        assertEquals(Integer.toString(from), StateStoreTest.pragma(state.resolve(StateStore.FILE_NAME), "user_version"));
        List<String> spoofOff = List.of();
        if (from == 3) {
            sql(state, "UPDATE endpoints SET spoof_check = 0 WHERE container = 'db'");
            spoofOff = List.of("db");
        }

        for (int open = 0; open < 2; open++) { // the second open finds the latest version and changes nothing
            try (StateStore store = StateStore.open(state)) {
                List<ContainerRecord> containers = store.read(tx -> tx.containers().all());
                assertEquals(List.of(
                        new ContainerRecord("db", new NetworkMode.Bridge("quiet"), host("db"), TAG + "db", true),
                        new ContainerRecord("hosted", new NetworkMode.Host(), host("hosted"), null, false),
                        new ContainerRecord("side", new NetworkMode.Container("web"), host("sidecar"), null, false),
                        new ContainerRecord("solo", new NetworkMode.None(), host("solo"), TAG + "solo", true),
                        new ContainerRecord("web", new NetworkMode.Bridge("bridge"), host("web1"), TAG + "web", true)),
                        containers);
                assertEquals(List.of("allow only from 8.8.8.8/32 on uplink0"), store.read(tx -> tx.userRules().all()));
                assertEquals(true, store.read(tx -> tx.userRules().inserted("allow only from 8.8.8.8/32 on uplink0")));
                assertEquals(List.of("daemon.desired"), store.read(tx -> tx.meta().keys("")),
                        "the version-1 rows left meta; other keys stay");

                List<Network> nets = store.read(tx -> tx.networks().all());
                assertEquals(List.of("bridge", "quiet"), nets.stream().map(Network::name).toList());
                assertTrue(nets.stream().allMatch(n -> n.driver().equals("bridge")), nets.toString());
                assertEquals(FirewallBackend.NFTABLES, nets.get(0).options().firewall());
                assertEquals(FirewallBackend.NONE, nets.get(1).options().firewall());
                assertEquals("fd00:30::/64", nets.get(0).ipv6().subnet().toString());
                assertFalse(nets.get(1).options().icc());
                assertTrue(nets.stream().allMatch(n -> n.options().gatewayMode4() == GatewayMode.NAT
                        && n.options().gatewayMode6() == GatewayMode.NAT), "older networks are nat: " + nets);

                List<Endpoint> eps = store.read(tx -> tx.endpoints().all());
                assertEquals(List.of("web/bridge/172.30.0.2/fd00:30::2", "db/quiet/172.31.0.9/null"), eps.stream()
                        .map(e -> e.container() + "/" + e.network() + "/" + e.ipv4() + "/" + e.ipv6()).toList());
                assertTrue(eps.stream().allMatch(e -> e.phase() == Phase.ATTACHED));
                // version 3: anti-spoofing on for every endpoint of then (unless a version-3 store turned it off);
                // version 4: each carries its container's default route (one network per container), no aliases
                assertEquals(spoofOff, eps.stream().filter(e -> !e.spoofCheck()).map(Endpoint::container).toList());
                assertTrue(eps.stream().allMatch(e -> e.defaultRoute() && e.aliases().isEmpty()), eps.toString());
                assertTrue(containers.stream().allMatch(c -> c.labels().isEmpty()), containers.toString());
                assertEquals(List.of("tcp *:8080 -> 80", "udp 127.0.0.1:5353 -> 53"), store.read(tx -> tx.ports().all())
                        .stream().map(b -> b.mapping().protocol().toString().toLowerCase() + " "
                                + (b.mapping().hostIp() == null ? "*" : b.mapping().hostIp()) + ":"
                                + b.mapping().hostPort() + " -> " + b.mapping().containerPort()).toList());
                assertEquals(List.of(), store.read(tx -> tx.pools().all()), "version 6: no runtime's address pool yet");
            }
            assertEquals(Integer.toString(Schema.VERSION), StateStoreTest.pragma(state.resolve(StateStore.FILE_NAME),
                    "user_version"));
            assertEquals(6, Schema.VERSION); // 5: gateway modes and DNS settings; 6: the runtimes' address pools
        }
    }

    @Test
    void recordsOfTheNewTablesRoundTrip() {
        try (StateStore store = StateStore.open(dir)) {
            ContainerRecord web = new ContainerRecord("web", new NetworkMode.Bridge("bridge"), host("web1"), "ns-web", false);
            store.update(tx -> {
                tx.containers().put(web);
                tx.containers().put(web.withCreatedNetns(true)); // replaces
                tx.userRules().add("allow only from 8.8.8.8/32 on eth9");
                tx.userRules().add("allow only from 8.8.8.8/32 on eth9");
            });
            assertEquals(List.of(web.withCreatedNetns(true)), store.read(tx -> tx.containers().all()));
            assertEquals(1, store.read(tx -> tx.userRules().all()).size());
            assertEquals(true, store.write(tx -> tx.containers().delete("web")));
            assertEquals(false, store.write(tx -> tx.containers().delete("web")));
        }
        assertEquals("container x in mode host has no namespace of its own, not ns", assertThrows(IllegalArgumentException.class,
                () -> new ContainerRecord("x", new NetworkMode.Host(), host("x"), "ns", false)).getMessage());
    }

    private static Hostname host(String name) {
        return Hostname.parse("hostname", name);
    }

    private static void sql(Path state, String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + state.resolve(StateStore.FILE_NAME).toUri());
             Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }
}

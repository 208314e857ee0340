package org.nlbridge.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.state.Samples.endpoint;
import static org.nlbridge.state.Samples.network;
import static org.nlbridge.state.Samples.withIpv6;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Hostname;
import org.nlbridge.net.PortSpec;
import org.nlbridge.spec.NetworkMode;

class StateStoreTest {

    @TempDir
    Path dir;

    @Test
    void createsAPrivateDirectoryAndAVersionedWalDatabase() throws SQLException, IOException {
        Path stateDir = dir.resolve("var/lib/nlbridge");
        try (StateStore store = StateStore.open(stateDir)) {
            assertEquals(stateDir.resolve("state.db"), store.file());
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir)));
        assertEquals(Integer.toString(Schema.VERSION), pragma(stateDir.resolve("state.db"), "user_version"));
        assertEquals("wal", pragma(stateDir.resolve("state.db"), "journal_mode"));
    }

    /**
     * Whole-table reads are cached between read transactions (issue 14); every commit shows at once, ours and another
     * connection's (another process with the same state directory), and a write transaction sees its own changes.
     */
    @Test
    void cachedReadsShowEveryCommit() {
        Network net = network("web", "br-web", "172.18.0.0/16", "172.18.0.1", null);
        try (StateStore a = StateStore.open(dir); StateStore b = StateStore.open(dir)) {
            a.update(tx -> tx.networks().insert(net));
            assertEquals(List.of(), a.read(tx -> tx.endpoints().all()));
            assertEquals(List.of(), a.read(tx -> tx.endpoints().all())); // cached
            b.update(tx -> tx.endpoints().insert(endpoint("app", "web", "172.18.0.2", "02:42:ac:12:00:02")));
            assertEquals(List.of("app"), a.read(tx -> tx.endpoints().all()).stream().map(Endpoint::container).toList());
            List<Endpoint> cached = a.read(tx -> tx.endpoints().all());
            assertTrue(cached == a.read(tx -> tx.endpoints().all()), "the second read is the cached one");
            a.update(tx -> tx.endpoints().insert(endpoint("db", "web", "172.18.0.3", "02:42:ac:12:00:03")));
            assertEquals(List.of("app", "db"), a.read(tx -> tx.endpoints().all()).stream().map(Endpoint::container).toList());
            assertEquals(Integer.valueOf(3), a.write(tx -> {
                tx.endpoints().insert(endpoint("mq", "web", "172.18.0.4", "02:42:ac:12:00:04"));
                return tx.endpoints().all().size();
            }));
            assertThrows(IllegalStateException.class, () -> a.update(tx -> {
                tx.endpoints().delete("mq", "web");
                assertEquals(2, tx.endpoints().all().size());
                throw new IllegalStateException("rolled back");
            }));
            assertEquals(3, a.read(tx -> tx.endpoints().all()).size());
            b.update(tx -> tx.endpoints().delete("app", "web"));
            assertEquals(List.of("db", "mq"), a.read(tx -> tx.endpoints().all()).stream().map(Endpoint::container).toList());
        }
    }

    /**
     * Issue 14: after a commit of ours, a cached table reads again only the rows it changed (by key) and keeps the
     * others, the very same objects, in the table's order; what it shows equals a fresh read of another connection.
     */
    @Test
    void aCommitOfOursReadsAgainOnlyTheRowsItChanged() {
        Network net = network("net", "br-net", "172.19.0.0/16", "172.19.0.1", null);
        try (StateStore a = StateStore.open(dir); StateStore b = StateStore.open(dir)) {
            a.update(tx -> {
                tx.networks().insert(net);
                for (int i = 2; i < 12; i++) {
                    String name = "c" + (char) ('a' + i);
                    tx.containers().put(new ContainerRecord(name, new NetworkMode.Bridge("net"),
                            Hostname.parse("h", name), "ns-" + name, true));
                    tx.endpoints().insert(endpoint(name, "net", "172.19.0." + i, String.format("02:42:ac:13:00:%02x", i)));
                    tx.endpoints().setPhase(name, "net", Phase.ATTACHED);
                    tx.ports().publish(new PortBinding(PortSpec.parse("p", (7000 + i) + ":80").mappings().getFirst(), name, "net",
                            IpAddress.parse("ip", "172.19.0." + i)));
                }
            });
            List<Endpoint> eps = a.read(tx -> tx.endpoints().all());
            List<ContainerRecord> ctrs = a.read(tx -> tx.containers().all());
            List<PortBinding> ports = a.read(tx -> tx.ports().all());
            // one container more (named to sort in the middle), one less
            a.update(tx -> {
                tx.containers().put(new ContainerRecord("cf2", new NetworkMode.Bridge("net"), Hostname.parse("h", "cf2"), "ns-x", true));
                tx.endpoints().insert(endpoint("cf2", "net", "172.19.0.99", "02:42:ac:13:00:99"));
                tx.ports().publish(new PortBinding(PortSpec.parse("p", "7050:81").mappings().getFirst(), "cf2", "net",
                        IpAddress.parse("ip", "172.19.0.99")));
                tx.endpoints().setPhase("cd", "net", Phase.DETACHING);
                tx.endpoints().delete("cd", "net"); // its port binding goes with it (ON DELETE CASCADE)
                tx.containers().delete("cd");
            });
            List<Endpoint> eps2 = a.read(tx -> tx.endpoints().all());
            List<ContainerRecord> ctrs2 = a.read(tx -> tx.containers().all());
            List<PortBinding> ports2 = a.read(tx -> tx.ports().all());
            assertEquals(b.read(tx -> tx.endpoints().all()), eps2);
            assertEquals(b.read(tx -> tx.containers().all()), ctrs2);
            assertEquals(b.read(tx -> tx.ports().all()), ports2);
            assertEquals(10, eps2.size());
            assertEquals(10, ports2.size());
            for (Endpoint e : eps2) {
                if (!e.container().equals("cf2")) assertTrue(eps.stream().anyMatch(old -> old == e), e + " kept, not parsed again");
            }
            for (ContainerRecord c : ctrs2) {
                if (!c.name().equals("cf2")) assertTrue(ctrs.stream().anyMatch(old -> old == c), c + " kept");
            }
            for (PortBinding p : ports2) {
                if (!p.container().equals("cf2")) assertTrue(ports.stream().anyMatch(old -> old == p), p + " kept");
            }
            // a change of the whole table (not by key) reads it all again
            a.update(tx -> tx.networks().delete("nope"));
            assertTrue(a.read(tx -> tx.endpoints().all()) == eps2, "a write to another table keeps this one");
        }
    }

    @Test
    void everythingSurvivesCloseAndReopen() {
        Network net = withIpv6(network("web", "br-web", "172.18.0.0/16", "172.18.0.1", "172.18.5.0/24"),
                "fd00:1::/64", "fd00:1::1", null);
        Endpoint ep = endpoint("app", "web", "172.18.5.2", "02:42:ac:12:05:02");
        PortBinding port = new PortBinding(PortSpec.parse("p", "127.0.0.1:8080:80").mappings().getFirst(), "app",
                "web", ep.ipv4());
        try (StateStore store = StateStore.open(dir)) {
            store.update(tx -> {
                tx.networks().insert(net);
                tx.networks().setLastAllocated("web", ep.ipv4());
                tx.endpoints().insert(ep);
                tx.endpoints().setPhase("app", "web", Phase.ATTACHED);
                tx.ports().publish(port);
                tx.meta().put("firewall", "nftables");
            });
        }
        try (StateStore store = StateStore.open(dir)) {
            store.read(tx -> {
                assertEquals(List.of(net), tx.networks().all());
                assertEquals(Optional.of(ep.ipv4()), tx.networks().lastAllocated("web", IpAddress.AF_INET));
                assertEquals(List.of(ep.withPhase(Phase.ATTACHED)), tx.endpoints().all());
                assertEquals(List.of(port), tx.ports().all());
                return tx.meta().get("firewall");
            }).ifPresentOrElse(v -> assertEquals("nftables", v), () -> { throw new AssertionError("meta lost"); });
        }
    }

    @Test
    void aFailingWriteLeavesNothingBehind() {
        try (StateStore store = StateStore.open(dir)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.write(tx -> {
                tx.networks().insert(network("web", "br-web", "172.18.0.0/16", "172.18.0.1", null));
                throw new IllegalStateException("the kernel said no");
            }));
            assertEquals("the kernel said no", e.getMessage());
            assertEquals(List.of(), store.read(tx -> tx.networks().all()));
        }
    }

    @Test
    void aReadTransactionCannotWrite() {
        try (StateStore store = StateStore.open(dir)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> store.read(tx -> {
                        tx.meta().put("k", "v");
                        return null;
                    }));
            assertEquals("a read transaction cannot write (INSERT INTO meta (key, value) VALUES (?, ?)"
                    + " ON CONFLICT (...); use StateStore.write or update", e.getMessage());
        }
    }

    @Test
    void transactionsDoNotNestAndDoNotOutliveTheirWork() {
        try (StateStore store = StateStore.open(dir)) {
            IllegalStateException nested = assertThrows(IllegalStateException.class,
                    () -> store.write(tx -> store.read(inner -> null)));
            assertEquals("state store " + store.file() + ": transactions do not nest; pass the open Tx down instead",
                    nested.getMessage());
            Tx escaped = store.read(tx -> tx);
            IllegalStateException ended = assertThrows(IllegalStateException.class, () -> escaped.meta().get("k"));
            assertEquals("transaction on " + store.file() + " already ended; use the Tx only inside its work",
                    ended.getMessage());
        }
    }

    @Test
    void aWriterWaitsForAnotherConnectionsWriteLockThenGivesUpNamingIt() throws Exception {
        try (StateStore holder = StateStore.open(dir);
             StateStore waiter = StateStore.open(dir, Duration.ofMillis(300))) {
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread t = Thread.ofPlatform().start(() -> holder.update(tx -> {
                tx.meta().put("held", "yes");
                locked.countDown();
                await(release);
            }));
            locked.await();
            long before = System.nanoTime();
            StateException e = assertThrows(StateException.class, () -> waiter.update(tx -> tx.meta().put("k", "v")));
            assertTrue(System.nanoTime() - before >= Duration.ofMillis(250).toNanos(), "did not wait");
            assertEquals("state store " + waiter.file() + ": BEGIN IMMEDIATE: another process holds the lock"
                    + " (waited up to 300 ms)", e.getMessage());
            // a reader is not blocked by the writer, and does not see its uncommitted row
            assertEquals(Optional.empty(), waiter.read(tx -> tx.meta().get("held")));
            release.countDown();
            t.join();
            waiter.update(tx -> tx.meta().put("k", "v"));
            assertEquals(Optional.of("yes"), waiter.read(tx -> tx.meta().get("held")));
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aClosedStoreRefusesWork() {
        StateStore store = StateStore.open(dir);
        store.close();
        store.close(); // twice is fine
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.read(tx -> null));
        assertEquals("state store " + store.file() + " is closed", e.getMessage());
    }

    @Test
    void aNewerSchemaIsNotTouched() throws SQLException {
        StateStore.open(dir).close();
        Path file = dir.resolve("state.db");
        pragma(file, "user_version = 7");
        StateException e = assertThrows(StateException.class, () -> StateStore.open(dir));
        assertEquals("state store " + file + " has schema version 7, newer than this nlbridge understands (" + Schema.VERSION + ");"
                + " refusing to touch it", e.getMessage());
    }

    @Test
    void aPathWithSpecialCharactersIsAPathNotParameters() {
        Path odd = dir.resolve("a dir?journal_mode=delete%20#x");
        try (StateStore store = StateStore.open(odd)) {
            store.update(tx -> tx.meta().put("k", "v"));
        }
        assertTrue(Files.exists(odd.resolve("state.db")));
    }

    @Test
    void metaValuesCanBeReplacedAndRemoved() {
        try (StateStore store = StateStore.open(dir)) {
            store.update(tx -> {
                tx.meta().put("firewall", "iptables");
                tx.meta().put("firewall", "nftables");
            });
            assertEquals(Optional.of("nftables"), store.read(tx -> tx.meta().get("firewall")));
            boolean removed = store.write(tx -> tx.meta().remove("firewall"));
            boolean removedAgain = store.write(tx -> tx.meta().remove("firewall"));
            assertTrue(removed);
            assertFalse(removedAgain);
            assertEquals(Optional.empty(), store.read(tx -> tx.meta().get("firewall")));
        }
    }

    /** Reads or sets a pragma through a connection of its own, as another process would. */
    static String pragma(Path file, String pragma) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toUri());
             Statement st = c.createStatement()) {
            if (!st.execute("PRAGMA " + pragma)) {
                return "";
            }
            try (ResultSet rs = st.getResultSet()) {
                return rs.next() ? rs.getString(1) : "";
            }
        }
    }
}

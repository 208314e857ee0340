package org.nlbridge.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.nlbridge.state.Samples.assertInvalid;
import static org.nlbridge.state.Samples.endpoint;
import static org.nlbridge.state.Samples.network;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;

class EndpointTableTest {

    @TempDir
    Path dir;
    StateStore store;

    final Endpoint web = endpoint("web", "net", "10.1.0.2", "02:00:00:00:00:02");

    @BeforeEach
    void open() {
        store = StateStore.open(dir);
        store.update(tx -> tx.networks().insert(network("net", "br-net", "10.1.0.0/24", "10.1.0.1", null)));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void theJournalWalksAttachingAttachedDetachingDeleted() {
        store.update(tx -> tx.endpoints().insert(web));
        assertEquals(Optional.of(web), store.read(tx -> tx.endpoints().find("web", "net")));
        assertEquals(web.withPhase(Phase.ATTACHED),
                store.write(tx -> tx.endpoints().setPhase("web", "net", Phase.ATTACHED)));
        assertEquals(web.withPhase(Phase.DETACHING),
                store.write(tx -> tx.endpoints().setPhase("web", "net", Phase.DETACHING)));
        assertEquals(Optional.of(web.withPhase(Phase.DETACHING)),
                store.write(tx -> tx.endpoints().delete("web", "net")));
        assertEquals(Optional.empty(), store.write(tx -> tx.endpoints().delete("web", "net")));
        assertEquals(List.of(), store.read(tx -> tx.endpoints().all()));
    }

    @Test
    void aFailedAttachIsDeletedStraightFromAttaching() {
        store.update(tx -> tx.endpoints().insert(web));
        assertEquals(Optional.of(web), store.write(tx -> tx.endpoints().delete("web", "net")));
    }

    @Test
    void movesOffTheJournalAreRefused() {
        store.update(tx -> tx.endpoints().insert(web));
        store.update(tx -> tx.endpoints().setPhase("web", "net", Phase.ATTACHED));
        IllegalStateException delete = assertThrows(IllegalStateException.class,
                () -> store.write(tx -> tx.endpoints().delete("web", "net")));
        assertEquals("endpoint of container web on network net is ATTACHED; mark it DETACHING before tearing it down",
                delete.getMessage());
        IllegalStateException back = assertThrows(IllegalStateException.class,
                () -> store.write(tx -> tx.endpoints().setPhase("web", "net", Phase.ATTACHING)));
        assertEquals("endpoint of container web on network net is ATTACHED; it cannot move to ATTACHING",
                back.getMessage());
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> store.write(tx -> tx.endpoints().setPhase("db", "net", Phase.ATTACHED)));
        assertEquals("no endpoint of container db on network net to move to ATTACHED", missing.getMessage());
        IllegalArgumentException notAttaching = assertThrows(IllegalArgumentException.class,
                () -> store.update(tx -> tx.endpoints().insert(endpoint("db", "net", "10.1.0.3", "02:00:00:00:00:03")
                        .withPhase(Phase.ATTACHED))));
        assertEquals("an endpoint is journalled as ATTACHING first, not ATTACHED", notAttaching.getMessage());
    }

    @Test
    void phaseEdgesAreExactlyTheJournals() {
        for (Phase from : Phase.values()) {
            for (Phase to : Phase.values()) {
                boolean edge = from == Phase.ATTACHING && to != Phase.ATTACHING
                        || from == Phase.ATTACHED && to == Phase.DETACHING;
                assertEquals(edge, from.canMoveTo(to), from + " -> " + to);
            }
        }
    }

    @Test
    void duplicatesAreRefusedByName() {
        store.update(tx -> tx.endpoints().insert(web));
        assertInvalid("invalid container \"web\": already attached to network net; expected a container not yet"
                        + " attached to net",
                () -> insert(endpoint("web", "net", "10.1.0.3", "02:00:00:00:00:03")));
        Endpoint sameVeth = new Endpoint("db", "net", Path.of("/run/netns/db"), web.ifName(), web.hostVeth(),
                web.hostname(), web.ipv4().next(), null, web.mac(), Phase.ATTACHING);
        assertInvalid("invalid container db: host veth \"veth-web\": already used by container web on network net;"
                + " expected an interface name no other endpoint uses", () -> insert(sameVeth));
        assertInvalid("invalid container db: mac \"02:00:00:00:00:02\": in use by container web on network net;"
                        + " expected a MAC address no other container on net uses",
                () -> insert(endpoint("db", "net", "10.1.0.3", "02:00:00:00:00:02")));
    }

    private void insert(Endpoint e) {
        store.update(tx -> tx.endpoints().insert(e));
    }

    @Test
    void addressOwnersComeInAddressOrderNotTextOrder() {
        store.update(tx -> {
            tx.endpoints().insert(endpoint("ten", "net", "10.1.0.10", "02:00:00:00:00:10"));
            tx.endpoints().insert(endpoint("nine", "net", "10.1.0.9", "02:00:00:00:00:09"));
            tx.endpoints().insert(endpoint("hundred", "net", "10.1.0.100", "02:00:00:00:01:00"));
        });
        var owners = store.read(tx -> tx.endpoints().addressOwners("net", IpAddress.AF_INET));
        assertEquals(List.of("10.1.0.9", "10.1.0.10", "10.1.0.100"),
                owners.keySet().stream().map(Object::toString).toList());
        assertEquals(List.of("nine", "ten", "hundred"), List.copyOf(owners.values()));
        assertEquals(0, store.read(tx -> tx.endpoints().addressOwners("net", IpAddress.AF_INET6)).size());
    }

    @Test
    void onlyEndpointsOfDeadWritersAreClaimedAsStuck() throws IOException, InterruptedException {
        Owner self = Owner.current();
        Owner dead = deadProcess();
        // our pid, but a process that started at another time: the pid was reused
        Owner reused = new Owner(self.pid(), self.started() - 1000);
        store.update(tx -> {
            tx.endpoints().insert(endpoint("live", "net", "10.1.0.2", "02:00:00:00:00:02"), self);
            tx.endpoints().insert(endpoint("crashed", "net", "10.1.0.3", "02:00:00:00:00:03"), dead);
            tx.endpoints().insert(endpoint("recycled", "net", "10.1.0.4", "02:00:00:00:00:04"), reused);
            tx.endpoints().insert(endpoint("done", "net", "10.1.0.5", "02:00:00:00:00:05"), dead);
            tx.endpoints().setPhase("done", "net", Phase.ATTACHED);
        });
        List<Endpoint> claimed = store.write(tx -> tx.endpoints().claimStuck());
        assertEquals(List.of("crashed", "recycled"), claimed.stream().map(Endpoint::container).toList());
        claimed.forEach(e -> assertEquals(Phase.DETACHING, e.phase()));
        // now owned by this live process, so neither we nor a second engine claims them again
        assertEquals(List.of(), store.write(tx -> tx.endpoints().claimStuck()));
        store.update(tx -> claimed.forEach(e -> tx.endpoints().delete(e.container(), e.network())));
        assertEquals(List.of("done", "live"),
                store.read(tx -> tx.endpoints().ofNetwork("net")).stream().map(Endpoint::container).toList());
    }

    @Test
    void endpointsAreListedPerNetworkAndPerContainer() {
        store.update(tx -> {
            tx.networks().insert(network("other", "br-other", "10.2.0.0/24", "10.2.0.1", null));
            tx.endpoints().insert(web);
            tx.endpoints().insert(new Endpoint("web", "other", web.netns(), IfName.parse("ifname", "eth1"),
                    IfName.parse("veth", "veth-web1"), web.hostname(), Ipv4Address.parse("ip", "10.2.0.2"),
                    null, web.mac(), Phase.ATTACHING));
        });
        assertEquals(List.of("net", "other"),
                store.read(tx -> tx.endpoints().ofContainer("web")).stream().map(Endpoint::network).toList());
        assertEquals(List.of(web), store.read(tx -> tx.endpoints().ofNetwork("net")));
    }

    /** The owner record of a process that has exited. */
    private static Owner deadProcess() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sleep", "60").start();
        long started = p.info().startInstant().map(Instant::toEpochMilli).orElseThrow();
        p.destroy();
        p.waitFor();
        return new Owner(p.pid(), started);
    }
}

package org.nlbridge.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.state.Samples.assertInvalid;
import static org.nlbridge.state.Samples.endpoint;
import static org.nlbridge.state.Samples.network;
import static org.nlbridge.state.Samples.withIpv6;
import static org.nlbridge.state.Samples.withOptions;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Mtu;
import org.nlbridge.spec.FirewallBackend;
import org.nlbridge.spec.GatewayMode;

class NetworkTableTest {

    @TempDir
    Path dir;
    StateStore store;

    @BeforeEach
    void open() {
        store = StateStore.open(dir);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void everyColumnRoundTrips() {
        Network plain = network("bridge", "docker0", "172.17.0.0/16", "172.17.0.1", null);
        Network full = withOptions(withIpv6(network("web", "br-web", "10.10.0.0/16", "10.10.0.254", "10.10.128.0/17"),
                        "fd00:a::/64", "fd00:a::1", "fd00:a::/80"),
                new NetworkOptions(false, false, false, true, FirewallBackend.NONE, true, GatewayMode.ISOLATED,
                        GatewayMode.NAT));
        Network given = new Network("host", "bridge", IfName.parse("bridge", "br0"), BridgeOrigin.GIVEN,
                Samples.config("192.168.50.0/24", "192.168.50.1", null), null, Mtu.of(9000), Samples.DEFAULT_OPTIONS);
        store.update(tx -> {
            tx.networks().insert(full);
            tx.networks().insert(plain);
            tx.networks().insert(given);
        });
        assertEquals(List.of(plain, given, full), store.read(tx -> tx.networks().all()));
        assertEquals(Optional.of(full), store.read(tx -> tx.networks().find("web")));
        assertEquals(Optional.empty(), store.read(tx -> tx.networks().find("nope")));
    }

    @Test
    void namesAndBridgesAreUnique() {
        store.update(tx -> tx.networks().insert(network("web", "br-web", "10.1.0.0/24", "10.1.0.1", null)));
        assertInvalid("invalid network \"web\": a network with this name already exists; expected a name no other"
                        + " network uses",
                () -> insert(network("web", "br-x", "10.2.0.0/24", "10.2.0.1", null)));
        assertInvalid("invalid network db: bridge \"br-web\": already used by network web; expected a bridge no other"
                + " network uses", () -> insert(network("db", "br-web", "10.2.0.0/24", "10.2.0.1", null)));
    }

    private void insert(Network n) {
        store.update(tx -> tx.networks().insert(n));
    }

    @Test
    void anUnknownNetworkIsNamed() {
        assertInvalid("invalid network \"nope\": no such network; expected the name of an existing network",
                () -> store.read(tx -> tx.networks().get("nope")));
    }

    @Test
    void aNetworkWithEndpointsIsNotDeleted() {
        store.update(tx -> {
            tx.networks().insert(network("web", "br-web", "10.1.0.0/24", "10.1.0.1", null));
            tx.endpoints().insert(endpoint("b", "web", "10.1.0.3", "02:00:00:00:00:03"));
            tx.endpoints().insert(endpoint("a", "web", "10.1.0.2", "02:00:00:00:00:02"));
        });
        assertInvalid("invalid network \"web\": still has 2 endpoints (containers a, b); expected a network without"
                + " endpoints; detach them first", () -> store.write(tx -> tx.networks().delete("web")));
        store.update(tx -> tx.endpoints().delete("a", "web"));
        assertInvalid("invalid network \"web\": still has 1 endpoint (container b); expected a network without"
                + " endpoints; detach them first", () -> store.write(tx -> tx.networks().delete("web")));
        store.update(tx -> tx.endpoints().delete("b", "web"));
        boolean deleted = store.write(tx -> tx.networks().delete("web"));
        boolean deletedAgain = store.write(tx -> tx.networks().delete("web"));
        assertTrue(deleted);
        assertFalse(deletedAgain);
    }

    @Test
    void theCursorIsKeptPerFamily() {
        store.update(tx -> tx.networks().insert(withIpv6(network("web", "br-web", "10.1.0.0/24", "10.1.0.1", null),
                "fd00::/64", "fd00::1", null)));
        assertEquals(Optional.empty(), store.read(tx -> tx.networks().lastAllocated("web", IpAddress.AF_INET)));
        store.update(tx -> {
            tx.networks().setLastAllocated("web", IpAddress.parse("ip", "10.1.0.9"));
            tx.networks().setLastAllocated("web", IpAddress.parse("ip", "fd00::9"));
        });
        assertEquals(Optional.of(IpAddress.parse("ip", "10.1.0.9")),
                store.read(tx -> tx.networks().lastAllocated("web", IpAddress.AF_INET)));
        assertEquals(Optional.of(IpAddress.parse("ip", "fd00::9")),
                store.read(tx -> tx.networks().lastAllocated("web", IpAddress.AF_INET6)));
    }
}

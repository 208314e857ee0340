package org.nlbridge.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.nlbridge.state.Samples.assertInvalid;
import static org.nlbridge.state.Samples.endpoint;
import static org.nlbridge.state.Samples.network;
import static org.nlbridge.state.Samples.withIpv6;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.PortMapping;
import org.nlbridge.net.PortSpec;
import org.nlbridge.net.ValidationException;

class PortTableTest {

    @TempDir
    Path dir;
    StateStore store;

    @BeforeEach
    void open() {
        store = StateStore.open(dir);
        store.update(tx -> {
            tx.networks().insert(withIpv6(network("net", "br-net", "10.1.0.0/24", "10.1.0.1", null),
                    "fd00::/64", "fd00::1", null));
            tx.endpoints().insert(withIpv6(endpoint("web", "net", "10.1.0.2", "02:00:00:00:00:02"), "fd00::2"));
            tx.endpoints().insert(withIpv6(endpoint("api", "net", "10.1.0.3", "02:00:00:00:00:03"), "fd00::3"));
        });
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** {@code -p spec} for {@code container}, leading to its address of the host address's family. */
    private void publish(String container, String spec) {
        store.update(tx -> tx.ports().publish(binding(tx, container, spec)));
    }

    private static PortBinding binding(Tx tx, String container, String spec) {
        var mapping = PortSpec.parse("port", spec).mappings().getFirst();
        Endpoint e = tx.endpoints().find(container, "net").orElseThrow();
        IpAddress target = mapping.hostIp() instanceof Ipv6Address ? e.ipv6() : e.ipv4();
        return new PortBinding(mapping, container, "net", target);
    }

    /** Expects {@code container}'s {@code -p spec} to be refused because {@code holder} has the port {@code on}. */
    private void assertConflict(String container, String spec, String holder, String on) {
        PortMapping mapping = PortSpec.parse("port", spec).mappings().getFirst();
        String port = mapping.protocol() + "/" + mapping.hostPort();
        assertInvalid("invalid container " + container + ": publish \"" + mapping + "\": host port " + port
                        + " is already published by container " + holder + " " + on + "; expected a host port that"
                        + " no other published port uses on the same host address",
                () -> publish(container, spec));
    }

    @Test
    void aHostPortOnAllAddressesBlocksEverySpecificAddressOfItsPort() {
        publish("web", "5000:80");
        assertConflict("api", "5000:8080", "web", "on all host addresses");
        assertConflict("api", "127.0.0.1:5000:8080", "web", "on all host addresses");
        assertConflict("api", "[::1]:5000:8080/tcp", "web", "on all host addresses");
        // another protocol or another port is fine
        publish("api", "5000:8080/udp");
        publish("api", "5001:8080");
    }

    @Test
    void aSpecificAddressBlocksAllAddressesAndItsFamilysWildcard() {
        publish("web", "127.0.0.1:5000:80");
        assertConflict("api", "5000:80", "web", "on 127.0.0.1");
        assertConflict("api", "0.0.0.0:5000:80", "web", "on 127.0.0.1");
        assertConflict("web", "127.0.0.1:5000:81", "web", "on 127.0.0.1");
        // other addresses, of either family, may share the port
        publish("api", "127.0.0.2:5000:80");
        publish("api", "[::1]:5000:80");
        assertConflict("web", "[::]:5000:80", "api", "on ::1");
    }

    @Test
    void theWholeMessageOfTheCommonCase() {
        publish("web", "5000:80");
        assertInvalid("invalid container api: publish \"5000:80/tcp\": host port tcp/5000 is already published by"
                        + " container web on all host addresses; expected a host port that no other published port"
                        + " uses on the same host address",
                () -> publish("api", "5000:80"));
    }

    @Test
    void severalPortsAreAllOrNothing() {
        publish("web", "6000:80");
        assertThrows(ValidationException.class, () -> store.update(tx -> {
            tx.ports().publish(binding(tx, "api", "5999:80"));
            tx.ports().publish(binding(tx, "api", "6000:80"));
        }));
        assertEquals(List.of(), store.read(tx -> tx.ports().ofEndpoint("api", "net")));
    }

    @Test
    void bindingsGoWithTheirEndpoint() {
        publish("web", "5000:80");
        publish("web", "[::1]:5001:81/udp");
        publish("api", "5002:80");
        List<PortBinding> web = store.read(tx -> tx.ports().ofEndpoint("web", "net"));
        assertEquals(List.of("5000:80/tcp", "[::1]:5001:81/udp"),
                web.stream().map(b -> b.mapping().toString()).toList());
        assertEquals(IpAddress.parse("ip", "fd00::2"), web.get(1).containerIp());
        store.update(tx -> tx.endpoints().delete("web", "net"));
        assertEquals(List.of("5002:80/tcp"),
                store.read(tx -> tx.ports().all()).stream().map(b -> b.mapping().toString()).toList());
        assertEquals(List.of("5002:80/tcp"), store.write(tx -> tx.ports().unpublish("api", "net")).stream()
                .map(b -> b.mapping().toString()).toList());
        assertEquals(List.of(), store.read(tx -> tx.ports().all()));
    }

    @Test
    void aBindingMustLeadToItsEndpointsAddress() {
        var mapping = PortSpec.parse("port", "5000:80").mappings().getFirst();
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> store.update(tx ->
                tx.ports().publish(new PortBinding(mapping, "web", "net", IpAddress.parse("ip", "10.1.0.3")))));
        assertEquals("port 5000:80/tcp leads to 10.1.0.3, which is not an address of container web on network net",
                wrong.getMessage());
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> store.update(tx ->
                tx.ports().publish(new PortBinding(mapping, "db", "net", IpAddress.parse("ip", "10.1.0.4")))));
        assertEquals("no endpoint of container db on network net to publish 5000:80/tcp to", none.getMessage());
        IllegalArgumentException family = assertThrows(IllegalArgumentException.class, () -> new PortBinding(
                PortSpec.parse("port", "127.0.0.1:5000:80").mappings().getFirst(), "web", "net",
                IpAddress.parse("ip", "fd00::2")));
        assertEquals("port 127.0.0.1:5000:80/tcp leads from one address family to another (fd00::2)",
                family.getMessage());
    }
}

package org.nlbridge.rtnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nlbridge.net.ValidationException;

/** Bad input is refused when the spec is built, with a message naming the field; nothing is encoded or sent. */
class SpecValidationTest {

    private static String refused(Executable e) {
        return assertThrows(ValidationException.class, e).getMessage();
    }

    @Test
    void namesMtuAndMac() {
        assertEquals("invalid bridge.name \"sixteen-bytes-xx\": 16 bytes, above the limit of 15 (IFNAMSIZ 16 includes"
                + " the NUL); expected an interface name of 1..15 bytes from A-Z a-z 0-9 _ . -, not starting with '-' or"
                + " '.', other than all, default and lo", refused(() -> BridgeSpec.named("sixteen-bytes-xx")));
        assertEquals("invalid bridge.mtu \"67\": below the IPv4 minimum 68; expected an integer 68..65535",
                refused(() -> BridgeSpec.builder("br0").mtu(67)));
        assertEquals("invalid veth.peer.name \"eth/0\": character '/' not allowed; expected an interface"
                + " name of 1..15 bytes from A-Z a-z 0-9 _ . -, not starting with '-' or '.', other than all, default"
                + " and lo", refused(() -> VethSpec.builder("veth0", "eth/0")));
        assertEquals("veth.name", assertThrows(ValidationException.class, () -> VethSpec.builder("all", "eth0")).field());
        assertEquals("veth.peer.mac", assertThrows(ValidationException.class,
                () -> VethSpec.builder("v0", "eth0").peerMac("01:00:5e:00:00:01")).field());
        assertEquals("invalid veth.peer.name \"v0\": the same as the veth's own name in the same namespace; expected a"
                + " different name, or a peer namespace", refused(() -> VethSpec.builder("v0", "v0").build()));
        assertEquals("veth.master", assertThrows(ValidationException.class,
                () -> VethSpec.builder("v0", "eth0").master(0)).field());
        assertEquals("invalid veth.queues \"0\": outside 1..4096; expected 1..4096 queues",
                refused(() -> VethSpec.builder("v0", "eth0").queues(0)));
        assertEquals("veth.queues", assertThrows(ValidationException.class,
                () -> VethSpec.builder("v0", "eth0").queues(4097)).field());
    }

    @Test
    void aliases() {
        assertEquals("invalid bridge.alias \"two\\nlines\": character U+000A at index 3 not allowed; expected 1..255"
                + " printable ASCII characters, e.g. nlbridge:net-1", refused(() -> BridgeSpec.builder("br0").alias("two\nlines")));
        assertEquals("bridge.alias", assertThrows(ValidationException.class,
                () -> BridgeSpec.builder("br0").alias("x".repeat(256))).field());
        assertEquals("bridge.alias", assertThrows(ValidationException.class,
                () -> BridgeSpec.builder("br0").alias("")).field());
        BridgeSpec.builder("br0").alias("x".repeat(255)).build(); // the limit itself is fine
    }

    @Test
    void bridgeForwardDelay() {
        assertEquals("invalid bridge.forward_delay \"PT0S\": the kernel refuses it while STP is on; expected 2..30"
                + " seconds with STP on", refused(() -> BridgeSpec.builder("br0").stp(true).forwardDelay(Duration.ZERO).build()));
        BridgeSpec.builder("br0").stp(false).forwardDelay(Duration.ZERO).build();
        BridgeSpec.builder("br0").stp(true).forwardDelay(Duration.ofSeconds(4)).build();
    }

    @Test
    void addresses() {
        assertEquals("address", assertThrows(ValidationException.class, () -> AddressSpec.of(2, "10.1/24")).field());
        assertEquals("address", assertThrows(ValidationException.class, () -> AddressSpec.of(2, "010.0.0.1/24")).field());
        assertEquals("address", assertThrows(ValidationException.class, () -> AddressSpec.of(2, "10.0.0.1")).field());
        assertEquals("address", assertThrows(ValidationException.class, () -> AddressSpec.of(2, "fe80::1%eth0/64")).field());
        assertEquals("invalid address.ifindex \"-1\": not an interface index; expected a positive interface index",
                refused(() -> AddressSpec.of(-1, "10.0.0.1/24")));
    }

    @Test
    void routes() {
        assertEquals("invalid route.destination \"10.0.0.1/24\": host bits set; did you mean 10.0.0.0/24?; expected a"
                + " subnet like 10.0.0.0/24 or fd00::/64 (network address without host bits, prefix 0..32 for IPv4,"
                + " 0..128 for IPv6)", refused(() -> RouteSpec.to("10.0.0.1/24")));
        assertEquals("route.gateway", assertThrows(ValidationException.class, () -> RouteSpec.defaultVia("10.1")).field());
        assertEquals("route.gateway", assertThrows(ValidationException.class,
                () -> RouteSpec.defaultVia("010.0.0.1")).field());
        assertEquals("route.gateway", assertThrows(ValidationException.class,
                () -> RouteSpec.defaultVia("gateway.example")).field());
        assertEquals("route.table", assertThrows(ValidationException.class, () -> RouteSpec.to("10.0.0.0/8").table(0)).field());
        assertEquals("route.metric", assertThrows(ValidationException.class, () -> RouteSpec.to("10.0.0.0/8").metric(-2)).field());
        assertEquals("route.oif", assertThrows(ValidationException.class, () -> RouteSpec.to("10.0.0.0/8").dev(0)).field());
        assertEquals("route default via 10.0.0.1 dev #3 metric 5", RouteSpec.defaultVia("10.0.0.1").dev(3).metric(5).toString());
    }
}

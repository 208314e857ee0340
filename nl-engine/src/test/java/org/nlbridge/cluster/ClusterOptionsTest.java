package org.nlbridge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nlbridge.net.ValidationException;

/** Docker's cluster options, parsed strictly: every refusal names the option, the value and what is accepted. */
class ClusterOptionsTest {

    private static String error(String store, List<String> opts, String advertise) {
        return assertThrows(ValidationException.class, () -> ClusterOptions.parse(store, opts, advertise, null)).getMessage();
    }

    @Test
    void storeOptionsAndTheDiscoveryTtl() {
        ClusterOptions o = ClusterOptions.parse("etcd://10.0.0.1:2379,10.0.0.2:2379", List.of("timeout=2s",
                "discovery.ttl=9"), "eth0", null);
        assertEquals(2, o.store().endpoints().size());
        assertEquals(Duration.ofSeconds(2), o.store().requestTimeout());
        assertEquals(Duration.ofSeconds(9), o.hostTtl());
        assertEquals("eth0", o.advertise());
        assertEquals(ClusterOptions.DEFAULT_TTL, ClusterOptions.parse("etcd://h:2379", List.of(), "10.0.0.1", null).hostTtl());
        assertEquals(Duration.ofSeconds(3), ClusterOptions.parse("etcd://h:2379", List.of("timeout=1s,discovery.ttl=3"),
                "10.0.0.1", null).hostTtl(), "comma-separated like Docker's");
        o.events().accept(new ClusterEvent("peer", "add", "x", "")); // a listener that does nothing when none is given
    }

    @Test
    void advertiseIsAnIpv4AddressOrAnInterfaceDockersPortIgnored() {
        assertEquals("10.0.0.1", ClusterOptions.parse("etcd://h:2379", List.of(), "10.0.0.1:2376", null).advertise());
        assertEquals("eth0", ClusterOptions.parse("etcd://h:2379", List.of(), "eth0:2376", null).advertise());
        assertEquals("invalid cluster-advertise \"10.0.0.300\": part \"300\" above 255; expected "
                + ClusterOptions.ACCEPTED_ADVERTISE, error("etcd://h:2379", List.of(), "10.0.0.300"));
        assertEquals("invalid cluster-advertise: missing: --cluster-store needs it; expected "
                + ClusterOptions.ACCEPTED_ADVERTISE, error("etcd://h:2379", List.of(), null));
        error("etcd://h:2379", List.of(), "eth0/../x");
    }

    @Test
    void badOptionsNameTheOption() {
        assertEquals("invalid cluster-store-opt \"discovery.ttl=1\": not a whole number of seconds, 2 or more; expected"
                + " discovery.ttl=SECONDS, like discovery.ttl=20 (how long a silent host stays in the cluster)",
                error("etcd://h:2379", List.of("discovery.ttl=1"), "eth0"));
        assertEquals("invalid cluster-store-opt \"ttl\": not KEY=VALUE; expected cacert=FILE, cert=FILE, key=FILE (PEM;"
                + " all three for mutual TLS) or timeout=DURATION (like 5s or 500ms), or discovery.ttl=SECONDS",
                error("etcd://h:2379", List.of("ttl"), "eth0"));
        assertEquals("invalid cluster-store-opt \"discovery.heartbeat=5\": unknown option discovery.heartbeat; expected"
                + " cacert=FILE, cert=FILE, key=FILE (PEM; all three for mutual TLS) or timeout=DURATION (like 5s or 500ms)",
                error("etcd://h:2379", List.of("discovery.heartbeat=5"), "eth0"));
        assertEquals("invalid cluster-store \"consul://h:8500\": not an etcd:// URL; expected etcd://HOST:PORT[,HOST:PORT...]"
                + " with HOST an IP address ([fd00::1] for IPv6) or a host name, like etcd://10.0.0.1:2379,10.0.0.2:2379",
                error("consul://h:8500", List.of(), "eth0"));
    }
}

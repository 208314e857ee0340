package org.nlbridge.driver.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.NotFoundException;
import org.nlbridge.state.Samples;
import org.nlbridge.state.StateStore;

/** The pools a runtime's own IPAM asks for (Docker's --ipam-driver nlbridge), on a real state store. */
class RuntimePoolsTest {

    @TempDir
    Path dir;
    StateStore store;
    List<Cidr> routes = new ArrayList<>();
    RuntimePools pools;

    @BeforeEach
    void open() {
        store = StateStore.open(dir);
        pools = new RuntimePools(store, () -> routes);
    }

    @AfterEach
    void close() {
        store.close();
    }

    static Cidr cidr(String s) {
        return Cidr.parseSubnet("t", s);
    }

    static IpAddress ip(String s) {
        return IpAddress.parse("t", s);
    }

    @Test
    void aPoolNlbridgePicksMissesRoutesNetworksAndOtherPools() {
        routes.add(cidr("172.17.0.0/16")); // docker0
        store.update(tx -> tx.networks().insert(Samples.network("web", "br-web", "172.18.0.0/16", "172.18.0.1", null)));
        assertEquals(new AddressPools.Pool("nlbridge-local/172.19.0.0/16", cidr("172.19.0.0/16"), null),
                pools.requestPool("nlbridge-local", null, null, false));
        assertEquals(cidr("172.20.0.0/16"), pools.requestPool("other-space", null, null, false).subnet(),
                "spaces share one host");
        var e = assertThrows(ValidationException.class, () -> pools.requestPool("s", cidr("172.19.128.0/17"), null, false));
        assertEquals("invalid --subnet \"172.19.128.0/17\": overlaps the pool nlbridge-local/172.19.0.0/16, subnet"
                + " 172.19.0.0/16; expected a subnet no other pool or network of this host uses", e.getMessage());
        e = assertThrows(ValidationException.class, () -> pools.requestPool("s", cidr("172.18.3.0/24"), null, false));
        assertEquals("invalid --subnet \"172.18.3.0/24\": overlaps network web's subnet 172.18.0.0/16; expected a subnet"
                + " no other pool or network of this host uses", e.getMessage());
        e = assertThrows(ValidationException.class, () -> pools.requestPool("s", null, null, true));
        assertTrue(e.getMessage().startsWith("invalid --subnet: nlbridge has no default IPv6 pools"), e.getMessage());
        pools.releasePool("nlbridge-local/172.19.0.0/16");
        assertEquals(cidr("172.19.0.0/16"), pools.requestPool("s", null, null, false).subnet(), "released, free again");
    }

    @Test
    void addressesGatewayFirstThenRoundRobinInTheRange() {
        AddressPools.Pool p = pools.requestPool("s", cidr("10.9.0.0/24"), cidr("10.9.0.128/25"), false);
        assertEquals("s/10.9.0.0/24/10.9.0.128/25", p.id());
        assertEquals("10.9.0.1/24", pools.requestAddress(p.id(), null, true).toString(), "the gateway: first of the subnet");
        assertEquals("10.9.0.128/24", pools.requestAddress(p.id(), null, false).toString(), "endpoints: from the range");
        assertEquals("10.9.0.129/24", pools.requestAddress(p.id(), null, false).toString());
        pools.releaseAddress(p.id(), ip("10.9.0.128"));
        assertEquals("10.9.0.130/24", pools.requestAddress(p.id(), null, false).toString(), "not the one just released");
        assertEquals("10.9.0.7/24", pools.requestAddress(p.id(), ip("10.9.0.7"), false).toString(), "--ip outside the range");
        var e = assertThrows(ValidationException.class, () -> pools.requestAddress(p.id(), ip("10.9.0.7"), false));
        assertEquals("invalid --ip \"10.9.0.7\": is already in use in pool s/10.9.0.0/24/10.9.0.128/25; expected a free"
                + " address of 10.9.0.0/24", e.getMessage());
        e = assertThrows(ValidationException.class, () -> pools.requestAddress(p.id(), ip("10.9.0.255"), false));
        assertTrue(e.getMessage().startsWith("invalid --ip \"10.9.0.255\": is the broadcast address"), e.getMessage());
        assertThrows(NotFoundException.class, () -> pools.requestAddress("nope", null, false));
        pools.releaseAddress("nope", ip("10.9.0.1")); // unknown: no error
        pools.releasePool("nope");
    }

    @Test
    void aSmallPoolRunsOut() {
        AddressPools.Pool p = pools.requestPool("s", cidr("10.8.0.0/30"), null, false);
        pools.requestAddress(p.id(), null, true);
        pools.requestAddress(p.id(), null, false);
        var e = assertThrows(ValidationException.class, () -> pools.requestAddress(p.id(), null, false));
        assertEquals("invalid pool s/10.8.0.0/30 \"10.8.0.0/30\": no free address: 2 handed out; expected a pool with a"
                + " free address (a larger --subnet or --ip-range)", e.getMessage());
    }

    @Test
    void poolsSurviveTheStore() {
        AddressPools.Pool p = pools.requestPool("s", null, null, false);
        pools.requestAddress(p.id(), null, true);
        store.close();
        store = StateStore.open(dir);
        pools = new RuntimePools(store, () -> routes);
        assertEquals("172.17.0.2/16", pools.requestAddress(p.id(), null, false).toString(), "the gateway still taken");
        assertThrows(ValidationException.class, () -> pools.requestPool("s", cidr("172.17.0.0/16"), null, false));
    }
}

package org.nlbridge.driver.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.driver.firewall.Specs.endpoint;
import static org.nlbridge.driver.firewall.Specs.ifname;
import static org.nlbridge.driver.firewall.Specs.network;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nlbridge.net.ValidationException;

class FirewallModelTest {

    private FirewallModel model;

    @BeforeEach
    void twoNetworks() {
        model = new FirewallModel();
        add(network("nlb0", "172.18.0.0/16").build());
        add(network("nlb1", "172.19.0.0/16").internal(true).build());
        add(endpoint("c1", "nlb0", "veth1", "172.18.0.2", "5000:22", "127.0.0.1:8080:80"));
    }

    private void add(NetworkFirewallSpec n) {
        assertTrue(model.checkNetwork(n));
        model.putNetwork(n);
    }

    private void add(EndpointFirewallSpec e) {
        assertTrue(model.checkEndpoint(e));
        model.putEndpoint(e);
    }

    private static void rejected(String message, org.junit.jupiter.api.function.Executable call) {
        assertEquals(message, assertThrows(ValidationException.class, call).getMessage());
    }

    @Test
    void equalSpecsAreNoOps() {
        assertFalse(model.checkNetwork(network("nlb0", "172.18.0.0/16").build()));
        assertFalse(model.checkEndpoint(endpoint("c1", "nlb0", "veth1", "172.18.0.2", "5000:22", "127.0.0.1:8080:80")));
    }

    @Test
    void networksConflict() {
        rejected("invalid network nlb0 \"" + network("nlb0", "172.18.0.0/16").icc(false).build() + "\": bridge nlb0"
                        + " already has a network with other settings (" + model.network(ifname("nlb0"))
                        + "); expected tear the network down before changing it",
                () -> model.checkNetwork(network("nlb0", "172.18.0.0/16").icc(false).build()));
        rejected("invalid network nlb2 subnet \"172.18.128.0/17\": overlaps 172.18.0.0/16 of the network on bridge"
                        + " nlb0; expected a subnet no other network uses",
                () -> model.checkNetwork(network("nlb2", "172.18.128.0/17").build()));
    }

    @Test
    void endpointsMustFitTheirNetwork() {
        rejected("invalid endpoint c2 bridge \"nlb9\": no network is set up on this bridge;"
                        + " expected the bridge of a network set up before",
                () -> model.checkEndpoint(endpoint("c2", "nlb9", "veth2", "172.18.0.3")));
        rejected("invalid endpoint c2 address \"172.20.0.3\": not a host address of 172.18.0.0/16;"
                        + " expected an address inside the network",
                () -> model.checkEndpoint(endpoint("c2", "nlb0", "veth2", "172.20.0.3")));
        rejected("invalid endpoint c2 address \"172.18.255.255\": not a host address of 172.18.0.0/16;"
                        + " expected an address inside the network",
                () -> model.checkEndpoint(endpoint("c2", "nlb0", "veth2", "172.18.255.255")));
        rejected("invalid endpoint c2 address \"fd00::3\": the network on nlb0 has no IPv6 subnet;"
                        + " expected an address inside the network",
                () -> model.checkEndpoint(endpoint("c2", "nlb0", "veth2", "172.18.0.3,fd00::3")));
        rejected("invalid endpoint c2 address \"172.18.0.2\": already the address of endpoint c1;"
                        + " expected an address no other endpoint has",
                () -> model.checkEndpoint(endpoint("c2", "nlb0", "veth2", "172.18.0.2")));
        rejected("invalid endpoint c2 hostVeth \"veth1\": already the veth of endpoint c1;"
                        + " expected the endpoint's own veth",
                () -> model.checkEndpoint(endpoint("c2", "nlb0", "veth1", "172.18.0.3")));
        rejected("invalid endpoint c2 ports \"[6000:22/tcp]\": the network on nlb1 is internal, and an internal"
                        + " network cannot publish ports; expected no published ports on an internal network",
                () -> model.checkEndpoint(endpoint("c2", "nlb1", "veth2", "172.19.0.3", "6000:22")));
    }

    @Test
    void aPortOnEveryAddressConflictsWithTheSamePortOnOne() {
        rejected("invalid endpoint c2 ports \"0.0.0.0:5000 -> 172.18.0.3:22/tcp\": host port 5000/tcp on every IPv4"
                        + " address is already published by endpoint c1 (0.0.0.0:5000 -> 172.18.0.2:22/tcp);"
                        + " expected a host port no other endpoint publishes on the same address",
                () -> model.checkEndpoint(endpoint("c2", "nlb0", "veth2", "172.18.0.3", "5000:22")));
        rejected("invalid endpoint c2 ports \"10.0.0.1:5000 -> 172.18.0.3:22/tcp\": host port 5000/tcp on every IPv4"
                        + " address is already published by endpoint c1 (0.0.0.0:5000 -> 172.18.0.2:22/tcp);"
                        + " expected a host port no other endpoint publishes on the same address",
                () -> model.checkEndpoint(endpoint("c2", "nlb0", "veth2", "172.18.0.3", "10.0.0.1:5000:22")));
        rejected("invalid endpoint c2 ports \"0.0.0.0:8080 -> 172.18.0.3:80/tcp\": host port 8080/tcp on 127.0.0.1"
                        + " is already published by endpoint c1 (127.0.0.1:8080 -> 172.18.0.2:80/tcp);"
                        + " expected a host port no other endpoint publishes on the same address",
                () -> model.checkEndpoint(endpoint("c2", "nlb0", "veth2", "172.18.0.3", "8080:80")));
        // other protocol, other address, other port: all fine
        assertTrue(model.checkEndpoint(endpoint("c2", "nlb0", "veth2", "172.18.0.3",
                "5000:22/udp", "127.0.0.2:8080:80", "5001:22")));
    }

    @Test
    void removingFreesPortsAndRemovingANetworkTakesItsEndpoints() {
        assertEquals("c1", model.removeEndpoint("c1").id());
        assertTrue(model.checkEndpoint(endpoint("c2", "nlb0", "veth2", "172.18.0.3", "5000:22")));
        model.putEndpoint(endpoint("c2", "nlb0", "veth2", "172.18.0.3", "5000:22"));
        assertEquals(List.of("c2"), model.removeNetwork(ifname("nlb0")).stream().map(EndpointFirewallSpec::id).toList());
        assertEquals(List.of(ifname("nlb1")), model.state().networks().stream().map(NetworkFirewallSpec::bridge).toList());
        assertTrue(model.state().endpoints().isEmpty());
    }

    /** The uniqueness checks are indexed: a removed endpoint's veth, address and MAC are free again, and only then. */
    @Test
    void removingFreesTheVethAddressAndMac() {
        add(Specs.guarded(endpoint("c2", "nlb0", "veth2", "172.18.0.3"), "02:42:ac:12:00:03"));
        rejected("invalid endpoint c3 mac \"02:42:ac:12:00:03\": already the MAC of endpoint c2 on bridge nlb0;"
                        + " expected a MAC no other endpoint of the bridge has",
                () -> model.checkEndpoint(Specs.guarded(endpoint("c3", "nlb0", "veth3", "172.18.0.4"), "02:42:ac:12:00:03")));
        rejected("invalid network veth2 bridge \"veth2\": is the veth of endpoint c2; expected a bridge interface",
                () -> model.checkNetwork(network("veth2", "172.30.0.0/16").build()));
        model.removeEndpoint("c2");
        assertTrue(model.checkEndpoint(Specs.guarded(endpoint("c3", "nlb0", "veth2", "172.18.0.3"), "02:42:ac:12:00:03")));
        assertTrue(model.checkNetwork(network("veth2", "172.30.0.0/16").build()));
        model.replaceWith(FirewallModel.of(model.state()));
        rejected("invalid endpoint c3 hostVeth \"veth1\": already the veth of endpoint c1;"
                        + " expected the endpoint's own veth",
                () -> model.checkEndpoint(endpoint("c3", "nlb0", "veth1", "172.18.0.9")));
    }

    @Test
    void stateRoundTripsAndDuplicatesAreRejected() {
        FirewallState s = model.state();
        assertEquals(s, FirewallModel.of(s).state());
        FirewallState dup = new FirewallState(s.networks(), List.of(s.endpoints().getFirst(), s.endpoints().getFirst()));
        rejected("invalid endpoint c1 \"c1\": listed twice; expected each endpoint once", dup::validated);
    }
}

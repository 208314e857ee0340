package org.nlbridge.driver.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.state.Samples.assertInvalid;
import static org.nlbridge.state.Samples.network;
import static org.nlbridge.state.Samples.withIpv6;
import static org.nlbridge.state.Samples.withOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.NetworkOptions;
import org.nlbridge.state.Phase;
import org.nlbridge.state.StateStore;
import org.nlbridge.net.Hostname;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.spec.FirewallBackend;

class IpamTest {

    static final String V4_ACCEPTED = " other than the network, broadcast and gateway addresses";

    @TempDir
    Path dir;
    StateStore store;
    Ipam ipam;

    @BeforeEach
    void open() {
        store = StateStore.open(dir);
        ipam = new Ipam(store, new Random(42));
    }

    @AfterEach
    void close() {
        store.close();
    }

    static EndpointRequest request(String container, String network) {
        return new EndpointRequest(container, network, Path.of("/run/netns/" + container), IfName.parse("if", "eth0"),
                IfName.parse("veth", "veth-" + container), Hostname.parse("hostname", container), null, null, null);
    }

    static EndpointRequest requestIp(String container, String network, String ipv4) {
        EndpointRequest r = request(container, network);
        return new EndpointRequest(r.container(), r.network(), r.netns(), r.ifName(), r.hostVeth(), r.hostname(),
                Ipv4Address.parse("ip", ipv4), null, null);
    }

    private String attach(String container, String network) {
        return ipam.attach(request(container, network)).ipv4().toString();
    }

    /** The driver's teardown: journal DETACHING, (kernel work), release. */
    private void detach(String container, String network) {
        store.update(tx -> tx.endpoints().setPhase(container, network, Phase.DETACHING));
        ipam.release(container, network);
    }

    @Test
    void aNewNetworkStartsAtTheFirstAddressAfterTheGatewayAndJournalsAttaching() {
        ipam.createNetwork(network("web", "br-web", "172.18.0.0/16", "172.18.0.1", null));
        Endpoint e = ipam.attach(request("a", "web"));
        assertEquals("172.18.0.2", e.ipv4().toString());
        assertEquals(Phase.ATTACHING, e.phase());
        assertNull(e.ipv6());
        assertEquals(Optional.of(e), store.read(tx -> tx.endpoints().find("a", "web")));
        assertEquals("172.18.0.3", attach("b", "web"));
    }

    @Test
    void aReleasedAddressIsNotReusedUntilThePoolWrapsRound() {
        ipam.createNetwork(network("small", "br-small", "10.0.0.0/29", "10.0.0.1", null));
        assertEquals(List.of("10.0.0.2", "10.0.0.3", "10.0.0.4"),
                List.of(attach("a", "small"), attach("b", "small"), attach("c", "small")));
        detach("b", "small");
        assertEquals("10.0.0.5", attach("d", "small"));
        assertEquals("10.0.0.6", attach("e", "small"));
        // the end of the pool (10.0.0.7 is the broadcast): round to the start, where only .3 is free
        assertEquals("10.0.0.3", attach("f", "small"));
        PoolExhaustedException full = assertThrows(PoolExhaustedException.class, () -> attach("g", "small"));
        assertEquals("no free address in 10.0.0.0/29 for container g: 5 addresses in use", full.getMessage());
        assertEquals(5, full.inUse());
    }

    @Test
    void aFullSlash24ReportsItsPoolTheContainerAndTheCount() {
        ipam.createNetwork(network("bridge", "docker0", "172.17.42.0/24", "172.17.42.1", null));
        store.update(tx -> {
            for (int i = 0; i < 253; i++) {
                Endpoint e = ipam.attach(tx, request("c" + i, "bridge"));
                assertTrue(!e.ipv4().toString().equals("172.17.42.1") && !e.ipv4().toString().equals("172.17.42.255"));
            }
        });
        PoolExhaustedException e = assertThrows(PoolExhaustedException.class, () -> attach("web", "bridge"));
        assertEquals("no free address in 172.17.42.0/24 for container web: 253 addresses in use", e.getMessage());
        assertEquals(List.of(), store.read(tx -> tx.endpoints().find("web", "bridge")).stream().toList());
    }

    @Test
    void aFixedCidrIsTheWholePoolIncludingItsOwnEdges() {
        // Docker hands out the range's first address too: only the subnet's network and broadcast are special
        ipam.createNetwork(network("bridge", "docker0", "172.17.0.0/16", "172.17.0.1", "172.17.42.0/31"));
        assertEquals("172.17.42.0", attach("a", "bridge"));
        assertEquals("172.17.42.1", attach("b", "bridge"));
        PoolExhaustedException e = assertThrows(PoolExhaustedException.class, () -> attach("c", "bridge"));
        assertEquals("no free address in 172.17.42.0/31 for container c: 2 addresses in use", e.getMessage());
    }

    @Test
    void aRequestedAddressIsHonouredAndLeavesTheCursorAlone() {
        ipam.createNetwork(network("web", "br-web", "172.18.0.0/16", "172.18.0.1", null));
        assertEquals("172.18.0.3", ipam.attach(requestIp("static", "web", "172.18.0.3")).ipv4().toString());
        assertEquals("172.18.0.2", attach("a", "web"));
        assertEquals("172.18.0.4", attach("b", "web"));
        assertEquals("172.18.200.7", ipam.attach(requestIp("far", "web", "172.18.200.7")).ipv4().toString());
        assertEquals("172.18.0.5", attach("c", "web"));
    }

    @Test
    void aRequestedAddressIsRefusedWithItsReason() {
        ipam.createNetwork(network("web", "br-web", "172.18.0.0/16", "172.18.0.1", null));
        ipam.createNetwork(network("bridge", "docker0", "172.17.0.0/16", "172.17.0.1", "172.17.42.0/24"));
        attach("db", "web");
        String web = "; expected a free address in 172.18.0.0/16" + V4_ACCEPTED;
        assertInvalid("invalid container x: ip \"172.18.0.2\": is in use by container db" + web,
                () -> ipam.attach(requestIp("x", "web", "172.18.0.2")));
        assertInvalid("invalid container x: ip \"172.18.0.1\": is the gateway of network web" + web,
                () -> ipam.attach(requestIp("x", "web", "172.18.0.1")));
        assertInvalid("invalid container x: ip \"172.18.0.0\": is the network address of subnet 172.18.0.0/16" + web,
                () -> ipam.attach(requestIp("x", "web", "172.18.0.0")));
        assertInvalid("invalid container x: ip \"172.18.255.255\": is the broadcast address of subnet"
                        + " 172.18.0.0/16" + web,
                () -> ipam.attach(requestIp("x", "web", "172.18.255.255")));
        assertInvalid("invalid container x: ip \"10.0.0.5\": is outside the allocatable range 172.18.0.0/16 of"
                        + " network web" + web,
                () -> ipam.attach(requestIp("x", "web", "10.0.0.5")));
        assertInvalid("invalid container x: ip \"172.17.0.5\": is outside the allocatable range 172.17.42.0/24 of"
                        + " network bridge; expected a free address in 172.17.42.0/24" + V4_ACCEPTED,
                () -> ipam.attach(requestIp("x", "bridge", "172.17.0.5")));
        EndpointRequest r = request("x", "web");
        assertInvalid("invalid container x: ip6 \"fd00::5\": network web has no IPv6 subnet; expected no IPv6"
                        + " address on an IPv4-only network",
                () -> ipam.attach(new EndpointRequest(r.container(), r.network(), r.netns(), r.ifName(), r.hostVeth(),
                        r.hostname(), null, Ipv6Address.parse("ip6", "fd00::5"), null)));
        // nothing of the refused attaches was kept
        assertEquals(List.of("db"), store.read(tx -> tx.endpoints().all()).stream().map(Endpoint::container).toList());
    }

    @Test
    void aSecondAttachOfOneContainerIsRefusedBeforeAnyAddressIsConsidered() {
        ipam.createNetwork(network("web", "br-web", "172.18.0.0/16", "172.18.0.1", null));
        attach("db", "web");
        assertInvalid("invalid container \"db\": already attached to network web; expected a container not yet attached"
                + " to web", () -> ipam.attach(requestIp("db", "web", "172.18.0.2")));
        assertInvalid("invalid network \"nope\": no such network; expected the name of an existing network",
                () -> attach("db", "nope"));
    }

    @Test
    void ipv6IsAllocatedAlongsideAndSearchedWithoutEnumeratingTheSlash64() {
        ipam.createNetwork(withIpv6(network("dual", "br-dual", "10.5.0.0/24", "10.5.0.1", null),
                "fd00:5::/64", "fd00:5::1", null));
        Endpoint a = ipam.attach(request("a", "dual"));
        assertEquals("fd00:5::2", a.ipv6().toString());
        EndpointRequest r = request("b", "dual");
        Endpoint b = ipam.attach(new EndpointRequest(r.container(), r.network(), r.netns(), r.ifName(), r.hostVeth(),
                r.hostname(), null, Ipv6Address.parse("ip6", "fd00:5::ffff:ffff:ffff:ffff"), null));
        assertEquals("fd00:5::ffff:ffff:ffff:ffff", b.ipv6().toString());
        assertEquals("fd00:5::3", ipam.attach(request("c", "dual")).ipv6().toString());
        assertInvalid("invalid container d: ip6 \"fd00:5::1\": is the gateway of network dual; expected a free"
                        + " address in fd00:5::/64 other than the network and gateway addresses",
                () -> ipam.attach(new EndpointRequest("d", "dual", r.netns(), r.ifName(), IfName.parse("v", "veth-d"),
                        r.hostname(), null, Ipv6Address.parse("ip6", "fd00:5::1"), null)));
    }

    @Test
    void anIpv6PoolHandsOutItsLastAddressThenRunsOut() {
        // no broadcast in IPv6: the subnet's last address is a host like any other
        ipam.createNetwork(withIpv6(network("top", "br-top", "10.6.0.0/24", "10.6.0.1", null),
                "fd00:6::/64", "fd00:6::1", "fd00:6::ffff:ffff:ffff:fffc/126"));
        List<String> picked = new ArrayList<>();
        for (String c : List.of("a", "b", "c", "d")) {
            picked.add(ipam.attach(request(c, "top")).ipv6().toString());
        }
        assertEquals(List.of("fd00:6::ffff:ffff:ffff:fffc", "fd00:6::ffff:ffff:ffff:fffd",
                "fd00:6::ffff:ffff:ffff:fffe", "fd00:6::ffff:ffff:ffff:ffff"), picked);
        assertEquals("no free address in fd00:6::ffff:ffff:ffff:fffc/126 for container e: 4 addresses in use",
                assertThrows(PoolExhaustedException.class, () -> attach("e", "top")).getMessage());
    }

    @Test
    void macsAreRandomLocalUnicastOrFollowTheAddressOrAreAsRequested() {
        ipam.createNetwork(network("random", "br-random", "10.7.0.0/24", "10.7.0.1", null));
        ipam.createNetwork(withOptions(network("classic", "br-classic", "172.18.0.0/16", "172.18.0.1", null),
                new NetworkOptions(true, true, true, false, FirewallBackend.NFTABLES, true)));
        MacAddress random = ipam.attach(request("a", "random")).mac();
        assertTrue(random.isUnicast() && random.isLocallyAdministered(), random.toString());
        assertEquals("02:42:ac:12:00:02", ipam.attach(request("k", "classic")).mac().toString());
        EndpointRequest r = request("b", "random");
        MacAddress wanted = MacAddress.parseUnicast("mac", "02:aa:bb:cc:dd:ee");
        EndpointRequest withMac = new EndpointRequest(r.container(), r.network(), r.netns(), r.ifName(), r.hostVeth(),
                r.hostname(), null, null, wanted);
        assertEquals(wanted, ipam.attach(withMac).mac());
        assertInvalid("invalid container c: mac \"02:aa:bb:cc:dd:ee\": in use by container b on network random;"
                        + " expected a MAC address no other container on random uses",
                () -> ipam.attach(new EndpointRequest("c", "random", r.netns(), r.ifName(), IfName.parse("v", "veth-c"),
                        r.hostname(), null, null, wanted)));
    }

    @Test
    void aFailedJournalWriteTakesTheAllocationWithIt() {
        ipam.createNetwork(network("web", "br-web", "172.18.0.0/16", "172.18.0.1", null));
        attach("a", "web");
        EndpointRequest r = request("b", "web");
        EndpointRequest sameVeth = new EndpointRequest(r.container(), r.network(), r.netns(), r.ifName(),
                IfName.parse("veth", "veth-a"), r.hostname(), null, null, null);
        assertInvalid("invalid container b: host veth \"veth-a\": already used by container a on network web;"
                + " expected an interface name no other endpoint uses", () -> ipam.attach(sameVeth));
        assertEquals(Optional.of(IpAddress.parse("ip", "172.18.0.2")),
                store.read(tx -> tx.networks().lastAllocated("web", IpAddress.AF_INET)));
        assertEquals("172.18.0.3", attach("b", "web"));
    }

    @Test
    void releaseFreesAFailedAttachAndIsRepeatable() {
        ipam.createNetwork(network("web", "br-web", "172.18.0.0/16", "172.18.0.1", null));
        Endpoint a = ipam.attach(request("a", "web"));
        assertEquals(Optional.of(a), ipam.release("a", "web"));
        assertEquals(Optional.empty(), ipam.release("a", "web"));
        ipam.attach(request("b", "web"));
        store.update(tx -> tx.endpoints().setPhase("b", "web", Phase.ATTACHED));
        IllegalStateException attached = assertThrows(IllegalStateException.class, () -> ipam.release("b", "web"));
        assertEquals("endpoint of container b on network web is ATTACHED; mark it DETACHING before tearing it down",
                attached.getMessage());
        // a released address comes back once the pool wraps; here, by asking for it
        assertEquals("172.18.0.2", ipam.attach(requestIp("c", "web", "172.18.0.2")).ipv4().toString());
    }

    @Test
    void theCursorSurvivesARestart() {
        ipam.createNetwork(network("web", "br-web", "172.18.0.0/16", "172.18.0.1", null));
        attach("a", "web");
        attach("b", "web");
        detach("a", "web");
        store.close();
        store = StateStore.open(dir);
        ipam = new Ipam(store);
        assertEquals("172.18.0.4", attach("c", "web"));
    }

    @Test
    void createNetworkValidatesThenChecksNamesThenOverlaps() {
        ipam.createNetwork(network("db", "br-db", "10.1.2.0/23", "10.1.2.1", null));
        assertInvalid("invalid network x: gateway \"10.200.0.1\": not in subnet 10.100.0.0/24; expected an address"
                        + " inside 10.100.0.0/24 other than its network and broadcast address, like 10.100.0.1",
                () -> ipam.createNetwork(network("x", "br-x", "10.100.0.0/24", "10.200.0.1", null)));
        assertInvalid("invalid network \"db\": a network with this name already exists; expected a name no other"
                        + " network uses",
                () -> ipam.createNetwork(network("db", "br-x", "10.1.2.0/23", "10.1.2.1", null)));
        assertInvalid("invalid network x: subnet \"10.1.3.248/30\": overlaps subnet 10.1.2.0/23 of network db;"
                        + " expected a subnet that no other network uses",
                () -> ipam.createNetwork(network("x", "br-x", "10.1.3.248/30", "10.1.3.249", null)));
        ipam.createNetwork(withIpv6(network("v6a", "br-v6a", "10.9.0.0/24", "10.9.0.1", null),
                "fd00::/48", "fd00::1", null));
        assertInvalid("invalid network v6b: subnetV6 \"fd00:0:0:1::/64\": overlaps subnet fd00::/48 of network v6a;"
                        + " expected a subnet that no other network uses",
                () -> ipam.createNetwork(withIpv6(network("v6b", "br-v6b", "10.8.0.0/24", "10.8.0.1", null),
                        "fd00:0:0:1::/64", "fd00:0:0:1::1", null)));
        assertEquals(List.of("db", "v6a"), store.read(tx -> tx.networks().all()).stream().map(n -> n.name()).toList());
    }
}

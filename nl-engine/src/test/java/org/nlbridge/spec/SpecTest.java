package org.nlbridge.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nlbridge.net.ValidationException;

class SpecTest {

    @Test
    void networkDefaultsAreDockers() {
        NetworkSpec n = NetworkSpec.of("bridge", b -> {});
        assertEquals("docker0", n.bridge().toString());
        assertEquals("172.17.0.1/16", n.bip().toString());
        assertEquals("172.17.0.0/16", n.subnet().toString());
        assertTrue(n.icc() && n.ipMasq() && n.ipForward());
        assertFalse(n.internal() || n.existing() || n.macFromIp());
        assertEquals(FirewallBackend.NFTABLES, n.firewall());
        assertEquals("bridge", n.driver());
        assertNull(n.mtu());
        assertNull(n.fixedCidr());
    }

    /** Docker 28's gateway modes: per family, IPv6 following IPv4 unless set; isolated only for internal networks. */
    @Test
    void gatewayModes() {
        assertEquals(GatewayMode.NAT, NetworkSpec.of("n", b -> {}).gatewayMode());
        NetworkSpec routed = NetworkSpec.of("n", b -> b.fixedCidrV6("fd00:1::/64").gatewayMode("routed"));
        assertEquals(GatewayMode.ROUTED, routed.gatewayMode());
        assertEquals(GatewayMode.ROUTED, routed.gatewayModeV6());
        NetworkSpec mixed = NetworkSpec.of("n", b -> b.fixedCidrV6("fd00:1::/64").gatewayModeV6("routed"));
        assertEquals(GatewayMode.NAT, mixed.gatewayMode());
        assertEquals(GatewayMode.ROUTED, mixed.gatewayModeV6());
        assertEquals(GatewayMode.ISOLATED, NetworkSpec.of("n", b -> b.internal(true).gatewayMode("isolated")).gatewayMode());
        assertEquals("invalid network n: gatewayMode \"route\": unknown gateway mode; expected nat, nat-unprotected,"
                + " routed or isolated", assertThrows(ValidationException.class,
                () -> NetworkSpec.of("n", b -> b.gatewayMode("route"))).getMessage());
        assertEquals("invalid network n: gatewayMode \"isolated\": only an internal network can be isolated (Docker"
                + " refuses it too); expected internal true with gatewayMode 'isolated', or nat, nat-unprotected or"
                + " routed", assertThrows(ValidationException.class,
                () -> NetworkSpec.of("n", b -> b.gatewayMode("isolated"))).getMessage());
        assertEquals("invalid network n: gatewayModeV6 \"routed\": the network has no IPv6; expected fixedCidrV6 with"
                + " gatewayModeV6, or gatewayMode alone for an IPv4-only network", assertThrows(ValidationException.class,
                () -> NetworkSpec.of("n", b -> b.gatewayModeV6("routed"))).getMessage());
        assertEquals("invalid network n: gatewayMode \"routed\": an internal network has no way in or out to route;"
                + " expected nat or isolated for an internal network", assertThrows(ValidationException.class,
                () -> NetworkSpec.of("n", b -> b.internal(true).gatewayMode("routed"))).getMessage());
    }

    @Test
    void anOverlayIsDeclaredBySubnetItsGatewayTheFirstAddressItsBridgeNamedAfterIt() {
        NetworkSpec n = NetworkSpec.of("ov", b -> b.driver("overlay").subnet("10.60.0.0/16").vni(4097));
        assertEquals("10.60.0.1/16", n.bip().toString());
        assertEquals("10.60.0.0/16", n.subnet().toString());
        assertEquals(4097, n.vni());
        assertEquals("br-" + "5e1c26b2f7c5", n.bridge().toString(), "the same name on every host: from the network's name");
        assertEquals(n.bridge(), NetworkSpec.of("ov", b -> b.driver("overlay").subnet("10.60.0.0/16")).bridge());
        assertNull(NetworkSpec.of("bridge", b -> {}).vni());
        assertEquals("docker0", NetworkSpec.of("b", b -> b.subnet("10.9.0.0/24")).bridge().toString());
        assertEquals("10.9.0.1/24", NetworkSpec.of("b", b -> b.subnet("10.9.0.0/24")).bip().toString());
        assertEquals("10.9.0.254/24", NetworkSpec.of("b", b -> b.subnet("10.9.0.0/24").bip("10.9.0.254/24")).bip().toString());
        assertEquals("invalid network b: subnet \"10.9.0.0/24\": the bip 10.8.0.1/24 is in another subnet (10.8.0.0/24);"
                + " expected the subnet of the bip, or no bip (the gateway is then the subnet's first address)",
                assertThrows(ValidationException.class, () -> NetworkSpec.of("b", b -> b.subnet("10.9.0.0/24")
                        .bip("10.8.0.1/24"))).getMessage());
        assertEquals("invalid network b: subnet \"10.9.0.1/24\": host bits set; did you mean 10.9.0.0/24?; expected a"
                + " subnet like 10.0.0.0/24 or fd00::/64 (network address without host bits, prefix 0..32 for IPv4, 0..128"
                + " for IPv6)", assertThrows(ValidationException.class, () -> NetworkSpec.of("b", b -> b.subnet("10.9.0.1/24")))
                .getMessage());
        assertEquals("invalid network b: vni \"0\": outside 1..16777215; expected a VXLAN network identifier"
                + " 1..16777215 (24 bits)", assertThrows(ValidationException.class, () -> NetworkSpec.of("b", b -> b.vni(0)))
                .getMessage());
        assertThrows(ValidationException.class, () -> NetworkSpec.of("b", b -> b.vni(16_777_216)));
        assertThrows(ValidationException.class, () -> NetworkSpec.of("b", b -> b.subnet("10.9.0.0/31")));
    }

    @Test
    void networkOptions() {
        NetworkSpec n = NetworkSpec.of("bridge", b -> b.bridge("br1").bip("172.17.42.1/16").fixedCidr("172.17.42.0/24")
                .fixedCidrV6("fd00:17::/64").mtu(1400).icc(false).ipMasq(false).firewall("none").macFromIp(true));
        assertEquals("172.17.42.0/24", n.fixedCidr().toString());
        assertEquals(1400, n.mtu().value());
        assertEquals(FirewallBackend.NONE, n.firewall());
        NetworkSpec existing = NetworkSpec.of("b0", b -> b.useBridge("bridge0"));
        assertTrue(existing.existing());
        assertNull(existing.bip(), "with -b and no bip the address comes from the bridge");
    }

    @Test
    void networkBadInputNamesTheField() {
        assertMessage("invalid network bridge: bridge \"docker0-bridge-xyz\": ",
                () -> NetworkSpec.of("bridge", b -> b.bridge("docker0-bridge-xyz")));
        assertMessage("invalid network bridge: mtu \"67\": ", () -> NetworkSpec.of("bridge", b -> b.mtu(67)));
        assertMessage("invalid network bridge: mtu \"1000\": ",
                () -> NetworkSpec.of("bridge", b -> b.mtu(1000).fixedCidrV6("fd00::/64")));
        assertMessage("invalid network bridge: fixedCidr \"172.17.42.1/24\": host bits set",
                () -> NetworkSpec.of("bridge", b -> b.fixedCidr("172.17.42.1/24")));
        assertMessage("invalid network bridge: bip \"10.1/16\": ", () -> NetworkSpec.of("bridge", b -> b.bip("10.1/16")));
        assertMessage("invalid network bridge: useBridge \"br0\": bridge and useBridge are mutually exclusive",
                () -> NetworkSpec.of("bridge", b -> b.bridge("docker0").useBridge("br0")));
        assertMessage("invalid network bridge: firewall \"iptables\": the iptables backend",
                () -> NetworkSpec.of("bridge", b -> b.firewall("iptables")));
        assertMessage("invalid network \"a/b\": character U+002F at index 1 not allowed", () -> NetworkSpec.builder("a/b"));
        assertMessage("invalid network bridge: bridge \"lo\": ", () -> NetworkSpec.of("bridge", b -> b.bridge("lo")));
        assertMessage("invalid network bridge: driver \"Bridge\": not a driver name; expected a driver name: a lower-case"
                + " letter", () -> NetworkSpec.of("bridge", b -> b.driver("Bridge")));
    }

    @Test
    void containerDefaults() {
        ContainerSpec c = ContainerSpec.of("web", b -> {});
        assertEquals("web", c.netns());
        assertEquals("eth0", c.ifname().toString());
        assertEquals("web", c.hostname().toString());
        assertEquals(new NetworkMode.Bridge("bridge"), c.network());
        assertTrue(c.publish().isEmpty());
    }

    @Test
    void containerOptions() {
        ContainerSpec c = ContainerSpec.of("web", b -> b.netns("ns-web").network("lan").hostname("web1")
                .mac("02:42:ac:11:00:99").ip("172.17.42.10").publish("5000:22").publish("127.0.0.1:8080:80/udp")
                .dns(d -> d.nameserver("8.8.8.8")));
        assertEquals(new NetworkMode.Bridge("lan"), c.network());
        assertEquals(2, c.publish().size());
        assertEquals("02:42:ac:11:00:99", c.mac().toString());
        assertEquals(new NetworkMode.Host(), ContainerSpec.of("h", b -> b.network("host")).network());
        assertEquals(new NetworkMode.None(), ContainerSpec.of("n", b -> b.network("none")).network());
        assertEquals(new NetworkMode.Container("db"), ContainerSpec.of("s", b -> b.network("container:db")).network());
    }

    @Test
    void containerBadInput() {
        assertMessage("invalid container web: publish \"70000:80\": ", () -> ContainerSpec.of("web", b -> b.publish("70000:80")));
        assertMessage("invalid container web: hostname \"web\\n1\": ", () -> ContainerSpec.of("web", b -> b.hostname("web\n1")));
        assertMessage("invalid container web: mac \"01:00:5e:00:00:01\": ", () -> ContainerSpec.of("web", b -> b.mac("01:00:5e:00:00:01")));
        assertMessage("invalid container web: mac \"00:00:00:00:00:00\": ", () -> ContainerSpec.of("web", b -> b.mac("00:00:00:00:00:00")));
        assertMessage("invalid container web: ip \"010.0.0.1\": ", () -> ContainerSpec.of("web", b -> b.ip("010.0.0.1")));
        assertMessage("invalid container web: publish \"5000:22/tcp\": only a container on a bridge network",
                () -> ContainerSpec.of("web", b -> b.network("host").publish("5000:22")));
        assertMessage("invalid container web: network \"container:\": ", () -> ContainerSpec.of("web", b -> b.network("container:")));
    }

    @Test
    void desiredStateChecksReferencesAndHostPorts() {
        NetworkSpec bridge = NetworkSpec.of("bridge", b -> {});
        ContainerSpec web = ContainerSpec.of("web", b -> b.publish("5000:22"));
        ContainerSpec db = ContainerSpec.of("db", b -> b.publish("127.0.0.1:5000:80"));
        assertMessage("invalid container db: publish \"127.0.0.1:5000:80/tcp\": host port tcp/5000 is already published by container web",
                () -> DesiredState.of(java.util.List.of(bridge), java.util.List.of(web, db)));
        ContainerSpec other = ContainerSpec.of("db", b -> b.publish("127.0.0.1:5001:80").publish("5000:22/udp"));
        assertEquals(2, DesiredState.of(java.util.List.of(bridge), java.util.List.of(web, other)).containers().size());
        assertMessage("invalid container x: network \"lan\": no such network in this script",
                () -> DesiredState.of(java.util.List.of(bridge), java.util.List.of(ContainerSpec.of("x", b -> b.network("lan")))));
        assertMessage("invalid container x: network \"container:nope\": no such container",
                () -> DesiredState.of(java.util.List.of(bridge), java.util.List.of(ContainerSpec.of("x", b -> b.network("container:nope")))));
        assertMessage("invalid network \"bridge\": defined twice",
                () -> DesiredState.of(java.util.List.of(bridge, bridge), java.util.List.of()));
    }

    @Test
    void desiredStateEditsKeepOrderAndCheckReferences() {
        NetworkSpec bridge = NetworkSpec.of("bridge", b -> { });
        NetworkSpec lan = NetworkSpec.of("lan", b -> b.bridge("br-lan").bip("10.1.0.1/16"));
        ContainerSpec web = ContainerSpec.of("web", b -> b.publish("8080:80"));
        ContainerSpec db = ContainerSpec.of("db", b -> { });
        DesiredState d = DesiredState.EMPTY.withNetwork(bridge).withContainer(web).withContainer(db);
        assertEquals(java.util.List.of(web, db), d.containers());
        ContainerSpec moved = web.withPublish(java.util.List.of()).withNetns("elsewhere");
        DesiredState edited = d.withContainer(moved);
        assertEquals(java.util.List.of(moved, db), edited.containers(), "replaced in place, not appended");
        assertEquals("elsewhere", edited.container("web").orElseThrow().netns());
        assertTrue(edited.container("web").orElseThrow().publish().isEmpty());
        assertEquals(java.util.List.of(db), d.withoutContainer("web").containers());
        assertEquals(java.util.List.of(bridge, lan), d.withNetwork(lan).networks());
        assertEquals("br-lan", d.withNetwork(lan).network("lan").orElseThrow().bridge().toString());
        assertMessage("invalid container web: network \"bridge\": no such network in this script",
                () -> d.withoutNetwork("bridge"));
        assertEquals(DesiredState.EMPTY, d.withoutContainer("web").withoutContainer("db").withoutNetwork("bridge"));
        UserRulesSpec rules = UserRulesSpec.of(b -> b.allowOnlyFrom("uplink0", "8.8.8.8"));
        assertEquals(rules, d.withUserRules(rules).userRules());
        assertEquals(java.util.List.of("t-web", "t-db"),
                d.mapContainers(c -> c.withNetns("t-" + c.name())).containers().stream().map(ContainerSpec::netns).toList());
        assertMessage("invalid container web: netns \"a/b\"", () -> web.withNetns("a/b"));
        assertEquals("overlay", bridge.withDriver("overlay").driver());
        assertEquals("9.9.9.9", bridge.withDns(DnsSpec.of(x -> x.nameserver("9.9.9.9"))).dns().nameservers().getFirst().toString());
        assertEquals(bridge, bridge.withDriver("overlay").withDriver("bridge"));
    }

    @Test
    void userRules() {
        UserRulesSpec u = UserRulesSpec.of(b -> b.allowOnlyFrom("uplink0", "8.8.8.8").allowOnlyFrom("eth1", "10.0.0.0/8"));
        assertEquals("allow only from 8.8.8.8/32 on uplink0", u.rules().getFirst().toString());
        UserRulesSpec several = UserRulesSpec.of(b -> b.allowOnlyFrom("uplink0", "8.8.8.8", "10.0.0.0/8", "fd00::/8", "1.1.1.1"));
        assertEquals("allow only from 8.8.8.8/32, 10.0.0.0/8, fd00::/8, 1.1.1.1/32 on uplink0",
                several.rules().getFirst().toString());
        assertMessage("invalid userRules.allowOnlyFrom \"10.1.0.0/16\": overlaps 10.0.0.0/8, given before it; expected"
                + " addresses or subnets that do not overlap, e.g. 8.8.8.8, 10.0.0.0/8",
                () -> UserRulesSpec.of(b -> b.allowOnlyFrom("uplink0", "10.0.0.0/8", "8.8.8.8", "10.1.0.0/16")));
        assertMessage("invalid userRules.allowOnlyFrom \"8.8.8.8/32\": given twice",
                () -> UserRulesSpec.of(b -> b.allowOnlyFrom("uplink0", "8.8.8.8", "8.8.8.8/32")));
        assertMessage("invalid userRules.allowOnlyFrom \"8.8.8\": ", () -> UserRulesSpec.of(b -> b.allowOnlyFrom("uplink0", "8.8.8")));
        assertMessage("invalid userRules.allowOnlyFrom.on \"up/link\": ", () -> UserRulesSpec.of(b -> b.allowOnlyFrom("up/link", "8.8.8.8")));
    }

    @Test
    void aNetworksHostBindingAddressGoesToPortsWithoutOne() {
        DesiredState d = DesiredState.of(List.of(NetworkSpec.of("lo-only", b -> b.bridge("br1").bip("10.1.0.1/24")
                        .hostBindingIp("127.0.0.1")), NetworkSpec.of("all", b -> b.bridge("br2").bip("10.2.0.1/24"))),
                List.of(ContainerSpec.of("a", b -> b.network("lo-only").publish("8080:80").publish("0.0.0.0:8081:81")),
                        ContainerSpec.of("b", b -> b.network("all").publish("9090:80"))));
        DesiredState bound = d.withHostBindings();
        assertEquals(List.of("127.0.0.1:8080:80/tcp", "0.0.0.0:8081:81/tcp"),
                bound.container("a").orElseThrow().publish().stream().map(Object::toString).toList());
        assertEquals(d.container("b"), bound.container("b"), "a network without one binds every address");
        DesiredState none = DesiredState.of(List.of(NetworkSpec.of("all", b -> {})), List.of(ContainerSpec.of("c", b -> b.network("all").publish("1:1"))));
        assertSame(none, none.withHostBindings(), "nothing to bind: the same state");
        assertMessage("invalid network x: hostBindingIp \"224.0.0.1\": a multicast address",
                () -> NetworkSpec.of("x", b -> b.hostBindingIp("224.0.0.1")));
    }

    private static void assertMessage(String prefix, org.junit.jupiter.api.function.Executable e) {
        ValidationException ex = assertThrows(ValidationException.class, e);
        assertTrue(ex.getMessage().startsWith(prefix), () -> "expected prefix\n  " + prefix + "\nbut was\n  " + ex.getMessage());
    }
}

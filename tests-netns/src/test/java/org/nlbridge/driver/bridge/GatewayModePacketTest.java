package org.nlbridge.driver.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.driver.bridge.World.ATTACKER;
import static org.nlbridge.driver.bridge.World.HOST_ATK;
import static org.nlbridge.driver.bridge.World.HOST_UP;
import static org.nlbridge.driver.bridge.World.HOST_UP6;
import static org.nlbridge.driver.bridge.World.UPSTREAM;
import static org.nlbridge.driver.bridge.World.UPSTREAM6;
import static org.nlbridge.testing.Tcp.blocked;
import static org.nlbridge.testing.Tcp.noPing;
import static org.nlbridge.testing.Tcp.pings;
import static org.nlbridge.testing.Tcp.reaches;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.engine.Engine;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;

/**
 * Docker 28's gateway modes ({@code gatewayMode}, {@code gatewayModeV6}) with real packets, in a {@link World} whose
 * upstream and attacker route the container subnets through the host (what "direct routing" needs: a router that
 * knows the subnet is behind the host).
 */
@ExtendWith(SandboxExtension.class)
class GatewayModePacketTest {

    @TempDir
    Path state;

    private World world;

    @BeforeEach
    void tools() {
        World.assumeTools();
    }

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    private Engine apply(Sandbox sb, Consumer<NetworkSpec.Builder> net, String... c1Ports) {
        world = new World(sb, state).ipv6();
        Engine e = world.engine();
        NetworkSpec n = NetworkSpec.of("g", b -> {
            b.bridge("br-g").bip("172.30.40.1/24");
            net.accept(b);
        });
        e.apply(DesiredState.of(List.of(n), List.of(ctr("c1", c1Ports), ctr("c2"))), null);
        return e;
    }

    private ContainerSpec ctr(String name, String... publish) {
        return ContainerSpec.of(name, b -> {
            b.netns(world.ctr(name)).network("g");
            for (String p : publish) b.publish(p);
        });
    }

    private String ip(Engine e, String name) {
        return e.status().containers().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow()
                .ipv4().replaceAll("/.*", "");
    }

    /**
     * routed: no DNAT (the host port leads nowhere), the published container port is reached as it is by anyone
     * with a route, an unpublished one by no one, ICMP is let in, and the containers go out with their own address.
     */
    @Test
    void routedOpensPublishedContainerPortsToDirectRouting(Sandbox sb) {
        Engine e = apply(sb, b -> b.gatewayMode("routed"), "8080:80");
        String c1 = ip(e, "c1");
        World.ip(world.upstream, "route add 172.30.40.0/24 via " + HOST_UP);
        world.attackerRoutesThroughHost("172.30.40.0/24");
        Tcp.serve(sb, "c1", "c1-80", 80);
        Tcp.serve(sb, "c1", "c1-23", 23);
        reaches(world.upstream, c1, 80, "c1-80 from " + UPSTREAM);
        reaches(world.attacker, c1, 80, "c1-80 from " + ATTACKER);
        blocked(world.upstream, c1, 23);
        blocked(world.upstream, HOST_UP, 8080);                                 // the host port is not used
        pings(world.upstream, c1);
        Tcp.serve(sb, "upstream", "up-7000", 7000);
        reaches(sb.name("c1"), UPSTREAM, 7000, "up-7000 from " + c1);           // no masquerade
        reaches(sb.name("c2"), c1, 80, "c1-80 from " + ip(e, "c2"));            // the bridge as before
        String rules = World.nft(world.host, "list", "table", "ip", "nlbridge");
        assertTrue(!rules.contains("nat-from__br-g") && !rules.contains("nat-to__br-g"), "no NAT chains: " + rules);
    }

    /** nat-unprotected: NAT as usual (DNAT, masquerade), and nothing filters direct routing: every port is open. */
    @Test
    void natUnprotectedLeavesDirectRoutingOpen(Sandbox sb) {
        Engine e = apply(sb, b -> b.gatewayMode("nat-unprotected"), "8080:80");
        String c1 = ip(e, "c1");
        world.attackerRoutesThroughHost("172.30.40.0/24");
        Tcp.serve(sb, "c1", "c1-80", 80);
        Tcp.serve(sb, "c1", "c1-23", 23);
        reaches(world.attacker, c1, 23, "c1-23 from " + ATTACKER);             // unpublished, still reached
        reaches(world.attacker, c1, 80, "c1-80 from " + ATTACKER);
        reaches(world.attacker, HOST_ATK, 8080, "c1-80 from " + ATTACKER);     // and the DNAT
        Tcp.serve(sb, "upstream", "up-7000", 7000);
        reaches(sb.name("c1"), UPSTREAM, 7000, "up-7000 from " + HOST_UP);      // masqueraded
    }

    /** nat, for comparison: the same direct routing reaches nothing, not even the published port. */
    @Test
    void natDropsDirectRouting(Sandbox sb) {
        Engine e = apply(sb, b -> { }, "8080:80");
        String c1 = ip(e, "c1");
        world.attackerRoutesThroughHost("172.30.40.0/24");
        Tcp.serve(sb, "c1", "c1-80", 80);
        blocked(world.attacker, c1, 80);
        reaches(world.attacker, HOST_ATK, 8080, "c1-80 from " + ATTACKER);
    }

    /**
     * Docker's dual-stack recipe: IPv4 nat, IPv6 routed. IPv6 reaches the container port directly and leaves with
     * the container's own address; IPv4 goes through the host port and is masqueraded.
     */
    @Test
    void natForIpv4RoutedForIpv6(Sandbox sb) {
        Engine e = apply(sb, b -> b.fixedCidrV6("fd00:40::/64").gatewayModeV6("routed"), "8080:80");
        String c1v6 = e.status().containers().stream().filter(c -> c.name().equals("c1")).findFirst().orElseThrow()
                .ipv6().replaceAll("/.*", "");
        World.ip(world.upstream, "route add fd00:40::/64 via " + HOST_UP6, "route add 172.30.40.0/24 via " + HOST_UP);
        Tcp.start(sb, "c1", "c1-80v6", 80, "::");
        Tcp.serve(sb, "c1", "c1-80", 80);
        Tcp.await(sb.name("c1"), "::1", 80);
        reaches(world.upstream, c1v6, 80, "c1-80v6 from " + UPSTREAM6);
        blocked(world.upstream, HOST_UP6, 8080);
        reaches(world.upstream, HOST_UP, 8080, "c1-80 from " + UPSTREAM);
        blocked(world.upstream, ip(e, "c1"), 80);
        Tcp.start(sb, "upstream", "up-7000v6", 7000, "::");
        Tcp.serve(sb, "upstream", "up-7000", 7000);
        Tcp.await(world.upstream, "::1", 7000);
        reaches(sb.name("c1"), UPSTREAM6, 7000, "up-7000v6 from " + c1v6);
        reaches(sb.name("c1"), UPSTREAM, 7000, "up-7000 from " + HOST_UP);
    }

    /**
     * isolated (internal only): no address on the bridge, so the containers reach each other and nothing else, not
     * even the host, and the host does not reach them.
     */
    @Test
    void isolatedHasNoGatewayAddress(Sandbox sb) {
        Engine e = apply(sb, b -> b.internal(true).gatewayMode("isolated"));
        List<String> addrs = Oracle.addresses(world.host, "br-g");
        assertTrue(addrs.stream().noneMatch(a -> a.contains(".")), "no IPv4 address on the bridge: " + addrs);
        pings(sb.name("c1"), ip(e, "c2"));
        noPing(sb.name("c1"), "172.30.40.1");
        noPing(world.host, ip(e, "c1"));
        assertTrue(e.plan(DesiredState.of(List.of(NetworkSpec.of("g", b -> b.bridge("br-g").bip("172.30.40.1/24")
                .internal(true).gatewayMode("isolated"))), List.of(ctr("c1"), ctr("c2")))).isEmpty(),
                "the missing address is what the network wants");
    }
}

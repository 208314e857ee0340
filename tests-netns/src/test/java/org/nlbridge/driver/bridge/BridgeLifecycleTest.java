package org.nlbridge.driver.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.driver.bridge.World.HOST_UP;
import static org.nlbridge.driver.bridge.World.UPSTREAM;
import static org.nlbridge.testing.Tcp.blocked;
import static org.nlbridge.testing.Tcp.reaches;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.engine.Engine;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;

/**
 * A script edited between applies, as users do: ports changed, a container moved to another network or dropped,
 * a container namespace gone behind the engine's back. Each apply converges (the next plan is empty) and the
 * packets follow.
 */
@ExtendWith(SandboxExtension.class)
class BridgeLifecycleTest {

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

    private void converge(Engine e, DesiredState d) {
        e.apply(d, null);
        assertTrue(e.plan(d).isEmpty(), () -> "converged, but plan says " + e.plan(d));
        Leftovers.assertConsistent(world);
    }

    @Test
    void changedPortsMoveWithoutReattaching(Sandbox sb) {
        world = new World(sb, state);
        Engine e = world.engine();
        String ns = world.ctr("c1");
        NetworkSpec net = NetworkSpec.of("n", b -> b.bridge("nlb0").bip("172.30.7.1/24"));
        e.apply(DesiredState.of(List.of(net), List.of(ContainerSpec.of("c1", b -> b.netns(ns).network("n").publish("5000:22")))), null);
        Tcp.serve(sb, "c1", "c1-22", 22);
        reaches(world.upstream, HOST_UP, 5000, "c1-22 from " + UPSTREAM);
        String veth = e.status().containers().getFirst().hostVeth();
        int index = Oracle2.ifindex(world.host, veth);

        DesiredState moved = DesiredState.of(List.of(net),
                List.of(ContainerSpec.of("c1", b -> b.netns(ns).network("n").publish("6000:22"))));
        assertEquals("[~ ports c1 ([6000:22/tcp])]", e.plan(moved).changes().toString());
        e.apply(moved, null);
        assertTrue(e.plan(moved).isEmpty(), () -> "converged, but plan says " + e.plan(moved));
        Leftovers.assertConsistent(world);
        assertEquals(index, Oracle2.ifindex(world.host, veth), "the same veth: only the ports changed");
        reaches(world.upstream, HOST_UP, 6000, "c1-22 from " + UPSTREAM);
        blocked(world.upstream, HOST_UP, 5000);
        assertEquals(List.of(6000), e.status().ports().stream().map(p -> p.hostPort()).toList());
    }

    @Test
    void aContainerMovedDroppedOrWhoseNamespaceVanishedIsRepaired(Sandbox sb) {
        world = new World(sb, state);
        Engine e = world.engine();
        String c1 = world.ctr("c1");
        String c2 = world.ctr("c2");
        List<NetworkSpec> nets = List.of(NetworkSpec.of("a", b -> b.bridge("nlb-a").bip("172.30.8.1/24")),
                NetworkSpec.of("b", b -> b.bridge("nlb-b").bip("172.30.9.1/24")));
        converge(e, DesiredState.of(nets, List.of(ContainerSpec.of("c1", b -> b.netns(c1).network("a")),
                ContainerSpec.of("c2", b -> b.netns(c2).network("a")))));

        // c1 moves to network b
        DesiredState moved = DesiredState.of(nets, List.of(ContainerSpec.of("c1", b -> b.netns(c1).network("b")),
                ContainerSpec.of("c2", b -> b.netns(c2).network("a"))));
        converge(e, moved);
        assertTrue(BridgePacketTest.ipOf(e, "c1").startsWith("172.30.9."), BridgePacketTest.ipOf(e, "c1"));
        assertEquals(1, Oracle2.ports(world.host, "nlb-a"));
        assertEquals(1, Oracle2.ports(world.host, "nlb-b"));
        Tcp.pings(c1, "172.30.9.1");

        // c2's namespace disappears (the container died): apply re-creates it and attaches it again
        Cmd.run(null, "ip", "netns", "del", c2);
        assertFalse(e.plan(moved).isEmpty(), "a vanished namespace is work to do");
        converge(e, moved);
        Tcp.pings(c2, "172.30.8.1");

        // c2 is dropped from the script: its veth, address, files and namespace go
        DesiredState dropped = DesiredState.of(nets, List.of(ContainerSpec.of("c1", b -> b.netns(c1).network("b"))));
        converge(e, dropped);
        assertEquals(0, Oracle2.ports(world.host, "nlb-a"));
        assertEquals(List.of("c1"), Leftovers.overlays(world.state));
        assertFalse(org.nlbridge.netns.NetNs.exists(c2));

        e.destroy(dropped, null);
        Leftovers.assertNothingOfOurs(world, Set.of("lo", "eup", "eatk"), List.of(c1, c2));
    }

    @Test
    void aBridgeDeletedBehindTheEnginesBackComesBackWithItsContainers(Sandbox sb) {
        world = new World(sb, state);
        Engine e = world.engine();
        String c1 = world.ctr("c1");
        String c2 = world.ctr("c2");
        DesiredState d = DesiredState.of(List.of(NetworkSpec.of("n", b -> b.bridge("nlb0").bip("172.30.10.1/24"))),
                List.of(ContainerSpec.of("c1", b -> b.netns(c1).network("n")),
                        ContainerSpec.of("c2", b -> b.netns(c2).network("n"))));
        converge(e, d);
        Tcp.pings(c1, "172.30.10.1");

        // deleting the bridge deletes its ports too: the endpoints must be re-made, not only the bridge
        Cmd.run(null, "ip", "-n", world.host, "link", "del", "nlb0");
        assertFalse(e.plan(d).isEmpty(), "a deleted bridge is work to do");
        converge(e, d);
        assertEquals(2, Oracle2.ports(world.host, "nlb0"), "both containers back on the bridge");
        Tcp.pings(c1, "172.30.10.1");
        Tcp.pings(c2, BridgePacketTest.ipOf(e, "c1"));
    }

    /** Small ip -j readings. */
    static final class Oracle2 {
        static int ifindex(String ns, String link) {
            return org.nlbridge.testing.Oracle.link(ns, link).path("ifindex").asInt();
        }

        static int ports(String ns, String bridge) {
            return org.nlbridge.testing.Oracle.ip(ns, "link", "show", "master", bridge).size();
        }
    }
}

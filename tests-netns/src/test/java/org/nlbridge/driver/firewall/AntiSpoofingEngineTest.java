package org.nlbridge.driver.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.driver.bridge.World;
import org.nlbridge.driver.firewall.nftables.NftLayout;
import org.nlbridge.engine.Engine;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * Anti-spoofing through the engine: on by default for every container, off for one that says {@code spoofCheck
 * false} (it routes other addresses), kept across an engine restart (the store remembers: the repair phase of the
 * next apply rebuilds a deleted bridge table as it was), and back on when the script says so again.
 */
@ExtendWith(SandboxExtension.class)
class AntiSpoofingEngineTest {

    @TempDir
    Path state;

    private World world;

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    private DesiredState desired(boolean c2SpoofCheck) {
        return DesiredState.of(List.of(NetworkSpec.of("pub", b -> b.bridge("nlb0").bip("172.30.4.1/24"))),
                List.of(ContainerSpec.of("c1", b -> b.netns(world.ctr("c1")).network("pub")),
                        ContainerSpec.of("c2", b -> b.netns(world.ctr("c2")).network("pub").spoofCheck(c2SpoofCheck))));
    }

    /** The world's engine, once the tools the test needs are there. */
    private Engine engine(Sandbox sb) {
        World.assumeTools();
        Assumptions.assumeTrue(Host.has("python3"), "needs python3 to forge packets");
        world = new World(sb, state);
        return world.engine();
    }

    @Test
    void onByDefaultOffOnRequestAndRemembered(Sandbox sb) {
        Engine e = engine(sb);
        e.apply(desired(false), Engine.ProgressListener.NONE);
        Probes.UdpLog host = Probes.listen(sb, "host", "0.0.0.0", 9999);
        Probes.udp(sb.name("c1"), "172.30.4.99", "172.30.4.1", 9999, 3);
        Probes.udp(sb.name("c2"), "172.30.4.98", "172.30.4.1", 9999, 3);
        assertTrue(host.heardFrom("172.30.4.98"), "c2 opted out: " + host.sources());
        assertFalse(host.heardFrom("172.30.4.99"), "c1 is checked: " + host.sources());

        world.close();                            // after a restart, the next apply rebuilds from the store
        NftCli.run(world.host, null, "delete", "table", "bridge", NftLayout.TABLE);
        Engine next = world.engine();
        assertTrue(next.plan(desired(false)).changes().getFirst().toString().startsWith("~ firewall tables nftables (rebuilt"),
                () -> "the plan shows the rebuild: " + next.plan(desired(false)));
        next.apply(desired(false), Engine.ProgressListener.NONE);
        assertEquals(1, elements(world.host), "one port with anti-spoofing after the restart");
        assertTrue(next.plan(desired(false)).changes().isEmpty(), next.plan(desired(false)).toString());
        e = next;

        e.apply(desired(true), Engine.ProgressListener.NONE);                    // the script turns it back on
        assertEquals(2, elements(world.host));
        Probes.udp(sb.name("c2"), "172.30.4.97", "172.30.4.1", 9999, 3);
        assertFalse(host.heardFrom("172.30.4.97"), host.sources().toString());
    }

    /** A container on two networks: anti-spoofing off on its connect only, its first network still checked. */
    @Test
    void perAttachmentOnAContainerOfTwoNetworks(Sandbox sb) {
        Engine e = engine(sb);
        DesiredState d = DesiredState.of(List.of(NetworkSpec.of("pub", b -> b.bridge("nlb0").bip("172.30.4.1/24")),
                        NetworkSpec.of("back", b -> b.bridge("nlb1").bip("172.30.5.1/24"))),
                List.of(ContainerSpec.of("c3", b -> b.netns(world.ctr("c3")).network("pub")
                        .connect("back", c -> c.spoofCheck(false)))));
        e.apply(d, Engine.ProgressListener.NONE);
        assertEquals(1, elements(world.host), "only the port on pub is checked");
        Probes.UdpLog host = Probes.listen(sb, "host", "0.0.0.0", 9999);
        Probes.udp(sb.name("c3"), "172.30.5.98", "172.30.5.1", 9999, 3); // out of eth1, on back
        Probes.udp(sb.name("c3"), "172.30.4.96", "172.30.4.1", 9999, 3); // out of eth0, on pub
        assertTrue(host.heardFrom("172.30.5.98"), "its connect opted out: " + host.sources());
        assertFalse(host.heardFrom("172.30.4.96"), "its first network is checked: " + host.sources());
        assertTrue(e.plan(d).changes().isEmpty(), e.plan(d).toString());

        e.apply(DesiredState.of(d.networks(), List.of(ContainerSpec.of("c3", b -> b.netns(world.ctr("c3"))
                .network("pub").connect("back")))), Engine.ProgressListener.NONE);          // back on for the connect
        assertEquals(2, elements(world.host));
    }

    private static long elements(String ns) {
        String map = NftCli.run(ns, null, "-j", "list", "map", "bridge", NftLayout.TABLE, "spoof-check");
        return map.split("\"jump\"", -1).length - 1;
    }
}

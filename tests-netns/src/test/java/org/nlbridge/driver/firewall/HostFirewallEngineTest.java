package org.nlbridge.driver.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.driver.bridge.World.HOST_UP;
import static org.nlbridge.driver.bridge.World.UPSTREAM;
import static org.nlbridge.testing.Tcp.reaches;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.driver.bridge.World;
import org.nlbridge.engine.Engine;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;

/**
 * Through the engine, as a script's {@code plan}/{@code apply}/{@code destroy} runs it, beside a host firewall with
 * FORWARD policy DROP: plan shows the iptables rules the apply adds, apply makes both directions work, the next plan
 * has nothing left, plan --destroy shows their removal and destroy leaves the host's firewall as it was.
 */
@ExtendWith(SandboxExtension.class)
class HostFirewallEngineTest {

    @TempDir
    Path state;

    private World world;

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    @Test
    void planApplyAndDestroyBesideAForwardDropFirewall(Sandbox sb) {
        World.assumeTools();
        Assumptions.assumeTrue(Host.has("iptables-nft-restore"), "needs iptables-nft to make the host's other firewall");
        world = new World(sb, state);
        ForeignFirewall.UFW.install(world.host);
        String before = ForeignFirewall.rules(world.host, "ip");
        Engine e = world.engine();
        DesiredState desired = DesiredState.of(List.of(NetworkSpec.of("pub", b -> b.bridge("nlb0").bip("172.30.4.1/24"))),
                List.of(ContainerSpec.of("c1", b -> b.netns(world.ctr("c1")).network("pub").publish("5000:22"))));

        List<String> plan = e.plan(desired).changes().stream().map(Object::toString).toList();
        assertEquals(3, plan.stream().filter(l -> l.startsWith("+ iptables rule ip filter FORWARD (-A FORWARD")).count(),
                String.join("\n", plan));
        assertTrue(plan.contains("+ iptables rule ip filter FORWARD (-A FORWARD -o nlb0 -m conntrack --ctstate"
                + " RELATED,ESTABLISHED,DNAT -m comment --comment \"nlbridge: to nlb0\" -j ACCEPT; ip filter FORWARD"
                + " policy is drop; at the end of FORWARD)"), String.join("\n", plan));
        e.apply(desired, Engine.ProgressListener.NONE);
        Tcp.serve(sb, "c1", "c1-22", 22);
        Tcp.serve(sb, "upstream", "up-7000", 7000);
        reaches(world.upstream, HOST_UP, 5000, "c1-22 from " + UPSTREAM);
        reaches(sb.name("c1"), UPSTREAM, 7000, "up-7000 from " + HOST_UP);
        assertTrue(e.plan(desired).changes().isEmpty(), e.plan(desired).toString());

        List<String> destroy = e.planDestroy(desired).changes().stream().map(Object::toString).toList();
        assertEquals(3, destroy.stream().filter(l -> l.startsWith("- iptables rule ip filter FORWARD (handle ")).count(),
                String.join("\n", destroy));
        e.destroy(desired, Engine.ProgressListener.NONE);
        assertFalse(ForeignFirewall.rules(world.host, "ip").contains("nlbridge"));
        assertEquals(before, ForeignFirewall.rules(world.host, "ip"));
    }
}

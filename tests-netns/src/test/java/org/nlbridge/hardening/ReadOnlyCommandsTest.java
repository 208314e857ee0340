package org.nlbridge.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.cli.RealCli;
import org.nlbridge.driver.bridge.World;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.KernelText;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Untouched;

/**
 * Issue 16 item 7: {@code status}, {@code plan} and {@code plan --destroy} change nothing, also when the kernel has
 * drifted: after {@code nft flush ruleset} they leave the ruleset empty and {@code plan} reports the drift (exit 2);
 * {@code apply} repairs it. A default route lost inside a container's namespace is drift too: plan shows it, apply
 * puts it back.
 */
@ExtendWith(SandboxExtension.class)
class ReadOnlyCommandsTest {

    @TempDir
    Path tmp;

    private World world;
    private RealCli cli;

    @BeforeEach
    void tools() {
        Assumptions.assumeTrue(Host.has("nft"), "needs the nft binary as the oracle");
    }

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    private String script(String web) {
        return RealCli.script(tmp, "app.groovy", """
                network('bridge') {
                    bridge 'nlb0'
                    bip '172.30.3.1/24'
                }
                container('web') {
                    netns '%s'
                    publish '8080:80'
                }
                """.formatted(web)).toString();
    }

    @Test
    void aFlushedFirewallIsReportedByPlanAndRepairedByApplyOnly(Sandbox sb) {
        world = new World(sb, tmp.resolve("state"));
        cli = new RealCli(world);
        String web = world.ctr("web");
        String file = script(web);
        assertEquals(0, cli.run("apply", file).code());
        World.nft(world.host, "flush", "ruleset");
        String flushed = KernelText.of(world.host);
        Untouched before = Untouched.of(world.state, List.of(world.host, web));

        RealCli.Result status = cli.run("status");
        assertEquals(0, status.code(), status::toString);
        RealCli.Result destroyPlan = cli.run("plan", "--destroy", file);
        assertEquals(2, destroyPlan.code(), destroyPlan::toString);
        RealCli.Result plan = cli.run("plan", file);
        assertEquals(2, plan.code(), plan::toString);
        assertTrue(plan.out().startsWith("~ firewall tables nftables (rebuilt from the state: "), plan.out());
        KernelText.assertSame(flushed, KernelText.of(world.host), "status, plan and plan --destroy changed nothing");
        before.assertSameAs(Untouched.of(world.state, List.of(world.host, web)), "status, plan and plan --destroy");
        assertEquals("", World.nft(world.host, "list", "ruleset").strip(), "the ruleset is still empty");

        RealCli.Result apply = cli.run("apply", file);
        assertEquals(0, apply.code(), apply::toString);
        assertTrue(apply.out().startsWith("~ firewall tables nftables (rebuilt from the state: "), apply.out());
        assertTrue(World.nft(world.host, "list", "ruleset").contains("8080"), "the published port is back");
        assertEquals("no changes: the kernel and the state match " + file + "\n", cli.run("plan", file).out());
    }

    @Test
    void aDefaultRouteLostInsideAContainerIsDriftToo(Sandbox sb) {
        world = new World(sb, tmp.resolve("state"));
        cli = new RealCli(world);
        String web = world.ctr("web");
        String file = script(web);
        assertEquals(0, cli.run("apply", file).code());
        World.ip(web, "route del default");
        String lost = KernelText.of(web);

        RealCli.Result plan = cli.run("plan", file);
        assertEquals(new RealCli.Result(2, "+ route " + web + ":default (via 172.30.3.1 dev eth0)\nplan: 1 to create\n",
                ""), plan);
        KernelText.assertSame(lost, KernelText.of(web), "plan changed nothing in the container");

        assertEquals(0, cli.run("apply", file).code());
        assertEquals(1, Oracle.ip(web, "route", "show", "default").size(), "the default route is back");
        assertEquals(0, cli.run("plan", file).code());
    }
}

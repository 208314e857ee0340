package org.nlbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.driver.bridge.Leftovers;
import org.nlbridge.driver.bridge.World;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * Terraform's loop through the real command line: plan (exit 2) → apply (0) → plan (0, and it changed nothing) →
 * destroy (0) → plan (2, the same plan as at first), and after destroy nothing of ours in the kernel or the store.
 */
@ExtendWith(SandboxExtension.class)
class CliScenarioTest {

    @TempDir
    Path tmp;

    private World world;

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    @Test
    void planApplyPlanDestroyPlan(Sandbox sb) {
        Assumptions.assumeTrue(Host.has("nft"), "needs the nft binary as the oracle");
        world = new World(sb, tmp.resolve("state"));
        String web = world.ctr("web");
        String db = world.ctr("db");
        Path script = RealCli.script(tmp, "app.groovy", """
                network('bridge') {
                    bridge 'docker0'
                    bip '172.17.0.1/16'
                    dns { nameserver '9.9.9.9' }
                }
                container('web') {
                    netns '%s'
                    hostname 'web1'
                    publish '5000:22'
                }
                container('db') {
                    netns '%s'
                }
                """.formatted(web, db));
        String file = script.toString();
        RealCli cli = new RealCli(world);
        String kernel = kernel(world.host);

        RealCli.Result first = cli.run("plan", file);
        assertEquals(2, first.code(), first::toString);
        assertEquals("", first.err());
        assertTrue(first.out().contains("+ network bridge (bridge docker0, 172.17.0.1/16, mtu " + World.UPLINK_MTU), first.out());
        assertTrue(first.out().contains("+ port tcp *:5000 -> 22 (to web)"), first.out());
        assertSame(kernel, kernel(world.host), "plan changed nothing in the kernel");

        RealCli.Result apply = cli.run("apply", file);
        assertEquals(0, apply.code(), apply::toString);
        assertEquals("", apply.err());
        String applied = kernel(world.host);

        RealCli.Result again = cli.run("plan", file);
        assertEquals(new RealCli.Result(0, "no changes: the kernel and the state match " + file + "\n", ""), again);
        assertSame(applied, kernel(world.host), "plan changed nothing: links, addresses, nft rules, handles and all");
        RealCli.Result reapply = cli.run("apply", file);
        assertEquals(new RealCli.Result(0, "no changes: the kernel and the state already matched " + file + "\n", ""), reapply);
        assertSame(applied, kernel(world.host), "a second apply changed nothing");
        RealCli.Result status = cli.run("status");
        assertEquals(0, status.code(), status::toString);
        assertTrue(status.out().contains("web"), status.out());

        RealCli.Result destroy = cli.run("destroy", file);
        assertEquals(0, destroy.code(), destroy::toString);
        assertEquals("", destroy.err());
        Leftovers.assertNothingOfOurs(world, Set.of("lo", "eup", "eatk"), List.of(web, db));

        // everything to create again, as at first; only ip_forward stays on (global, left on as Docker leaves it) and
        // the user hook stays (it is the user's)
        RealCli.Result last = cli.run("plan", file);
        assertEquals("1", World.sysctl(world.host, "net.ipv4.ip_forward"));
        List<String> expected = first.out().lines().filter(l -> !l.equals("~ sysctl net.ipv4.ip_forward (1)")
                && !l.startsWith("+ user hook ") && !l.startsWith("plan: ")).toList();
        long creates = expected.stream().filter(l -> l.startsWith("+ ")).count();
        long updates = expected.stream().filter(l -> l.startsWith("~ ")).count();
        assertEquals(new RealCli.Result(2, String.join("\n", expected) + "\nplan: " + creates + " to create, " + updates
                + " to update\n", ""), last);
    }

    /** Equal, or fails showing the first piece (link, address, rule line) that differs. */
    static void assertSame(String expected, String actual, String what) {
        org.nlbridge.testing.KernelText.assertSame(expected, actual, what);
    }

    /** See {@link org.nlbridge.testing.KernelText}. */
    static String kernel(String ns) {
        return org.nlbridge.testing.KernelText.of(ns);
    }
}

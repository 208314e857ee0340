package org.nlbridge.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.cli.RealCli;
import org.nlbridge.driver.bridge.Leftovers;
import org.nlbridge.driver.bridge.World;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * Reference section 2c: two setups of the same network at once. Two {@code nlbridge apply} processes (real JVMs: the
 * question is between processes) start together on one host namespace and state directory with the same script;
 * the state's lock makes one wait for the other, so both exit 0, and afterwards the kernel holds one bridge with one
 * address, one veth and one address per container, and the next {@code plan} finds nothing to do. Without the lock
 * the second failed half-way ("no such network", "already attached") whichever order the machine gave them.
 */
@ExtendWith(SandboxExtension.class)
class ConcurrentAppliesTest {

    @TempDir
    Path tmp;

    private World world;

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    @Test
    void twoAppliesOfOneScriptAtOnceConvergeOnOneOfEach(Sandbox sb) throws Exception {
        world = new World(sb, tmp.resolve("state"));
        String web = world.ctr("web");
        String db = world.ctr("db");
        Path script = RealCli.script(tmp, "app.groovy", """
                network('bridge') { bridge 'nlbcc'; bip '172.30.90.1/24' }
                container('web') { netns '%s'; publish '8080:80' }
                container('db') { netns '%s' }
                """.formatted(web, db));
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < 2; i++) children.add(child(i, "apply", script.toString()));
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Process p = children.get(i);
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), "apply " + i + " did not end");
            String log = Files.readString(tmp.resolve("child-" + i + ".log"), StandardCharsets.UTF_8);
            outcomes.add("exit " + p.exitValue() + ": " + log.strip());
        }
        assertTrue(outcomes.stream().allMatch(o -> o.startsWith("exit 0")), String.join("\n", outcomes));
        RealCli.Result plan = new RealCli(world).run("plan", script.toString());
        assertEquals(0, plan.code(), "converged: " + plan + "\n" + String.join("\n", outcomes));
        assertEquals(List.of("172.30.90.1/24"), global(world.host, "nlbcc"), "one bridge address");
        assertEquals(2, Leftovers.marked(world.host).stream().filter(m -> m.contains("nlbridge:endpoint:")).count(),
                "one veth per container: " + Leftovers.marked(world.host));
        for (String ns : List.of(web, db)) assertEquals(1, global(ns, "eth0").size(), "one address in " + ns);
        Leftovers.assertConsistent(world);
    }

    /** The addresses of a link but the IPv6 link-local one the kernel gives every link that is up. */
    private static List<String> global(String ns, String link) {
        return Oracle.addresses(ns, link).stream().filter(a -> !a.startsWith("fe80:")).toList();
    }

    private Process child(int i, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "org.nlbridge.cli.Main",
                "--host-netns", world.host, "--state", world.state.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child-" + i + ".log").toFile()).start();
        p.getOutputStream().close();
        return p;
    }
}

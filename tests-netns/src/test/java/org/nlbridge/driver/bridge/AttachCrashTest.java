package org.nlbridge.driver.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nlbridge.driver.CrashPoint;
import org.nlbridge.dsl.ScriptLoader;
import org.nlbridge.dsl.ScriptTrust;
import org.nlbridge.engine.Engine;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * kill -9 in the middle of an attach: {@code nlbridge apply} runs in a child JVM with
 * {@code -Dnlbridge.test.crashAt=<step>} ({@link CrashPoint}) and halts there; a fresh engine's plan shows what the
 * crash left as repairs (opening it changes nothing), the next apply leaves no orphan veth, firewall entry or
 * in-flight endpoint and converges (plan empty afterwards), and destroy must then leave nothing of ours.
 */
@ExtendWith(SandboxExtension.class)
class AttachCrashTest {

    @TempDir
    Path tmp;

    private World world;

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    @ParameterizedTest(name = "crash at {0}")
    @ValueSource(strings = {CrashPoint.JOURNALLED, CrashPoint.HOST_BATCH, CrashPoint.CONTAINER_SIDE,
            CrashPoint.BEFORE_ATTACHED, CrashPoint.AFTER_ATTACHED})
    void nothingLeaksAndTheNextApplyConverges(String step, Sandbox sb) throws Exception {
        Assumptions.assumeTrue(Host.has("nft"), "needs the nft binary as the oracle");
        world = new World(sb, tmp.resolve("state"));
        String web = world.ctr("web");
        String db = world.ctr("db");
        Path script = script(web, db);

        Child crashed = apply(step, script);
        assertEquals(137, crashed.exit(), () -> "the child halted at " + step + ":\n" + crashed.output());
        crashedAsExpected(step);

        String left = org.nlbridge.testing.KernelText.of(world.host);
        try (Engine e = Engine.open(new org.nlbridge.engine.EngineOptions(world.host, world.state))) {
            DesiredState d = ScriptLoader.withTrust(ScriptTrust.none()).load(script);
            String plan = e.plan(d).toString();
            org.nlbridge.testing.KernelText.assertSame(left, org.nlbridge.testing.KernelText.of(world.host), "opening and planning changed nothing");
            assertFalse(e.plan(d).isEmpty(), "the crashed apply left work to do");
            if (!step.equals(CrashPoint.AFTER_ATTACHED)) {
                assertTrue(plan.contains("by a dead process"), () -> "the plan shows the repair: " + plan);
            }
            e.apply(d, null);
            assertTrue(e.plan(d).isEmpty(), () -> "converged, but plan says " + e.plan(d));
            Leftovers.assertConsistent(world);
            assertEquals(2, Leftovers.marked(world.host).stream().filter(m -> m.contains("nlbridge:endpoint:")).count());
            for (String ns : List.of(web, db)) {
                assertEquals(1, Oracle.ip(ns, "link", "show", "dev", "eth0").size(), "eth0 in " + ns);
                assertEquals(1, Oracle.ip(ns, "route", "show", "default").size(), "default route in " + ns);
            }
            String webIp = BridgePacketTest.ipOf(e, "web");
            assertTrue(Leftovers.elements(world.host, "ports4-any").toString().contains(webIp), "5000 -> web");
            assertEquals(Set.of("db", "web"), Set.copyOf(Leftovers.overlays(world.state)));
            e.destroy(d, null);
        }
        Leftovers.assertNothingOfOurs(world, Set.of("lo", "eup", "eatk"), List.of(web, db));
    }

    /**
     * The other way out of a crash: destroy the script at once (no apply in between). Everything the dead apply
     * made, the namespaces it created included, must go: also one created just before the kill (at
     * netns-journalled its record already says the engine creates it; at journalled it exists), issue 16 item 6.
     */
    @ParameterizedTest(name = "crash at {0}")
    @ValueSource(strings = {CrashPoint.NETNS_JOURNALLED, CrashPoint.JOURNALLED, CrashPoint.HOST_BATCH,
            CrashPoint.CONTAINER_SIDE, CrashPoint.BEFORE_ATTACHED, CrashPoint.AFTER_ATTACHED})
    void destroyRightAfterACrashLeavesNothing(String step, Sandbox sb) throws Exception {
        Assumptions.assumeTrue(Host.has("nft"), "needs the nft binary as the oracle");
        world = new World(sb, tmp.resolve("state"));
        String web = world.ctr("web");
        String db = world.ctr("db");
        Path script = script(web, db);
        Child crashed = apply(step, script);
        assertEquals(137, crashed.exit(), () -> "the child halted at " + step + ":\n" + crashed.output());
        try (Engine e = Engine.open(new org.nlbridge.engine.EngineOptions(world.host, world.state))) {
            e.destroy(ScriptLoader.withTrust(ScriptTrust.none()).load(script), null);
        }
        Leftovers.assertNothingOfOurs(world, Set.of("lo", "eup", "eatk"), List.of(web, db));
    }

    /**
     * kill -9 at every step of a destroy (CLI): the child halts there, and the next destroy finishes it, leaving
     * nothing of ours, namespaces included (issue 16 item 6, the detach and destroy side).
     */
    @ParameterizedTest(name = "crash at {0}")
    @ValueSource(strings = {CrashPoint.DETACHING, CrashPoint.DETACHED, CrashPoint.NETWORK_REMOVING, CrashPoint.FORGETTING})
    void aDestroyCutShortIsFinishedByTheNextDestroy(String step, Sandbox sb) throws Exception {
        Assumptions.assumeTrue(Host.has("nft"), "needs the nft binary as the oracle");
        world = new World(sb, tmp.resolve("state"));
        String web = world.ctr("web");
        String db = world.ctr("db");
        Path script = script(web, db);
        DesiredState d = ScriptLoader.withTrust(ScriptTrust.none()).load(script);
        try (Engine e = Engine.open(new org.nlbridge.engine.EngineOptions(world.host, world.state))) {
            e.apply(d, null);
        }
        Child crashed = run(step, "destroy", script);
        assertEquals(137, crashed.exit(), () -> "the child halted at " + step + ":\n" + crashed.output());
        try (Engine e = Engine.open(new org.nlbridge.engine.EngineOptions(world.host, world.state))) {
            e.destroy(d, null);
            assertTrue(e.status().containers().isEmpty(), e.status().toString());
        }
        Leftovers.assertNothingOfOurs(world, Set.of("lo", "eup", "eatk"), List.of(web, db));
    }

    private Path script(String web, String db) throws IOException {
        return Files.writeString(tmp.resolve("app.groovy"), """
                network('bridge') {
                    bridge 'docker0'
                    bip '172.17.0.1/16'
                }
                container('web') {
                    netns '%s'
                    publish '5000:22'
                }
                container('db') {
                    netns '%s'
                }
                """.formatted(web, db));
    }

    /** Outside tests the hook is a static final null: nothing to check at run time, nothing the JIT keeps. */
    @Test
    void theHookIsAConstantThatIsUnsetOutsideTests() throws Exception {
        assertEquals(null, System.getProperty(CrashPoint.PROPERTY));
        java.lang.reflect.Field at = CrashPoint.class.getDeclaredField("AT");
        int m = at.getModifiers();
        assertTrue(java.lang.reflect.Modifier.isStatic(m) && java.lang.reflect.Modifier.isFinal(m));
        at.setAccessible(true);
        assertEquals(null, at.get(null));
        CrashPoint.at(CrashPoint.JOURNALLED); // returns
    }

    /** What the dead process left, proving it died where it was told to (web is attached first, then db). */
    private void crashedAsExpected(String step) {
        List<String> store = Leftovers.store(world.state);
        List<String> veths = Leftovers.marked(world.host).stream().filter(m -> m.contains("nlbridge:endpoint:")).toList();
        List<String> direct = Leftovers.elements(world.host, "direct4");
        String where = step + ": store " + store + ", veths " + veths + ", direct4 " + direct;
        switch (step) {
            case CrashPoint.JOURNALLED -> {
                assertTrue(store.containsAll(List.of("endpoint web ATTACHING", "endpoint db ATTACHING")), where);
                assertEquals(List.of(), veths, where);
            }
            case CrashPoint.HOST_BATCH -> {
                assertEquals(2, veths.size(), where);
                assertEquals(List.of(), Oracle.addresses(world.sandbox.name("web"), "eth0"), "nothing inside yet: " + where);
            }
            case CrashPoint.CONTAINER_SIDE -> {
                assertEquals(1, Oracle.addresses(world.sandbox.name("web"), "eth0").size(), where);
                assertEquals(List.of(), direct, where);
            }
            case CrashPoint.BEFORE_ATTACHED -> {
                assertEquals(1, direct.size(), "web's firewall entry: " + where);
                assertTrue(store.contains("endpoint web ATTACHING"), where);
            }
            case CrashPoint.AFTER_ATTACHED -> {
                assertTrue(store.containsAll(List.of("endpoint web ATTACHED", "endpoint db ATTACHING")), where);
                assertEquals(List.of(), Leftovers.overlays(world.state), "no files yet: " + where);
            }
            default -> throw new IllegalArgumentException(step);
        }
    }

    record Child(int exit, String output) {}

    /** {@code nlbridge --host-netns H --state S apply SCRIPT} in a child JVM that halts at {@code step}. */
    private Child apply(String step, Path script) throws IOException, InterruptedException {
        return run(step, "apply", script);
    }

    /** {@code nlbridge --host-netns H --state S COMMAND SCRIPT} in a child JVM that halts at {@code step}. */
    private Child run(String step, String command, Path script) throws IOException, InterruptedException {
        Path log = tmp.resolve("child-" + step + ".log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-D" + CrashPoint.PROPERTY + "=" + step,
                "-cp", System.getProperty("java.class.path"), "org.nlbridge.cli.Main",
                "--host-netns", world.host, "--state", world.state.toString(), command, script.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the child apply did not end: " + Files.readString(log));
        }
        return new Child(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}

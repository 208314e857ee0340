package org.nlbridge.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.cli.RealCli;
import org.nlbridge.driver.bridge.World;
import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineOptions;
import org.nlbridge.netns.NetNs;
import org.nlbridge.nft.Nft;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.dsl.ScriptLoader;
import org.nlbridge.dsl.ScriptTrust;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Untouched;

/**
 * The faults of {@code shared/reference/bad-inputs-faults-security.md} section 2 that no other test injected: a
 * read-only {@code /proc/sys} (2d), descriptors under churn (2e), the JVM started without native access (2f). Each
 * against the real kernel in sandbox namespaces, with {@code ip -j}, {@code nft -j}, {@code /proc/sys},
 * {@code /proc/self/fd} and the store as oracles.
 */
@ExtendWith(SandboxExtension.class)
class FaultsTest {

    @TempDir
    Path tmp;

    private World world;

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    private static final String NETWORK = "network('bridge') { bridge 'nlbro'; bip '172.30.80.1/24' }\n";

    /**
     * 2d: {@code /proc/sys} read-only (bind-mounted read-only in a private mount namespace of the child, as a
     * container runtime mounts it): {@code apply} of a network, which must set {@code ip_forward} and the bridge's
     * {@code accept_ra}, fails with one line naming the sysctl and the kernel's error, and undoes the request: the
     * host namespace's links, addresses, nft ruleset and sysctls, and the store, are as they were.
     */
    @Test
    void aReadOnlyProcSysFailsNamingTheSysctlAndUndoesTheRequest(Sandbox sb) {
        world = new World(sb, tmp.resolve("state"));
        World.sysctl(world.host, "net.ipv4.ip_forward", "0");
        Path script = RealCli.script(tmp, "net.groovy", NETWORK);
        List<String> namespaces = List.of(world.host);
        Untouched before = Untouched.of(world.state, namespaces);
        Cmd.Result r = child(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys && exec \"$@\"", "sh"),
                "apply", script.toString());
        String err = r.err() + r.out();
        assertEquals(1, r.exit(), err);
        assertTrue(err.contains("sysctl") && err.contains("Read-only file system"), err);
        assertTrue(err.contains("ip_forward") || err.contains("accept_ra"), "names the sysctl: " + err);
        assertEquals(1, err.strip().lines().filter(l -> l.startsWith("nlbridge: ")).count(), "one line: " + err);
        before.assertSameAs(Untouched.of(world.state, namespaces), "a read-only /proc/sys");
        assertEquals("0", World.sysctl(world.host, "net.ipv4.ip_forward"));
    }

    /**
     * 2d: a container's namespace given by a process's path ({@code /proc/PID/ns/net}, as runtimes pass it) whose
     * process is gone: {@code apply} fails naming the namespace, before any change (the network declared with it is
     * not created either), and the next apply without that container works.
     */
    @Test
    void aNamespaceWhoseProcessIsGoneIsRefusedAndNothingIsApplied(Sandbox sb) throws Exception {
        world = new World(sb, tmp.resolve("state"));
        Process holder = new ProcessBuilder("unshare", "-n", "sleep", "600").start();
        String path = "/proc/" + holder.pid() + "/ns/net";
        holder.destroyForcibly(); // our own child, by its pid
        holder.waitFor();
        Path script = RealCli.script(tmp, "gone.groovy", NETWORK + "container('c') { netns '" + path + "' }\n");
        Untouched before = Untouched.of(world.state, List.of(world.host));
        RealCli.Result r = new RealCli(world).run("apply", script.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains(path) && r.err().contains("container c"), r.toString());
        before.assertSameAs(Untouched.of(world.state, List.of(world.host)), "a namespace that is gone");
        assertEquals(0, new RealCli(world).run("apply", RealCli.script(tmp, "net.groovy", NETWORK).toString()).code());
    }

    /**
     * 2f: started without {@code --enable-native-access}, the command line stops before anything with one line naming
     * the exact flag, and changes nothing: with the JVM's default (before: the first restricted call enabled native
     * access with a JVM warning and the command ran, the check in the bindings never fired) and with
     * {@code --illegal-native-access=deny} (before: an ExceptionInInitializerError's stack trace with a bare
     * IllegalCallerException).
     */
    @Test
    void withoutNativeAccessTheErrorNamesTheFlag(Sandbox sb) {
        world = new World(sb, tmp.resolve("state"));
        Path script = RealCli.script(tmp, "net.groovy", NETWORK);
        Untouched before = Untouched.of(world.state, List.of(world.host));
        for (List<String> jvm : List.of(List.<String>of(), List.of("--illegal-native-access=deny"))) {
            Cmd.Result r = Cmd.exec(new ProcessBuilder(java(jvm, "apply", script.toString())), null, Duration.ofSeconds(120));
            String err = r.err() + r.out();
            assertEquals(1, r.exit(), jvm + ": " + err);
            assertEquals("nlbridge: nlbridge needs native access: start the JVM with --enable-native-access=ALL-UNNAMED"
                    + " (the ./nlbridge launcher passes it)", err.strip(), jvm.toString());
            before.assertSameAs(Untouched.of(world.state, List.of(world.host)), "no native access " + jvm);
        }
    }

    /**
     * 2e: netlink sockets opened and closed 1,000 times (rtnetlink and nf_tables, in a sandbox namespace), and an
     * engine opened, applied, destroyed and closed 20 times, leave this process with the descriptors it had (counted in
     * {@code /proc/self/fd} after one warm-up round, so class loading and lazily opened files are counted before).
     */
    @Test
    void churnLeavesNoDescriptorBehind(Sandbox sb) {
        world = new World(sb, tmp.resolve("state"));
        String web = world.ctr("web");
        DesiredState d = ScriptLoader.withTrust(ScriptTrust.none()).evaluate(NETWORK
                + "container('web') { netns '" + web + "'; publish '8080:80' }\n", "churn.groovy");
        try (NetNs ns = NetNs.open(world.host)) {
            sockets(ns, 10);
            int before = fds();
            sockets(ns, 1000);
            assertEquals(List.of(), growth(before), "descriptors left by 1,000 socket open/close rounds");
        }
        cycle(d);
        int before = fds();
        for (int i = 0; i < 20; i++) cycle(d);
        assertEquals(List.of(), growth(before), "descriptors left by 20 engine open/apply/destroy/close rounds");
        assertTrue(!NetNs.exists(web), "the last destroy took the container's namespace");
    }

    private static void sockets(NetNs ns, int rounds) {
        for (int i = 0; i < rounds; i++) {
            try (Rtnl r = Rtnl.open(ns); Nft n = Nft.open(ns)) {
                if (r.links().list().isEmpty() || n == null) throw new AssertionError("no link in the sandbox");
            }
        }
    }

    private void cycle(DesiredState d) {
        try (Engine e = Engine.open(new EngineOptions(world.host, world.state))) {
            e.apply(d, null);
            e.destroy(d, null);
        }
    }

    private static int fds() {
        return listFds().size();
    }

    /** What {@code /proc/self/fd} holds beyond {@code before} entries: the targets, to name a leak (empty: none). */
    private static List<String> growth(int before) {
        List<String> now = listFds();
        return now.size() <= before ? List.of() : now;
    }

    private static List<String> listFds() {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : s.toList()) {
                try {
                    out.add(p.getFileName() + " -> " + Files.readSymbolicLink(p));
                } catch (IOException gone) {
                    // the listing's own descriptor, closed by now
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** {@code nlbridge --host-netns H --state S ARGS} in a child JVM, run by {@code wrapper} (argv before java). */
    private Cmd.Result child(List<String> wrapper, String... args) {
        List<String> argv = new ArrayList<>(wrapper);
        argv.addAll(java(List.of("--enable-native-access=ALL-UNNAMED"), args));
        return Cmd.exec(new ProcessBuilder(argv), null, Duration.ofSeconds(120));
    }

    private List<String> java(List<String> jvm, String... args) {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        argv.addAll(jvm);
        argv.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "org.nlbridge.cli.Main", "--host-netns", world.host, "--state", world.state.toString()));
        argv.addAll(List.of(args));
        return argv;
    }
}

package org.nlbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.client.DaemonAddress;
import org.nlbridge.daemon.Daemon;
import org.nlbridge.testing.MemoryEngine;

/**
 * Commands that compile no script load no Groovy class (Groovy's runtime is most of what a cold start would load),
 * and a command sent to a daemon ({@code -H}) is a thin client: no engine, no state store, no netlink, no native
 * call. Checked in a fresh JVM with {@code -Xlog:class+load}.
 */
class ClassLoadingTest {

    @TempDir
    Path tmp;
    Daemon daemon;
    String host;

    /** Runs the command line in a new JVM; returns the names of the classes it loaded. */
    private List<String> loaded(String... args) throws IOException, InterruptedException {
        return loadedWith(Map.of(), args);
    }

    /** {@link #loaded} with more environment variables for the new JVM. */
    private List<String> loadedWith(Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-Xlog:class+load=info:file=" + tmp.resolve("classes.log"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("NLBRIDGE_HOST");
        pb.environment().putAll(env);
        Process p = pb.redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the command line finished");
        // 0, or plan's "there are changes"
        assertTrue(p.exitValue() == 0 || p.exitValue() == Commands.CHANGES, Files.readString(tmp.resolve("out.txt")));
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(tmp.resolve("classes.log"), StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            if (f.length > 1) names.add(f[1]);
        }
        return names;
    }

    private static void noGroovy(List<String> classes) {
        assertTrue(classes.contains(Main.class.getName()), "the log lists the classes loaded");
        assertFalse(classes.stream().anyMatch(c -> c.startsWith("groovy.") || c.startsWith("org.codehaus.groovy.")),
                classes.stream().filter(c -> c.contains("groovy")).limit(5).toList().toString());
        assertFalse(classes.stream().anyMatch(c -> c.startsWith("org.nlbridge.dsl.ScriptRunner")));
    }

    /**
     * What only an engine in this process loads: its opening ({@code Engines}, {@code HostEngine}), the state store
     * and SQLite, netlink and the namespaces, the native bindings, and any downcall stub (a native call linked).
     */
    private static final List<String> ENGINE_ONLY = List.of("org.nlbridge.engine.Engines", "org.nlbridge.engine.HostEngine",
            "org.nlbridge.state.", "org.sqlite.", "java.sql.DriverManager", "org.nlbridge.netlink.", "org.nlbridge.rtnl.",
            "org.nlbridge.nft.", "org.nlbridge.netns.", "org.nlbridge.monitor.", "org.nlbridge.bindings.",
            "jdk.internal.foreign.abi.DowncallLinker", "jdk.internal.foreign.abi.DowncallStub");

    private static void thinClient(List<String> classes) {
        assertTrue(classes.contains("org.nlbridge.client.RemoteEngine"), "the command went to the daemon");
        List<String> engine = classes.stream().filter(c -> ENGINE_ONLY.stream().anyMatch(c::startsWith)).toList();
        assertEquals(List.of(), engine, "classes of an engine in the client");
    }

    @Test
    void versionLoadsNoGroovy() throws Exception {
        noGroovy(loaded("version"));
    }

    /** The names in {@code classes} that start with one of {@code prefixes} (or contain {@code $$Lambda}/{@code $$StringConcat} for those two). */
    private static List<String> matching(List<String> classes, List<String> prefixes) {
        return classes.stream().filter(c -> prefixes.stream().anyMatch(p -> p.startsWith("$$") ? c.contains(p)
                : c.startsWith(p))).toList();
    }

    /** Libraries a one-shot command that compiles nothing has no use for (each is hundreds of classes). */
    private static final List<String> LIBRARIES = List.of("com.fasterxml.jackson.", "picocli.", "groovy.",
            "org.codehaus.groovy.", "org.sqlite.", "org.xbill.");

    /**
     * {@code version} is the JVM and a handful of classes of ours: no library, no engine or client class, no class
     * spun at run time (lambdas, string concatenation), no logging started by {@code System.exit}. Start-up
     * ({@code bench/startup.sh}) counts every class: the AOT cache loads all it holds before {@code main}.
     */
    @Test
    void versionLoadsOnlyItself() throws Exception {
        List<String> classes = loaded("version");
        assertTrue(classes.contains(VersionCommand.class.getName()), "the log lists the classes loaded");
        List<String> forbidden = new ArrayList<>(LIBRARIES);
        forbidden.addAll(ENGINE_ONLY);
        forbidden.addAll(List.of("org.nlbridge.client.", "org.nlbridge.daemon.", "org.nlbridge.dsl.", "$$Lambda",
                "$$StringConcat", "jdk.internal.logger.", "java.lang.classfile."));
        assertEquals(List.of(), matching(classes, forbidden), "classes version does not need");
    }

    /** The address of a daemon over a fake engine, listening while this test runs. */
    @BeforeEach
    void daemon() throws IOException {
        daemon = Daemon.withoutMonitor(new MemoryEngine());
        host = "unix://" + tmp.resolve("d.sock");
        daemon.listen(DaemonAddress.parse("-H", host), null, null);
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    @Test
    void statusThroughADaemonLoadsNoGroovy() throws Exception {
        List<String> classes = loaded("-H", host, "status");
        noGroovy(classes);
        thinClient(classes);
    }

    /**
     * {@code status -H} is the thin client and nothing more: no Jackson (its answer is read by {@code StatusJson}),
     * no picocli (the plain form is parsed by {@code QuickCommands}), no daemon class, and it ends without
     * {@code System.exit}'s logging.
     */
    @Test
    void statusThroughADaemonLoadsNoLibrary() throws Exception {
        List<String> classes = loaded("-H", host, "status");
        assertTrue(classes.contains("org.nlbridge.client.StatusJson"), "the answer was read by the thin reader");
        List<String> forbidden = new ArrayList<>(LIBRARIES);
        forbidden.addAll(List.of("org.nlbridge.daemon.", "jdk.internal.logger."));
        assertEquals(List.of(), matching(classes, forbidden), "classes a thin status does not need");
    }

    /** plan, apply and destroy compile the script in the client, and send the desired state, nothing more. */
    @Test
    void scriptCommandsThroughADaemonAreThinClients() throws Exception {
        String script = Files.writeString(tmp.resolve("net.groovy"), CliTest.DOCKER0).toString();
        for (List<String> args : List.of(List.of("-H", host, "apply", script), List.of("-H", host, "plan", script),
                List.of("-H", host, "-o", "json", "status"), List.of("-H", host, "destroy", script))) {
            thinClient(loaded(args.toArray(String[]::new)));
        }
    }

    /** NLBRIDGE_HOST alone makes the same thin client. */
    @Test
    void nlbridgeHostMakesAThinClient() throws Exception {
        thinClient(loadedWith(Map.of("NLBRIDGE_HOST", host), "status"));
    }
}

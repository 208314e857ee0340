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
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.client.DaemonAddress;
import org.nlbridge.daemon.Daemon;
import org.nlbridge.testing.MemoryEngine;

/**
 * Commands that compile no script load no Groovy class (Groovy's runtime is most of what a cold start would load):
 * checked in a fresh JVM with {@code -Xlog:class+load}, for {@code version} and for {@code status} sent to a daemon.
 */
class ClassLoadingTest {

    @TempDir
    Path tmp;

    /** Runs the command line in a new JVM; returns the names of the classes it loaded. */
    private List<String> loaded(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-Xlog:class+load=info:file=" + tmp.resolve("classes.log"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the command line finished");
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("out.txt")));
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

    @Test
    void versionLoadsNoGroovy() throws Exception {
        noGroovy(loaded("version"));
    }

    @Test
    void statusThroughADaemonLoadsNoGroovy() throws Exception {
        MemoryEngine engine = new MemoryEngine();
        Daemon daemon = Daemon.withoutMonitor(engine);
        try {
            String host = "unix://" + tmp.resolve("d.sock");
            daemon.listen(DaemonAddress.parse("-H", host), null, null);
            List<String> classes = loaded("-H", host, "status");
            noGroovy(classes);
            assertTrue(classes.contains("org.nlbridge.client.RemoteEngine"), "status went to the daemon");
        } finally {
            daemon.close();
        }
    }
}

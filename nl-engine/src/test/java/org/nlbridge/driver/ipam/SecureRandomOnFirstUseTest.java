package org.nlbridge.driver.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.net.MacAddress;

/**
 * Making an engine's address management and loading the bridge driver set up none of the JDK's security providers
 * (a SecureRandom's cost, ≈ 8 ms of every {@code status}): the SecureRandom behind random MACs is made when the first
 * one is drawn. Checked in a fresh JVM with {@code -Xlog:class+load}; drawing a MAC there shows the check can fail.
 */
class SecureRandomOnFirstUseTest {

    @TempDir
    Path tmp;

    /**
     * Makes an Ipam (over no store: SQLite, unless told where its library is, extracts it under a random UUID's
     * name, which makes a SecureRandom of its own) and initializes the bridge driver's classes; draws a MAC if asked.
     */
    public static final class OpenMain {
        public static void main(String[] args) throws Exception {
            new Ipam(null);
            Class.forName("org.nlbridge.driver.bridge.BridgeNetworks", true, OpenMain.class.getClassLoader());
            if (args.length > 0) System.out.println(MacAddress.random(MacAddress.secureRandom()));
        }
    }

    private List<String> securityClasses(boolean draw) throws IOException, InterruptedException {
        Path log = tmp.resolve("classes-" + draw + ".log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-Xlog:class+load=info:file=" + log, "-cp", System.getProperty("java.class.path"),
                OpenMain.class.getName()));
        if (draw) cmd.add("draw");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the JVM finished");
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("out.txt")));
        return Files.readAllLines(log).stream().map(l -> l.split(" ")).filter(f -> f.length > 1).map(f -> f[1])
                .filter(c -> c.startsWith("sun.security.provider.")).toList();
    }

    @Test
    void openingSetsUpNoSecurityProvider() throws Exception {
        List<String> classes = securityClasses(false);
        assertTrue(classes.isEmpty(), classes.toString());
    }

    @Test
    void drawingAMacDoes() throws Exception {
        assertFalse(securityClasses(true).isEmpty(), "the check sees a SecureRandom being made");
    }
}

package org.nlbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nlbridge.dsl.ScriptLoader;

/** {@code nlbridge demo} with the real engine: every check passes and nothing is left behind. */
class DemoCommandTest {

    private static List<String> netns() throws IOException {
        Path run = Path.of("/run/netns");
        if (!Files.isDirectory(run)) return List.of();
        try (Stream<Path> s = Files.list(run)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("nlbd-")).sorted().toList();
        }
    }

    @Test
    void demoPassesEveryCheckAndCleansUp() throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to create namespaces");
        List<String> before = netns();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Cli cli = new Cli(EngineFactory.BRIDGE, ScriptLoader.standard(), new PrintWriter(out), new PrintWriter(err),
                false, Cli.Launcher.INHERIT_IO);
        int code = Main.execute(cli, "demo", "--script", Path.of("..", "scripts", "docker0.groovy").toString());
        String text = out.toString();
        assertEquals(0, code, text + err);
        for (String check : List.of("ok   ping ", "ok   upstream -> 198.51.100.1:8080 -> web:80", "ok   masquerade: web",
                "ok   resolv.conf inside web")) {
            assertTrue(text.contains(check), check + " in:\n" + text);
        }
        assertTrue(text.strip().endsWith("demo: all checks passed"), text);
        assertEquals(before, netns(), "no demo namespace left");
    }
}

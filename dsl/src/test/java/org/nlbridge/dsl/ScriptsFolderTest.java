package org.nlbridge.dsl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nlbridge.spec.DesiredState;

/** Every example under scripts/ compiles, runs and yields a valid desired state, and says what it shows. */
class ScriptsFolderTest {

    static Path scriptsDir() {
        for (Path p : List.of(Path.of("../scripts"), Path.of("scripts"))) {
            if (Files.isDirectory(p)) return p;
        }
        throw new IllegalStateException("no scripts/ folder next to " + Path.of("").toAbsolutePath());
    }

    static List<Path> scripts() throws IOException {
        try (Stream<Path> s = Files.list(scriptsDir())) {
            return s.filter(p -> p.toString().endsWith(".groovy")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyScriptYieldsADesiredState() throws IOException {
        List<Path> all = scripts();
        assertTrue(all.size() >= 12, "expected the scenario scripts, found " + all);
        return all.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            String text = Files.readString(p);
            assertTrue(text.startsWith("// "), p + " starts with a comment saying what it shows");
            DesiredState s = Scripts.LOADER.load(p);
            assertFalse(s.networks().isEmpty() && s.containers().isEmpty() && s.userRules().rules().isEmpty(),
                    p + " declares something");
        }));
    }
}

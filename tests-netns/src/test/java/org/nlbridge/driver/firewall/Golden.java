package org.nlbridge.driver.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files under {@code src/test/resources/golden/firewall/}: what the real nft lists for our tables,
 * normalised by {@link NftCli#normalise}. Run with {@code -Dnlbridge.golden.update=true} to rewrite them from
 * the real nft's output (then review the diff).
 */
final class Golden {
    private Golden() {}

    static final Path DIR = Path.of("src/test/resources/golden/firewall");

    static void assertMatches(String name, String actual) {
        Path file = DIR.resolve(name + ".nft");
        try {
            if (Boolean.getBoolean("nlbridge.golden.update")) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
                return;
            }
            String expected = Files.readString(file, StandardCharsets.UTF_8);
            assertEquals(expected, actual, "nft listing differs from golden " + file
                    + " (rerun with -Dnlbridge.golden.update=true to accept a deliberate change)");
        } catch (IOException e) {
            throw new UncheckedIOException("golden " + file, e);
        }
    }
}

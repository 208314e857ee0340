package org.nlbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code nlbridge doctor} against the real kernel: it probes in a scratch namespace and leaves the host as it was. */
class DoctorCommandTest {

    private static List<String> hostLinks() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void reportsEveryRequiredFeatureAndChangesNothingOnTheHost() throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to create namespaces");
        List<String> before = hostLinks();
        CliRun.Result r = new CliRun().run("doctor");
        assertEquals(0, r.code(), r.out() + r.err());
        for (String feature : List.of("netns", "bridge", "veth", "bridge port", "nf_tables")) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(String.format("%-13s ok", feature))),
                    feature + " ok in:\n" + r.out());
        }
        assertTrue(r.out().strip().endsWith("nlbridge can run here."), r.out());
        assertEquals(before, hostLinks(), "the host namespace's links are unchanged");
    }
}

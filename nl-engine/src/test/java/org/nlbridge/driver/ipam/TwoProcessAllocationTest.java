package org.nlbridge.driver.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.state.Samples.network;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Phase;
import org.nlbridge.state.StateStore;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;

/**
 * Two engine processes on one host, one state directory, allocating at the same time: SQLite's write lock
 * ({@code BEGIN IMMEDIATE}) must serialise their read-pick-insert sequences so no address is handed out
 * twice. Real JVMs, not threads, because the lock being tested is between processes.
 */
class TwoProcessAllocationTest {

    static final int PER_PROCESS = 200;

    @TempDir
    Path dir;

    /** One child JVM running {@link AllocatorMain}. */
    record Engine(String prefix, Process process, BufferedReader out, Path err) {

        String stderr() {
            try {
                return "engine " + prefix + " failed; its stderr:\n" + Files.readString(err);
            } catch (IOException e) {
                return "engine " + prefix + " failed; its stderr is unreadable: " + e;
            }
        }
    }

    /** What one engine printed: container to address, and when it started and finished allocating. */
    record Run(Map<String, String> addresses, long start, long end) {}

    @Test
    void twoEnginesAllocatingAtOnceNeverShareAnAddress() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            new Ipam(store).createNetwork(network("shared", "br-shared", "10.88.0.0/22", "10.88.0.1", null));
        }
        List<Engine> engines = List.of(start("a"), start("b"));
        Run a;
        Run b;
        try {
            for (Engine e : engines) {
                assertEquals("ready", e.out().readLine(), e::stderr);
            }
            for (Engine e : engines) { // both have opened the store and wait: let them go together
                OutputStream in = e.process().getOutputStream();
                in.write('\n');
                in.close();
            }
            a = collect(engines.get(0));
            b = collect(engines.get(1));
        } finally {
            engines.forEach(e -> e.process().destroyForcibly());
        }
        // both were allocating at once, so one waited for the other's write lock
        assertTrue(a.start() <= b.end() && b.start() <= a.end(), "the engines ran one after the other: " + a + b);

        Map<String, String> reported = new HashMap<>(a.addresses());
        reported.putAll(b.addresses());
        assertEquals(2 * PER_PROCESS, reported.size());
        assertEquals(2 * PER_PROCESS, new HashSet<>(reported.values()).size(), "an address was handed out twice");

        Cidr subnet = Cidr.parseSubnet("subnet", "10.88.0.0/22");
        IpAddress gateway = IpAddress.parse("gateway", "10.88.0.1");
        try (StateStore store = StateStore.open(dir)) {
            List<Endpoint> stored = store.read(tx -> tx.endpoints().ofNetwork("shared"));
            assertEquals(2 * PER_PROCESS, stored.size());
            for (Endpoint e : stored) {
                assertEquals(reported.get(e.container()), e.ipv4().toString(), e.container());
                assertEquals(Phase.ATTACHED, e.phase(), e.container());
                assertTrue(subnet.contains(e.ipv4()) && !e.ipv4().equals(subnet.network())
                        && !e.ipv4().equals(subnet.last()) && !e.ipv4().equals(gateway), e.toString());
            }
        }
    }

    private Engine start(String prefix) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path err = dir.resolve(prefix + ".err");
        Process p = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), AllocatorMain.class.getName(),
                dir.toString(), "shared", prefix, Integer.toString(PER_PROCESS))
                .redirectError(err.toFile())
                .start();
        return new Engine(prefix, p, p.inputReader(StandardCharsets.UTF_8), err);
    }

    private static Run collect(Engine e) throws IOException, InterruptedException {
        Map<String, String> addresses = new HashMap<>();
        long start = -1;
        long end = -1;
        for (String line; (line = e.out().readLine()) != null; ) {
            String[] parts = line.split(" ");
            switch (parts[0]) {
                case "start" -> start = Long.parseLong(parts[1]);
                case "end" -> end = Long.parseLong(parts[1]);
                default -> addresses.put(parts[0], parts[1]);
            }
        }
        assertTrue(e.process().waitFor(60, TimeUnit.SECONDS), "engine " + e.prefix() + " still running");
        assertEquals(0, e.process().exitValue(), e::stderr);
        return new Run(addresses, start, end);
    }
}

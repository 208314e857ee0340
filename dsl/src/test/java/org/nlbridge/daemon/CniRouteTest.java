package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nlbridge.client.DaemonAddress;
import org.nlbridge.cni.CniInstall;
import org.nlbridge.testing.MemoryEngine;

/**
 * The installed plugin executable, run as a runtime runs it (environment and stdin, a new process per call), against
 * a daemon on an engine in memory: the route, its error documents, and the answers without a daemon.
 */
class CniRouteTest {

    private Path dir;
    private Daemon daemon;
    private Path plugin;
    private Path sock;

    @BeforeEach
    void start() throws IOException {
        dir = Files.createTempDirectory("nlbridge-cni-");
        plugin = CniInstall.install(dir.resolve("bin"), Path.of(System.getProperty("java.home")));
        daemon = Daemon.withoutMonitor(new MemoryEngine());
        sock = dir.resolve("d.sock");
        daemon.listen(DaemonAddress.parse("-H", "unix://" + sock), null, null);
    }

    @AfterEach
    void stop() throws IOException {
        daemon.close();
        Raw.deleteTree(dir);
    }

    record Run(int exit, String stdout, String stderr) {}

    private Run run(Map<String, String> env, String stdin) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(plugin.toString()).redirectError(dir.resolve("stderr").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("CNI_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out, Files.readString(dir.resolve("stderr")));
    }

    private String cfg(String version, String extra) {
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"pods\",\"type\":\"nlbridge\",\"socket\":\"unix://" + sock + "\"" + extra + "}";
    }

    @Test
    void theExecutableIsOneFileThatRunsOnItsJdk() throws Exception {
        String head = new String(Files.readAllBytes(plugin), 0, 400, StandardCharsets.ISO_8859_1);
        assertTrue(head.startsWith("#!/bin/sh\n"), head);
        assertTrue(head.contains("j='" + Path.of(System.getProperty("java.home"), "bin", "java") + "'"), head);
        Run r = run(Map.of("CNI_COMMAND", "VERSION", "CNI_CONTAINERID", "dummy", "CNI_NETNS", "dummy", "CNI_PATH", "dummy"),
                "{\"cniVersion\":\"1.0.0\"}");
        assertEquals(new Run(0, "{\"cniVersion\":\"1.0.0\",\"supportedVersions\":[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}\n", ""), r);
        // without CNI_COMMAND: what it is, on stderr (as the reference plugins do)
        r = run(Map.of(), "");
        assertEquals(0, r.exit());
        assertTrue(r.stderr().contains("CNI protocol versions supported: 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0"), r.stderr());
    }

    @Test
    void callsGoThroughTheDaemon() throws Exception {
        Run r = run(Map.of("CNI_COMMAND", "STATUS", "CNI_PATH", "/opt/cni/bin"), cfg("1.1.0", ""));
        assertEquals(new Run(0, "", ""), r);
        r = run(Map.of("CNI_COMMAND", "DEL", "CNI_CONTAINERID", "c1", "CNI_IFNAME", "eth0", "CNI_NETNS", ""), cfg("1.0.0", ""));
        assertEquals(new Run(0, "", ""), r);
        r = run(Map.of("CNI_COMMAND", "GC", "CNI_PATH", "/opt/cni/bin"), cfg("1.1.0", ",\"cni.dev/valid-attachments\":[]"));
        assertEquals(new Run(0, "", ""), r);
        // the daemon's CNI error document, as it is, exit 1
        r = run(Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "c1", "CNI_IFNAME", "eth0", "CNI_NETNS", "/run/netns/c1"),
                cfg("0.4.0", ",\"mtu\":60"));
        assertEquals(1, r.exit());
        assertTrue(r.stdout().startsWith("{\"cniVersion\":\"0.4.0\",\"code\":7,\"msg\":\"invalid network pods: mtu \\\"60\\\""), r.stdout());
        r = run(Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "c1", "CNI_IFNAME", "eth0", "CNI_NETNS", "/proc/1/ns/net/../x"),
                cfg("1.0.0", ""));
        assertEquals(1, r.exit());
        assertTrue(r.stdout().contains("\"code\":4,\"msg\":\"invalid CNI_NETNS \\\"/proc/1/ns/net/../x\\\": not an absolute path"
                + " in normal form"), r.stdout());
    }

    @Test
    void aRefusalOutsideTheProtocolStillReadsAsACniError() throws Exception {
        String raw = Raw.exchange(sock, "POST /v1/cni HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
        assertTrue(raw.startsWith("HTTP/1.1 400 "), raw);
        assertTrue(raw.endsWith("{\"message\":\"invalid CNI call \\\"{}\\\": not {\\\"env\\\": {...}, \\\"stdin\\\": \\\"<base64>\\\"};"
                + " expected the body the nlbridge CNI plugin sends\"}"), raw);
    }

    @Test
    void withoutTheDaemonTryAgainLater() throws Exception {
        daemon.close();
        Run r = run(Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "c1", "CNI_IFNAME", "eth0", "CNI_NETNS", "/run/netns/c1"),
                cfg("1.0.0", ""));
        assertEquals(1, r.exit());
        assertTrue(r.stdout().startsWith("{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"the nlbridge daemon at unix://" + sock
                + " cannot be reached: "), r.stdout());
        r = run(Map.of("CNI_COMMAND", "STATUS"), cfg("1.1.0", ""));
        assertEquals(1, r.exit());
        assertTrue(r.stdout().contains("\"code\":50,"), r.stdout());
    }
}

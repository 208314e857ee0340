package org.nlbridge.dockerplugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.nlbridge.client.DaemonAddress;
import org.nlbridge.client.HttpClient;
import org.nlbridge.testing.clients.ClientHost;
import org.nlbridge.testing.clients.Daemon;

/**
 * {@code nlbridge daemon --docker-plugin} inside a {@link ClientHost}: in the host namespace and the sandbox's mount
 * namespace, so its plugin socket lands in the private {@code /run/docker/plugins} where that host's dockerd finds it,
 * its API on {@value #API} and its state in {@value #STATE} (a private overlay). Ended by pid.
 */
final class PluginDaemon implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String API = "/run/nlbridge.sock";
    static final String PLUGIN = "/run/docker/plugins/nlbridge.sock";
    static final String STATE = "/var/lib/nlbridge";

    private final ClientHost host;
    private Daemon process;
    private int starts;

    private PluginDaemon(ClientHost host) {
        this.host = host;
    }

    static PluginDaemon start(ClientHost host) {
        PluginDaemon d = new PluginDaemon(host);
        d.start();
        return d;
    }

    /** Starts it (again) and waits until its API answers, which it does once it has adopted its stored state. */
    void start() {
        List<String> argv = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "org.nlbridge.cli.Main",
                "--state", STATE, "daemon", "-H", "unix://" + API, "--docker-plugin", "--debounce-ms", "50"));
        process = host.spawn("nlbridge-" + ++starts, Map.of(), argv.toArray(String[]::new));
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            if (!process.alive()) throw new AssertionError("nlbridge daemon exited:\n" + process.logTail(40));
            try (HttpClient c = client()) {
                if (c.send("GET", "/_ping", null, null).status() == 200 && Files.exists(host.inside(PLUGIN))) return;
            } catch (IOException notYet) {
                // keep waiting
            }
            sleep(50);
        }
        throw new AssertionError("nlbridge daemon did not answer within 60 s:\n" + process.logTail(40));
    }

    HttpClient client() throws IOException {
        return HttpClient.connect(DaemonAddress.parse("-H", "unix://" + host.inside(API)), null);
    }

    /** {@code GET path} on the API, parsed. */
    JsonNode get(String path) {
        try (HttpClient c = client()) {
            HttpClient.Response r = c.send("GET", path, null, null);
            if (r.status() != 200) throw new AssertionError("GET " + path + ": " + r.status() + " " + r.text());
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A call of Docker's plugin protocol ({@code POST /NetworkDriver.X}) on the plugin socket, as dockerd makes it. */
    JsonNode plugin(String call, String body) {
        try (HttpClient c = HttpClient.connect(DaemonAddress.parse("--docker-plugin", "unix://" + host.inside(PLUGIN)), null)) {
            HttpClient.Response r = c.send("POST", "/" + call, "application/vnd.docker.plugins.v1.2+json",
                    body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (r.status() != 200) throw new AssertionError("POST /" + call + ": " + r.status() + " " + r.text());
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM: the daemon stops and leaves the network as it is. */
    void stop() {
        process.stop(Duration.ofSeconds(30));
    }

    /** SIGKILL: nothing of the daemon runs after it. */
    void kill9() {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (process.alive() && System.nanoTime() < end) sleep(20);
    }

    String log() {
        return process.log();
    }

    @Override
    public void close() {
        if (process != null && process.alive()) stop();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.nlbridge.testing.clients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.nlbridge.client.DaemonAddress;
import org.nlbridge.client.HttpClient;
import org.nlbridge.cni.CniInstall;

/**
 * The nlbridge daemon and CNI plugin in a {@link ClientHost}: the daemon runs inside (the namespaces a runtime names
 * in {@code CNI_NETNS} exist only there), on the host namespace, with its state and socket in the work directory (the
 * same path from the JVM); the plugin is installed in the host's private {@code /usr/lib/cni}, where podman and
 * containerd look.
 */
public final class Nlbridge {
    private final ClientHost host;
    private final Path socket;
    private final Path state;
    private Daemon daemon;

    private Nlbridge(ClientHost host) {
        this.host = host;
        this.socket = host.workDir().resolve("nlbridge.sock");
        this.state = host.workDir().resolve("nlbridge-state");
    }

    public static Nlbridge start(ClientHost host) {
        CniInstall.install(host.inside("/usr/lib/cni"), Path.of(System.getProperty("java.home")));
        Nlbridge n = new Nlbridge(host);
        n.startDaemon();
        return n;
    }

    public Path socket() {
        return socket;
    }

    private void startDaemon() {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "org.nlbridge.cli.Main", "--state", state.toString(),
                "daemon", "-H", "unix://" + socket, "--debounce-ms", "50"));
        daemon = host.spawn("nlbridge", Map.of(), argv.toArray(String[]::new));
        long end = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < end) {
            if (!daemon.alive()) throw new AssertionError("the nlbridge daemon exited:\n" + daemon.logTail(40));
            try (HttpClient c = HttpClient.connect(DaemonAddress.parse("-H", "unix://" + socket), null)) {
                if (c.send("GET", "/_ping", null, null).status() == 200) return;
            } catch (IOException notYet) {
                // still starting
            }
            sleepMillis(50);
        }
        throw new AssertionError("the nlbridge daemon did not answer within 60 s:\n" + daemon.logTail(40));
    }

    /** kill -9: no shutdown of any kind. */
    public void kill9() {
        ProcessHandle.of(daemon.pid()).ifPresent(ProcessHandle::destroyForcibly);
        long end = System.currentTimeMillis() + 10_000;
        while (daemon.alive() && System.currentTimeMillis() < end) sleepMillis(20);
    }

    public void restart() {
        if (daemon.alive()) daemon.stop(Duration.ofSeconds(10));
        startDaemon();
    }

    public String log() {
        return daemon.log();
    }

    /** A conflist: one nlbridge plugin with these network keys, the daemon's socket and the usual capabilities. */
    public ObjectNode conflist(String name, String version, Map<String, Object> keys) {
        ObjectNode list = Cni.JSON.createObjectNode().put("cniVersion", version).put("name", name);
        ObjectNode p = list.putArray("plugins").addObject().put("type", "nlbridge").put("socket", "unix://" + socket);
        keys.forEach((k, v) -> p.set(k, Cni.JSON.valueToTree(v)));
        p.putObject("capabilities").put("portMappings", true).put("ips", true).put("mac", true).put("aliases", true);
        return list;
    }

    /** {@code GET path} on the daemon, parsed. */
    public JsonNode get(String path) {
        try (HttpClient c = HttpClient.connect(DaemonAddress.parse("-H", "unix://" + socket), null)) {
            HttpClient.Response r = c.send("GET", path, null, null);
            if (r.status() != 200) throw new AssertionError("GET " + path + ": " + r.status() + " " + r.text());
            return Cni.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

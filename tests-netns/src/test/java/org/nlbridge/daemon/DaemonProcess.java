package org.nlbridge.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.nlbridge.client.DaemonAddress;
import org.nlbridge.client.HttpClient;

/**
 * {@code nlbridge daemon} as a separate process (so tests can SIGTERM and kill -9 it), on a sandbox host namespace
 * and a socket under the test's temporary directory; never the real /run/nlbridge.sock. Always ended by pid.
 */
public final class DaemonProcess implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();

    public final String hostNetns;
    public final Path state;
    public final Path socket;
    public final DaemonAddress address;
    public final Path log;
    private final List<String> extra;
    private Process process;

    public DaemonProcess(String hostNetns, Path dir, String... extra) {
        this.hostNetns = hostNetns;
        this.state = dir.resolve("state");
        this.socket = dir.resolve("nlbridge.sock");
        this.address = DaemonAddress.parse("-H", "unix://" + socket);
        this.log = dir.resolve("daemon.log");
        this.extra = List.of(extra);
    }

    /** Starts it and waits until it answers (it adopts the stored desired state before it listens). */
    public DaemonProcess start() {
        if (process != null && process.isAlive()) throw new IllegalStateException("already running");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "org.nlbridge.cli.Main",
                "--host-netns", hostNetns, "--state", state.toString(), "daemon", "-H", "unix://" + socket,
                "--debounce-ms", "50"));
        // -Dname=value extras are the JVM's (a crash point), the others the daemon's
        extra.stream().filter(a -> a.startsWith("-D")).forEach(a -> cmd.add(1, a));
        extra.stream().filter(a -> !a.startsWith("-D")).forEach(cmd::add);
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            if (!process.isAlive()) throw new AssertionError("the daemon exited " + process.exitValue() + ":\n" + log());
            try (HttpClient c = HttpClient.connect(address, null)) {
                if (c.send("GET", "/_ping", null, null).status() == 200) return this;
            } catch (IOException notYet) {
                // keep waiting
            }
            sleep(50);
        }
        throw new AssertionError("the daemon did not answer within 30 s:\n" + log());
    }

    public long pid() {
        return process.pid();
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** SIGTERM, and wait for it to end; returns its exit code. */
    public int term() {
        process.toHandle().destroy(); // SIGTERM
        return waitFor();
    }

    /** Waits for it to end by itself (a crash point halts it); returns its exit code. */
    public int awaitExit() {
        return waitFor();
    }

    /** SIGKILL: no shutdown hook runs. */
    public void kill9() {
        process.toHandle().destroyForcibly();
        waitFor();
    }

    private int waitFor() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("the daemon did not stop:\n" + log());
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    public HttpClient client() throws IOException {
        return HttpClient.connect(address, null);
    }

    /** One request on a fresh connection: status and parsed body (null when empty). */
    public Answer call(String method, String path, Object body) {
        try (HttpClient c = client()) {
            byte[] b = body == null ? null : body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(body);
            HttpClient.Response r = c.send(method, path, b == null ? null : "application/json", b);
            return new Answer(r.status(), r.body().length == 0 ? null : JSON.readTree(r.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        }
    }

    public record Answer(int status, JsonNode body) {
        public Answer ok() {
            if (status >= 300) throw new AssertionError("HTTP " + status + ": " + body);
            return this;
        }
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.toHandle().destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

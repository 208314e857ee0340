package org.nlbridge.testing.clients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A long-running process inside a {@link ClientHost} (dockerd, containerd, a test's own daemon), started through
 * {@code nsenter}; its output goes to a log file in the host's work directory. {@link #pid} is its PID as the
 * machine (and the JVM) sees it; inside the sandbox's PID namespace it has another.
 */
public final class Daemon {
    private final String name;
    private final Process nsenter;
    private final ProcessHandle process;
    private final Path log;

    Daemon(String name, Process nsenter, ProcessHandle process, Path log) {
        this.name = name;
        this.nsenter = nsenter;
        this.process = process;
        this.log = log;
    }

    public String name() {
        return name;
    }

    /** The PID in the machine's PID namespace. */
    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Its output so far (stdout and stderr). */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last {@code lines} lines of its output, for error messages. */
    public String logTail(int lines) {
        List<String> all = log().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /**
     * SIGTERM, then SIGKILL if it has not exited within {@code grace}; returns how long it took to end. Only this
     * process is signalled: what it started ends with it or with the sandbox.
     */
    public Duration stop(Duration grace) {
        long start = System.nanoTime();
        // nsenter, our child, waits for the daemon and ends with it: waiting on it is exact (a process that is not
        // our child can only be polled)
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!nsenter.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) process.destroyForcibly();
            }
            nsenter.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}

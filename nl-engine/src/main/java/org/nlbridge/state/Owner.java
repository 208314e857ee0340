package org.nlbridge.state;

import java.time.Instant;
import java.util.Optional;

/**
 * The process that wrote an in-flight endpoint. Two engine processes may share one store, so an endpoint
 * in ATTACHING is only stuck if its writer is gone; a live writer is still working on it. The start time
 * tells a dead writer from a new process that reuses its pid.
 *
 * @param started process start, milliseconds since the epoch, as {@link ProcessHandle.Info#startInstant()}
 *                gives it (derived from {@code /proc/<pid>/stat}, so every process computes the same value)
 */
record Owner(long pid, long started) {

    /** This process, read from /proc once. */
    static Owner current() {
        return Self.OWNER;
    }

    private static final class Self {
        static final Owner OWNER = read();

        private static Owner read() {
            ProcessHandle self = ProcessHandle.current();
            // Linux always reports it for our own process; without it no owner could ever be judged dead
            long started = self.info().startInstant().map(Instant::toEpochMilli)
                    .orElseThrow(() -> new IllegalStateException("the start time of this process is unknown"));
            return new Owner(self.pid(), started);
        }
    }

    /**
     * The writer still runs. When the process exists but its start time cannot be read, it counts as alive:
     * cleaning up under a live operation is worse than leaving a leftover for the next reconcile.
     */
    boolean isAlive() {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        return handle.get().info().startInstant().map(s -> s.toEpochMilli() == started).orElse(true);
    }
}

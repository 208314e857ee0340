package org.nlbridge.bench.peers;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import org.nlbridge.bindings.sys.Sys;

/**
 * The {@code PB_PHASE name seconds} lines the harness collects, and the calling thread's own user and system CPU
 * time ({@code getrusage(RUSAGE_THREAD)}, microseconds), so the kernel time a phase cost can be set against its wall
 * time without the JVM's start-up in the sum.
 */
final class Phases {
    private static final int RUSAGE_THREAD = 1;
    /** struct rusage: ru_utime and ru_stime (struct timeval each) lead; 144 bytes on x86-64 and arm64. */
    private static final long RUSAGE_SIZE = 144;
    private static final Path SCHEDSTAT = Path.of("/proc/thread-self/schedstat");

    private final PrintStream out;
    /** {@code System.nanoTime()} when {@code main} began: {@code engine_open} is measured from there. */
    final long mainStart;
    private MemorySegment usage;

    Phases(PrintStream out, long mainStart) {
        this.out = out;
        this.mainStart = mainStart;
    }

    /**
     * {@code PB_PHASE name seconds}, six decimals, formatted by hand: the first {@code printf} of a float costs the
     * command 10-20 ms (Formatter's parsing and float conversion run interpreted), more than some phases it reports.
     */
    void print(String name, double seconds) {
        out.print("PB_PHASE " + name + " " + decimal6(seconds) + "\n");
    }

    /** {@code seconds} rounded to six decimals, e.g. {@code 0.000120}, {@code -1.000000}. */
    static String decimal6(double seconds) {
        long micros = Math.round(Math.abs(seconds) * 1e6);
        String frac = Long.toString(1_000_000 + micros % 1_000_000).substring(1);
        return (seconds < 0 && micros != 0 ? "-" : "") + micros / 1_000_000 + "." + frac;
    }

    void since(String name, long startNanos) {
        print(name, (System.nanoTime() - startNanos) / 1e9);
    }

    /** The calling thread's CPU time so far: {user micros, system micros}. */
    long[] threadCpu() {
        if (usage == null) usage = Arena.ofAuto().allocate(RUSAGE_SIZE, 8);
        // through Sys: the call shape the engine links anyway, not a stub of its own for the measurement
        if (Sys.getrusage(RUSAGE_THREAD, usage) != 0) return new long[] {-1, -1};
        long user = usage.get(ValueLayout.JAVA_LONG, 0) * 1_000_000 + usage.get(ValueLayout.JAVA_LONG, 8);
        long sys = usage.get(ValueLayout.JAVA_LONG, 16) * 1_000_000 + usage.get(ValueLayout.JAVA_LONG, 24);
        return new long[] {user, sys};
    }

    /**
     * The calling thread's scheduler accounting ({@code /proc/thread-self/schedstat}): nanoseconds on a CPU and
     * nanoseconds runnable but waiting for one; {-1, -1} if the kernel does not keep it.
     */
    long[] threadSched() {
        try {
            String[] f = Files.readString(SCHEDSTAT).trim().split(" ");
            return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    /** A phase's starting point for {@link #cpuSince}: rusage and schedstat of this thread. */
    long[] threadMark() {
        long[] cpu = threadCpu();
        long[] sched = threadSched();
        return new long[] {cpu[0], cpu[1], sched[0], sched[1], System.nanoTime()};
    }

    /**
     * Prints this thread's {@code <name>_user} and {@code <name>_sys} CPU time since {@code mark}, and from the
     * scheduler {@code <name>_runq} (runnable, waiting for a CPU: other load on the machine) and {@code <name>_blocked}
     * (neither running nor runnable: sleeping in the kernel, e.g. an RCU grace period inside a request).
     */
    void cpuSince(String name, long[] mark) {
        long[] cpu = threadCpu();
        long[] sched = threadSched();
        long wall = System.nanoTime() - mark[4];
        if (mark[0] >= 0 && cpu[0] >= 0) {
            print(name + "_user", (cpu[0] - mark[0]) / 1e6);
            print(name + "_sys", (cpu[1] - mark[1]) / 1e6);
        }
        if (mark[2] >= 0 && sched[0] >= 0) {
            long run = sched[0] - mark[2];
            long runq = sched[1] - mark[3];
            print(name + "_runq", runq / 1e9);
            print(name + "_blocked", Math.max(0, wall - run - runq) / 1e9);
        }
    }
}

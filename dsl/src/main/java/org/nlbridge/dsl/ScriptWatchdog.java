package org.nlbridge.dsl;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Runs a script on a thread of its own within a {@link ScriptBudget}: the calling thread watches the clock and the
 * script thread's allocations ({@code ThreadMXBean.getThreadAllocatedBytes}), and when the budget is spent sets the
 * reason and interrupts the script thread. Scripts are compiled with {@code @ThreadInterrupt}, which checks the
 * interrupt at the top of every loop body, method and closure, so a runaway loop ends with an exception at its
 * line. Code that never reaches such a check (a long call into Java, a read that blocks) is given
 * {@value #GRACE_MILLIS} ms, then left behind: the caller gets its error either way (the command line exits after
 * it, which ends that thread).
 *
 * <p>While the script runs, a shutdown hook turns {@code System.exit} or {@code Runtime.exit} called from the
 * script thread (through a path the compile-time check cannot see, such as reflection) into an error: it prints
 * the one-line message and halts with status 1, so nothing that follows the script runs and the exit status says
 * it failed. {@code Runtime.halt} cannot be caught at run time; the compile-time check refuses direct calls.
 */
final class ScriptWatchdog {
    private ScriptWatchdog() {}

    static final long GRACE_MILLIS = 2_000;
    private static final long POLL_MILLIS = 10;
    /** As much stack as a main thread usually has: a deep but finite recursion behaves as it did there. */
    private static final long STACK_BYTES = 8L << 20;

    /** Why a script was stopped. */
    enum Stop { TIME, MEMORY }

    /** A script stopped for its budget: the stack it had when it was stopped, and what it threw then (if it ended). */
    static final class Stopped extends RuntimeException {
        final Stop why;
        final transient StackTraceElement[] where;

        Stopped(Stop why, StackTraceElement[] where, Throwable cause) {
            super(why.name(), cause, false, false);
            this.why = why;
            this.where = where;
        }
    }

    /** The script's work; it calls {@code meter.run()} when the script's own code starts (allocations count from then). */
    interface Work<T> {
        T run(Runnable meter) throws Exception;
    }

    /**
     * Runs {@code work} within {@code budget}. Returns its result or rethrows what it threw; throws {@link Stopped}
     * when the budget ran out. {@code exitMessage} gives the line printed if the script calls {@code System.exit}.
     */
    static <T> T run(ScriptBudget budget, Work<T> work, Function<StackTraceElement[], String> exitMessage) {
        com.sun.management.ThreadMXBean mx = allocationMeter();
        AtomicReference<Object> outcome = new AtomicReference<>();
        AtomicLong countFrom = new AtomicLong(-1);
        Thread worker = Thread.ofPlatform().name("nlbridge-script").daemon().stackSize(STACK_BYTES).unstarted(() -> {
            try {
                outcome.set(new Result(work.run(() -> {
                    if (mx != null) countFrom.set(mx.getCurrentThreadAllocatedBytes());
                })));
            } catch (Throwable t) {
                outcome.set(new Failure(t));
            }
        });
        Thread hook = Thread.ofPlatform().name("nlbridge-script-exit").unstarted(() -> exitGuard(worker, exitMessage));
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            worker.start();
            Stop stop = watch(worker, budget, mx, countFrom);
            if (stop != null) {
                StackTraceElement[] where = worker.getStackTrace();
                worker.interrupt();
                joinQuietly(worker, GRACE_MILLIS);
                Throwable t = outcome.get() instanceof Failure f ? f.error : null;
                throw new Stopped(stop, where, t);
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting already: the hook decides
            }
        }
        return switch (outcome.get()) {
            case Result r -> {
                @SuppressWarnings("unchecked") T value = (T) r.value;
                yield value;
            }
            case Failure f when f.error instanceof RuntimeException e -> throw e;
            case Failure f when f.error instanceof Error e -> throw e;
            case Failure f -> throw new IllegalStateException(f.error);
            default -> throw new IllegalStateException("the script thread ended without an outcome");
        };
    }

    private record Result(Object value) {}

    private record Failure(Throwable error) {}

    /** Waits for the worker; returns why it must be stopped, or null once it has finished. */
    private static Stop watch(Thread worker, ScriptBudget budget, com.sun.management.ThreadMXBean mx, AtomicLong countFrom) {
        long start = System.nanoTime();
        long limit = budget.time().toNanos();
        while (true) {
            try {
                worker.join(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Stop.TIME; // whoever interrupted us does not want to wait any longer
            }
            if (!worker.isAlive()) return null;
            if (limit > 0 && System.nanoTime() - start > limit) return Stop.TIME;
            long from = countFrom.get();
            if (budget.memory() > 0 && mx != null && from >= 0
                    && mx.getThreadAllocatedBytes(worker.threadId()) - from > budget.memory()) {
                return Stop.MEMORY;
            }
        }
    }

    /** HotSpot's per-thread allocation counter, or null where the JVM has none (then only OutOfMemoryError stops a script). */
    private static com.sun.management.ThreadMXBean allocationMeter() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
                && mx.isThreadAllocatedMemorySupported()) {
            if (!mx.isThreadAllocatedMemoryEnabled()) mx.setThreadAllocatedMemoryEnabled(true);
            return mx;
        }
        return null;
    }

    /** Shutdown hook: if the script thread is the one exiting, say so and halt with 1. */
    private static void exitGuard(Thread worker, Function<StackTraceElement[], String> exitMessage) {
        if (!worker.isAlive()) return;
        StackTraceElement[] stack = worker.getStackTrace();
        for (StackTraceElement e : stack) {
            if ((e.getClassName().equals("java.lang.Shutdown") || e.getClassName().equals("java.lang.Runtime"))
                    && e.getMethodName().equals("exit")) {
                System.err.println("nlbridge: " + exitMessage.apply(stack));
                System.err.flush();
                Runtime.getRuntime().halt(1);
            }
        }
    }

    private static void joinQuietly(Thread t, long millis) {
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

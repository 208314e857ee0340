package org.nlbridge.daemon;

import java.util.concurrent.Callable;

/**
 * Per request thread: nanoseconds its engine calls waited for the engine thread and ran on it, for the
 * {@code Server-Timing} of the answer.
 */
final class EngineTime {
    private static final ThreadLocal<long[]> TIMES = ThreadLocal.withInitial(() -> new long[2]);

    private EngineTime() {}

    /** {@code work}, counting for the calling thread how long it waits for the engine thread and runs on it. */
    static <T> Callable<T> timed(Callable<T> work) {
        long submitted = System.nanoTime();
        long[] times = TIMES.get();
        return () -> {
            long started = System.nanoTime();
            try {
                return work.call();
            } finally {
                times[0] += started - submitted;
                times[1] += System.nanoTime() - started;
            }
        };
    }

    /** What this thread's engine calls cost since the last call: {queued, ran} in nanoseconds; resets them. */
    static long[] take() {
        long[] t = TIMES.get();
        long[] out = t.clone();
        t[0] = 0;
        t[1] = 0;
        return out;
    }
}

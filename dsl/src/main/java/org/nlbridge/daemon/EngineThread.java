package org.nlbridge.daemon;

import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one platform thread every engine call runs on, one at a time. Work runs in the order it was queued, except
 * that reads an operator needs to see what is going on ({@code status}) go before queued changes: they wait for the
 * operation that is running, never for the queue behind it.
 */
final class EngineThread {

    /** Rank 0: a read that goes first; 1: in order; 2: the end of the queue after a shutdown. */
    private final class Task<T> extends FutureTask<T> implements Comparable<Task<?>> {
        final int rank;
        final long seq = sequence.incrementAndGet();

        Task(Callable<T> work, int rank) {
            super(work);
            this.rank = rank;
        }

        @Override
        public int compareTo(Task<?> o) {
            return rank != o.rank ? Integer.compare(rank, o.rank) : Long.compare(seq, o.seq);
        }
    }

    private final AtomicLong sequence = new AtomicLong();
    private final PriorityBlockingQueue<Task<?>> queue = new PriorityBlockingQueue<>();
    private final Thread thread;
    private volatile boolean shutdown;

    EngineThread(String name) {
        thread = Thread.ofPlatform().name(name).start(this::run);
    }

    private void run() {
        while (true) {
            Task<?> t;
            try {
                t = queue.take();
            } catch (InterruptedException e) {
                continue; // only the end of the queue ends the thread
            }
            if (t.rank == 2) return;
            t.run();
        }
    }

    /** Queues {@code work}; {@code first}: before every queued task that is not. */
    /**
     * Runs {@code work} and waits for it; its exception is rethrown as it was. 503 when the daemon is shutting down
     * or the wait for {@code what} is interrupted.
     */
    <T> T call(String what, Callable<T> work, boolean first) {
        java.util.concurrent.Future<T> f;
        try {
            f = submit(work, first);
        } catch (RejectedExecutionException e) {
            throw new Api.ApiError(503, "the daemon is shutting down");
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Api.ApiError(503, "interrupted while waiting for " + what);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new IllegalStateException(c);
        }
    }

    synchronized <T> FutureTask<T> submit(Callable<T> work, boolean first) {
        if (shutdown) throw new RejectedExecutionException("the engine thread is stopping");
        Task<T> t = new Task<>(work, first ? 0 : 1);
        queue.add(t);
        return t;
    }

    /** How many tasks wait behind the running one. */
    int queued() {
        return queue.size();
    }

    /** Queues {@code work} without a result. */
    void execute(Runnable work) {
        submit(() -> {
            try {
                work.run();
            } catch (RuntimeException | Error e) {
                System.getLogger("nlbridge.daemon").log(System.Logger.Level.ERROR, "engine task failed: " + e, e);
            }
            return null;
        }, false);
    }

    /** Accepts no more work; what is queued still runs. */
    synchronized void shutdown() {
        if (shutdown) return;
        shutdown = true;
        queue.add(new Task<>(() -> null, 2));
    }

    /** Waits for the queued work to finish after {@link #shutdown}. */
    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return thread.join(java.time.Duration.ofNanos(unit.toNanos(timeout)));
    }
}

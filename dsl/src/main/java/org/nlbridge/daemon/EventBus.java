package org.nlbridge.daemon;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.nlbridge.client.Event;
import org.nlbridge.spec.Change;

/**
 * The daemon's event stream: numbers events, keeps the last {@value #KEEP} for {@code ?since=}, and hands each to
 * every subscriber's bounded queue. A subscriber that falls {@value #QUEUE} events behind is cut off with a final
 * {@code daemon lagged} event rather than slowing the daemon down or silently skipping events.
 */
final class EventBus {
    static final int KEEP = 4096;
    static final int QUEUE = 8192;

    private final ArrayDeque<Event> recent = new ArrayDeque<>();
    private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
    /** Where our own events are logged (stderr): plain printing, which also works in a shutdown hook. */
    private final Consumer<String> log;
    private long seq;

    /** Marks the end of a subscription in its queue. */
    static final Event END = new Event(0, "-", "daemon", "end", "-", false, "", List.of());

    EventBus(Consumer<String> log) {
        this.log = log;
    }

    /** Publishes an event; events of our own (not the kernel's) also go to the log. */
    synchronized Event publish(String type, String action, String object, boolean owned, String detail, List<Change> changes) {
        Event e = new Event(++seq, Instant.now().toString(), type, action, object, owned, detail, changes);
        recent.addLast(e);
        if (recent.size() > KEEP) recent.removeFirst();
        for (Subscription s : subscribers) s.offer(e);
        if (!List.of("link", "address", "route", "nft").contains(type)) {
            String text = e.toText().strip();
            log.accept(text.substring(text.indexOf(' ') + 1)); // the log line has its own time
        }
        return e;
    }

    Event publish(String type, String action, String object, String detail) {
        return publish(type, action, object, false, detail, List.of());
    }

    /** Subscribes; events after {@code since} (0: only new ones; negative: all kept) are queued first. */
    synchronized Subscription subscribe(long since, Predicate<Event> filter) {
        Subscription s = new Subscription(filter);
        if (since != 0) {
            for (Event e : recent) if (since < 0 || e.seq() > since) s.offer(e);
        }
        subscribers.add(s);
        return s;
    }

    synchronized long lastSeq() {
        return seq;
    }

    /** One reader's queue. */
    final class Subscription implements AutoCloseable {
        private final Predicate<Event> filter;
        private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE);
        private volatile boolean lagged;
        private volatile boolean closed;

        private Subscription(Predicate<Event> filter) {
            this.filter = filter;
        }

        private void offer(Event e) {
            if (lagged || closed || !filter.test(e)) return;
            if (!queue.offer(e)) lagged = true;
        }

        /**
         * The next event, null after {@code millis} without one, {@link #END} once closed; throws {@link Lagged}
         * once it fell behind.
         */
        Event next(long millis) throws InterruptedException, Lagged {
            Event e = queue.poll(millis, TimeUnit.MILLISECONDS);
            if (e == null && lagged) throw new Lagged();
            if (e == null && closed) return END;
            return e;
        }

        boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
            subscribers.remove(this);
            queue.offer(END); // wakes the reader; if the queue is full it sees the flag at its next poll
        }
    }

    /** The subscriber fell behind and lost events. */
    static final class Lagged extends Exception {
        Lagged() {
            super("the client read events too slowly; " + QUEUE + " were queued");
        }
    }

    /** Ends every subscription (the daemon stops). */
    void closeAll() {
        for (Subscription s : new ArrayList<>(subscribers)) s.close();
    }
}

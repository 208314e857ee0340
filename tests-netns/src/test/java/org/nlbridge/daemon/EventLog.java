package org.nlbridge.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.nlbridge.client.Event;
import org.nlbridge.client.RemoteEngine;

/** Follows a daemon's event stream on a thread of its own; tests wait for the events they expect. */
final class EventLog implements AutoCloseable {
    private final List<Event> events = new ArrayList<>();
    private final Thread reader;
    private volatile boolean closed;
    private final RemoteEngine remote;

    EventLog(DaemonProcess d) {
        remote = RemoteEngine.connect(d.address, null);
        reader = Thread.ofPlatform().daemon().name("test-events").start(() -> {
            try {
                remote.events(-1, List.of(), e -> {
                    synchronized (events) {
                        events.add(e);
                        events.notifyAll();
                    }
                    return !closed;
                });
            } catch (RuntimeException streamEnded) {
                // the daemon stopped or was killed
            }
        });
    }

    /** How many events have arrived: a mark to wait for events after it. */
    int mark() {
        synchronized (events) {
            return events.size();
        }
    }

    /** The first event at or after {@code from} that matches, waiting up to {@code millis}; AssertionError otherwise. */
    Event await(int from, Predicate<Event> match, long millis, String what) {
        long end = System.currentTimeMillis() + millis;
        synchronized (events) {
            while (true) {
                for (int i = from; i < events.size(); i++) if (match.test(events.get(i))) return events.get(i);
                long left = end - System.currentTimeMillis();
                if (left <= 0) throw new AssertionError("no " + what + " within " + millis + " ms; events since the mark:\n" + since(from));
                try {
                    events.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted");
                }
            }
        }
    }

    String since(int from) {
        StringBuilder sb = new StringBuilder();
        synchronized (events) {
            for (int i = from; i < events.size(); i++) {
                Event e = events.get(i);
                if (e.type().equals("route")) continue;
                sb.append(e.toText());
            }
        }
        return sb.toString();
    }

    List<Event> all() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    @Override
    public void close() {
        closed = true;
        remote.close();
        try {
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

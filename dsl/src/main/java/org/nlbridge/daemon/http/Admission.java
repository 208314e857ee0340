package org.nlbridge.daemon.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The server's budgets ({@link Limits}) as counts: connections in all and per client, requests, streams and the
 * reserve for {@code /_ping} and {@code status}, in all and per client. One lock for every decision: they are a few
 * counter updates each.
 *
 * <p>A full connection budget makes room by closing the connection that has waited longest (for its first
 * request, between requests, or in the middle of a slow head): a connection that does nothing yields to one that
 * wants something. Connections being answered or following a stream never yield; {@link Limits} keeps them below
 * the connection budgets, so there is always one to close.
 */
final class Admission {

    /** A refusal: the status and message of the answer, and how many seconds to wait before trying again. */
    static final class Refused extends Exception {
        final int retryAfter;

        Refused(String message) {
            super(message, null, false, false);
            this.retryAfter = 1;
        }
    }

    private static final class Counts {
        int connections;
        int requests;
        int streams;
        int reserved;
        int immediate;
    }

    private final Limits limits;
    private final Set<Slot> open = new LinkedHashSet<>();
    private final Map<String, Counts> clients = new HashMap<>();
    private final Counts total = new Counts();

    Admission(Limits limits) {
        this.limits = limits;
    }

    /**
     * Admits a new connection. Returns the waiting connections to close to make room for it (the caller closes
     * them); throws when the budget is full of connections that are all busy (which {@link Limits} rules out).
     */
    synchronized List<Slot> connect(Slot s) throws Refused {
        Counts mine = clients.computeIfAbsent(s.client(), k -> new Counts());
        List<Slot> evicted = new ArrayList<>();
        if (mine.connections >= limits.connectionsPerClient()) {
            Slot v = longestWaiting(s.client());
            if (v == null) {
                dropIfUnused(s.client(), mine);
                throw new Refused("too many connections from " + s.client() + ": " + mine.connections
                        + " open, none of them waiting (--max-connections-per-client " + limits.connectionsPerClient() + ")");
            }
            evict(v, evicted);
        }
        if (total.connections >= limits.connections()) {
            Slot v = longestWaiting(null);
            if (v == null) {
                dropIfUnused(s.client(), mine);
                throw new Refused("too many connections: " + total.connections + " open, none of them waiting"
                        + " (--max-connections " + limits.connections() + ")");
            }
            evict(v, evicted);
        }
        open.add(s);
        mine.connections++;
        total.connections++;
        return evicted;
    }

    /**
     * Admits a request of {@code kind} on {@code s}, whose head has been read; {@code s} then reads the body. A full
     * budget makes room by closing the request of that kind that has been reading its body longest (a request whose
     * body is still arriving is not being answered yet); only a budget full of requests being answered refuses.
     * Returns the connections closed to make room (the caller closes them).
     */
    synchronized List<Slot> begin(Slot s, RequestKind kind, long now) throws Refused {
        if (s.released) throw new Refused("the connection was closed");
        Counts mine = clients.get(s.client());
        List<Slot> evicted = new ArrayList<>();
        switch (kind) {
            case IMMEDIATE -> room(total.immediate, limits.reserved(), kind, null, evicted,
                    "too many /_ping and version requests at once: " + total.immediate
                            + " being answered (--reserved-requests " + limits.reserved() + ")");
            case PRIORITY -> room(total.reserved, limits.reserved(), kind, null, evicted,
                    "too many status requests at once: " + total.reserved
                            + " being answered (--reserved-requests " + limits.reserved() + ")");
            case REQUEST -> {
                room(total.requests, limits.requests(), kind, null, evicted, "too many requests at once: "
                        + total.requests + " being answered (--max-requests " + limits.requests() + ")");
                room(mine.requests, limits.requestsPerClient(), kind, s.client(), evicted,
                        "too many requests at once from " + s.client() + ": " + mine.requests
                                + " being answered (--max-requests-per-client " + limits.requestsPerClient() + ")");
            }
            case STREAM -> {
                room(total.streams, limits.streams(), kind, null, evicted, "too many event streams: " + total.streams
                        + " open (--max-streams " + limits.streams() + ")");
                room(mine.streams, limits.streamsPerClient(), kind, s.client(), evicted,
                        "too many event streams from " + s.client() + ": " + mine.streams
                                + " open (--max-streams-per-client " + limits.streamsPerClient() + ")");
            }
        }
        add(mine, kind, 1);
        add(total, kind, 1);
        s.kind = kind;
        s.admitted(now);
        return evicted;
    }

    /** Makes room for one more of {@code kind} when {@code used} is at {@code max}, or refuses with {@code refusal}. */
    private void room(int used, int max, RequestKind kind, String client, List<Slot> evicted, String refusal)
            throws Refused {
        if (used < max) return;
        Slot oldest = null;
        for (Slot o : open) {
            if (o.kind != kind || o.state() != Slot.State.BODY || client != null && !client.equals(o.client())) continue;
            if (oldest == null || o.admittedAt() - oldest.admittedAt() < 0) oldest = o;
        }
        if (oldest == null) throw new Refused(refusal);
        evict(oldest, evicted);
    }

    /** The request on {@code s} is answered: its budget is free again and the connection waits for the next one. */
    synchronized void end(Slot s, long now) {
        takeBack(s);
        if (!s.released) s.idle(now);
    }

    /** {@code s} is closed: everything it held is free. Idempotent. */
    synchronized void release(Slot s) {
        if (s.released) return;
        takeBack(s);
        s.released = true;
        open.remove(s);
        Counts mine = clients.get(s.client());
        mine.connections--;
        total.connections--;
        dropIfUnused(s.client(), mine);
    }

    /** Every connection admitted and not yet released (for the watchdog and for closing). */
    synchronized List<Slot> slots() {
        return new ArrayList<>(open);
    }

    /** What is in use now, for tests and the log: {@code connections, requests, streams, reserved} (both reserves). */
    synchronized int[] inUse() {
        return new int[]{total.connections, total.requests, total.streams, total.reserved + total.immediate};
    }

    private void takeBack(Slot s) {
        if (s.kind == null) return;
        add(clients.get(s.client()), s.kind, -1);
        add(total, s.kind, -1);
        s.kind = null;
    }

    private static void add(Counts c, RequestKind kind, int n) {
        switch (kind) {
            case IMMEDIATE -> c.immediate += n;
            case PRIORITY -> c.reserved += n;
            case REQUEST -> c.requests += n;
            case STREAM -> c.streams += n;
        }
    }

    /** The connection (of {@code client}, or anyone's) that has waited longest, or null if none waits. */
    private Slot longestWaiting(String client) {
        Slot best = null;
        for (Slot s : open) {
            if (!s.waiting() || s.kind != null || client != null && !client.equals(s.client())) continue;
            if (best == null || s.waitingSince() - best.waitingSince() < 0) best = s;
        }
        return best;
    }

    private void evict(Slot v, List<Slot> evicted) {
        release(v);
        evicted.add(v);
    }

    private void dropIfUnused(String client, Counts c) {
        if (c.connections == 0 && c.requests == 0 && c.streams == 0 && c.reserved == 0 && c.immediate == 0) {
            clients.remove(client);
        }
    }
}

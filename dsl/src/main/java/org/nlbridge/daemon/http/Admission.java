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
        /** Complete requests waiting for room in the requests budget. */
        int queued;
    }

    private final Limits limits;
    private final Set<Slot> open = new LinkedHashSet<>();
    private final Map<String, Counts> clients = new HashMap<>();
    private final Counts total = new Counts();
    private boolean closed;

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
     * Admits a request of {@code kind} on {@code s}, whose head has been read ({@code complete}: and its body, after
     * its admission was revoked); {@code s} then reads the body. A full budget makes room by revoking the admission
     * of the request of that kind that has been reading its body longest (returned: the caller stops their reading;
     * one whose body is already buffered reads it and comes back complete, see {@link Slot#revoked}). A complete
     * request does not revoke: it waits. So does a request ({@link RequestKind#REQUEST}) when nothing can be
     * revoked: a burst of requests waits for
     * the engine, in as many connections as the budgets leave ({@link Limits#queuedPerClient()}); beyond that, and
     * for the other kinds at once, a full budget refuses.
     */
    synchronized List<Slot> begin(Slot s, RequestKind kind, boolean complete, long now) throws Refused {
        List<Slot> revoked = new ArrayList<>();
        Counts mine = clients.get(s.client());
        boolean queued = false;
        try {
            while (true) {
                if (s.released || closed) throw new Refused("the connection was closed");
                String full = full(kind, mine, s.client());
                if (full == null) break;
                if (!complete && revoke(kind, s.client(), full, revoked)) continue;
                if (kind != RequestKind.REQUEST) throw new Refused(full);
                if (!queued) {
                    if (mine.queued >= limits.queuedPerClient() || total.queued >= limits.queued()) {
                        throw new Refused(full + "; " + mine.queued + " more wait from " + s.client() + ", "
                                + total.queued + " in all (as many as the connection budgets leave room for)");
                    }
                    queued = true;
                    mine.queued++;
                    total.queued++;
                    s.queued();
                }
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("the server is closing");
        } finally {
            if (queued) {
                mine.queued--;
                total.queued--;
                if (s.released) dropIfUnused(s.client(), mine);
            }
        }
        add(mine, kind, 1);
        add(total, kind, 1);
        s.kind = kind;
        if (complete) s.answering(kind == RequestKind.STREAM);
        else s.admitted(now);
        return revoked;
    }

    /** Why a budget for one more of {@code kind} is full, or null if there is room. */
    private String full(RequestKind kind, Counts mine, String client) {
        return switch (kind) {
            case IMMEDIATE -> total.immediate < limits.reserved() ? null : "too many /_ping and version requests at once: "
                    + total.immediate + " being answered (--reserved-requests " + limits.reserved() + ")";
            case PRIORITY -> total.reserved < limits.reserved() ? null : "too many status requests at once: "
                    + total.reserved + " being answered (--reserved-requests " + limits.reserved() + ")";
            case REQUEST -> total.requests >= limits.requests() ? "too many requests at once: " + total.requests
                    + " being answered (--max-requests " + limits.requests() + ")"
                    : mine.requests >= limits.requestsPerClient() ? "too many requests at once from " + client + ": "
                    + mine.requests + " being answered (--max-requests-per-client " + limits.requestsPerClient() + ")"
                    : null;
            case STREAM -> total.streams >= limits.streams() ? "too many event streams: " + total.streams
                    + " open (--max-streams " + limits.streams() + ")"
                    : mine.streams >= limits.streamsPerClient() ? "too many event streams from " + client + ": "
                    + mine.streams + " open (--max-streams-per-client " + limits.streamsPerClient() + ")"
                    : null;
        };
    }

    /**
     * Revokes the admission of the request of {@code kind} (of {@code client} when its own budget is the full one)
     * that has been reading its body longest: its budget is free at once. Returns whether there was one.
     */
    private boolean revoke(RequestKind kind, String client, String why, List<Slot> revoked) {
        boolean own = kind == RequestKind.REQUEST ? total.requests < limits.requests()
                : kind == RequestKind.STREAM && total.streams < limits.streams();
        Slot oldest = null;
        for (Slot o : open) {
            if (o.kind != kind || o.state() != Slot.State.BODY || own && !client.equals(o.client())) continue;
            if (oldest == null || o.admittedAt() - oldest.admittedAt() < 0) oldest = o;
        }
        if (oldest == null) return false;
        takeBack(oldest);
        oldest.revoked(why);
        revoked.add(oldest);
        return true;
    }

    /**
     * The body of the request on {@code s} is read: it is answered now, unless its admission was revoked meanwhile
     * (then it returns false and the request asks again, complete).
     */
    synchronized boolean answering(Slot s, RequestKind kind) {
        if (s.kind == null) return false;
        s.answering(kind == RequestKind.STREAM);
        return true;
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
        notifyAll(); // a waiting request on s gives up
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
        notifyAll(); // room for a request that waits
    }

    /** Requests waiting for room in the requests budget, for tests and the log. */
    synchronized int queued() {
        return total.queued;
    }

    /** The server closes: requests waiting for room are refused. */
    synchronized void close() {
        closed = true;
        notifyAll();
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
        if (c.connections == 0 && c.requests == 0 && c.streams == 0 && c.reserved == 0 && c.immediate == 0
                && c.queued == 0) {
            clients.remove(client);
        }
    }
}

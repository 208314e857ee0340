package org.nlbridge.resolver;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * Forwards UDP queries to the upstreams and relays their answers, on the loop thread only. Each attempt leaves from
 * one of a few host-namespace sockets (random ephemeral ports) with a fresh random id; an answer is taken only
 * from the server it was sent to, with that id on that socket and the same question, so an off-path spoofer must
 * guess port, id and question. SERVFAIL, REFUSED, a timeout or an unreachable server moves on to the next
 * upstream (as Docker does); when none is left the client gets SERVFAIL.
 */
final class UdpForwarder {

    /** Sends a reply to a client through its listener's socket. */
    interface Sender {
        void send(Listener listener, SocketAddress client, byte[] wire);
    }

    private static final class Pending {
        final Listener listener;
        final SocketAddress client;
        final Wire.Query query;
        final byte[] wire;
        final int clientId;
        final List<Upstream> upstreams;
        int attempt = -1;
        int slot; // socket << 16 | id of the current attempt
        SocketAddress target;
        boolean done;

        Pending(Listener listener, SocketAddress client, Wire.Query query, byte[] wire, List<Upstream> upstreams) {
            this.listener = listener;
            this.client = client;
            this.query = query;
            this.wire = wire;
            this.clientId = query.id();
            this.upstreams = upstreams;
        }
    }

    private record Deadline(Pending pending, int attempt, long at) {}

    private final DatagramChannel[] sockets;
    private final DnsServerOptions options;
    private final Counters counters;
    private final AtomicInteger inFlight;
    private final Sender sender;
    private final Map<Integer, Pending> pending = new HashMap<>();
    private final ArrayDeque<Deadline> deadlines = new ArrayDeque<>(); // in order: every attempt has the same timeout
    private final ByteBuffer in = ByteBuffer.allocate(Wire.MAX_MESSAGE);

    UdpForwarder(DatagramChannel[] sockets, DnsServerOptions options, Counters counters, AtomicInteger inFlight,
                 Sender sender) {
        this.sockets = sockets;
        this.options = options;
        this.counters = counters;
        this.inFlight = inFlight;
        this.sender = sender;
    }

    /** Starts forwarding; false (nothing sent) if a limit on queries in flight is reached. */
    boolean start(Listener l, SocketAddress client, Answerer.Forward f, long now) {
        if (!Limits.acquire(inFlight, options.maxInFlight(), l.inFlight, options.maxInFlightPerListener())) {
            return false;
        }
        counters.forwarded.increment();
        List<Upstream> ups = l.spec.upstreams();
        Pending p = new Pending(l, client, f.query(), f.wire(), ups.subList(0, Math.min(ups.size(), options.maxUpstreams())));
        next(p, now);
        return true;
    }

    /** Sends the next attempt, or finishes with SERVFAIL when no upstream is left. */
    private void next(Pending p, long now) {
        while (++p.attempt < p.upstreams.size()) {
            Upstream u = p.upstreams.get(p.attempt);
            int slot = freeSlot();
            if (slot < 0) break;
            Wire.setId(p.wire, slot & 0xFFFF);
            p.target = u.socketAddress();
            try {
                sockets[slot >>> 16].send(ByteBuffer.wrap(p.wire), p.target);
            } catch (IOException | RuntimeException e) {
                counters.upstreamErrors.increment(); // unreachable from the host: try the next one
                continue;
            }
            p.slot = slot;
            pending.put(slot, p);
            deadlines.add(new Deadline(p, p.attempt, now + options.upstreamTimeout().toNanos()));
            return;
        }
        counters.servfail.increment();
        finish(p, Wire.fail(p.query, Rcode.SERVFAIL, options.udpPayloadLimit()));
    }

    /** A socket and id no attempt in flight uses, or -1 after a few misses (the table is nearly full). */
    private int freeSlot() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 16; i++) {
            int slot = r.nextInt(sockets.length) << 16 | r.nextInt(0x10000);
            if (!pending.containsKey(slot)) return slot;
        }
        return -1;
    }

    private void finish(Pending p, byte[] reply) {
        p.done = true;
        Limits.release(inFlight, p.listener.inFlight);
        if (reply != null) sender.send(p.listener, p.client, reply);
    }

    /** Reads every answer waiting on upstream socket {@code index}. */
    void readable(int index, long now) throws IOException {
        DatagramChannel ch = sockets[index];
        for (int n = 0; n < 64; n++) {
            in.clear();
            SocketAddress from = ch.receive(in);
            if (from == null) return;
            int len = in.position();
            if (len < Wire.HEADER) continue;
            byte[] b = in.array();
            Pending p = pending.get(index << 16 | Wire.id(b));
            if (p == null || !from.equals(p.target)) {
                counters.dropped.increment(); // late, spoofed or unknown: nothing waits for it
                continue;
            }
            Message m = Wire.answerTo(b, len, p.query.question());
            if (m == null || Wire.isFailure(m.getRcode())) {
                counters.upstreamErrors.increment();
                pending.remove(p.slot);
                next(p, now);
                continue;
            }
            pending.remove(p.slot);
            counters.upstreamAnswers.increment();
            finish(p, relay(b, len, m, p));
        }
    }

    /** The upstream's bytes with the client's id, or re-rendered with TC if they exceed the client's size. */
    private byte[] relay(byte[] b, int len, Message m, Pending p) {
        if (len <= p.query.limit()) {
            byte[] out = java.util.Arrays.copyOf(b, len);
            Wire.setId(out, p.clientId);
            return out;
        }
        counters.truncated.increment();
        m.getHeader().setID(p.clientId);
        return m.toWire(p.query.limit());
    }

    /** Moves timed-out attempts on; returns the nanoseconds until the next deadline, or -1 if none is waiting. */
    long expire(long now) {
        while (!deadlines.isEmpty()) {
            Deadline d = deadlines.peekFirst();
            Pending p = d.pending();
            if (p.done || p.attempt != d.attempt()) {
                deadlines.pollFirst(); // answered, or already moved on
                continue;
            }
            if (d.at() - now > 0) return d.at() - now;
            deadlines.pollFirst();
            pending.remove(p.slot);
            counters.upstreamTimeouts.increment();
            next(p, now);
        }
        return -1;
    }

    /** Ends every forward of a listener that is going away, without replying. */
    void forget(Listener l) {
        pending.values().removeIf(p -> {
            if (p.listener != l) return false;
            finish(p, null);
            return true;
        });
    }

    int pendingCount() {
        return pending.size();
    }
}

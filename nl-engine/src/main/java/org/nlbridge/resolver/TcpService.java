package org.nlbridge.resolver;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * DNS over TCP for every listener, on virtual threads: one accepting per listener, one per connection (blocking
 * reads with the idle timeout; a write that blocks longer than that closes the connection). Forwarded queries go
 * to the upstreams over TCP, from the host's namespace, one connection per attempt. Connections are limited per
 * listener and in all; over a limit a connection is closed at once.
 */
final class TcpService {

    private final Answerer answerer;
    private final Supplier<Map<String, NetworkNames>> tables;
    private final DnsServerOptions options;
    private final Counters counters;
    private final HostSockets host;
    private final Semaphore connections;
    private final AtomicInteger inFlight;
    private final ScheduledExecutorService watchdog;

    TcpService(Answerer answerer, Supplier<Map<String, NetworkNames>> tables, DnsServerOptions options,
               Counters counters, HostSockets host, AtomicInteger inFlight, ScheduledExecutorService watchdog) {
        this.answerer = answerer;
        this.tables = tables;
        this.options = options;
        this.counters = counters;
        this.host = host;
        this.connections = new Semaphore(options.tcpConnections());
        this.inFlight = inFlight;
        this.watchdog = watchdog;
    }

    void start(Listener l) {
        l.acceptor = Thread.ofVirtual().name("nlbridge-dns-tcp-" + l.key).start(() -> accept(l));
    }

    private void accept(Listener l) {
        while (!l.closed) {
            SocketChannel c;
            try {
                c = l.tcp.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!l.tcp.isOpen()) return;
                counters.internalErrors.increment();
                pause(); // e.g. out of file descriptors: do not spin
                continue;
            }
            admit(l, c);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void admit(Listener l, SocketChannel c) {
        boolean loopback;
        try {
            loopback = Listener.fromLoopback(c.getRemoteAddress());
        } catch (IOException e) {
            loopback = false;
        }
        if (!loopback || !l.tcpSlots.tryAcquire()) {
            counters.tcpRejected.increment();
            Listener.quietly(c);
            return;
        }
        if (!connections.tryAcquire()) {
            l.tcpSlots.release();
            counters.tcpRejected.increment();
            Listener.quietly(c);
            return;
        }
        counters.tcpConnections.increment();
        l.connections.add(c);
        Thread.ofVirtual().name("nlbridge-dns-tcp-conn").start(() -> {
            try {
                serve(l, c);
            } catch (IOException | RuntimeException e) {
                // the client went away, timed out or sent garbage: close
            } finally {
                l.connections.remove(c);
                Listener.quietly(c);
                connections.release();
                l.tcpSlots.release();
            }
        });
    }

    private void serve(Listener l, SocketChannel c) throws IOException {
        c.socket().setSoTimeout((int) options.tcpIdleTimeout().toMillis());
        InputStream in = c.socket().getInputStream();
        OutputStream out = c.socket().getOutputStream();
        while (!l.closed) {
            int len = readLength(in);
            if (len < 0) return; // the client closed
            if (len > options.maxQueryBytes()) {
                counters.queries.increment();
                counters.malformed.increment();
                return;
            }
            byte[] query = in.readNBytes(len);
            if (query.length < len) return;
            if (!l.bucket.tryTake(System.nanoTime())) {
                counters.queries.increment();
                counters.rateLimited.increment();
                return;
            }
            byte[] reply = switch (answerer.answer(query, len, true, l.spec, tables.get())) {
                case Answerer.Reply r -> r.wire();
                case Answerer.Forward f -> forward(l, f);
                case Answerer.Drop d -> null;
            };
            if (reply == null) return;
            write(c, out, reply);
        }
    }

    /** The 2-byte length of the next message, or -1 at a clean end of stream. */
    private static int readLength(InputStream in) throws IOException {
        int hi = in.read();
        if (hi < 0) return -1;
        int lo = in.read();
        if (lo < 0) throw new EOFException("length cut short");
        return hi << 8 | lo;
    }

    /** Writes one framed message; a client that does not read for the idle timeout loses the connection. */
    private void write(SocketChannel c, OutputStream out, byte[] msg) throws IOException {
        byte[] frame = new byte[msg.length + 2];
        frame[0] = (byte) (msg.length >>> 8);
        frame[1] = (byte) msg.length;
        System.arraycopy(msg, 0, frame, 2, msg.length);
        ScheduledFuture<?> guard = watchdog.schedule(() -> Listener.quietly(c),
                options.tcpIdleTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            out.write(frame);
            out.flush();
        } finally {
            guard.cancel(false);
        }
    }

    /** Asks the upstreams in turn over TCP; SERVFAIL if none answers, REFUSED over the in-flight limit. */
    private byte[] forward(Listener l, Answerer.Forward f) {
        Wire.Query q = f.query();
        if (!Limits.acquire(inFlight, options.maxInFlight(), l.inFlight, options.maxInFlightPerListener())) {
            counters.refused.increment();
            return Wire.fail(q, Rcode.REFUSED, options.udpPayloadLimit());
        }
        counters.forwarded.increment();
        try {
            List<Upstream> ups = l.spec.upstreams();
            for (int i = 0; i < Math.min(ups.size(), options.maxUpstreams()) && !l.closed; i++) {
                byte[] answer = exchange(ups.get(i), f.wire(), q);
                if (answer != null) {
                    counters.upstreamAnswers.increment();
                    return answer;
                }
            }
            counters.servfail.increment();
            return Wire.fail(q, Rcode.SERVFAIL, options.udpPayloadLimit());
        } finally {
            Limits.release(inFlight, l.inFlight);
        }
    }

    /** One attempt: the answer with the client's id, or null (timeout, error, SERVFAIL/REFUSED, a wrong answer). */
    private byte[] exchange(Upstream u, byte[] clientWire, Wire.Query q) {
        int timeout = (int) options.upstreamTimeout().toMillis();
        byte[] wire = clientWire.clone();
        int id = ThreadLocalRandom.current().nextInt(0x10000);
        Wire.setId(wire, id);
        try (SocketChannel s = host.tcp()) {
            s.socket().connect(u.socketAddress(), timeout);
            s.socket().setSoTimeout(timeout);
            write(s, s.socket().getOutputStream(), wire);
            InputStream in = s.socket().getInputStream();
            int len = readLength(in);
            if (len < Wire.HEADER) throw new EOFException("no answer");
            byte[] answer = in.readNBytes(len);
            Message m = answer.length == len && Wire.id(answer) == id ? Wire.answerTo(answer, len, q.question()) : null;
            if (m == null || Wire.isFailure(m.getRcode())) {
                counters.upstreamErrors.increment();
                return null;
            }
            Wire.setId(answer, q.id());
            return answer;
        } catch (SocketTimeoutException e) {
            counters.upstreamTimeouts.increment();
            return null;
        } catch (IOException | RuntimeException e) {
            counters.upstreamErrors.increment();
            return null;
        }
    }
}

package org.nlbridge.daemon.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.nlbridge.client.HttpException;
import org.nlbridge.client.HttpWire;

/**
 * A small, strict HTTP/1.1 server over {@link ConnListener}s (the JDK's {@code com.sun.net.httpserver} cannot serve a
 * Unix socket). One platform thread accepts per listener; a virtual thread serves each connection, request after
 * request (keep-alive unless the client sends {@code Connection: close}).
 *
 * <p>Admission ({@link Limits}, {@link Admission}): a connection counts against the connection budgets (in all and
 * per client) and, while it waits, yields to a newcomer when they are full. Once a request's head is read, its
 * route's {@link Classifier} says which budget answers it: the reserve for {@code /_ping} and {@code status}, the
 * requests, or the event streams; a full budget makes room by stopping a request still reading its body, a request
 * waits for room while the connection budgets leave some ({@link Limits#queuedPerClient()}), and anything else
 * over a budget is answered 503 with {@code Retry-After} and a message naming the budget and its flag. Deadlines, enforced by a watchdog: the head within the header timeout of its first byte
 * (a new connection's: of its accept), the body within the body timeout, the next request within the idle timeout,
 * and no write blocked for longer than the write timeout. A request that misses its deadline is answered 408; a
 * protocol error with its status and {@code {"message": ...}}; either way the connection is then closed.
 */
public final class HttpServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("nlbridge.http");
    /** A refused request's body is read (so that closing does not reset the answer away) up to this size. */
    private static final long DRAIN_MAX = 64 * 1024;

    /** Answers one request; an exception it throws goes to the {@link ErrorMapper}. */
    @FunctionalInterface
    public interface Handler {
        void handle(Exchange exchange) throws Exception;
    }

    /** Turns a handler's exception into a status and message. */
    @FunctionalInterface
    public interface ErrorMapper {
        void answer(Exchange exchange, Throwable error) throws IOException;
    }

    /** Which budget answers a request, from its method and its path segments, before its body is read. */
    @FunctionalInterface
    public interface Classifier {
        RequestKind kind(String method, List<String> segments);
    }

    /** What a listener serves: its routes, how they are admitted, how their failures are answered. */
    public record Routes(Handler handler, Classifier classifier, ErrorMapper errors) {}

    private final String serverName;
    private final Limits limits;
    private final Routes routes;
    private final Admission admission;
    private final List<ConnListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Thread> acceptors = new CopyOnWriteArrayList<>();
    private final Thread watchdog;
    private volatile boolean closed;

    /** A server whose listeners serve {@code routes} (unless {@link #serve(ConnListener, Routes)} says otherwise). */
    public HttpServer(String serverName, Limits limits, Routes routes) {
        this.serverName = serverName;
        this.limits = limits;
        this.routes = routes;
        this.admission = new Admission(limits);
        this.watchdog = Thread.ofPlatform().name("nlbridge-http-watchdog").daemon().unstarted(this::watch);
        watchdog.start();
    }

    public Limits limits() {
        return limits;
    }

    /** Connections, requests, streams and reserved requests in use now. */
    public int[] inUse() {
        return admission.inUse();
    }

    /** Requests waiting for room in the requests budget now. */
    public int queued() {
        return admission.queued();
    }

    /** Starts accepting on {@code l}; the server closes it when it closes. */
    public void serve(ConnListener l) {
        serve(l, routes);
    }

    /**
     * Starts accepting on {@code l} with routes of its own (another front end's socket, such as a plugin's), under
     * the same budgets as every other listener.
     */
    public void serve(ConnListener l, Routes r) {
        listeners.add(l);
        acceptors.add(Thread.ofPlatform().name("nlbridge-accept " + l.address()).daemon().start(() -> accept(l, r)));
    }

    private void accept(ConnListener l, Routes r) {
        while (!closed) {
            Conn c;
            try {
                c = l.accept();
            } catch (IOException e) {
                if (!closed) LOG.log(System.Logger.Level.ERROR, "accept on " + l.address() + " failed: " + e.getMessage());
                return;
            }
            if (closed) {
                c.close();
                return;
            }
            Slot s = new Slot(c, limits, System.nanoTime());
            try {
                admission.connect(s).forEach(Slot::close); // those that waited longest make room
            } catch (Admission.Refused refused) {
                answer(s, 503, refused.getMessage(), refused.retryAfter);
                s.close();
                continue;
            }
            try {
                Thread.ofVirtual().name("nlbridge-conn").start(() -> serve(s, r));
            } catch (RuntimeException | OutOfMemoryError e) {
                admission.release(s);
                s.close();
            }
        }
    }

    /** A whole answer with {@code {"message": ...}}; the connection is closed afterwards. */
    private static void answer(Conn c, int status, String message, int retryAfter) {
        try {
            byte[] body = ("{\"message\":\"" + jsonEscape(message) + "\"}").getBytes(StandardCharsets.UTF_8);
            List<String[]> h = new ArrayList<>(List.of(new String[]{"Content-Type", Exchange.JSON},
                    new String[]{"Content-Length", Integer.toString(body.length)}, new String[]{"Connection", "close"}));
            if (retryAfter > 0) h.add(new String[]{"Retry-After", Integer.toString(retryAfter)});
            HttpWire.writeHead(c.out(), "HTTP/1.1 " + status + " " + HttpWire.reason(status), h);
            c.out().write(body);
            c.out().flush();
        } catch (IOException ignored) {
            // the client is gone
        }
    }

    private void serve(Slot s, Routes r) {
        try {
            while (!closed) {
                HttpRequest head;
                try {
                    head = HttpRequest.readHead(s.in());
                } catch (HttpException e) {
                    answer(s, e.status(), e.getMessage(), 0);
                    return;
                }
                if (head == null) return;
                RequestKind kind = r.classifier().kind(head.method(), head.segments());
                // waiting for nothing means no body to wait for either
                if (kind == RequestKind.IMMEDIATE && head.hasBody()) kind = RequestKind.REQUEST;
                try {
                    // bodies still being read make room: they stop reading (one that had arrived comes back below)
                    admission.begin(s, kind, false, System.nanoTime()).forEach(Slot::stopReading);
                } catch (Admission.Refused refused) {
                    answer(s, 503, refused.getMessage(), refused.retryAfter);
                    drain(s.in(), head);
                    return;
                }
                HttpRequest req;
                try {
                    req = head.withBody(s.in(), s.out());
                } catch (HttpException e) {
                    answer(s, e.status(), e.getMessage(), 0);
                    return;
                }
                boolean revoked = !admission.answering(s, kind);
                if (revoked) {
                    // complete, though its admission went to a newer request while it was read: it waits its turn
                    try {
                        admission.begin(s, kind, true, System.nanoTime());
                    } catch (Admission.Refused refused) {
                        answer(s, 503, refused.getMessage(), refused.retryAfter);
                        return;
                    }
                }
                if (!handle(s, r, req, revoked)) return;
                admission.end(s, System.nanoTime());
            }
        } catch (EOFException e) {
            // the client closed the connection in the middle of a request, or the watchdog ended a slow one
            if (s.timedOut()) answer(s, 408, s.timeoutMessage(), 0);
            else if (s.revokedFor() != null) answer(s, 503, s.revokedFor() + ": this request's body was still"
                    + " arriving, so its place went to a newer request", 1);
        } catch (IOException e) {
            if (s.timedOut()) answer(s, 408, s.timeoutMessage(), 0);
            else if (!closed) LOG.log(System.Logger.Level.DEBUG, "connection from " + s.peer() + ": " + e.getMessage());
        } finally {
            admission.release(s);
            s.close();
        }
    }

    /**
     * Runs the handler on one request; returns whether the connection stays open for another ({@code last}: it does
     * not, its reading was stopped).
     */
    private boolean handle(Slot s, Routes r, HttpRequest req, boolean last) throws IOException {
        Exchange ex = new Exchange(req, s, serverName);
        if (last) ex.closeAfterwards();
        try {
            r.handler().handle(ex);
        } catch (Throwable t) {
            if (t instanceof IOException io && ex.responded()) throw io; // the client went away mid-answer
            if (ex.responded()) {
                // a stream was started: the error cannot become a status any more; end the connection
                LOG.log(System.Logger.Level.WARNING, req.method() + " " + req.path() + ": " + t);
                return false;
            }
            r.errors().answer(ex, t);
        }
        if (!ex.responded()) ex.respond(204, null, new byte[0]);
        if (ex.openStream() != null) ex.openStream().close();
        return !ex.closing();
    }

    /** Reads and drops a refused request's body (a small one), so that closing does not reset the answer. */
    private static void drain(InputStream in, HttpRequest head) {
        try {
            long length = head.bodyLength();
            if (length > 0 && length <= DRAIN_MAX) in.skipNBytes(length);
        } catch (IOException | HttpException ignored) {
            // gone, or too slow (the watchdog ended it); the head's framing was checked already
        }
    }

    static String jsonEscape(String s) {
        StringBuilder b = new StringBuilder();
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') b.append('\\').append(ch);
            else if (ch < 0x20) b.append(String.format("\\u%04x", (int) ch));
            else b.append(ch);
        }
        return b.toString();
    }

    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Slot s : admission.slots()) s.check(now);
        }
    }

    /** Stops accepting and closes every listener and connection (streams end at once). */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /**
     * Stops accepting, closes waiting connections at once, gives connections that are answering a request up to
     * {@code grace} to finish (an event stream writing its last event), then closes the rest.
     */
    public void close(Duration grace) {
        closed = true;
        listeners.forEach(ConnListener::close);
        admission.close(); // requests waiting for room are refused
        long end = System.nanoTime() + grace.toNanos();
        while (true) {
            List<Slot> open = admission.slots();
            for (Slot s : open) if (s.waiting()) s.close(); // waiting for a request that will not be served
            if (open.isEmpty() || System.nanoTime() - end >= 0) break;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        admission.slots().forEach(Slot::close);
        watchdog.interrupt();
        for (Thread t : acceptors) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops accepting new connections, leaving open ones to finish. */
    public void stopAccepting() {
        closed = true;
        listeners.forEach(ConnListener::close);
    }
}

package org.nlbridge.daemon.http;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.nlbridge.client.HttpException;
import org.nlbridge.client.HttpWire;

/**
 * A small, strict HTTP/1.1 server over {@link ConnListener}s (the JDK's {@code com.sun.net.httpserver} cannot serve a
 * Unix socket). One platform thread accepts per listener and one serves each connection, request after request
 * (keep-alive unless the client sends {@code Connection: close}). Limits: {@value #MAX_CONNECTIONS} connections at
 * once (more get 503), {@value #READ_TIMEOUT_MILLIS} ms to send a request once the connection waits for one
 * (idle keep-alive connections are closed then too), the framing limits of {@link HttpWire}. A protocol error is
 * answered with its status and {@code {"message": ...}}, then the connection is closed.
 */
public final class HttpServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("nlbridge.http");
    static final int MAX_CONNECTIONS = 256;
    static final long READ_TIMEOUT_MILLIS = 30_000;

    /** Answers one request; an exception it throws becomes a 500 (or is handled by the caller's error mapping). */
    @FunctionalInterface
    public interface Handler {
        void handle(Exchange exchange) throws Exception;
    }

    /** Turns a handler's exception into a status and message. */
    @FunctionalInterface
    public interface ErrorMapper {
        void answer(Exchange exchange, Throwable error) throws IOException;
    }

    private final String serverName;
    private final Handler handler;
    private final ErrorMapper errors;
    private final List<ConnListener> listeners = new ArrayList<>();
    private final List<Thread> acceptors = new ArrayList<>();
    private final Map<Conn, Long> deadlines = new ConcurrentHashMap<>(); // 0: handling, no deadline
    private final AtomicInteger open = new AtomicInteger();
    private final Thread watchdog;
    private volatile boolean closed;

    public HttpServer(String serverName, Handler handler, ErrorMapper errors) {
        this.serverName = serverName;
        this.handler = handler;
        this.errors = errors;
        this.watchdog = Thread.ofPlatform().name("nlbridge-http-watchdog").daemon().unstarted(this::watch);
        watchdog.start();
    }

    /** Starts accepting on {@code l}; the server closes it when it closes. */
    public void serve(ConnListener l) {
        listeners.add(l);
        acceptors.add(Thread.ofPlatform().name("nlbridge-accept " + l.address()).daemon().start(() -> accept(l)));
    }

    private void accept(ConnListener l) {
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
            if (open.incrementAndGet() > MAX_CONNECTIONS) {
                open.decrementAndGet();
                refuse(c, 503, "too many connections (" + MAX_CONNECTIONS + ")");
                continue;
            }
            deadlines.put(c, System.currentTimeMillis() + READ_TIMEOUT_MILLIS);
            try {
                Thread.ofPlatform().name("nlbridge-conn").daemon().start(() -> serve(c));
            } catch (RuntimeException | OutOfMemoryError e) {
                deadlines.remove(c);
                open.decrementAndGet();
                c.close();
            }
        }
    }

    private void refuse(Conn c, int status, String message) {
        try {
            byte[] body = ("{\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
            HttpWire.writeHead(c.out(), "HTTP/1.1 " + status + " " + HttpWire.reason(status), List.of(
                    new String[]{"Content-Type", Exchange.JSON}, new String[]{"Content-Length", Integer.toString(body.length)},
                    new String[]{"Connection", "close"}));
            c.out().write(body);
            c.out().flush();
        } catch (IOException ignored) {
            // the client is gone
        } finally {
            c.close();
        }
    }

    private void serve(Conn c) {
        try {
            while (!closed) {
                deadlines.put(c, System.currentTimeMillis() + READ_TIMEOUT_MILLIS);
                HttpRequest req;
                try {
                    req = HttpRequest.read(c.in(), c.out());
                } catch (HttpException e) {
                    refuse(c, e.status(), jsonEscape(e.getMessage()));
                    return;
                }
                if (req == null) return;
                deadlines.put(c, 0L);
                Exchange ex = new Exchange(req, c, serverName);
                try {
                    handler.handle(ex);
                } catch (Throwable t) {
                    if (t instanceof IOException io && ex.responded()) throw io; // the client went away mid-answer
                    if (ex.responded()) {
                        // a stream was started: the error cannot become a status any more; end the connection
                        LOG.log(System.Logger.Level.WARNING, req.method() + " " + req.path() + ": " + t);
                        return;
                    }
                    errors.answer(ex, t);
                }
                if (!ex.responded()) ex.respond(204, null, new byte[0]);
                if (ex.openStream() != null) ex.openStream().close();
                if (ex.closing()) return;
            }
        } catch (EOFException e) {
            // the client closed the connection in the middle of a request
        } catch (IOException e) {
            if (!closed) LOG.log(System.Logger.Level.DEBUG, "connection from " + c.peer() + ": " + e.getMessage());
        } finally {
            deadlines.remove(c);
            open.decrementAndGet();
            c.close();
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
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.currentTimeMillis();
            deadlines.forEach((c, d) -> {
                if (d != 0 && d < now) {
                    deadlines.remove(c);
                    c.close(); // slow or idle client: its thread sees the stream end
                }
            });
        }
    }

    /** Stops accepting and closes every listener and connection (streams end at once). */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /**
     * Stops accepting, closes idle connections at once, gives connections that are answering a request up to
     * {@code grace} to finish (an event stream writing its last event), then closes the rest.
     */
    public void close(Duration grace) {
        closed = true;
        listeners.forEach(ConnListener::close);
        long end = System.nanoTime() + grace.toNanos();
        while (true) {
            deadlines.forEach((c, d) -> {
                if (d != 0) c.close(); // waiting for a request that will not be served
            });
            if (open.get() == 0 || System.nanoTime() >= end) break;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        deadlines.keySet().forEach(Conn::close);
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

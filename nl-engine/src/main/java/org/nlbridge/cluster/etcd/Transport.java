package org.nlbridge.cluster.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;
import org.nlbridge.net.tls.Tls;

/**
 * HTTP to etcd's v3 JSON gateway with fail-over: each call starts at the member that answered last, moves on to
 * the next when a member cannot be reached or cannot serve ({@code UNAVAILABLE}: no leader, stopping), and keeps
 * going round the members, backing off, until the call's deadline; then it throws one
 * {@link StoreUnavailableException} naming what each member said. HTTP/1.1 (the gateway's plain form; a watch
 * holds one connection), TLS 1.3 with the client certificate when configured.
 */
final class Transport implements AutoCloseable {

    /** Whether a request may be sent to another member after it may already have reached one. */
    enum Retry {
        /** Reads, puts, deletes, keep-alives, revokes: repeating them leaves the same state. */
        ALWAYS,
        /** Transactions and grants: only when surely not applied (no connection, or etcd said it had no leader). */
        IF_NOT_APPLIED
    }

    private static final Duration MAX_BACKOFF = Duration.ofMillis(500);
    private static final Duration MIN_ATTEMPT = Duration.ofSeconds(1);
    private static final Duration GRACE = Duration.ofSeconds(1);

    private final EtcdConfig config;
    private final HttpClient http;
    private final ExecutorService executor;
    private final AtomicInteger preferred = new AtomicInteger();

    /**
     * @param threads makes the threads that open connections (every request is sent from one, so its socket is
     *                created there); null: the HTTP client's own. A daemon whose host is a network namespace
     *                passes threads inside it.
     */
    Transport(EtcdConfig config, ThreadFactory threads) {
        this.config = config;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER);
        this.executor = threads == null ? null : Executors.newCachedThreadPool(threads);
        if (executor != null) b.executor(executor);
        if (config.tls() != null) {
            b.sslContext(config.tls().context());
            SSLParameters p = new SSLParameters();
            p.setProtocols(new String[]{Tls.PROTOCOL});
            p.setEndpointIdentificationAlgorithm("HTTPS");
            b.sslParameters(p);
        }
        this.http = b.build();
    }

    EtcdConfig config() {
        return config;
    }

    /** POSTs {@code body} to {@code path}; the reply's JSON object, or a typed {@link EtcdException}. */
    JsonNode call(String what, String path, ObjectNode body, Retry retry) {
        return send(what, path, body, retry, config.requestTimeout(), (ep, r) -> {
            byte[] bytes = r.body().readAllBytes();
            if (r.statusCode() != 200) throw error(what, r.statusCode(), bytes);
            return Codec.parse(bytes, what);
        });
    }

    /** An open streaming reply (a watch), read by the caller until it ends; {@code endpoint} is who serves it. */
    record Stream(URI endpoint, InputStream body) {}

    Stream stream(String what, String path, ObjectNode body) {
        return send(what, path, body, Retry.ALWAYS, config.requestTimeout(), (ep, r) -> {
            if (r.statusCode() != 200) {
                try (InputStream in = r.body()) {
                    throw error(what, r.statusCode(), in.readNBytes(64 * 1024));
                }
            }
            return new Stream(ep, r.body());
        });
    }

    private interface Reader<T> {
        T read(URI endpoint, HttpResponse<InputStream> r) throws IOException;
    }

    /** Thrown inside the loop for "this member cannot serve, another may": a connect failure or UNAVAILABLE. */
    private static final class TryNext extends Exception {
        final boolean applied;

        TryNext(String message, boolean applied, Throwable cause) {
            super(message, cause, false, false);
            this.applied = applied;
        }
    }

    private <T> T send(String what, String path, ObjectNode body, Retry retry, Duration timeout, Reader<T> reader) {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] bytes = Codec.bytes(body);
        List<URI> eps = config.endpoints();
        Map<URI, Set<String>> failures = new LinkedHashMap<>();
        // one member may hold a request until the deadline (a proposal forwarded to a leader that just died is
        // only answered after etcd's own 7 s): give each attempt a share, so the others get their turn
        long attemptMax = Math.max(MIN_ATTEMPT.toNanos(), timeout.toNanos() / 3);
        Throwable last = null;
        long backoff = 25;
        int start = preferred.get();
        for (int attempt = 0; ; attempt++) {
            int i = (start + attempt) % eps.size();
            URI ep = eps.get(i);
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new StoreUnavailableException(what, lines(failures), false, last);
            try {
                HttpRequest req = HttpRequest.newBuilder(ep.resolve(path)).timeout(Duration.ofNanos(Math.min(left, attemptMax)))
                        .header("Content-Type", "application/json")
                        // etcd's "require leader" (clientv3.WithRequireLeader), as gRPC metadata through the gateway: a
                        // member cut off from the others answers "no leader" at once instead of holding the request,
                        // and ends our watch streams after three election timeouts without a leader, so they move on
                        .header("Grpc-Metadata-hasleader", "true")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
                T t = tryOne(ep, req, reader);
                preferred.set(i);
                return t;
            } catch (TryNext e) {
                failures.computeIfAbsent(ep, k -> new LinkedHashSet<>()).add(e.getMessage());
                last = e.getCause();
                if (e.applied && retry == Retry.IF_NOT_APPLIED) {
                    throw new StoreUnavailableException(what, lines(failures), true, last);
                }
            }
            if ((attempt + 1) % eps.size() == 0) { // a whole round failed: wait a little before the next
                long sleep = Math.min(backoff, Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failures.computeIfAbsent(ep, k -> new LinkedHashSet<>()).add("interrupted");
                    throw new StoreUnavailableException(what, lines(failures), false, e);
                }
            }
        }
    }

    private <T> T tryOne(URI ep, HttpRequest req, Reader<T> reader) throws TryNext {
        HttpResponse<InputStream> r;
        // sendAsync: the exchange, and so the socket, starts on the executor's thread, never on the caller's
        CompletableFuture<HttpResponse<InputStream>> f = http.sendAsync(req, HttpResponse.BodyHandlers.ofInputStream());
        try {
            // the request's own timeout ends the exchange; this bound only guards against an executor that never ran it
            r = f.get(req.timeout().orElseThrow().toNanos() + GRACE.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new TryNext("no reply in time", true, e);
        } catch (ExecutionException x) {
            Throwable e = x.getCause();
            if (e instanceof ConnectException || e instanceof HttpConnectTimeoutException
                    || e instanceof UnresolvedAddressException) {
                throw new TryNext(describe(e), false, e);
            }
            // sent, or at least maybe sent, and no reply: a write may have been applied
            throw new TryNext(describe(e), true, e);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new TryNext("interrupted", true, e);
        }
        try {
            return reader.read(ep, r);
        } catch (EtcdServerException e) {
            if (e.code() != EtcdServerException.UNAVAILABLE) throw e;
            boolean surelyNotApplied = e.getMessage().contains("no leader") || e.getMessage().contains("not capable");
            throw new TryNext(e.getMessage(), !surelyNotApplied, e);
        } catch (IOException e) {
            throw new TryNext("reply cut off: " + describe(e), true, e);
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        if (e instanceof ConnectException && (m == null || m.isEmpty())) return "connection refused";
        if (e instanceof java.net.http.HttpTimeoutException) return "no reply in time";
        return e.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : ": " + m);
    }

    /** One line per member, with each different failure it gave once ("connection refused / no reply in time"). */
    private static List<String> lines(Map<URI, Set<String>> failures) {
        return failures.entrySet().stream().map(f -> f.getKey() + ": " + String.join(" / ", f.getValue())).toList();
    }

    /** The gateway's error reply, {@code {"error":"...","message":"...","code":N}}, as a typed exception. */
    static EtcdException error(String what, int status, byte[] body) {
        JsonNode n;
        try {
            n = Codec.parse(body, what);
        } catch (MalformedReplyException e) {
            return new MalformedReplyException(what + ": HTTP " + status + " without an etcd error: " + Codec.excerpt(body));
        }
        return grpcError(what, (int) Codec.int64(n, "code"), Codec.text(n, "message").isEmpty()
                ? Codec.text(n, "error") : Codec.text(n, "message"), status);
    }

    /** A streaming reply's {@code {"result":{...}}}, or its {@code {"error":{...}}} as a typed exception. */
    static JsonNode result(String what, JsonNode message) {
        if (message.has("error")) {
            JsonNode e = Codec.obj(message, "error");
            throw grpcError(what, (int) Codec.int64(e, "grpc_code"), Codec.text(e, "message"), (int) Codec.int64(e, "http_code"));
        }
        if (!message.has("result")) throw new MalformedReplyException(what + ": a stream message without result: " + message);
        return Codec.obj(message, "result");
    }

    private static EtcdException grpcError(String what, int code, String message, int status) {
        if (code == 0) return new MalformedReplyException(what + ": HTTP " + status + " without a gRPC status: " + message);
        if (code == EtcdServerException.OUT_OF_RANGE && message.contains("compacted")) return new CompactedException(what, 0);
        return new EtcdServerException(what, code, message);
    }

    @Override
    public void close() {
        http.shutdownNow();
        if (executor != null) executor.shutdownNow();
    }
}

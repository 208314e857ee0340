package org.nlbridge.daemon;

import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nlbridge.client.ApiJson;
import org.nlbridge.client.Event;
import org.nlbridge.client.HttpWire;
import org.nlbridge.daemon.http.Exchange;
import org.nlbridge.daemon.http.HttpRequest;
import org.nlbridge.engine.Engine;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.Plan;

/**
 * The API's two answers that are streams of JSON lines ({@code application/x-ndjson}, chunked): the event stream of
 * {@code GET /v1/events}, and the progress of an {@code apply} or {@code destroy} asked with {@code ?progress=true}.
 */
final class ApiStreams {
    private ApiStreams() {}

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** {@code GET /v1/events?since=SEQ&type=T,...}: kept events after SEQ, then new ones, until the daemon stops. */
    static void events(Exchange ex, EventBus bus) throws IOException {
        HttpRequest r = ex.request();
        long since = 0;
        String s = r.param("since");
        if (s != null) {
            try {
                since = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new ValidationException("since", s, "not a number", "an event seq, or -1 for every event kept");
            }
        }
        Set<String> types = new HashSet<>();
        String t = r.param("type");
        if (t != null) {
            for (String x : t.split(",")) {
                if (!Event.TYPES.contains(x)) {
                    throw new ValidationException("type", x, "unknown event type", String.join(", ", Event.TYPES.stream().sorted().toList()));
                }
                types.add(x);
            }
        }
        Predicate<Event> filter = e -> types.isEmpty() || types.contains(e.type());
        try (EventBus.Subscription sub = bus.subscribe(since, filter)) {
            HttpWire.ChunkedOutput out = ex.stream(200, Exchange.NDJSON);
            long lastWrite = System.nanoTime();
            while (true) {
                Event e;
                try {
                    e = sub.next(1000);
                } catch (EventBus.Lagged lagged) {
                    out.line(ApiJson.write(new Event(0, Instant.now().toString(), "daemon", "lagged", "this stream",
                            false, lagged.getMessage(), List.of()).toJson()));
                    return;
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (e == EventBus.END) return; // the daemon stops: its stop event was the last one queued
                if (e != null) {
                    out.line(ApiJson.write(e.toJson()));
                    lastWrite = System.nanoTime();
                } else if (System.nanoTime() - lastWrite > TimeUnit.SECONDS.toNanos(15)) {
                    out.write(new byte[]{'\n'}); // keep-alive line, so a dead client is noticed
                    out.flush();
                    lastWrite = System.nanoTime();
                }
            }
        }
    }

    /** An apply or destroy, told where to report its progress. */
    interface Operation {
        Plan run(Engine.ProgressListener progress);
    }

    /**
     * Runs an apply or destroy; with {@code wanted} ({@code ?progress=true}), answers with a stream of
     * {@code {"progress": ...}} lines ending in {@code {"result": PLAN}} or {@code {"error": {...}}} once the first
     * change is made (a failure before that, such as a validation error, is an ordinary error status).
     */
    static void withProgress(Exchange ex, boolean wanted, Operation op) throws Exception {
        if (!wanted) {
            Api.ok(ex, ApiJson.toJson(op.run(Engine.ProgressListener.NONE)));
            return;
        }
        BlockingQueue<ObjectNode> lines = new ArrayBlockingQueue<>(1024);
        CompletableFuture<Plan> result = new CompletableFuture<>();
        Thread.ofPlatform().name("nlbridge-op").daemon().start(() -> {
            try {
                result.complete(op.run((done, total, change) -> {
                    ObjectNode o = F.objectNode();
                    ObjectNode pr = o.putObject("progress");
                    pr.put("done", done);
                    pr.put("total", total);
                    pr.set("change", ApiJson.toJson(change));
                    lines.offer(o); // a full queue drops progress lines, never the result
                }));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        HttpWire.ChunkedOutput out = null;
        while (true) {
            ObjectNode line = lines.poll(50, TimeUnit.MILLISECONDS);
            if (line != null) {
                if (out == null) out = ex.stream(200, Exchange.NDJSON);
                out.line(ApiJson.write(line));
                continue;
            }
            if (result.isDone() && lines.isEmpty()) break;
        }
        Plan plan;
        try {
            plan = result.join();
        } catch (CompletionException ce) {
            Throwable t = ce.getCause();
            if (out == null) throw t instanceof Exception e ? e : new RuntimeException(t);
            ObjectNode o = F.objectNode();
            ObjectNode err = o.putObject("error");
            err.put("status", Api.status(t));
            err.put("message", Api.message(t));
            out.line(ApiJson.write(o));
            return;
        }
        if (out == null) {
            Api.ok(ex, ApiJson.toJson(plan));
            return;
        }
        ObjectNode o = F.objectNode();
        o.set("result", ApiJson.toJson(plan));
        out.line(ApiJson.write(o));
    }
}

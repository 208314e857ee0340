package org.nlbridge.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.net.SafeName;
import org.nlbridge.net.tls.Tls;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.Plan;

/**
 * The {@link Engine} a daemon runs, reached over its socket ({@code -H}): every call is one API request, and the
 * results are the same records the embedded engine returns, so the CLI prints the same thing either way. A
 * refusal comes back as a {@link DaemonException} carrying the message the embedded engine would have thrown.
 */
public final class RemoteEngine implements Engine {

    private final HttpClient http;

    private RemoteEngine(HttpClient http) {
        this.http = http;
    }

    /** Connects (and checks the daemon answers) or fails with one clear line. */
    public static RemoteEngine connect(DaemonAddress address, Tls tls) {
        HttpClient c;
        try {
            c = HttpClient.connect(address, tls);
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            String hint = why.toLowerCase(Locale.ROOT).contains("permission denied")
                    ? " (the socket is for root and its group only)"
                    : address.isUnix() ? " (is 'nlbridge daemon -H " + address + "' running?)" : "";
            throw new DaemonException(0, "cannot connect to the nlbridge daemon at " + address + ": " + why + hint);
        }
        try {
            HttpClient.Response ping = c.send("GET", "/_ping", null, null);
            if (ping.status() != 200) throw new IOException("it answered /_ping with HTTP " + ping.status());
        } catch (IOException e) {
            c.close();
            // with TLS 1.3 a refused client certificate shows here, at the first request
            throw new DaemonException(0, "cannot connect to the nlbridge daemon at " + address + ": " + e.getMessage());
        }
        return new RemoteEngine(c);
    }

    /**
     * One request with a JSON body (or none) and its parsed answer. The body comes as bytes, so that verifying this
     * class needs none of Jackson's node types (a thin {@code status} loads no Jackson, see {@link #status}).
     */
    private JsonNode call(String method, String target, byte[] json) {
        HttpClient.Response resp = request(method, target, json);
        return parse(resp.status(), resp.body(), target);
    }

    /** One request; an answer that is an error is the caller's to check. */
    private HttpClient.Response request(String method, String target, byte[] json) {
        try {
            return http.send(method, target, json == null ? null : "application/json", json);
        } catch (IOException e) {
            throw new DaemonException(0, "the nlbridge daemon at " + http.where() + " did not answer " + method + " "
                    + target + ": " + e.getMessage());
        }
    }

    private JsonNode parse(int status, byte[] body, String target) {
        if (status >= 400) throw new DaemonException(status, errorMessage(status, body));
        if (body.length == 0 || target.endsWith("_ping")) return null;
        return ApiJson.parse("answer to " + target, body);
    }

    /** The daemon's message ({@code {"message": "..."}}), read without Jackson: {@code status} needs it too. */
    private static String errorMessage(int status, byte[] body) {
        String m = JsonText.member(body, "message");
        return m != null ? m : "the daemon answered HTTP " + status;
    }

    @Override
    public Plan plan(DesiredState desired) {
        return ApiJson.plan(call("POST", "/v1/plan", ApiJson.bytes(ApiJson.toJson(desired))));
    }

    @Override
    public Plan planDestroy(DesiredState desired) {
        return ApiJson.plan(call("POST", "/v1/plan?destroy=true", ApiJson.bytes(ApiJson.toJson(desired))));
    }

    @Override
    public Plan apply(DesiredState desired, ProgressListener progress) {
        return withProgress("/v1/apply", desired, progress);
    }

    @Override
    public Plan destroy(DesiredState desired, ProgressListener progress) {
        return withProgress("/v1/destroy", desired, progress);
    }

    /** Without a listener, one request and its plan; with one, the streamed progress lines, then the plan. */
    private Plan withProgress(String path, DesiredState desired, ProgressListener progress) {
        if (progress == null || progress == ProgressListener.NONE) return ApiJson.plan(call("POST", path, ApiJson.bytes(ApiJson.toJson(desired))));
        try {
            HttpClient.Streamed s = http.open("POST", path + "?progress=true", "application/json",
                    ApiJson.bytes(ApiJson.toJson(desired)));
            String type = s.headers().get("Content-Type");
            if (s.status() >= 400 || type == null || !type.startsWith("application/x-ndjson")) {
                return ApiJson.plan(parse(s.status(), s.body().readAllBytes(), path));
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(s.body(), StandardCharsets.UTF_8));
            String line;
            Plan result = null;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) continue;
                JsonNode n = ApiJson.parse("progress line", line.getBytes(StandardCharsets.UTF_8));
                if (n.has("progress")) {
                    JsonNode p = n.get("progress");
                    progress.applied(p.get("done").asInt(), p.get("total").asInt(), ApiJson.change(p.get("change")));
                } else if (n.has("result")) {
                    result = ApiJson.plan(n.get("result"));
                } else if (n.has("error")) {
                    JsonNode e = n.get("error");
                    throw new DaemonException(e.path("status").asInt(500), e.path("message").asText());
                }
            }
            if (result == null) throw new DaemonException(0, "the daemon ended the progress stream without a result");
            return result;
        } catch (IOException | HttpException e) {
            throw new DaemonException(0, "the nlbridge daemon at " + http.where() + " did not answer " + path + ": " + e.getMessage());
        }
    }

    @Override
    public EngineStatus status() {
        // read by StatusJson, not ApiJson: a thin status loads no Jackson (see ClassLoadingTest)
        HttpClient.Response resp = request("GET", "/v1/status", null);
        if (resp.status() >= 400) throw new DaemonException(resp.status(), errorMessage(resp.status(), resp.body()));
        return StatusJson.status(resp.body());
    }

    @Override
    public ContainerRuntime runtime(String container) {
        SafeName.check("container", container);
        return ApiJson.runtime(call("GET", "/v1/containers/" + container + "/runtime", null));
    }

    @Override
    public List<String> reconcile() {
        JsonNode n = call("POST", "/v1/reconcile", null);
        List<String> out = new ArrayList<>();
        n.path("repaired").forEach(x -> out.add(x.asText()));
        n.path("changes").forEach(x -> out.add(ApiJson.change(x).toString()));
        return out;
    }

    /**
     * Follows the event stream: calls {@code each} for every event until it returns false or the daemon ends the
     * stream.
     *
     * @param since 0: only new events; a seq: the kept events after it; -1: every kept event
     */
    public void events(long since, List<String> types, Predicate<Event> each) {
        StringBuilder q = new StringBuilder("/v1/events?since=").append(since);
        if (!types.isEmpty()) q.append("&type=").append(String.join(",", types));
        try {
            HttpClient.Streamed s = http.open("GET", q.toString(), null, null);
            if (s.status() >= 400) throw new DaemonException(s.status(), errorMessage(s.status(), s.body().readAllBytes()));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.body(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) continue; // keep-alive
                Event e = Event.of(ApiJson.parse("event", line.getBytes(StandardCharsets.UTF_8)));
                if (!each.test(e)) return;
            }
        } catch (IOException e) {
            throw new DaemonException(0, "the event stream from " + http.where() + " broke: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        http.close();
    }
}

package org.nlbridge.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nlbridge.client.ApiJson;
import org.nlbridge.client.HttpException;
import org.nlbridge.cni.CniException;
import org.nlbridge.cni.CniPlugin;
import org.nlbridge.daemon.http.Exchange;
import org.nlbridge.daemon.http.HttpRequest;
import org.nlbridge.daemon.http.RequestKind;
import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.net.PortSpec;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.spec.NotFoundException;
import org.nlbridge.spec.Plan;

/**
 * The API's routes (documented in {@code openapi.yaml} next to this module's resources): versioned paths shaped like
 * the networking part of Docker's Engine API where it fits. Errors are {@code {"message": "..."}} with the message
 * the CLI prints for the same failure. Bodies are JSON ({@code Content-Type: application/json}); lists and specs
 * use the keys of the DSL.
 */
final class Api {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Daemon daemon;
    private final CniPlugin cni;

    Api(Daemon daemon) {
        this.daemon = daemon;
        this.cni = new CniPlugin(new DaemonCni(daemon));
    }

    /** A refusal with its HTTP status. */
    static final class ApiError extends RuntimeException {
        final int status;

        ApiError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** The message the CLI would print for a failure. */
    static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    /** The status that answers a failure: by its type, never by its message. */
    static int status(Throwable t) {
        return switch (t) {
            case ApiError a -> a.status;
            case NotFoundException n -> 404;
            case ValidationException v -> 400;
            default -> 500;
        };
    }

    /** Maps an exception to a status and {@code {"message": ...}}. */
    static void error(Exchange ex, Throwable t) throws IOException {
        int status = status(t);
        if (status == 500) {
            System.getLogger("nlbridge.api").log(System.Logger.Level.WARNING,
                    ex.request().method() + " " + ex.request().path() + ": " + t, t);
        }
        ex.json(status, ApiJson.write(ApiJson.error(message(t))));
    }

    /**
     * Which budget answers a request: {@code /_ping} and {@code version} (which wait for nothing) and {@code status}
     * have reserves of their own (an operator can always see what is going on), {@code events} is a stream,
     * everything else a request.
     */
    static RequestKind kind(String method, List<String> s) {
        if (s.size() == 1 && s.get(0).equals("_ping")) return RequestKind.IMMEDIATE;
        if (s.size() != 2 || !s.get(0).equals("v1")) return RequestKind.REQUEST;
        return switch (s.get(1)) {
            case "_ping", "version" -> RequestKind.IMMEDIATE;
            case "status" -> RequestKind.PRIORITY;
            case "events" -> RequestKind.STREAM;
            default -> RequestKind.REQUEST;
        };
    }

    void handle(Exchange ex) throws Exception {
        HttpRequest r = ex.request();
        List<String> s = r.segments();
        String m = r.method();
        if (s.size() == 1 && s.get(0).equals("_ping") || s.size() == 2 && s.get(0).equals("v1") && s.get(1).equals("_ping")) {
            allow(m, "GET");
            ex.respond(200, "text/plain; charset=utf-8", "OK".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (s.isEmpty() || !s.get(0).equals("v1")) {
            throw new ApiError(404, "no such API path: " + r.path() + " (the API is under /v1/; see openapi.yaml)");
        }
        String peer = ex.peer();
        List<String> p = s.subList(1, s.size());
        switch (p.size() == 0 ? "" : p.get(0)) {
            case "version" -> {
                only(p, 1);
                allow(m, "GET");
                ObjectNode o = F.objectNode();
                o.put("version", Daemon.VERSION);
                o.put("apiVersion", "1");
                o.put("os", "linux");
                o.put("kernel", System.getProperty("os.version"));
                o.put("java", Runtime.version().toString());
                o.put("pid", ProcessHandle.current().pid());
                ok(ex, o);
            }
            case "desired" -> {
                only(p, 1);
                allow(m, "GET");
                ok(ex, ApiJson.toJson(daemon.onEngine("desired", daemon::desiredOrEmpty)));
            }
            case "status" -> {
                only(p, 1);
                allow(m, "GET");
                ok(ex, ApiJson.toJson(daemon.onEngineFirst("status", () -> daemon.engine().status(daemon.statusRows()))));
            }
            case "plan" -> {
                only(p, 1);
                allow(m, "POST");
                DesiredState d = ApiJson.desiredState(body(r, "desired state"));
                boolean destroy = flag(r, "destroy");
                if (!destroy) daemon.hostNamespace.check(d);
                Plan plan = daemon.onEngine("plan", () -> destroy ? daemon.engine().planDestroy(d) : daemon.engine().plan(d));
                ok(ex, ApiJson.toJson(plan));
            }
            case "apply" -> {
                only(p, 1);
                allow(m, "POST");
                DesiredState d = ApiJson.desiredState(body(r, "desired state"));
                ApiStreams.withProgress(ex, flag(r, "progress"), progress -> daemon.onEngine("apply", () ->
                        daemon.applyDesired("apply", "desired state: " + Summaries.names(d), peer, d, progress,
                                Daemon.OnFailure.KEEP_IF_STARTED)));
            }
            case "destroy" -> {
                only(p, 1);
                allow(m, "POST");
                DesiredState d = ApiJson.desiredState(body(r, "desired state"));
                ApiStreams.withProgress(ex, flag(r, "progress"), progress -> daemon.onEngine("destroy", () -> daemon.destroy(d, peer, progress)));
            }
            case "reconcile" -> {
                only(p, 1);
                allow(m, "POST");
                DriftRepair.Report rep = daemon.onEngine("reconcile", () -> daemon.drift().repair("requested (" + peer + ")", false));
                ObjectNode o = F.objectNode();
                ArrayNode a = o.putArray("repaired");
                rep.repaired().forEach(a::add);
                ArrayNode c = o.putArray("changes");
                rep.changes().forEach(x -> c.add(ApiJson.toJson(x)));
                ok(ex, o);
            }
            case "cni" -> {
                only(p, 1);
                allow(m, "POST");
                cni(ex, body(r, "CNI call"));
            }
            case "networks" -> networks(ex, p, m, peer);
            case "containers" -> containers(ex, p, m, peer);
            case "events" -> {
                only(p, 1);
                allow(m, "GET");
                ApiStreams.events(ex, daemon.events());
            }
            default -> throw new ApiError(404, "no such API path: " + r.path() + " (see openapi.yaml)");
        }
    }

    // ------------------------------------------------------------------------------------------ networks

    private void networks(Exchange ex, List<String> p, String m, String peer) throws IOException {
        HttpRequest r = ex.request();
        if (p.size() == 1) {
            allow(m, "GET", "POST");
            if (m.equals("GET")) {
                ArrayNode a = F.arrayNode();
                daemon.onEngine("networks", daemon::statusRows).networks().forEach(n -> a.add(ApiJson.toJson(n)));
                ok(ex, a);
                return;
            }
            NetworkSpec spec = ApiJson.networkSpec(body(r, "network"));
            Plan done = daemon.onEngine("create network", () -> {
                DesiredState d = daemon.desiredOrEmpty();
                if (d.network(spec.name()).isPresent()) {
                    throw new ApiError(409, "network " + spec.name() + " already exists");
                }
                return daemon.applyDesired("create", "network " + spec.name(), peer, d.withNetwork(spec),
                        Engine.ProgressListener.NONE, Daemon.OnFailure.REVERT);
            });
            send(ex, 201, ApiJson.toJson(done));
            return;
        }
        if (p.size() == 3 && (p.get(2).equals("connect") || p.get(2).equals("disconnect"))) {
            allow(m, "POST");
            connect(ex, p.get(1), p.get(2).equals("connect"), body(r, p.get(2)), peer);
            return;
        }
        only(p, 2);
        String name = p.get(1);
        allow(m, "GET", "DELETE");
        if (m.equals("GET")) {
            ok(ex, daemon.onEngine("inspect network", () -> {
                EngineStatus st = daemon.statusRows();
                EngineStatus.NetworkStatus ns = st.networks().stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
                NetworkSpec spec = daemon.desiredOrEmpty().network(name).orElse(null);
                if (ns == null && spec == null) throw new ApiError(404, "no such network: " + name);
                ObjectNode o = F.objectNode();
                o.set("spec", spec == null ? F.nullNode() : ApiJson.toJson(spec));
                o.set("status", ns == null ? F.nullNode() : ApiJson.toJson(ns));
                ArrayNode c = o.putArray("containers");
                st.containers().stream().filter(x -> name.equals(x.network())).forEach(x -> c.add(x.name()));
                return o;
            }));
            return;
        }
        Plan done = daemon.onEngine("remove network", () -> {
            DesiredState d = daemon.desiredOrEmpty();
            if (d.network(name).isEmpty()) throw new ApiError(404, "no such network: " + name);
            List<String> users = new ArrayList<>(Summaries.users(d, name, null));
            daemon.cni().attachments().stream().filter(a -> a.network().equals(name)).forEach(a -> users.add(a.describe()));
            if (!users.isEmpty()) {
                throw new ApiError(409, "network " + name + " has containers: " + String.join(", ", users)
                        + " (remove them first)");
            }
            return daemon.applyDesired("remove", "network " + name, peer, d.withoutNetwork(name),
                    Engine.ProgressListener.NONE, Daemon.OnFailure.REVERT);
        });
        ok(ex, ApiJson.toJson(done));
    }

    /**
     * {@code POST /v1/networks/{name}/connect} and {@code .../disconnect}, Docker's {@code docker network connect} and
     * {@code disconnect} of a container of the desired state: {@code {"container": "web", "ip": ..., "ip6": ...,
     * "ifname": ..., "aliases": [...], "mac": ..., "publish": [...], "defaultRoute": ...}} (the options of a
     * {@code connect}), and {@code {"container": "web"}}.
     */
    private void connect(Exchange ex, String network, boolean connect, JsonNode b, String peer) throws IOException {
        String what = connect ? "connect" : "disconnect";
        if (!b.isObject() || !b.path("container").isTextual()) {
            throw new ValidationException(what, b.toString().length() > 64 ? null : b.toString(), "no \"container\"",
                    "{\"container\": \"NAME\"" + (connect ? ", \"ip\": ..., ...}" : "}"));
        }
        String name = b.get("container").textValue();
        for (var it = b.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("container") && (!connect || !ApiJson.CONNECT_OPTIONS.contains(k))) {
                throw new ValidationException(what + " " + name, k, "unknown key", connect
                        ? "container, " + String.join(", ", ApiJson.CONNECT_OPTIONS) : "container");
            }
        }
        Plan done = daemon.onEngine(what, () -> {
            DesiredState d = daemon.desiredOrEmpty();
            ContainerSpec c = find(d, name);
            if (d.network(network).isEmpty()) throw new ApiError(404, "no such network: " + network);
            ContainerSpec next;
            if (connect) {
                if (c.attachment(network).isPresent()) {
                    throw new ApiError(409, "container " + name + " is already on network " + network);
                }
                next = c.withConnect(network, a -> ApiJson.connectOptions("container " + name + ": connect " + network, b, a));
            } else {
                next = c.withoutNetwork(network);
            }
            return daemon.applyDesired(what, "container " + name + " " + network, peer, d.withContainer(next),
                    Engine.ProgressListener.NONE, Daemon.OnFailure.REVERT);
        });
        ok(ex, ApiJson.toJson(done));
    }

    // ---------------------------------------------------------------------------------------- containers

    private void containers(Exchange ex, List<String> p, String m, String peer) throws IOException {
        HttpRequest r = ex.request();
        if (p.size() == 1) {
            allow(m, "GET", "POST");
            if (m.equals("GET")) {
                ArrayNode a = F.arrayNode();
                daemon.onEngine("containers", daemon::statusRows).containers().forEach(c -> a.add(ApiJson.toJson(c)));
                ok(ex, a);
                return;
            }
            ContainerSpec spec = ApiJson.containerSpec(body(r, "container"));
            Plan done = daemon.onEngine("connect container", () -> {
                DesiredState d = daemon.desiredOrEmpty();
                if (d.container(spec.name()).isPresent()) {
                    throw new ApiError(409, "container " + spec.name() + " already exists");
                }
                return daemon.applyDesired("connect", "container " + spec.name(), peer, d.withContainer(spec),
                        Engine.ProgressListener.NONE, Daemon.OnFailure.REVERT);
            });
            send(ex, 201, ApiJson.toJson(done));
            return;
        }
        String name = p.get(1);
        if (p.size() == 3 && p.get(2).equals("runtime")) {
            allow(m, "GET");
            ok(ex, ApiJson.toJson(daemon.onEngine("runtime", () -> daemon.engine().runtime(name))));
            return;
        }
        if (p.size() == 3 && (p.get(2).equals("publish") || p.get(2).equals("unpublish"))) {
            allow(m, "POST");
            boolean add = p.get(2).equals("publish");
            JsonNode b = body(r, p.get(2));
            if (!b.isObject() || b.size() != 1 || !b.has("spec")) {
                throw new ValidationException(p.get(2), b.toString(), "not {\"spec\": \"...\"}",
                        "{\"spec\": \"[host-ip:]host-port:container-port[/proto]\"}");
            }
            PortSpec port = ApiJson.portSpec("container " + name + ": publish", b.get("spec"));
            Plan done = daemon.onEngine(p.get(2), () -> {
                DesiredState d = daemon.desiredOrEmpty();
                ContainerSpec c = find(d, name);
                List<PortSpec> ports = new ArrayList<>(c.publish());
                if (add) {
                    if (ports.contains(port)) throw new ApiError(409, "container " + name + " already publishes " + port);
                    ports.add(port);
                } else if (!ports.remove(port)) {
                    throw new ApiError(404, "container " + name + " does not publish " + port + " (it publishes "
                            + (c.publish().isEmpty() ? "nothing" : c.publish().toString()) + ")");
                }
                return daemon.applyDesired(p.get(2), "container " + name + " " + port, peer,
                        d.withContainer(c.withPublish(ports)),
                        Engine.ProgressListener.NONE, Daemon.OnFailure.REVERT);
            });
            ok(ex, ApiJson.toJson(done));
            return;
        }
        only(p, 2);
        allow(m, "GET", "PUT", "DELETE");
        switch (m) {
            case "GET" -> ok(ex, daemon.onEngine("inspect container", () -> {
                EngineStatus st = daemon.statusRows();
                EngineStatus.ContainerStatus cs = st.containers().stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
                ContainerSpec spec = daemon.desiredOrEmpty().container(name).orElse(null);
                if (cs == null && spec == null) throw new ApiError(404, "no such container: " + name);
                ObjectNode o = F.objectNode();
                o.set("spec", spec == null ? F.nullNode() : ApiJson.toJson(spec));
                o.set("status", cs == null ? F.nullNode() : ApiJson.toJson(cs));
                return o;
            }));
            case "PUT" -> {
                ContainerSpec spec = ApiJson.containerSpec(body(r, "container"));
                if (!spec.name().equals(name)) {
                    throw new ValidationException("container " + name + ": name", spec.name(), "differs from the path",
                            "the name in the path, " + name);
                }
                Plan done = daemon.onEngine("update container", () -> {
                    DesiredState d = daemon.desiredOrEmpty();
                    find(d, name);
                    return daemon.applyDesired("update", "container " + name, peer, d.withContainer(spec),
                            Engine.ProgressListener.NONE, Daemon.OnFailure.REVERT);
                });
                ok(ex, ApiJson.toJson(done));
            }
            default -> {
                Plan done = daemon.onEngine("remove container", () -> {
                    DesiredState d = daemon.desiredOrEmpty();
                    find(d, name);
                    List<String> users = Summaries.users(d, null, name);
                    if (!users.isEmpty()) {
                        throw new ApiError(409, "container " + name + " shares its namespace with " + String.join(", ", users)
                                + " (remove them first)");
                    }
                    return daemon.applyDesired("disconnect", "container " + name, peer, d.withoutContainer(name),
                            Engine.ProgressListener.NONE, Daemon.OnFailure.REVERT);
                });
                ok(ex, ApiJson.toJson(done));
            }
        }
    }

    /**
     * {@code POST /v1/cni}: one call of the CNI plugin executable, {@code {"env": {"CNI_COMMAND": ...},
     * "stdin": "<base64>"}}. 200 with what the plugin prints on success (empty for DEL, CHECK, GC, STATUS); a CNI
     * error document otherwise, marked by the header {@value #CNI_ERROR_HEADER} (its value: the CNI code), with
     * 503 for code 11, 400 for the codes about the call itself and 500 for the engine's failures.
     */
    private void cni(Exchange ex, JsonNode call) throws IOException {
        Map<String, String> env = new HashMap<>();
        byte[] stdin;
        try {
            if (!call.isObject() || !call.path("env").isObject() || !call.path("stdin").isTextual() || call.size() != 2) {
                throw new ValidationException("CNI call", ApiJson.write(call).length() > 64 ? null : ApiJson.write(call),
                        "not {\"env\": {...}, \"stdin\": \"<base64>\"}", "the body the nlbridge CNI plugin sends");
            }
            call.get("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
            stdin = java.util.Base64.getDecoder().decode(call.get("stdin").textValue());
        } catch (IllegalArgumentException e) {
            throw new ValidationException("CNI call: stdin", null, "not base64: " + e.getMessage(), "base64");
        }
        EngineTime.take();
        long start = System.nanoTime();
        CniPlugin.Answer a = cni.call(env, stdin);
        long[] engine = EngineTime.take();
        // where the time went (RFC 9110 Server-Timing, milliseconds): waiting for the engine thread, engine work, all
        String[] timing = {"Server-Timing", String.format(Locale.ROOT, "queue;dur=%.3f, engine;dur=%.3f, total;dur=%.3f",
                engine[0] / 1e6, engine[1] / 1e6, (System.nanoTime() - start) / 1e6)};
        if (a.exit() == 0) {
            ex.respond(200, Exchange.JSON, a.stdout(), List.<String[]>of(timing));
            return;
        }
        int status = switch (a.code()) {
            case CniException.TRY_AGAIN_LATER, CniException.NOT_AVAILABLE -> 503;
            case CniException.ENGINE_FAILED, CniException.GC_INCOMPLETE -> 500;
            default -> 400;
        };
        ex.respond(status, Exchange.JSON, a.stdout(), List.of(new String[]{CNI_ERROR_HEADER, Integer.toString(a.code())}, timing));
    }

    /** Marks a {@code /v1/cni} answer that is a CNI error document (the plugin executable prints it and exits 1). */
    static final String CNI_ERROR_HEADER = "Cni-Error";

    private static ContainerSpec find(DesiredState d, String name) {
        return d.container(name).orElseThrow(() -> new ApiError(404, "no such container: " + name));
    }

    // ------------------------------------------------------------------------------------------- helpers

    private static void only(List<String> p, int size) {
        if (p.size() != size) throw new ApiError(404, "no such API path: /v1/" + String.join("/", p) + " (see openapi.yaml)");
    }

    private static void allow(String method, String... allowed) {
        for (String a : allowed) if (a.equals(method)) return;
        throw new ApiError(405, "method " + method + " is not allowed here; use " + String.join(" or ", allowed));
    }

    private static boolean flag(HttpRequest r, String name) {
        String v = r.param(name);
        if (v == null) return false;
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "", "1", "true", "yes" -> true;
            case "0", "false", "no" -> false;
            default -> throw new ValidationException(name, v, "not a boolean", "true or false");
        };
    }

    private static JsonNode body(HttpRequest r, String what) {
        String ct = r.headers().has("Content-Type") ? header(r, "Content-Type") : null;
        if (ct == null || !ct.toLowerCase(Locale.ROOT).split(";")[0].strip().equals("application/json")) {
            throw new ApiError(415, "the " + what + " must be sent as Content-Type: application/json");
        }
        return ApiJson.parse(what, r.body());
    }

    private static String header(HttpRequest r, String name) {
        try {
            return r.headers().get(name);
        } catch (HttpException e) {
            throw new ApiError(e.status(), e.getMessage());
        }
    }

    static void ok(Exchange ex, JsonNode body) throws IOException {
        send(ex, 200, body);
    }

    private static void send(Exchange ex, int status, JsonNode body) throws IOException {
        ex.respond(status, Exchange.JSON, ApiJson.bytes(body));
    }
}

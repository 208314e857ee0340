package org.nlbridge.testing.cni;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.nlbridge.testing.Cmd;

/**
 * A runtime's side of CNI in a few hundred lines, the part of libcni a test needs, written from SPEC.md section 3
 * because no packaged runtime speaks 1.1.0 (podman 4.3 and containerd 1.6 stop at 1.0.0 and never send GC or STATUS):
 * the version is the highest of the conflist's {@code cniVersion}/{@code cniVersions} this runtime takes; ADD runs the
 * plugins in order, each given the one before's result as {@code prevResult}, and stores the final result; DEL runs
 * them in reverse with that final result; CHECK in order with it (not at all with {@code disableCheck}); GC runs every
 * plugin with {@code cni.dev/valid-attachments} (and the older {@code cni.dev/attachments}) and goes on past errors;
 * STATUS asks every plugin. {@code runtimeConfig} is the union of what a plugin's {@code capabilities} declare and
 * the runtime provides; {@code capabilities} itself is not passed on. Plugins run as processes found on
 * {@code CNI_PATH}, optionally inside a namespace ({@code nsenter --net}) that plays the host.
 */
public final class Libcni {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final List<String> VERSIONS = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");

    private final List<Path> path;
    private final String hostNetns;
    private final String maxVersion;
    private final Map<String, JsonNode> results = new ConcurrentHashMap<>();

    /**
     * @param path       the plugin directories ({@code CNI_PATH})
     * @param hostNetns  the named namespace plugins run in (null: this process's)
     * @param maxVersion the newest spec version this runtime takes (podman 4.3: "1.0.0")
     */
    public Libcni(List<Path> path, String hostNetns, String maxVersion) {
        this.path = List.copyOf(path);
        this.hostNetns = hostNetns;
        this.maxVersion = maxVersion;
    }

    /** One attachment: {@code (containerId, ifname)} in {@code netns}, with CNI_ARGS and capability arguments. */
    public record Attachment(String containerId, String netns, String ifname, String args, Map<String, Object> capabilityArgs) {
        public Attachment {
            capabilityArgs = capabilityArgs == null ? Map.of() : Map.copyOf(capabilityArgs);
        }

        public static Attachment of(String containerId, String netns) {
            return new Attachment(containerId, netns, "eth0", null, Map.of());
        }

        public Attachment with(String capability, Object value) {
            Map<String, Object> m = new LinkedHashMap<>(capabilityArgs);
            m.put(capability, value);
            return new Attachment(containerId, netns, ifname, args, m);
        }

        public Attachment ifname(String name) {
            return new Attachment(containerId, netns, name, args, capabilityArgs);
        }

        public Attachment args(String cniArgs) {
            return new Attachment(containerId, netns, ifname, cniArgs, capabilityArgs);
        }
    }

    /** A plugin that answered with an error document (or nothing readable). */
    public static final class CniError extends RuntimeException {
        public final String plugin;
        public final int code;
        public final JsonNode document;

        CniError(String plugin, int code, String msg, JsonNode document) {
            super(plugin + ": CNI error " + code + ": " + msg);
            this.plugin = plugin;
            this.code = code;
            this.document = document;
        }
    }

    /** One plugin execution as it happened, for tests and the benchmark. */
    public record Exec(String type, String command, int exit, String stdout, String stderr, long nanos) {}

    private final List<Exec> log = java.util.Collections.synchronizedList(new ArrayList<>());

    public List<Exec> log() {
        return List.copyOf(log);
    }

    /** The version of spec section 1: the highest of the conflist's versions that this runtime takes. */
    public String version(JsonNode conflist) {
        List<String> offered = new ArrayList<>();
        offered.add(conflist.path("cniVersion").asText());
        conflist.path("cniVersions").forEach(v -> offered.add(v.asText()));
        String best = null;
        for (String v : offered) {
            if (!VERSIONS.contains(v) || VERSIONS.indexOf(v) > VERSIONS.indexOf(maxVersion)) continue;
            if (best == null || VERSIONS.indexOf(v) > VERSIONS.indexOf(best)) best = v;
        }
        if (best == null) throw new IllegalArgumentException("no version of " + offered + " up to " + maxVersion);
        return best;
    }

    private static String key(JsonNode conflist, Attachment a) {
        return conflist.path("name").asText() + "/" + a.containerId() + "/" + a.ifname();
    }

    /** The final ADD result stored for an attachment (libcni's cache), or null. */
    public JsonNode cached(JsonNode conflist, Attachment a) {
        return results.get(key(conflist, a));
    }

    public JsonNode add(JsonNode conflist, Attachment a) {
        JsonNode prev = null;
        for (JsonNode p : conflist.path("plugins")) {
            prev = exec(p, "ADD", request(conflist, p, a, prev, true), a);
        }
        results.put(key(conflist, a), prev);
        return prev;
    }

    public void del(JsonNode conflist, Attachment a) {
        JsonNode prev = results.get(key(conflist, a));
        List<JsonNode> plugins = new ArrayList<>();
        conflist.path("plugins").forEach(plugins::add);
        for (JsonNode p : plugins.reversed()) exec(p, "DEL", request(conflist, p, a, prev, true), a);
        results.remove(key(conflist, a));
    }

    public void check(JsonNode conflist, Attachment a) {
        check(conflist, a, results.get(key(conflist, a)));
    }

    /** CHECK with a stored result of the caller's (a runtime whose cache went wrong). */
    public void check(JsonNode conflist, Attachment a, JsonNode prev) {
        if (conflist.path("disableCheck").asBoolean(false)) return;
        for (JsonNode p : conflist.path("plugins")) exec(p, "CHECK", request(conflist, p, a, prev, true), a);
    }

    /** GC: every plugin, past errors; returns them (empty: all succeeded). */
    public List<CniError> gc(JsonNode conflist, List<Attachment> valid) {
        List<CniError> errors = new ArrayList<>();
        if (conflist.path("disableGC").asBoolean(false)) return errors;
        for (JsonNode p : conflist.path("plugins")) {
            ObjectNode r = request(conflist, p, null, null, false);
            ArrayNode list = JSON.createArrayNode();
            for (Attachment a : valid) list.addObject().put("containerID", a.containerId()).put("ifname", a.ifname());
            r.set("cni.dev/valid-attachments", list);
            r.set("cni.dev/attachments", list.deepCopy());
            try {
                exec(p, "GC", r, null);
            } catch (CniError e) {
                errors.add(e);
            }
        }
        return errors;
    }

    public void status(JsonNode conflist) {
        for (JsonNode p : conflist.path("plugins")) exec(p, "STATUS", request(conflist, p, null, null, false), null);
    }

    /** A plugin's answer to VERSION. */
    public JsonNode versionInfo(String type, String asked) {
        ObjectNode p = JSON.createObjectNode().put("type", type);
        return exec(p, "VERSION", JSON.createObjectNode().put("cniVersion", asked), new Attachment("dummy", "dummy", "dummy", null, null));
    }

    /** Spec section 3, "Deriving request configuration from plugin configuration". */
    ObjectNode request(JsonNode conflist, JsonNode plugin, Attachment a, JsonNode prev, boolean attachmentOp) {
        ObjectNode r = plugin.deepCopy();
        r.put("cniVersion", version(conflist));
        r.put("name", conflist.path("name").asText());
        r.remove("capabilities");
        if (attachmentOp) {
            ObjectNode rc = JSON.createObjectNode();
            JsonNode caps = plugin.path("capabilities");
            for (Iterator<String> it = caps.fieldNames(); it.hasNext(); ) {
                String c = it.next();
                if (caps.path(c).asBoolean(false) && a.capabilityArgs().containsKey(c)) rc.set(c, JSON.valueToTree(a.capabilityArgs().get(c)));
            }
            if (!rc.isEmpty()) r.set("runtimeConfig", rc);
            if (prev != null) r.set("prevResult", prev);
        }
        return r;
    }

    private JsonNode exec(JsonNode plugin, String command, JsonNode stdin, Attachment a) {
        String type = plugin.path("type").asText();
        Path bin = null;
        for (Path d : path) if (Files.isExecutable(d.resolve(type))) { bin = d.resolve(type); break; }
        if (bin == null) throw new CniError(type, -1, "plugin not found on " + path, null);
        List<String> argv = new ArrayList<>();
        if (hostNetns != null) argv.addAll(List.of("nsenter", "--net=/run/netns/" + hostNetns, "--"));
        argv.add(bin.toString());
        ProcessBuilder pb = new ProcessBuilder(argv);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("CNI_"));
        env.put("CNI_COMMAND", command);
        env.put("CNI_PATH", String.join(":", path.stream().map(Path::toString).toList()));
        if (a != null) {
            env.put("CNI_CONTAINERID", a.containerId());
            env.put("CNI_NETNS", a.netns() == null ? "" : a.netns());
            env.put("CNI_IFNAME", a.ifname());
            if (a.args() != null) env.put("CNI_ARGS", a.args());
        }
        long t0 = System.nanoTime();
        Cmd.Result res = Cmd.exec(pb, stdin.toString(), Duration.ofSeconds(120));
        long nanos = System.nanoTime() - t0;
        log.add(new Exec(type, command, res.exit(), res.out(), res.err(), nanos));
        JsonNode out = null;
        if (!res.out().isBlank()) {
            try {
                out = JSON.readTree(res.out());
            } catch (IOException e) {
                throw new CniError(type, -1, command + " printed no JSON (exit " + res.exit() + "): " + res.out() + res.err(), null);
            }
        }
        if (res.exit() != 0) {
            if (out == null || !out.has("code")) {
                throw new CniError(type, -1, command + " exited " + res.exit() + " without an error document: " + res.out() + res.err(), out);
            }
            throw new CniError(type, out.path("code").asInt(), out.path("msg").asText(), out);
        }
        return out;
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

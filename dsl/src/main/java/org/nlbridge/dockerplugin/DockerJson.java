package org.nlbridge.dockerplugin;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nlbridge.client.ApiJson;
import org.nlbridge.net.ValidationException;

/**
 * Reading what dockerd sends: Go structs encoded by {@code encoding/json}, so a field that Go left at its zero value
 * may be absent, {@code null}, {@code ""}, {@code 0} or {@code false}, and all mean "not given". Fields of the
 * request objects that this plugin does not know are skipped (dockerd adds fields in newer releases); the option maps
 * inside them are checked key by key by their readers, since users write those keys.
 */
final class DockerJson {
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final String what;
    private final JsonNode node;

    private DockerJson(String what, JsonNode node) {
        this.what = what;
        this.node = node;
    }

    /** A request body; dockerd sends {@code null} (or nothing) for calls without arguments. */
    static DockerJson request(String call, byte[] body) {
        if (body.length == 0) return new DockerJson(call, F.objectNode());
        JsonNode n = ApiJson.parse(call, body);
        if (n.isNull()) return new DockerJson(call, F.objectNode());
        return object(call, n);
    }

    static DockerJson object(String what, JsonNode n) {
        if (n == null || n.isNull()) return new DockerJson(what, F.objectNode());
        if (!n.isObject()) throw new ValidationException(what, abbreviate(n), "not a JSON object", "an object {...}");
        return new DockerJson(what, n);
    }

    String what() {
        return what;
    }

    /** The value of {@code key}, or null when absent or {@code null}. */
    JsonNode get(String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    /** A string field; "" when absent (Go's zero value). */
    String text(String key) {
        JsonNode v = get(key);
        if (v == null) return "";
        if (!v.isTextual()) throw new ValidationException(what + ": " + key, abbreviate(v), "not a JSON string", "a string");
        return v.textValue();
    }

    /** A string field that must be given. */
    String required(String key) {
        String v = text(key);
        if (v.isEmpty()) throw new ValidationException(what + ": " + key, null, "missing", "a non-empty string");
        return v;
    }

    boolean bool(String key) {
        JsonNode v = get(key);
        if (v == null) return false;
        if (!v.isBoolean()) throw new ValidationException(what + ": " + key, abbreviate(v), "not a JSON boolean", "true or false");
        return v.booleanValue();
    }

    /** A whole number field in {@code 0..max}; 0 when absent. */
    int integer(String key, int max) {
        JsonNode v = get(key);
        if (v == null) return 0;
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0 || v.intValue() > max) {
            throw new ValidationException(what + ": " + key, abbreviate(v), "not a whole number 0.." + max,
                    "a whole number 0.." + max);
        }
        return v.intValue();
    }

    /** A nested object (empty when absent). */
    DockerJson object(String key) {
        return object(what + ": " + key, get(key));
    }

    /** An array of objects (empty when absent). */
    List<DockerJson> objects(String key) {
        JsonNode v = get(key);
        List<DockerJson> out = new ArrayList<>();
        if (v == null) return out;
        if (!v.isArray()) throw new ValidationException(what + ": " + key, abbreviate(v), "not a JSON array", "an array [...]");
        int i = 0;
        for (JsonNode x : v) out.add(object(what + ": " + key + "[" + i++ + "]", x));
        return out;
    }

    /** The fields in order (an options map). */
    Map<String, JsonNode> fields() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /** A map of strings (Docker's {@code -o} options and labels): every value must be a string. */
    Map<String, String> strings(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : object(key).fields().entrySet()) {
            JsonNode v = e.getValue();
            if (!v.isTextual()) {
                throw new ValidationException(what + ": " + key + ": " + e.getKey(), abbreviate(v), "not a string",
                        "a string value");
            }
            out.put(e.getKey(), v.textValue());
        }
        return out;
    }

    static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }

    static ObjectNode obj() {
        return F.objectNode();
    }
}

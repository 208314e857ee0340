package org.nlbridge.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import org.nlbridge.net.ValidationException;

/** A JSON object with a fixed set of keys, read key by key, each value checked as {@link ApiJson} reads it. */
final class Obj {
    private final String what;
    private final JsonNode node;

    Obj(String what, JsonNode node, Set<String> keys) {
        this.what = what;
        if (node == null || !node.isObject()) {
            throw new ValidationException(what, node == null ? null : abbreviate(node), "not a JSON object",
                    "an object {...}");
        }
        this.node = node;
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.contains(k)) {
                throw new ValidationException(what, k, "unknown key", "one of " + String.join(", ",
                        keys.stream().sorted().toList()));
            }
        }
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }

    JsonNode get(String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    void text(String key, Consumer<String> setter) {
        JsonNode v = get(key);
        if (v != null) setter.accept(ApiJson.text(what + ": " + key, v));
    }

    String optionalText(String key) {
        JsonNode v = get(key);
        return v == null ? null : ApiJson.text(what + ": " + key, v);
    }

    String requiredText(String key) {
        JsonNode v = get(key);
        if (v == null) throw new ValidationException(what + ": " + key, null, "missing", "a string");
        return ApiJson.text(what + ": " + key, v);
    }

    void bool(String key, Consumer<Boolean> setter) {
        JsonNode v = get(key);
        if (v == null) return;
        if (!v.isBoolean()) {
            throw new ValidationException(what + ": " + key, v.toString(), "not a JSON boolean", "true or false");
        }
        setter.accept(v.booleanValue());
    }

    void integer(String key, IntConsumer setter) {
        JsonNode v = get(key);
        if (v == null) return;
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new ValidationException(what + ": " + key, v.toString(), "not a whole number",
                    "a whole number, like 1400");
        }
        setter.accept(v.intValue());
    }

    Iterable<JsonNode> array(String key) {
        JsonNode v = get(key);
        if (v == null) return List.of();
        if (!v.isArray()) {
            throw new ValidationException(what + ": " + key, v.toString(), "not a JSON array", "an array [...]");
        }
        return v;
    }
}

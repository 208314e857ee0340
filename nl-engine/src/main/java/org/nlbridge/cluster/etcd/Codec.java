package org.nlbridge.cluster.etcd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * etcd's v3 JSON gateway encoding (the protobuf JSON mapping): keys and values are base64, 64-bit numbers are
 * decimal strings, fields at their default (0, false, empty) are left out, enums are their names. Replies are
 * checked field by field: anything else raises a {@link MalformedReplyException}, never a NullPointerException.
 */
final class Codec {
    static final ObjectMapper JSON = new ObjectMapper();

    private Codec() {}

    static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** The range end that makes {@code [prefix, end)} every key starting with {@code prefix} (etcd's prefixEnd). */
    static byte[] prefixEnd(String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = p.length - 1; i >= 0; i--) {
            if (p[i] != (byte) 0xff) {
                byte[] end = Arrays.copyOf(p, i + 1);
                end[i]++;
                return end;
            }
        }
        return new byte[]{0}; // every key
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static ObjectNode range(String key, boolean prefix, boolean keysOnly, long revision, long limit) {
        ObjectNode n = object().put("key", b64(key));
        if (prefix) n.put("range_end", b64(prefixEnd(key)));
        if (keysOnly) n.put("keys_only", true);
        if (revision > 0) n.put("revision", Long.toString(revision));
        if (limit > 0) n.put("limit", Long.toString(limit));
        return n;
    }

    static ObjectNode put(String key, String value, long lease) {
        ObjectNode n = object().put("key", b64(key)).put("value", b64(value));
        if (lease != 0) n.put("lease", Long.toString(lease));
        return n;
    }

    static ObjectNode delete(String key, boolean prefix) {
        ObjectNode n = object().put("key", b64(key));
        if (prefix) n.put("range_end", b64(prefixEnd(key)));
        return n;
    }

    static ObjectNode txn(List<Compare> compares, List<Op> success, List<Op> failure) {
        ObjectNode n = object();
        ArrayNode cs = n.putArray("compare");
        for (Compare c : compares) {
            ObjectNode o = cs.addObject().put("key", b64(c.key())).put("target", c.target().name())
                    .put("result", c.result().name());
            switch (c.target()) {
                case VERSION -> o.put("version", Long.toString(c.number()));
                case CREATE -> o.put("create_revision", Long.toString(c.number()));
                case MOD -> o.put("mod_revision", Long.toString(c.number()));
                case LEASE -> o.put("lease", Long.toString(c.number()));
                case VALUE -> o.put("value", b64(c.value()));
            }
        }
        ops(n.putArray("success"), success);
        ops(n.putArray("failure"), failure);
        return n;
    }

    private static void ops(ArrayNode into, List<Op> ops) {
        for (Op op : ops) {
            ObjectNode o = into.addObject();
            switch (op) {
                case Op.Put p -> o.set("request_put", put(p.key(), p.value(), p.lease()));
                case Op.Get g -> o.set("request_range", range(g.key(), g.prefix(), g.keysOnly(), 0, 0));
                case Op.Delete d -> o.set("request_delete_range", delete(d.key(), d.prefix()));
            }
        }
    }

    static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + n, e);
        }
    }

    // ---- replies

    static JsonNode parse(byte[] body, String what) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) throw new MalformedReplyException(what + ": the reply is not a JSON object: " + excerpt(body));
            return n;
        } catch (java.io.IOException e) {
            throw new MalformedReplyException(what + ": the reply is not JSON: " + excerpt(body), e);
        }
    }

    static String excerpt(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
        return s.replaceAll("[\\p{Cntrl}]", " ") + (body.length > 200 ? "..." : "");
    }

    /** A 64-bit field: absent or null is 0 (the JSON mapping omits defaults); a string or integer number. */
    static long int64(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) return 0;
        if (n.isIntegralNumber() && n.canConvertToLong()) return n.longValue();
        if (n.isTextual()) {
            try {
                return Long.parseLong(n.textValue());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new MalformedReplyException("field " + field + " is not a 64-bit integer: " + n);
    }

    static boolean bool(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) return false;
        if (!n.isBoolean()) throw new MalformedReplyException("field " + field + " is not a boolean: " + n);
        return n.booleanValue();
    }

    static String text(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) return "";
        if (!n.isTextual()) throw new MalformedReplyException("field " + field + " is not a string: " + n);
        return n.textValue();
    }

    /** A base64 field as UTF-8 text; absent is "". */
    static String unb64(JsonNode parent, String field) {
        String s = text(parent, field);
        try {
            return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedReplyException("field " + field + " is not base64: " + s, e);
        }
    }

    /** An object field; absent is an empty object (the JSON mapping omits empty messages). */
    static JsonNode obj(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) return object();
        if (!n.isObject()) throw new MalformedReplyException("field " + field + " is not an object: " + n);
        return n;
    }

    /** An array field; absent is empty. */
    static List<JsonNode> array(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) return List.of();
        if (!n.isArray()) throw new MalformedReplyException("field " + field + " is not an array: " + n);
        List<JsonNode> out = new ArrayList<>(n.size());
        for (JsonNode e : n) {
            if (!e.isObject()) throw new MalformedReplyException("an element of " + field + " is not an object: " + e);
            out.add(e);
        }
        return out;
    }

    static long revision(JsonNode reply) {
        return int64(obj(reply, "header"), "revision");
    }

    static KeyValue keyValue(JsonNode n) {
        return new KeyValue(unb64(n, "key"), unb64(n, "value"), int64(n, "create_revision"), int64(n, "mod_revision"),
                int64(n, "version"), int64(n, "lease"));
    }

    static RangeResult rangeResult(JsonNode reply, long revisionIfAbsent) {
        List<KeyValue> kvs = new ArrayList<>();
        for (JsonNode kv : array(reply, "kvs")) kvs.add(keyValue(kv));
        long rev = revision(reply);
        return new RangeResult(kvs, rev == 0 ? revisionIfAbsent : rev, int64(reply, "count"), bool(reply, "more"));
    }

    static TxnResult txnResult(JsonNode reply) {
        long rev = revision(reply);
        List<TxnResult.OpResult> results = new ArrayList<>();
        for (JsonNode r : array(reply, "responses")) {
            if (r.has("response_range")) {
                results.add(rangeResult(obj(r, "response_range"), rev));
            } else if (r.has("response_put")) {
                results.add(new TxnResult.PutResult(rev));
            } else if (r.has("response_delete_range")) {
                results.add(new TxnResult.DeleteResult(int64(obj(r, "response_delete_range"), "deleted")));
            } else {
                throw new MalformedReplyException("a transaction response of unknown kind: " + r);
            }
        }
        return new TxnResult(bool(reply, "succeeded"), rev, results);
    }
}

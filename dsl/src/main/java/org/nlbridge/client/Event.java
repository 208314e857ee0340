package org.nlbridge.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nlbridge.spec.Change;

/**
 * One entry of the daemon's event stream ({@code GET /v1/events}, {@code nlbridge events}): what the kernel
 * reported in the host namespace, what the engine did, and what the daemon noticed and repaired.
 *
 * @param seq     increasing from 1 per daemon run; {@code ?since=} resumes after one
 * @param time    ISO-8601 instant
 * @param type    one of {@link #TYPES}
 * @param action  what happened, per type (see the OpenAPI file): {@code create}, {@code change}, {@code delete},
 *                {@code add}, {@code commit}, {@code apply}, {@code detected}, {@code repaired}, ...
 * @param object  what it happened to: a link name, {@code docker0 172.17.0.1/16}, {@code generation 42}, ...
 * @param owned   whether it concerns nlbridge's own objects (links with our marker, our bridges' addresses, our
 *                nf_tables tables) or, for an nf_tables commit, whether nlbridge committed it
 * @param detail  more, for people; may be empty
 * @param changes for {@code engine} and {@code drift} events: the changes made, as a plan lists them
 */
public record Event(long seq, String time, String type, String action, String object, boolean owned, String detail,
                    List<Change> changes) {

    /**
     * Kernel: {@code link}, {@code address}, {@code route}, {@code nft}; ours: {@code engine}, {@code drift},
     * {@code monitor}, {@code daemon}, {@code dns} (the name server: a container it cannot serve); the cluster's
     * (overlay networks): {@code peer}, {@code cluster}.
     */
    public static final Set<String> TYPES = Set.of("link", "address", "route", "nft", "engine", "drift", "monitor",
            "daemon", "dns", "peer", "cluster");

    public Event {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(object, "object");
        detail = detail == null ? "" : detail;
        changes = changes == null ? List.of() : List.copyOf(changes);
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("seq", seq);
        o.put("time", time);
        o.put("type", type);
        o.put("action", action);
        o.put("object", object);
        o.put("owned", owned);
        o.put("detail", detail);
        ArrayNode a = o.putArray("changes");
        changes.forEach(c -> a.add(ApiJson.toJson(c)));
        return o;
    }

    public static Event of(JsonNode n) {
        Obj o = new Obj("event", n, Set.of("seq", "time", "type", "action", "object", "owned",
                "detail", "changes"));
        JsonNode seq = o.get("seq");
        if (seq == null || !seq.canConvertToLong()) throw new IllegalArgumentException("event without a seq: " + n);
        JsonNode owned = o.get("owned");
        List<Change> changes = new ArrayList<>();
        for (JsonNode c : o.array("changes")) changes.add(ApiJson.change(c));
        return new Event(seq.longValue(), o.requiredText("time"), o.requiredText("type"), o.requiredText("action"),
                o.requiredText("object"), owned != null && owned.asBoolean(), o.optionalText("detail"), changes);
    }

    /** {@code 2025-06-01T12:00:00.123Z drift repaired docker0: address deleted (+ address docker0 ...)}, then one line per change. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(time).append(' ').append(type).append(' ').append(action).append(' ').append(object);
        if (!detail.isEmpty()) sb.append(" (").append(detail).append(')');
        sb.append('\n');
        for (Change c : changes) sb.append("  ").append(c).append('\n');
        return sb.toString();
    }
}

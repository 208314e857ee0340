package org.nlbridge.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nlbridge.engine.EngineStatus;
import org.nlbridge.net.ValidationException;

/**
 * The daemon's {@code /v1/status} document (what {@link ApiJson#toJson(EngineStatus)} writes) read back into an
 * {@link EngineStatus} with {@link JsonText}: all a thin {@code nlbridge -H ... status} needs, without Jackson. As strict as {@link ApiJson#status}: an unknown key or a value of the wrong type is an
 * error naming it.
 */
final class StatusJson {
    private StatusJson() {}

    static EngineStatus status(byte[] body) {
        try {
            Fields f = new Fields(JsonText.parse(body), "status");
            return f.done(new EngineStatus(f.list("networks", StatusJson::network),
                    f.list("containers", StatusJson::container), f.list("ports", StatusJson::port),
                    f.list("overlays", StatusJson::overlay), f.list("warnings", Fields::string)));
        } catch (IllegalArgumentException e) {
            throw new ValidationException("status", null, "not a status document: " + e.getMessage(), "an EngineStatus");
        }
    }

    private static EngineStatus.NetworkStatus network(Object o) {
        Fields f = new Fields(o, "network");
        return f.done(new EngineStatus.NetworkStatus(f.string("name"), f.string("bridge"), f.string("subnet"),
                f.string("gateway"), f.string("fixedCidr"), f.string("subnetV6"), f.integer("mtu"), f.bool("icc"),
                f.bool("ipMasq"), f.bool("internal"), f.string("firewall"), f.bool("bridgeOwned")));
    }

    private static EngineStatus.ContainerStatus container(Object o) {
        Fields f = new Fields(o, "container");
        return f.done(new EngineStatus.ContainerStatus(f.string("name"), f.string("network"), f.string("netns"),
                f.string("ifname"), f.string("hostVeth"), f.string("ipv4"), f.string("ipv6"), f.string("mac"),
                f.string("hostname"), f.list("files", Fields::string), f.list("attachments", StatusJson::attachment),
                f.labels("labels")));
    }

    private static EngineStatus.AttachmentStatus attachment(Object o) {
        Fields f = new Fields(o, "attachment");
        return f.done(new EngineStatus.AttachmentStatus(f.string("network"), f.string("ifname"), f.string("hostVeth"),
                f.string("ipv4"), f.string("ipv6"), f.string("mac"), f.bool("defaultRoute"),
                f.list("aliases", Fields::string)));
    }

    private static EngineStatus.PortStatus port(Object o) {
        Fields f = new Fields(o, "port");
        return f.done(new EngineStatus.PortStatus(f.string("container"), f.string("protocol"), f.string("hostIp"),
                f.integer("hostPort"), f.string("containerIp"), f.integer("containerPort"), f.number("packets"),
                f.number("bytes")));
    }

    private static EngineStatus.OverlayStatus overlay(Object o) {
        Fields f = new Fields(o, "overlay");
        return f.done(new EngineStatus.OverlayStatus(f.string("network"), f.integer("vni"), f.string("vxlan"),
                f.string("underlay"), f.string("store"), f.list("peers", StatusJson::peer)));
    }

    private static EngineStatus.PeerStatus peer(Object o) {
        Fields f = new Fields(o, "peer");
        return f.done(new EngineStatus.PeerStatus(f.string("host"), f.string("name"), f.string("underlay"),
                f.list("containers", Fields::string), f.number("lastSeenMs")));
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(Object value);
    }

    /** One object's members, taken one by one; {@link #done} refuses the ones nobody took. */
    private static final class Fields {
        private final String what;
        private final Map<String, Object> members;

        @SuppressWarnings("unchecked")
        Fields(Object o, String what) {
            if (!(o instanceof Map<?, ?>)) throw new IllegalArgumentException(what + " is not an object");
            this.what = what;
            this.members = new LinkedHashMap<>((Map<String, Object>) o);
        }

        private Object take(String key) {
            return members.remove(key);
        }

        <T> T done(T record) {
            if (!members.isEmpty()) {
                throw new IllegalArgumentException(what + ": unknown key \"" + members.keySet().iterator().next() + "\"");
            }
            return record;
        }

        String string(String key) {
            Object v = take(key);
            if (v == null || v instanceof String) return (String) v;
            throw new IllegalArgumentException(what + ": " + key + " is not a string");
        }

        static String string(Object v) {
            if (v instanceof String s) return s;
            throw new IllegalArgumentException("a list holds " + v + " where a string belongs");
        }

        boolean bool(String key) {
            if (take(key) instanceof Boolean b) return b;
            throw new IllegalArgumentException(what + ": " + key + " is not true or false");
        }

        long number(String key) {
            if (take(key) instanceof Long n) return n;
            throw new IllegalArgumentException(what + ": " + key + " is not an integer");
        }

        int integer(String key) {
            long n = number(key);
            if (n != (int) n) throw new IllegalArgumentException(what + ": " + key + " is out of range");
            return (int) n;
        }

        /** A list member; missing or null is an empty list. */
        <T> List<T> list(String key, Reader<T> each) {
            Object v = take(key);
            if (v == null) return List.of();
            if (!(v instanceof List<?> l)) throw new IllegalArgumentException(what + ": " + key + " is not a list");
            List<T> out = new ArrayList<>(l.size());
            for (Object x : l) out.add(each.read(x));
            return out;
        }

        Map<String, String> labels(String key) {
            Object v = take(key);
            if (v == null) return null;
            if (!(v instanceof Map<?, ?> m)) throw new IllegalArgumentException(what + ": " + key + " is not an object");
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) out.put((String) e.getKey(), string(e.getValue()));
            return out;
        }
    }
}

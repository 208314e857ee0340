package org.nlbridge.driver.overlay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.ValidationException;

/**
 * The JSON values the overlay writes to etcd, and their strict readers: a value another host wrote that does not
 * parse is reported and skipped (it never crashes a watch).
 */
final class Records {
    private Records() {}

    static final ObjectMapper JSON = new ObjectMapper();

    /** A value under a key that is not what the overlay writes there. */
    static final class BadRecord extends RuntimeException {
        BadRecord(String key, String why) {
            super("cluster store key " + key + ": " + why);
        }
    }

    /**
     * One container of a network on one host: where frames to its MAC go (its host's VTEP) and which address the
     * MAC answers for.
     */
    record EndpointRecord(String host, String container, Ipv4Address ip, MacAddress mac, Ipv4Address vtep) {
        String toJson() {
            ObjectNode o = JSON.createObjectNode();
            o.put("host", host).put("container", container).put("ip", ip.toString()).put("mac", mac.toString())
                    .put("vtep", vtep.toString());
            return o.toString();
        }

        static EndpointRecord parse(String key, String value) {
            JsonNode o = tree(key, value);
            try {
                return new EndpointRecord(text(key, o, "host"), text(key, o, "container"),
                        Ipv4Address.parse("ip", text(key, o, "ip")), MacAddress.parseUnicast("mac", text(key, o, "mac")),
                        Ipv4Address.parse("vtep", text(key, o, "vtep")));
            } catch (ValidationException e) {
                throw new BadRecord(key, e.getMessage());
            }
        }
    }

    /** A host: its ID, host name, underlay address and lease time to live (also a network's membership). */
    record HostRecord(String host, String name, Ipv4Address underlay, long ttlSeconds) {
        String toJson() {
            ObjectNode o = JSON.createObjectNode();
            o.put("host", host).put("name", name).put("underlay", underlay.toString()).put("ttl", ttlSeconds);
            return o.toString();
        }

        static HostRecord parse(String key, String value) {
            JsonNode o = tree(key, value);
            try {
                return new HostRecord(text(key, o, "host"), text(key, o, "name"),
                        Ipv4Address.parse("underlay", text(key, o, "underlay")), o.path("ttl").asLong(0));
            } catch (ValidationException e) {
                throw new BadRecord(key, e.getMessage());
            }
        }
    }

    static JsonNode tree(String key, String value) {
        try {
            JsonNode n = JSON.readTree(value);
            if (n == null || !n.isObject()) throw new BadRecord(key, "not a JSON object");
            return n;
        } catch (JsonProcessingException e) {
            throw new BadRecord(key, "not JSON: " + e.getOriginalMessage());
        }
    }

    static String text(String key, JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) throw new BadRecord(key, "no text field " + field);
        return v.asText();
    }
}

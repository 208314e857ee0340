package org.nlbridge.cni;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nlbridge.client.ApiJson;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.DnsSpec;
import org.nlbridge.spec.NetworkSpec;

/**
 * The network config a runtime hands the plugin on stdin (one plugin object of a {@code .conflist}, with the
 * runtime's additions). {@code name} is the nlbridge network; its keys are the DSL's network keys with the DSL's
 * validators and messages ({@code bridge}, {@code bip}, {@code fixedCidr}, {@code fixedCidrV6}, {@code mtu},
 * {@code icc}, {@code ipMasq}, {@code internal}, {@code firewall}, {@code macFromIp}, {@code driver}, ...), the CNI
 * {@code dns} block, {@code socket} (read by the plugin executable), {@code defaultRoute} and {@code spoofCheck}. The protocol's keys
 * ({@code cniVersion}, {@code type}, {@code runtimeConfig}, {@code prevResult}, {@code args}, {@code cni.dev/*}) are
 * read where they mean something; {@code capabilities}, which runtimes pass through although the spec says they must
 * not, is ignored. Any other key is an error (code 7) naming it.
 *
 * @param networkKeys  the network keys the config gives: only these must match an existing network of that name
 * @param defaultRoute whether this attachment sets the container's default route (null: only its first attachment)
 * @param spoofCheck   anti-spoofing on this attachment's bridge port (default true, as in scripts); false when a
 *                     plugin chained after this one changes the interface's MAC (the reference {@code tuning}'s
 *                     {@code mac}), which the check would otherwise refuse
 * @param prevResult   the previous plugin's result (ADD) or the final ADD result (DEL, CHECK); null if none
 * @param attachments  GC: the still valid attachments ({@code cni.dev/valid-attachments}, or the older
 *                     {@code cni.dev/attachments}); null when neither is given
 */
public record CniConfig(CniVersion version, String name, NetworkSpec network, Set<String> networkKeys,
                        Boolean defaultRoute, boolean spoofCheck, String socket, RuntimeConfig runtime, JsonNode prevResult,
                        List<AttachmentKey> attachments) {

    /** The plugin's {@code type}. */
    public static final String TYPE = "nlbridge";

    /** The DSL's network keys a config may give (the network's name is the config's {@code name}). */
    public static final List<String> NETWORK_KEYS = ApiJson.NETWORK_KEYS.stream().filter(k -> !k.equals("name")).toList();

    private static final Set<String> PROTOCOL_KEYS = Set.of("cniVersion", "cniVersions", "name", "type", "runtimeConfig",
            "prevResult", "capabilities", "args", "socket", "defaultRoute",
            "spoofCheck");

    /** A GC's still valid attachment, as {@code (CNI_CONTAINERID, CNI_IFNAME)}. */
    public record AttachmentKey(String containerId, String ifname) {}

    public CniConfig {
        networkKeys = Set.copyOf(networkKeys);
        if (attachments != null) attachments = List.copyOf(attachments);
    }

    /** Reads a config document; {@code version} was read from it already. */
    public static CniConfig read(CniVersion version, JsonNode doc) {
        if (!doc.isObject()) throw invalid("the network config is not a JSON object", "{\"cniVersion\": ..., \"name\": ..., \"type\": \"nlbridge\", ...}");
        String name = name(doc.get("name"));
        Set<String> given = new LinkedHashSet<>();
        ObjectNode net = JsonNodeFactory.instance.objectNode();
        net.put("name", name);
        for (Iterator<String> it = doc.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (NETWORK_KEYS.contains(k)) {
                if (k.equals("dns")) continue; // the CNI shape, read below
                given.add(k);
                net.set(k, doc.get(k));
            } else if (k.equals("ipam")) {
                throw invalid("invalid network config: ipam: nlbridge allocates the addresses itself",
                        "no ipam block; give the network's bip (and fixedCidr, fixedCidrV6) instead");
            } else if (!PROTOCOL_KEYS.contains(k) && !k.startsWith("cni.dev/")) {
                List<String> keys = new ArrayList<>(PROTOCOL_KEYS);
                keys.addAll(NETWORK_KEYS);
                throw invalid("invalid network config: unknown key \"" + k + "\"", "one of "
                        + String.join(", ", keys.stream().sorted().toList()));
            }
        }
        NetworkSpec spec;
        try {
            spec = ApiJson.networkSpec(net);
            JsonNode dns = doc.get("dns");
            if (dns != null && !dns.isNull()) {
                spec = spec.withDns(dns("network " + name + ": dns", dns));
                given.add("dns");
            }
        } catch (ValidationException e) {
            throw CniException.of(CniException.INVALID_CONFIG, e);
        }
        String type = optionalText(doc, "type");
        if (type == null) throw invalid("invalid network config: type missing", "\"type\": \"" + TYPE + "\"");
        Boolean defaultRoute = null;
        JsonNode dr = doc.get("defaultRoute");
        if (dr != null && !dr.isNull()) {
            if (!dr.isBoolean()) throw invalid("invalid network config: defaultRoute " + dr + ": not a JSON boolean", "true or false");
            defaultRoute = dr.booleanValue();
        }
        boolean spoofCheck = true;
        JsonNode sc = doc.get("spoofCheck");
        if (sc != null && !sc.isNull()) {
            if (!sc.isBoolean()) throw invalid("invalid network config: spoofCheck " + sc + ": not a JSON boolean", "true or false");
            spoofCheck = sc.booleanValue();
        }
        JsonNode prev = doc.get("prevResult");
        if (prev != null && prev.isNull()) prev = null;
        if (prev != null && !prev.isObject()) throw invalid("invalid network config: prevResult is not a JSON object", "a CNI result");
        return new CniConfig(version, name, spec, given, defaultRoute, spoofCheck, optionalText(doc, "socket"),
                RuntimeConfig.read(doc.get("runtimeConfig"), doc.get("args")), prev, attachments(doc));
    }

    /**
     * The first key of {@code keys} on which {@code want} (a config's network) differs from {@code existing} (the
     * network of that name), as the error an ADD answers; nothing when they agree on every key the config gives.
     */
    public static void requireMatch(NetworkSpec existing, NetworkSpec want, Set<String> keys) {
        JsonNode have = ApiJson.toJson(existing);
        JsonNode asked = ApiJson.toJson(want);
        for (String k : NETWORK_KEYS) {
            if (!keys.contains(k)) continue;
            JsonNode h = have.get(k);
            JsonNode a = asked.get(k);
            if (h == null ? a != null && !a.isNull() : !h.equals(a)) {
                String shown = h == null || h.isNull() ? "none" : h.isTextual() ? "\"" + h.textValue() + "\"" : h.toString();
                throw new CniException(CniException.INVALID_CONFIG, "invalid network config: " + k + " " + (a == null ? "null" : a)
                        + ": network " + existing.name() + " exists with " + k + " " + shown
                        + "; expected the network's own value, or no " + k + " in the config");
            }
        }
    }

    private static CniException invalid(String msg, String expected) {
        return new CniException(CniException.INVALID_CONFIG, msg + "; expected " + expected);
    }

    /** The CNI rule for network names, and nlbridge's for the names it keeps. */
    private static String name(JsonNode n) {
        if (n == null || n.isNull()) throw invalid("invalid network config: name missing", "the nlbridge network's name");
        if (!n.isTextual()) throw invalid("invalid network config: name " + n + ": not a JSON string", "the nlbridge network's name");
        String name = n.textValue();
        try {
            org.nlbridge.net.SafeName.check("network config: name", name);
        } catch (ValidationException e) {
            throw CniException.of(CniException.INVALID_CONFIG, e);
        }
        if (name.charAt(0) == '_') {
            throw invalid("invalid network config: name \"" + name + "\": starts with '_'", "a name starting with a letter or digit (CNI)");
        }
        return name;
    }

    static String optionalText(JsonNode doc, String key) {
        JsonNode v = doc.get(key);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw invalid("invalid network config: " + key + " " + v + ": not a JSON string", "a string");
        return v.textValue();
    }

    /** The CNI {@code dns} block: nameservers, domain, search, options (the domain is the search list when none is given). */
    static DnsSpec dns(String what, JsonNode n) {
        if (!n.isObject()) throw invalid("invalid network config: dns is not a JSON object", "{\"nameservers\": [...], \"search\": [...], \"options\": [...]}");
        DnsSpec.Builder b = DnsSpec.builder();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!Set.of("nameservers", "domain", "search", "options").contains(k)) {
                throw invalid("invalid network config: dns: unknown key \"" + k + "\"", "nameservers, domain, search, options");
            }
        }
        for (String s : texts(what + ".nameservers", n.get("nameservers"))) b.nameserver(org.nlbridge.net.IpAddress.parse(what + ".nameservers", s));
        List<String> search = texts(what + ".search", n.get("search"));
        if (search.isEmpty()) {
            JsonNode d = n.get("domain");
            if (d != null && !d.isNull()) search = texts(what + ".domain", JsonNodeFactory.instance.arrayNode().add(d));
        }
        for (String s : search) b.search(org.nlbridge.net.DnsSearchDomain.parse(what + ".search", s));
        for (String s : texts(what + ".options", n.get("options"))) b.option(org.nlbridge.net.DnsOption.parse(what + ".options", s));
        return b.build();
    }

    /** A JSON array of strings (absent or null: none). */
    static List<String> texts(String what, JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) return out;
        if (!n.isArray()) throw invalid("invalid network config: " + what + " " + abbreviate(n) + ": not a JSON array", "an array of strings");
        for (JsonNode x : n) {
            if (!x.isTextual()) throw invalid("invalid network config: " + what + " " + abbreviate(x) + ": not a JSON string", "an array of strings");
            out.add(x.textValue());
        }
        return out;
    }

    static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }

    private static List<AttachmentKey> attachments(JsonNode doc) {
        JsonNode n = doc.get("cni.dev/valid-attachments");
        String key = "cni.dev/valid-attachments";
        if (n == null || n.isNull()) {
            n = doc.get("cni.dev/attachments");
            key = "cni.dev/attachments";
        }
        if (n == null || n.isNull()) return null;
        if (!n.isArray()) throw invalid("invalid network config: " + key + " is not a JSON array", "[{\"containerID\": ..., \"ifname\": ...}, ...]");
        List<AttachmentKey> out = new ArrayList<>();
        for (JsonNode a : n) {
            JsonNode id = a.get("containerID");
            JsonNode ifname = a.get("ifname");
            if (!a.isObject() || id == null || !id.isTextual() || ifname == null || !ifname.isTextual()) {
                throw invalid("invalid network config: " + key + " entry " + abbreviate(a), "{\"containerID\": \"...\", \"ifname\": \"...\"}");
            }
            out.add(new AttachmentKey(id.textValue(), ifname.textValue()));
        }
        return out;
    }
}

package org.nlbridge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Independent views of kernel state: iproute2's {@code ip -j} and {@code bridge -j} and nftables' {@code nft -j},
 * never our own parser.
 */
public final class Oracle {
    private Oracle() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code ip -n NS -j -d ARGS...} parsed. */
    public static JsonNode ip(String ns, String... args) {
        return iproute2("ip", ns, args);
    }

    /** {@code bridge -n NS -j -d ARGS...} parsed (the FDB: {@code bridge(ns, "fdb", "show", "dev", "vx0")}). */
    public static JsonNode bridge(String ns, String... args) {
        return iproute2("bridge", ns, args);
    }

    private static JsonNode iproute2(String tool, String ns, String... args) {
        List<String> argv = new ArrayList<>(List.of(tool, "-n", ns, "-j", "-d"));
        argv.addAll(List.of(args));
        String out = Cmd.run(null, argv.toArray(String[]::new));
        try {
            return JSON.readTree(out.isBlank() ? "[]" : out);
        } catch (java.io.IOException e) {
            throw new AssertionError(tool + " -j printed something that is not JSON: " + out, e);
        }
    }

    /** The link named {@code name} in {@code ns}, or null. */
    public static JsonNode link(String ns, String name) {
        for (JsonNode l : ip(ns, "link", "show")) {
            if (name.equals(l.path("ifname").asText())) return l;
        }
        return null;
    }

    /** All {@code local/prefixlen} addresses of a link, e.g. {@code 10.0.0.1/24}. */
    public static List<String> addresses(String ns, String ifname) {
        List<String> out = new ArrayList<>();
        for (JsonNode l : ip(ns, "addr", "show", "dev", ifname)) {
            for (JsonNode a : l.path("addr_info")) out.add(a.path("local").asText() + "/" + a.path("prefixlen").asInt());
        }
        return out;
    }

    /** {@code nft -j list ruleset} of a namespace. */
    public static JsonNode nft(String ns) {
        String out = Cmd.run(null, "ip", "netns", "exec", ns, "nft", "-j", "list", "ruleset");
        try {
            return JSON.readTree(out);
        } catch (java.io.IOException e) {
            throw new AssertionError("nft -j printed something that is not JSON: " + out, e);
        }
    }
}

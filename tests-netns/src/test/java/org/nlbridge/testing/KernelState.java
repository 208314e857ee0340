package org.nlbridge.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a namespace's kernel holds, flattened to {@code key -> value} for diffing, from the independent oracles
 * ({@code ip -j -d}, {@code nft -j}, {@code /proc/sys}): links (kind, mtu, up, master, bridge-port hairpin, alias),
 * addresses, routes of the main table that are not the kernel's own, the sysctls the engine is known to set, and
 * every nf_tables table, chain, rule, set and set element. A namespace that does not exist reads as empty.
 *
 * <p>Keys: {@code link NAME}, {@code address DEV CIDR}, {@code route DST dev DEV -4|-6}, {@code sysctl KEY} (dotted),
 * {@code nft table FAMILY NAME}, {@code nft chain F T NAME}, {@code nft rule F T CHAIN EXPR},
 * {@code nft set F T NAME}, {@code nft element F T SET ELEM}.
 */
public final class KernelState {
    private KernelState() {}

    /** The sysctls per interface whose change must be announced, and the global ones. */
    private static final String SYSCTLS = "/proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding"
            + " /proc/sys/net/ipv4/conf/*/route_localnet /proc/sys/net/ipv4/conf/*/arp_notify"
            + " /proc/sys/net/ipv6/conf/*/accept_ra /proc/sys/net/ipv6/conf/*/disable_ipv6"
            + " /proc/sys/net/ipv6/conf/*/autoconf /proc/sys/net/ipv6/conf/*/accept_redirects";

    public static Map<String, String> of(String ns) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(Path.of("/run/netns", ns))) return out;
        for (JsonNode l : Oracle.ip(ns, "link", "show")) {
            JsonNode slave = l.path("linkinfo").path("info_slave_data");
            out.put("link " + l.path("ifname").asText(), "kind=" + l.path("linkinfo").path("info_kind").asText("-")
                    + " mtu=" + l.path("mtu").asInt() + " up=" + flag(l, "UP") + " master=" + l.path("master").asText("-")
                    + " hairpin=" + slave.path("hairpin").asText("-") + " alias=" + l.path("ifalias").asText("-"));
        }
        for (JsonNode l : Oracle.ip(ns, "addr", "show")) {
            for (JsonNode a : l.path("addr_info")) {
                out.put("address " + l.path("ifname").asText() + " " + a.path("local").asText() + "/"
                        + a.path("prefixlen").asInt(), "");
            }
        }
        for (String family : new String[] {"-4", "-6"}) {
            for (JsonNode r : Oracle.ip(ns, family, "route", "show", "table", "main")) {
                if (r.path("protocol").asText().equals("kernel")) continue; // the kernel's own, from an address
                out.put("route " + r.path("dst").asText() + " dev " + r.path("dev").asText() + " " + family,
                        "via " + r.path("gateway").asText("-"));
            }
        }
        String sysctls = Cmd.exec(null, "ip", "netns", "exec", ns, "sh", "-c", "grep -H . " + SYSCTLS + " 2>/dev/null").out();
        for (String line : sysctls.split("\n")) {
            int colon = line.lastIndexOf(':');
            if (colon < 0) continue;
            out.put("sysctl " + line.substring("/proc/sys/".length(), colon).replace('/', '.'), line.substring(colon + 1));
        }
        nft(ns, out);
        return out;
    }

    private static boolean flag(JsonNode link, String flag) {
        for (JsonNode f : link.path("flags")) if (f.asText().equals(flag)) return true;
        return false;
    }

    private static void nft(String ns, Map<String, String> out) {
        for (JsonNode item : Oracle.nft(ns).path("nftables")) {
            Iterator<String> kinds = item.fieldNames();
            String kind = kinds.next();
            JsonNode o = item.path(kind);
            String f = o.path("family").asText();
            String t = o.path("table").asText();
            switch (kind) {
                case "table" -> out.put("nft table " + f + " " + o.path("name").asText(), "");
                case "chain" -> out.put("nft chain " + f + " " + t + " " + o.path("name").asText(), "");
                case "rule" -> out.put("nft rule " + f + " " + t + " " + o.path("chain").asText() + " "
                        + withoutCounters(o.path("expr")), "");
                case "set", "map" -> {
                    String name = o.path("name").asText();
                    out.put("nft set " + f + " " + t + " " + name, "");
                    for (JsonNode e : o.path("elem")) out.put("nft element " + f + " " + t + " " + name + " "
                            + withoutCounters(e), "");
                }
                default -> { } // metainfo, flowtables, objects: not ours
            }
        }
    }

    /** The JSON text without counter values, which change with traffic. */
    private static String withoutCounters(JsonNode n) {
        JsonNode copy = n.deepCopy();
        strip(copy);
        return copy.toString();
    }

    private static void strip(JsonNode n) {
        if (n instanceof ObjectNode o) {
            if (o.has("counter") && o.get("counter").isObject()) o.putNull("counter");
            o.remove("handle");
        }
        for (JsonNode child : n) strip(child);
    }
}

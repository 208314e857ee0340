package org.nlbridge.dsl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The script grammar as data: every key of every block with an example of its use and what it takes, in the order
 * the README documents them. Compile errors use it to name the block, suggest the key meant and show the expected form; a
 * test keeps it equal to the public methods of the block classes. Keys are a public contract: add, never rename.
 */
final class Vocabulary {
    private Vocabulary() {}

    /** One key: how it is written, and what it takes, in words for messages. */
    record Key(String example, String takes) {}

    /** One block: its name in messages, the class its closures delegate to, and its keys in README order. */
    record Block(String name, Class<?> type, Map<String, Key> keys) {
        /** "a network block", or "the top level of the script". */
        String where() {
            return this == TOP ? "at the top level of the script" : "in a " + name + " block";
        }
    }

    private static final String NAME = "a quoted string";
    private static final String TEXTS = "one or more quoted strings";
    private static final String BOOL = "true or false";

    static final Block TOP = new Block("script", NlbridgeScript.class, keys(
            "network", "network('bridge') { bridge 'docker0' }", "a quoted name and optionally a { } block",
            "container", "container('web') { network 'bridge' }", "a quoted name and optionally a { } block",
            "userRules", "userRules { allowOnlyFrom '8.8.8.8', on: 'uplink0' }", "a { } block"));

    static final Block NETWORK = new Block("network", NetworkBlock.class, keys(
            "driver", "driver 'bridge'", NAME,
            "bridge", "bridge 'docker0'", NAME,
            "useBridge", "useBridge 'bridge0'", NAME,
            "bip", "bip '172.17.42.1/16'", NAME,
            "subnet", "subnet '172.17.0.0/16'", NAME,
            "vni", "vni 4096", "a whole number",
            "fixedCidr", "fixedCidr '172.17.42.0/24'", NAME,
            "fixedCidrV6", "fixedCidrV6 'fd00:17::/64'", NAME,
            "mtu", "mtu 1400", "a whole number",
            "icc", "icc false", BOOL,
            "ipMasq", "ipMasq true", BOOL,
            "ipForward", "ipForward true", BOOL,
            "internal", "internal true", BOOL,
            "firewall", "firewall 'nftables'", NAME,
            "macFromIp", "macFromIp true", BOOL,
            "gatewayMode", "gatewayMode 'routed'", NAME,
            "gatewayModeV6", "gatewayModeV6 'routed'", NAME,
            "hostBindingIp", "hostBindingIp '127.0.0.1'", NAME,
            "dns", "dns { nameserver '9.9.9.9' }", "a { } block"));

    static final Block CONTAINER = new Block("container", ContainerBlock.class, keys(
            "netns", "netns 'web'", NAME,
            "network", "network 'bridge'", NAME,
            "hostname", "hostname 'web1'", NAME,
            "mac", "mac '02:42:ac:11:00:99'", NAME,
            "ip", "ip '172.17.42.10'", NAME,
            "ip6", "ip6 'fd00:17::10'", NAME,
            "ifname", "ifname 'eth0'", NAME,
            "publish", "publish '5000:22'", TEXTS,
            "alias", "alias 'db', 'database'", TEXTS,
            "addHost", "addHost 'db.local:10.1.2.3'", TEXTS,
            "spoofCheck", "spoofCheck false", BOOL,
            "dns", "dns { nameserver '8.8.8.8' }", "a { } block",
            "connect", "connect 'backend', ip: '172.18.0.10'",
            "a quoted network name, optionally after ip:, ip6:, ifname:, alias:, mac:, publish:, defaultRoute:,"
                    + " spoofCheck:",
            "defaultRoute", "defaultRoute false", BOOL));

    static final Block DNS = new Block("dns", DnsBlock.class, keys(
            "nameserver", "nameserver '9.9.9.9'", TEXTS,
            "search", "search 'example.com'", TEXTS,
            "option", "option 'ndots:2'", TEXTS));

    static final Block USER_RULES = new Block("userRules", UserRulesBlock.class, keys(
            "allowOnlyFrom", "allowOnlyFrom '8.8.8.8', on: 'uplink0'",
            "one or more quoted addresses or subnets and on: 'INTERFACE'"));

    static final List<Block> BLOCKS = List.of(TOP, NETWORK, CONTAINER, DNS, USER_RULES);

    /** The block a closure passed to this key opens, or null if the key opens none. */
    static Block opens(String key) {
        return switch (key) {
            case "network" -> NETWORK;
            case "container" -> CONTAINER;
            case "dns" -> DNS;
            case "userRules" -> USER_RULES;
            default -> null;
        };
    }

    private static Map<String, Key> keys(String... triples) {
        Map<String, Key> m = new LinkedHashMap<>();
        for (int i = 0; i < triples.length; i += 3) m.put(triples[i], new Key(triples[i + 1], triples[i + 2]));
        return Collections.unmodifiableMap(m);
    }

    /** The closest key within edit distance 2 (or a case-insensitive match), or null. */
    static String suggest(Block block, String typed) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : block.keys().keySet()) {
            int d = k.equalsIgnoreCase(typed) ? 0 : distance(k.toLowerCase(Locale.ROOT),
                    typed.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return bestDistance <= Math.max(1, Math.min(2, typed.length() / 3)) ? best : null;
    }

    /** Levenshtein distance with adjacent transpositions counted as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}

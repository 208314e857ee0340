package org.nlbridge.cni;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nlbridge.client.DaemonAddress;
import org.nlbridge.net.ValidationException;

/**
 * {@code nlbridge cni conflist NAME [--socket ADDR] [KEY=VALUE...]}: a ready {@code .conflist} for
 * {@code /etc/cni/net.d}, one nlbridge plugin with the given network keys (checked by the same validators as an ADD)
 * and the capabilities runtimes fill ({@code portMappings}, {@code ips}, {@code mac}, {@code aliases}). Its
 * {@code cniVersion} is 1.0.0, the newest podman 4.3 and containerd 1.6 take; {@code cniVersions} lets a newer runtime
 * pick 1.1.0.
 */
public final class Conflist {
    private Conflist() {}

    /** Keys whose values are JSON booleans; those of {@link #NUMBER_KEYS} are numbers; the rest are strings. */
    static final Set<String> BOOLEAN_KEYS = Set.of("icc", "ipMasq", "ipForward", "internal", "macFromIp", "defaultRoute",
            "spoofCheck");
    static final Set<String> NUMBER_KEYS = Set.of("mtu", "vni");
    static final List<String> CAPABILITIES = List.of("portMappings", "ips", "mac", "aliases");

    /** The conflist text (pretty-printed, ending with a newline). */
    public static String of(String name, String socket, String cniVersion, List<String> keyValues) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode plugin = f.objectNode();
        plugin.put("type", CniConfig.TYPE);
        if (socket != null) {
            DaemonAddress a = DaemonAddress.parse("--socket", socket);
            if (!a.isUnix()) throw new ValidationException("--socket", socket, "not a Unix socket", "unix:///absolute/path.sock");
            plugin.put("socket", a.toString());
        }
        for (String kv : keyValues) {
            int eq = kv.indexOf('=');
            String key = eq < 0 ? kv : kv.substring(0, eq);
            if (eq <= 0 || !(CniConfig.NETWORK_KEYS.contains(key) || key.equals("defaultRoute") || key.equals("spoofCheck")) || key.equals("dns")) {
                throw new ValidationException("network key", kv, eq <= 0 ? "not KEY=VALUE" : "unknown key",
                        "KEY=VALUE with a key of " + String.join(", ", CniConfig.NETWORK_KEYS.stream().filter(k -> !k.equals("dns")).toList())
                                + ", defaultRoute or spoofCheck (dns: edit the conflist)");
            }
            String v = kv.substring(eq + 1);
            if (NUMBER_KEYS.contains(key)) {
                try {
                    plugin.put(key, Integer.parseInt(v));
                } catch (NumberFormatException e) {
                    throw new ValidationException(key, v, "not a whole number", "a whole number, like "
                            + (key.equals("mtu") ? "1400" : "4097"));
                }
            } else if (BOOLEAN_KEYS.contains(key)) {
                if (!v.equals("true") && !v.equals("false")) throw new ValidationException(key, v, "not a boolean", "true or false");
                plugin.put(key, Boolean.parseBoolean(v));
            } else {
                plugin.put(key, v);
            }
        }
        ObjectNode caps = plugin.putObject("capabilities");
        CAPABILITIES.forEach(c -> caps.put(c, true));
        CniVersion version = CniVersion.parse(cniVersion);
        ObjectNode check = plugin.deepCopy();
        check.put("cniVersion", version.toString());
        check.put("name", name);
        CniConfig.read(version, check); // the ADD's own validators, so the file is one an ADD accepts
        ObjectNode list = f.objectNode();
        list.put("cniVersion", version.toString());
        ArrayNode versions = list.putArray("cniVersions");
        CniVersion.SUPPORTED.stream().filter(v -> CniVersion.parse(v).atLeast(CniVersion.V0_4_0)).forEach(versions::add);
        list.put("name", name);
        list.putArray("plugins").add(plugin);
        try {
            // "key": value, one member per line, arrays on one line: the way conflists are written by hand
            DefaultPrettyPrinter pp = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER).withArrayValueSpacing(Separators.Spacing.AFTER)
                    .withArrayEmptySeparator("")).withArrayIndenter(DefaultPrettyPrinter.NopIndenter.instance);
            return new ObjectMapper().writer(pp).writeValueAsString(list) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

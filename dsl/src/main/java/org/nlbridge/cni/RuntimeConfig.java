package org.nlbridge.cni;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.nlbridge.net.DnsName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.PortSpec;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.DnsSpec;

/**
 * What a runtime asks for one attachment through {@code runtimeConfig} (the capabilities of CONVENTIONS.md) and the
 * conflist's {@code args.cni}: {@code portMappings} (keys matched without regard to case: containerd's go-cni sends
 * {@code HostPort}, podman {@code hostPort}), {@code ips}, {@code mac}, {@code aliases} (podman's, per network) and
 * {@code dns}. Other capabilities ({@code bandwidth}, {@code cgroupPath}, ...) are the runtime's business and ignored.
 *
 * @param ports   one spec per mapping, parsed as {@code -p} is, so the messages are the command line's
 * @param ips     requested addresses (the prefix of {@code 10.1.0.5/24} is dropped: the network decides it)
 * @param mac     the requested MAC, or null
 * @param aliases per network name, the names a runtime wants the container known by
 * @param dns     the container's resolver settings ({@code servers}, {@code searches}, {@code options})
 */
public record RuntimeConfig(List<PortSpec> ports, List<IpAddress> ips, MacAddress mac, Map<String, List<DnsName>> aliases,
                            DnsSpec dns) {

    public static final RuntimeConfig NONE = new RuntimeConfig(List.of(), List.of(), null, Map.of(), DnsSpec.HOST);

    public RuntimeConfig {
        ports = List.copyOf(ports);
        ips = List.copyOf(ips);
        aliases = Map.copyOf(aliases);
    }

    static RuntimeConfig read(JsonNode rc, JsonNode args) {
        if ((rc == null || rc.isNull()) && (args == null || args.isNull())) return NONE;
        try {
            List<PortSpec> ports = new ArrayList<>();
            List<IpAddress> ips = new ArrayList<>();
            MacAddress mac = null;
            Map<String, List<DnsName>> aliases = new LinkedHashMap<>();
            DnsSpec dns = DnsSpec.HOST;
            if (rc != null && !rc.isNull()) {
                if (!rc.isObject()) throw bad("runtimeConfig", rc, "not a JSON object", "an object");
                JsonNode pm = rc.get("portMappings");
                if (pm != null && !pm.isNull()) {
                    if (!pm.isArray()) throw bad("runtimeConfig.portMappings", pm, "not a JSON array", "[{\"hostPort\": 8080, \"containerPort\": 80, \"protocol\": \"tcp\"}, ...]");
                    int i = 0;
                    for (JsonNode m : pm) ports.add(port("runtimeConfig.portMappings[" + i++ + "]", m));
                }
                ips.addAll(ips("runtimeConfig.ips", rc.get("ips")));
                mac = mac("runtimeConfig.mac", rc.get("mac"));
                JsonNode al = rc.get("aliases");
                if (al != null && !al.isNull()) {
                    if (!al.isObject()) throw bad("runtimeConfig.aliases", al, "not a JSON object", "{\"network\": [\"name\", ...]}");
                    for (Iterator<Map.Entry<String, JsonNode>> it = al.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        List<DnsName> names = new ArrayList<>();
                        String f = "runtimeConfig.aliases." + e.getKey();
                        for (String s : CniConfig.texts(f, e.getValue())) names.add(DnsName.parse(f, s));
                        aliases.put(e.getKey(), names);
                    }
                }
                JsonNode d = rc.get("dns");
                if (d != null && !d.isNull()) {
                    if (!d.isObject()) throw bad("runtimeConfig.dns", d, "not a JSON object", "{\"servers\": [...], \"searches\": [...], \"options\": [...]}");
                    DnsSpec.Builder b = DnsSpec.builder();
                    for (String s : CniConfig.texts("runtimeConfig.dns.servers", d.get("servers"))) b.nameserver(IpAddress.parse("runtimeConfig.dns.servers", s));
                    for (String s : CniConfig.texts("runtimeConfig.dns.searches", d.get("searches"))) b.search(org.nlbridge.net.DnsSearchDomain.parse("runtimeConfig.dns.searches", s));
                    for (String s : CniConfig.texts("runtimeConfig.dns.options", d.get("options"))) b.option(org.nlbridge.net.DnsOption.parse("runtimeConfig.dns.options", s));
                    dns = b.build();
                }
            }
            if (args != null && !args.isNull()) {
                if (!args.isObject()) throw bad("args", args, "not a JSON object", "{\"cni\": {\"ips\": [...], \"mac\": \"...\"}}");
                JsonNode cni = args.get("cni");
                if (cni != null && cni.isObject()) {
                    List<IpAddress> a = ips("args.cni.ips", cni.get("ips"));
                    if (!a.isEmpty() && !ips.isEmpty() && !a.equals(ips)) {
                        throw bad("args.cni.ips", cni.get("ips"), "differs from runtimeConfig.ips " + ips, "one of them");
                    }
                    if (ips.isEmpty()) ips.addAll(a);
                    MacAddress m = mac("args.cni.mac", cni.get("mac"));
                    if (m != null && mac != null && !m.equals(mac)) {
                        throw bad("args.cni.mac", cni.get("mac"), "differs from runtimeConfig.mac " + mac, "one of them");
                    }
                    if (mac == null) mac = m;
                }
            }
            return new RuntimeConfig(ports, ips, mac, aliases, dns);
        } catch (ValidationException e) {
            throw CniException.of(CniException.INVALID_CONFIG, e);
        }
    }

    private static ValidationException bad(String field, JsonNode value, String reason, String accepted) {
        return new ValidationException(field, value == null ? null : CniConfig.abbreviate(value), reason, accepted);
    }

    /** One {@code portMappings} entry, through {@code -p}'s parser: {@code [hostIP:]hostPort:containerPort/protocol}. */
    static PortSpec port(String field, JsonNode m) {
        String accepted = "{\"hostPort\": 8080, \"containerPort\": 80, \"protocol\": \"tcp\", \"hostIP\": \"\"} (keys in any case)";
        if (!m.isObject()) throw bad(field, m, "not a JSON object", accepted);
        Integer host = null;
        Integer container = null;
        String protocol = "tcp";
        String hostIp = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            switch (e.getKey().toLowerCase(Locale.ROOT)) {
                case "hostport" -> host = portNumber(field + ".hostPort", v, accepted);
                case "containerport" -> container = portNumber(field + ".containerPort", v, accepted);
                case "protocol" -> {
                    if (v.isNull()) break;
                    if (!v.isTextual()) throw bad(field + ".protocol", v, "not a JSON string", "tcp or udp");
                    if (!v.textValue().isEmpty()) protocol = v.textValue();
                }
                case "hostip" -> {
                    if (v.isNull()) break;
                    if (!v.isTextual()) throw bad(field + ".hostIP", v, "not a JSON string", "an IP address, or \"\" for all");
                    hostIp = v.textValue().isEmpty() ? null : v.textValue();
                }
                default -> throw bad(field, m, "unknown key \"" + e.getKey() + "\"", accepted);
            }
        }
        if (host == null) throw bad(field + ".hostPort", null, "missing", accepted);
        if (container == null) throw bad(field + ".containerPort", null, "missing", accepted);
        String ip = hostIp == null ? "" : (hostIp.indexOf(':') >= 0 ? "[" + hostIp + "]" : hostIp) + ":";
        return PortSpec.parse(field, ip + host + ":" + container + "/" + protocol.toLowerCase(Locale.ROOT));
    }

    private static int portNumber(String field, JsonNode v, String accepted) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw bad(field, v, "not a whole number", accepted);
        return v.intValue();
    }

    private static List<IpAddress> ips(String field, JsonNode n) {
        List<IpAddress> out = new ArrayList<>();
        for (String s : CniConfig.texts(field, n)) {
            int slash = s.indexOf('/');
            out.add(IpAddress.parse(field, slash >= 0 ? s.substring(0, slash) : s));
        }
        return out;
    }

    private static MacAddress mac(String field, JsonNode n) {
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw bad(field, n, "not a JSON string", MacAddress.ACCEPTED_UNICAST);
        return MacAddress.parseUnicast(field, n.textValue());
    }
}

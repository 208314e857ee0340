package org.nlbridge.dockerplugin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.NetworkSpec;

/**
 * {@code docker network create -d nlbridge ...} as dockerd hands it to {@code NetworkDriver.CreateNetwork}, turned into
 * a {@link NetworkSpec} through the spec's builder, so every value passes the same validators as in a script. A user
 * changes only {@code -d}: Docker's bridge options keep their Docker names, and nlbridge's own network keys are
 * {@code -o nlbridge.<key>=<value>}. An option nlbridge does not know is an error naming it (dockerd would pass it
 * through silently otherwise), and a validation error names the option the user typed, with the validator's reason.
 *
 * <p>{@code --subnet}/{@code --gateway} arrive as the IPAM driver's pool and gateway; {@code --ip-range} and
 * {@code --aux-address} stay with the IPAM driver (dockerd allocates every endpoint's address there, nlbridge's or
 * its own), so they need nothing here.
 */
final class NetworkOptions {
    private NetworkOptions() {}

    static final String ENABLE_IPV6 = "com.docker.network.enable_ipv6";
    static final String ENABLE_IPV4 = "com.docker.network.enable_ipv4";
    static final String INTERNAL = "com.docker.network.internal";
    static final String GENERIC = "com.docker.network.generic";

    static final String BRIDGE_NAME = "com.docker.network.bridge.name";
    static final String ENABLE_ICC = "com.docker.network.bridge.enable_icc";
    static final String ENABLE_MASQ = "com.docker.network.bridge.enable_ip_masquerade";
    static final String HOST_BINDING = "com.docker.network.bridge.host_binding_ipv4";
    static final String MTU = "com.docker.network.driver.mtu";
    static final String NLBRIDGE = "nlbridge.";

    /** The DSL's network keys a Docker user may set with {@code -o nlbridge.KEY=VALUE}. */
    static final List<String> NLBRIDGE_KEYS = List.of("bridge", "useBridge", "mtu", "icc", "ipMasq", "ipForward",
            "internal", "firewall", "macFromIp", "hostBindingIp");

    /** Why the other DSL keys are not options here. */
    private static final Map<String, String> NOT_HERE = Map.of(
            "bip", "the bridge address comes from --subnet and --gateway",
            "fixedCidr", "the IPAM driver allocates addresses; give --ip-range",
            "fixedCidrV6", "the IPv6 subnet comes from --ipv6 --subnet",
            "dns", "dockerd writes its containers' resolv.conf itself (docker run --dns)",
            "driver", "the driver is -d nlbridge",
            "name", "dockerd names the network");

    static String accepted() {
        return "one of " + String.join(", ", List.of(BRIDGE_NAME, ENABLE_ICC, ENABLE_MASQ, HOST_BINDING, MTU))
                + ", or nlbridge.KEY with KEY one of " + String.join(", ", NLBRIDGE_KEYS);
    }

    /** The spec of {@code CreateNetwork}'s request. */
    static NetworkSpec spec(DockerJson request) {
        String id = DockerIds.check("NetworkID", request.required("NetworkID"));
        NetworkSpec.Builder b = NetworkSpec.builder(DockerIds.network(id));
        DockerJson options = request.object("Options");
        boolean ipv6 = false;
        Map<String, String> generic = Map.of();
        for (Map.Entry<String, JsonNode> e : options.fields().entrySet()) {
            switch (e.getKey()) {
                case ENABLE_IPV6 -> ipv6 = options.bool(ENABLE_IPV6);
                case ENABLE_IPV4 -> {
                    if (!options.bool(ENABLE_IPV4) && options.get(ENABLE_IPV4) != null) {
                        throw new ValidationException("--ipv4", "false", "nlbridge networks always have IPv4",
                                "an IPv4 subnet (IPv6 may be added with --ipv6)");
                    }
                }
                case INTERNAL -> b.internal(options.bool(INTERNAL));
                case GENERIC -> generic = options.strings(GENERIC);
                default -> throw new ValidationException("network option", e.getKey(), "not an option dockerd 20.10"
                        + " sends, so nlbridge cannot honour it", "the options of docker network create");
            }
        }
        String bridge = null;
        Map<String, String> given = new LinkedHashMap<>(); // setting → the option that gave it
        for (Map.Entry<String, String> o : generic.entrySet()) {
            String key = o.getKey();
            String value = o.getValue();
            switch (key) {
                case BRIDGE_NAME -> {
                    once(given, "bridge", key);
                    bridge = value;
                    apply(key, value, b::bridge);
                }
                case ENABLE_ICC -> {
                    once(given, "icc", key);
                    apply(key, value, v -> b.icc(bool(key, v)));
                }
                case ENABLE_MASQ -> {
                    once(given, "ipMasq", key);
                    apply(key, value, v -> b.ipMasq(bool(key, v)));
                }
                case MTU -> {
                    once(given, "mtu", key);
                    apply(key, value, v -> b.mtu(integer(key, v)));
                }
                case HOST_BINDING -> {
                    once(given, "hostBindingIp", key);
                    apply(key, value, b::hostBindingIp);
                }
                default -> {
                    if (!key.startsWith(NLBRIDGE)) {
                        throw new ValidationException("-o", key, "unknown option", accepted());
                    }
                    String dslKey = key.substring(NLBRIDGE.length());
                    once(given, dslKey.equals("useBridge") ? "bridge" : dslKey, key);
                    if (dslKey.equals("bridge") || dslKey.equals("useBridge")) bridge = value;
                    nlbridgeKey(b, key, dslKey, value);
                }
            }
        }
        if (bridge == null) b.bridge(DockerIds.bridge(id));
        ipv4(b, request.objects("IPv4Data"));
        List<DockerJson> v6 = request.objects("IPv6Data");
        if (ipv6) {
            ipv6(b, v6);
        } else if (!v6.isEmpty()) {
            throw new ValidationException("--subnet", v6.getFirst().text("Pool"), "an IPv6 subnet without --ipv6",
                    "--ipv6 with an IPv6 --subnet");
        }
        return b.build();
    }

    /** The option already given under another name is an error: two values for one setting. */
    private static void once(Map<String, String> given, String setting, String option) {
        String earlier = given.putIfAbsent(setting, option);
        if (earlier != null) {
            throw new ValidationException("-o " + option, null, "sets what -o " + earlier + " already set",
                    "one of the two");
        }
    }

    private static void nlbridgeKey(NetworkSpec.Builder b, String option, String key, String value) {
        switch (key) {
            case "bridge" -> apply(option, value, b::bridge);
            case "useBridge" -> apply(option, value, b::useBridge);
            case "mtu" -> apply(option, value, v -> b.mtu(integer(option, v)));
            case "icc" -> b.icc(bool(option, value));
            case "ipMasq" -> b.ipMasq(bool(option, value));
            case "ipForward" -> b.ipForward(bool(option, value));
            case "internal" -> b.internal(bool(option, value));
            case "firewall" -> apply(option, value, b::firewall);
            case "macFromIp" -> b.macFromIp(bool(option, value));
            case "hostBindingIp" -> apply(option, value, b::hostBindingIp);
            default -> {
                String why = NOT_HERE.get(key);
                if (why != null) throw new ValidationException("-o", option, "not an option of Docker networks: " + why,
                        accepted());
                throw new ValidationException("-o", option, "unknown nlbridge key", accepted());
            }
        }
    }

    private static void ipv4(NetworkSpec.Builder b, List<DockerJson> data) {
        if (data.size() != 1) {
            throw new ValidationException("--subnet", Integer.toString(data.size()) + " IPv4 subnets",
                    "an nlbridge network has exactly one IPv4 subnet", "one --subnet");
        }
        DockerJson d = data.getFirst();
        String gateway = d.text("Gateway");
        if (gateway.isEmpty()) {
            throw new ValidationException("--gateway", null, "the IPAM driver gave no gateway", "a gateway address");
        }
        Cidr pool = subnet("--subnet", d.text("Pool"));
        apply("--gateway", gateway, b::bip);
        Cidr gw = Cidr.parseInterface("--gateway", gateway);
        if (!gw.subnet().equals(pool)) {
            throw new ValidationException("--gateway", gateway, "not inside the subnet " + pool, "an address of " + pool);
        }
    }

    private static void ipv6(NetworkSpec.Builder b, List<DockerJson> data) {
        if (data.size() != 1) {
            throw new ValidationException("--ipv6 --subnet", data.size() + " IPv6 subnets",
                    "an nlbridge network with IPv6 has exactly one IPv6 subnet", "one IPv6 --subnet");
        }
        DockerJson d = data.getFirst();
        Cidr pool = subnet("--subnet", d.text("Pool"));
        apply("--subnet", pool.toString(), b::fixedCidrV6);
        String gateway = d.text("Gateway");
        if (!gateway.isEmpty()) {
            IpAddress want = pool.network().next();
            IpAddress got = Cidr.parseInterface("--gateway", gateway).address();
            if (!got.equals(want)) {
                throw new ValidationException("--gateway", gateway, "nlbridge's IPv6 gateway is the subnet's first"
                        + " address", want + " (or no IPv6 --gateway)");
            }
        }
    }

    private static Cidr subnet(String field, String text) {
        return Cidr.parseSubnet(field, text);
    }

    /** Runs a builder setter, naming the Docker option in its error (with the validator's reason). */
    private static void apply(String option, String value, Consumer<String> setter) {
        try {
            setter.accept(value);
        } catch (ValidationException e) {
            throw new ValidationException(option.startsWith("-") ? option : "-o " + option, value, e.reason(), e.accepted());
        }
    }

    /** As Go's {@code strconv.ParseBool}, which Docker's bridge driver uses for these options. */
    private static boolean bool(String option, String value) {
        return switch (value) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw new ValidationException("-o " + option, value, "not a boolean", "true or false");
        };
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ValidationException("-o " + option, value, "not a whole number", "a whole number, like 1400");
        }
    }
}

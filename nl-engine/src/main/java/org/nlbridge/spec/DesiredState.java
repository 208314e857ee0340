package org.nlbridge.spec;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nlbridge.net.IpAddress;
import org.nlbridge.net.PortMapping;
import org.nlbridge.net.PortSpec;
import org.nlbridge.net.ValidationException;

/**
 * Everything a script (or an API caller) wants to exist: networks, containers and the user hook's rules. Checks
 * the references between them (a container's network exists, {@code container:<name>} names a container that
 * has its own namespace, names are unique, host ports are not published twice) so that a plan is only ever
 * computed for a consistent whole.
 */
public record DesiredState(List<NetworkSpec> networks, List<ContainerSpec> containers, UserRulesSpec userRules) {

    public DesiredState {
        networks = List.copyOf(networks);
        containers = List.copyOf(containers);
        if (userRules == null) userRules = UserRulesSpec.NONE;
        check(networks, containers);
    }

    private static void check(List<NetworkSpec> networks, List<ContainerSpec> containers) {
        Map<String, NetworkSpec> byName = new HashMap<>();
        Set<String> bridges = new HashSet<>();
        for (NetworkSpec n : networks) {
            if (byName.putIfAbsent(n.name(), n) != null) {
                throw new ValidationException("network", n.name(), "defined twice", "unique network names");
            }
            if (!bridges.add(n.bridge().toString())) {
                throw new ValidationException("network " + n.name() + ": bridge", n.bridge().toString(),
                        "already used by another network", "one network per bridge");
            }
        }
        Map<String, ContainerSpec> ctrs = new HashMap<>();
        for (ContainerSpec c : containers) {
            if (ctrs.putIfAbsent(c.name(), c) != null) {
                throw new ValidationException("container", c.name(), "defined twice", "unique container names");
            }
        }
        checkHostPorts(containers);
        for (ContainerSpec c : containers) {
            switch (c.network()) {
                case NetworkMode.Bridge b when !byName.containsKey(b.network()) ->
                        throw new ValidationException("container " + c.name() + ": network", b.network(),
                                "no such network in this script", "one of " + byName.keySet() + ", host, none or container:<name>");
                case NetworkMode.Container o when !ctrs.containsKey(o.container()) ->
                        throw new ValidationException("container " + c.name() + ": network", o.toString(),
                                "no such container in this script", "container:<name of a container defined here>");
                case NetworkMode.Container o when ctrs.get(o.container()).network() instanceof NetworkMode.Container ->
                        throw new ValidationException("container " + c.name() + ": network", o.toString(),
                                "that container shares yet another container's namespace",
                                "container:<name of a container with its own namespace>");
                default -> { }
            }
        }
    }

    /** A host port can be published once per protocol and address; all addresses (no host ip) clash with any. */
    private static void checkHostPorts(List<ContainerSpec> containers) {
        record Use(String container, PortMapping mapping) {}
        Map<String, List<Use>> byPort = new HashMap<>();
        for (ContainerSpec c : containers) {
            for (PortSpec p : c.publish()) {
                for (PortMapping m : p.mappings()) {
                    String key = m.protocol() + "/" + m.hostPort();
                    List<Use> uses = byPort.computeIfAbsent(key, k -> new java.util.ArrayList<>());
                    for (Use u : uses) {
                        IpAddress a = u.mapping().hostIp();
                        IpAddress b = m.hostIp();
                        if (a == null || b == null || a.equals(b)) {
                            throw new ValidationException("container " + c.name() + ": publish", p.toString(),
                                    "host port " + m.protocol().toString().toLowerCase(java.util.Locale.ROOT) + "/"
                                            + m.hostPort() + " is already published by container " + u.container(),
                                    "a host port not used by another container");
                        }
                    }
                    uses.add(new Use(c.name(), m));
                }
            }
        }
    }

    public static DesiredState of(List<NetworkSpec> networks, List<ContainerSpec> containers) {
        return new DesiredState(networks, containers, UserRulesSpec.NONE);
    }
}

package org.nlbridge.spec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.nlbridge.net.IpAddress;
import org.nlbridge.net.PortMapping;
import org.nlbridge.net.PortSpec;
import org.nlbridge.net.ValidationException;

/**
 * Everything a script (or an API caller) wants to exist: networks, containers and the user hook's rules. Checks
 * the references between them (a container's network exists, {@code container:<name>} names a container that
 * has its own namespace, names are unique, host ports are not published twice) and what containers ask of their
 * networks and of each other ({@link DesiredStateChecks}: addresses, MACs, namespaces, published ports), so that a
 * plan is only ever computed for a consistent whole.
 */
public record DesiredState(List<NetworkSpec> networks, List<ContainerSpec> containers, UserRulesSpec userRules) {

    /** No networks, no containers, no user rules. */
    public static final DesiredState EMPTY = new DesiredState(List.of(), List.of(), UserRulesSpec.NONE);

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
            for (AttachmentSpec a : c.connects()) {
                if (!byName.containsKey(a.network())) {
                    throw new ValidationException("container " + c.name() + ": connect", a.network(),
                            "no such network in this script", "one of " + byName.keySet());
                }
            }
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
        DesiredStateChecks.check(byName, containers);
    }

    /**
     * A host port can be published once per protocol and address; all addresses (no host ip) clash with any, and
     * 0.0.0.0 or :: with any of its family.
     */
    private static void checkHostPorts(List<ContainerSpec> containers) {
        record Use(String container, PortMapping mapping) {}
        Map<String, List<Use>> byPort = new HashMap<>();
        for (ContainerSpec c : containers) {
            for (PortSpec p : c.attachments().stream().flatMap(a -> a.publish().stream()).toList()) {
                for (PortMapping m : p.mappings()) {
                    String key = m.protocol() + "/" + m.hostPort();
                    List<Use> uses = byPort.computeIfAbsent(key, k -> new ArrayList<>());
                    for (Use u : uses) {
                        if (DesiredStateChecks.clash(u.mapping(), m)) {
                            throw new ValidationException("container " + c.name() + ": publish", p.toString(),
                                    "host port " + m.protocol().toString().toLowerCase(Locale.ROOT) + "/"
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

    /** The network called {@code name}, if there is one. */
    public Optional<NetworkSpec> network(String name) {
        return networks.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /** The container called {@code name}, if there is one. */
    public Optional<ContainerSpec> container(String name) {
        return containers.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** This state with {@code n} replacing the network of its name in place, or added at the end. */
    public DesiredState withNetwork(NetworkSpec n) {
        return new DesiredState(replaceOrAdd(networks, n, NetworkSpec::name), containers, userRules);
    }

    /** This state without the network called {@code name} (its containers stay, so they must go first). */
    public DesiredState withoutNetwork(String name) {
        return new DesiredState(networks.stream().filter(n -> !n.name().equals(name)).toList(), containers, userRules);
    }

    /** This state with {@code c} replacing the container of its name in place, or added at the end. */
    public DesiredState withContainer(ContainerSpec c) {
        return new DesiredState(networks, replaceOrAdd(containers, c, ContainerSpec::name), userRules);
    }

    /** This state without the container called {@code name}. */
    public DesiredState withoutContainer(String name) {
        return new DesiredState(networks, containers.stream().filter(c -> !c.name().equals(name)).toList(), userRules);
    }

    /** This state with other user rules. */
    public DesiredState withUserRules(UserRulesSpec rules) {
        return new DesiredState(networks, containers, rules);
    }

    /** This state with every container changed by {@code edit} (e.g. moved to other namespaces), in order. */
    public DesiredState mapContainers(UnaryOperator<ContainerSpec> edit) {
        return new DesiredState(networks, containers.stream().map(edit).toList(), userRules);
    }

    /**
     * This state with every published port that names no host address bound to its network's
     * {@link NetworkSpec#hostBindingIp()} (Docker's {@code dockerd --ip}), so that what the engine makes names every
     * address it binds. Ports of networks without one, and ports that name their address, stay as they are.
     */
    public DesiredState withHostBindings() {
        if (networks.stream().allMatch(n -> n.hostBindingIp() == null)) return this;
        return mapContainers(c -> {
            if (!(c.network() instanceof NetworkMode.Bridge b)) return c;
            IpAddress host = network(b.network()).map(NetworkSpec::hostBindingIp).orElse(null);
            if (host == null || c.publish().stream().allMatch(p -> p.hostIp() != null)) return c;
            return c.withPublish(c.publish().stream().map(p -> p.hostIp() != null ? p : PortSpec.of(p.protocol(), host,
                    p.hostPortFirst(), p.hostPortLast(), p.containerPortFirst(), p.containerPortLast())).toList());
        });
    }

    private static <T> List<T> replaceOrAdd(List<T> items, T item, Function<T, String> name) {
        List<T> out = new ArrayList<>(items.size() + 1);
        boolean replaced = false;
        for (T x : items) {
            boolean same = name.apply(x).equals(name.apply(item));
            out.add(same ? item : x);
            replaced |= same;
        }
        if (!replaced) out.add(item);
        return out;
    }
}

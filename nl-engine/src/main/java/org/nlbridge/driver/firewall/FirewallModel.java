package org.nlbridge.driver.firewall;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;

/**
 * The desired firewall state with the checks that span objects: one network per bridge, no overlapping subnets,
 * endpoint addresses inside their network and unique, no published port claimed twice (a port on every address
 * conflicts with the same port on one address, as binding both sockets would). Not thread-safe; the drivers
 * guard it. Iteration order is insertion order, which is also the order rules are created in.
 */
public final class FirewallModel {

    private final LinkedHashMap<IfName, NetworkFirewallSpec> networks = new LinkedHashMap<>();
    private final LinkedHashMap<String, EndpointFirewallSpec> endpoints = new LinkedHashMap<>();
    /** family/protocol/hostPort to the ports published on it, for O(1) conflict checks. */
    private final Map<String, List<PublishedPort>> portIndex = new HashMap<>();
    /**
     * What must be unique among endpoints, to the endpoint that holds it: its host veth, its MAC on its bridge, each
     * address. A model of N endpoints is built in O(N), not O(N^2) (a daemon's request builds one from the store).
     */
    private final Map<Object, String> held = new HashMap<>();

    public FirewallModel() {}

    /** A model holding {@code state}; throws {@link ValidationException} for the first inconsistency. */
    public static FirewallModel of(FirewallState state) {
        FirewallModel m = new FirewallModel();
        for (NetworkFirewallSpec n : state.networks()) {
            if (!m.checkNetwork(n)) {
                throw new ValidationException("network " + n.bridge(), n.toString(), "listed twice", "each bridge once");
            }
            m.putNetwork(n);
        }
        for (EndpointFirewallSpec e : state.endpoints()) {
            if (!m.checkEndpoint(e)) {
                throw new ValidationException("endpoint " + e.id(), e.id(), "listed twice", "each endpoint once");
            }
            m.putEndpoint(e);
        }
        return m;
    }

    public FirewallState state() {
        return new FirewallState(List.copyOf(networks.values()), List.copyOf(endpoints.values()));
    }

    public NetworkFirewallSpec network(IfName bridge) {
        return networks.get(bridge);
    }

    public EndpointFirewallSpec endpoint(String id) {
        return endpoints.get(id);
    }

    public List<EndpointFirewallSpec> endpointsOf(IfName bridge) {
        List<EndpointFirewallSpec> out = new ArrayList<>();
        for (EndpointFirewallSpec e : endpoints.values()) {
            if (e.bridge().equals(bridge)) out.add(e);
        }
        return out;
    }

    /** The other endpoints of {@code e}'s container held here ({@link EndpointFirewallSpec#sibling}). */
    public List<EndpointFirewallSpec> siblingsOf(EndpointFirewallSpec e) {
        List<EndpointFirewallSpec> out = new ArrayList<>();
        for (EndpointFirewallSpec o : endpoints.values()) {
            if (e.sibling(o)) out.add(o);
        }
        return out;
    }

    /**
     * Validates a network against the others. Returns false if an equal spec is already there (nothing to do),
     * true if it can be added; throws if it conflicts.
     */
    public boolean checkNetwork(NetworkFirewallSpec n) {
        NetworkFirewallSpec old = networks.get(n.bridge());
        if (old != null) {
            if (old.equals(n)) return false;
            throw new ValidationException("network " + n.bridge(), n.toString(),
                    "bridge " + n.bridge() + " already has a network with other settings (" + old + ")",
                    "tear the network down before changing it");
        }
        for (NetworkFirewallSpec o : networks.values()) {
            for (int family : new int[] {IpAddress.AF_INET, IpAddress.AF_INET6}) {
                Cidr a = n.subnet(family);
                Cidr b = o.subnet(family);
                if (a != null && b != null && a.overlaps(b)) {
                    throw new ValidationException("network " + n.bridge() + " subnet", a.toString(),
                            "overlaps " + b + " of the network on bridge " + o.bridge(), "a subnet no other network uses");
                }
            }
        }
        String veth = held.get(n.bridge());
        if (veth != null) {
            throw new ValidationException("network " + n.bridge() + " bridge", n.bridge().toString(),
                    "is the veth of endpoint " + veth, "a bridge interface");
        }
        return true;
    }

    public void putNetwork(NetworkFirewallSpec n) {
        networks.put(n.bridge(), n);
    }

    /** Removes a network and its endpoints; returns the endpoints removed with it. */
    public List<EndpointFirewallSpec> removeNetwork(IfName bridge) {
        List<EndpointFirewallSpec> gone = endpointsOf(bridge);
        for (EndpointFirewallSpec e : gone) removeEndpoint(e.id());
        networks.remove(bridge);
        return gone;
    }

    /**
     * Validates an endpoint against its network and the other endpoints. Returns false if an equal spec is already
     * there, true if it can be added; throws if it conflicts.
     */
    public boolean checkEndpoint(EndpointFirewallSpec e) {
        EndpointFirewallSpec old = endpoints.get(e.id());
        if (old != null) {
            if (old.equals(e)) return false;
            throw new ValidationException("endpoint " + e.id(), e.id(), "already attached with other settings (" + old
                    + ")", "remove the endpoint before changing it");
        }
        NetworkFirewallSpec n = networks.get(e.bridge());
        if (n == null) {
            throw new ValidationException("endpoint " + e.id() + " bridge", e.bridge().toString(),
                    "no network is set up on this bridge", "the bridge of a network set up before");
        }
        if (networks.containsKey(e.hostVeth())) {
            throw new ValidationException("endpoint " + e.id() + " hostVeth", e.hostVeth().toString(),
                    "is a network's bridge", "the host end of the endpoint's veth");
        }
        for (int family : new int[] {IpAddress.AF_INET, IpAddress.AF_INET6}) {
            IpAddress a = e.address(family);
            if (a == null) continue;
            Cidr subnet = n.subnet(family);
            String fam = family == IpAddress.AF_INET ? "IPv4" : "IPv6";
            if (subnet == null) {
                throw new ValidationException("endpoint " + e.id() + " address", a.toString(),
                        "the network on " + n.bridge() + " has no " + fam + " subnet", "an address inside the network");
            }
            if (!subnet.contains(a) || a.equals(subnet.network())
                    || family == IpAddress.AF_INET && subnet.prefixLength() < 31 && a.equals(subnet.last())) {
                throw new ValidationException("endpoint " + e.id() + " address", a.toString(),
                        "not a host address of " + subnet, "an address inside the network");
            }
        }
        if (n.internal() && !e.ports().isEmpty()) {
            throw new ValidationException("endpoint " + e.id() + " ports", e.ports().toString(),
                    "the network on " + n.bridge() + " is internal, and an internal network cannot publish ports",
                    "no published ports on an internal network");
        }
        String veth = held.get(e.hostVeth());
        if (veth != null) {
            throw new ValidationException("endpoint " + e.id() + " hostVeth", e.hostVeth().toString(),
                    "already the veth of endpoint " + veth, "the endpoint's own veth");
        }
        String mac = e.mac() == null ? null : held.get(macKey(e));
        if (mac != null) {
            throw new ValidationException("endpoint " + e.id() + " mac", e.mac().toString(),
                    "already the MAC of endpoint " + mac + " on bridge " + e.bridge(), "a MAC no other endpoint of"
                    + " the bridge has");
        }
        for (int family : new int[] {IpAddress.AF_INET, IpAddress.AF_INET6}) {
            IpAddress a = e.address(family);
            String other = a == null ? null : held.get(a);
            if (other != null) {
                throw new ValidationException("endpoint " + e.id() + " address", a.toString(),
                        "already the address of endpoint " + other, "an address no other endpoint has");
            }
        }
        for (PublishedPort p : e.publications()) {
            for (PublishedPort q : portIndex.getOrDefault(portKey(p), List.of())) {
                if (p.hostIp() == null || q.hostIp() == null || p.hostIp().equals(q.hostIp())) {
                    throw new ValidationException("endpoint " + e.id() + " ports", p.toString(),
                            "host port " + p.hostPort() + "/" + p.protocol() + " on "
                                    + (q.hostIp() == null ? "every " + (p.family() == IpAddress.AF_INET ? "IPv4" : "IPv6")
                                    + " address" : q.hostIp()) + " is already published by endpoint " + q.endpointId()
                                    + " (" + q + ")",
                            "a host port no other endpoint publishes on the same address");
                }
            }
        }
        return true;
    }

    public void putEndpoint(EndpointFirewallSpec e) {
        endpoints.put(e.id(), e);
        for (Object k : uniques(e)) held.put(k, e.id());
        for (PublishedPort p : e.publications()) {
            portIndex.computeIfAbsent(portKey(p), k -> new ArrayList<>(1)).add(p);
        }
    }

    /** Removes an endpoint; returns it, or null if it was not there. */
    public EndpointFirewallSpec removeEndpoint(String id) {
        EndpointFirewallSpec e = endpoints.remove(id);
        if (e != null) {
            for (Object k : uniques(e)) held.remove(k, id);
            for (PublishedPort p : e.publications()) {
                List<PublishedPort> l = portIndex.get(portKey(p));
                if (l != null) {
                    l.removeIf(q -> q.endpointId().equals(id));
                    if (l.isEmpty()) portIndex.remove(portKey(p));
                }
            }
        }
        return e;
    }

    /** Replaces this model's contents with a copy of {@code other}'s. */
    public void replaceWith(FirewallModel other) {
        networks.clear();
        endpoints.clear();
        portIndex.clear();
        held.clear();
        other.networks.values().forEach(this::putNetwork);
        other.endpoints.values().forEach(this::putEndpoint);
    }

    /** The keys of {@link #held} that {@code e} takes. */
    private static List<Object> uniques(EndpointFirewallSpec e) {
        List<Object> out = new ArrayList<>(4);
        out.add(e.hostVeth());
        if (e.mac() != null) out.add(macKey(e));
        if (e.ipv4() != null) out.add(e.ipv4());
        if (e.ipv6() != null) out.add(e.ipv6());
        return out;
    }

    private static String macKey(EndpointFirewallSpec e) {
        return "mac " + e.bridge() + " " + e.mac();
    }

    private static String portKey(PublishedPort p) {
        return p.family() + "/" + p.protocol() + "/" + p.hostPort();
    }
}

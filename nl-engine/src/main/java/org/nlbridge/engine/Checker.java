package org.nlbridge.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nlbridge.driver.firewall.Firewalls;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.Address;
import org.nlbridge.rtnl.Link;
import org.nlbridge.rtnl.Route;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.spec.FirewallBackend;
import org.nlbridge.spec.NotFoundException;
import org.nlbridge.state.ContainerRecord;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Network;
import org.nlbridge.state.PortBinding;
import org.nlbridge.state.SubnetConfig;

/**
 * {@link Engine#check}: a container's networking as the kernel has it, against the store: per network, the host
 * end on its bridge, the interface inside (up, with its addresses), the default route where the container has it,
 * and each published port in the firewall. Reads only; what it finds missing the next apply repairs.
 */
final class Checker {
    private final Parts p;

    Checker(Parts p) {
        this.p = p;
    }

    List<String> check(String container, String network) {
        ContainerRecord r = p.store.read(tx -> tx.containers().find(container)).orElseThrow(() -> new NotFoundException(
                "container", container, "no such container in the state " + p.options.stateDir(),
                "the name of a container applied"));
        List<Endpoint> eps = p.store.read(tx -> tx.endpoints().ofContainer(r.name())).stream()
                .filter(e -> network == null || e.network().equals(network)).toList();
        List<String> out = new ArrayList<>();
        if (network != null && eps.isEmpty()) {
            out.add("not on network " + network);
            return out;
        }
        Map<String, Link> hostLinks = new HashMap<>();
        p.rtnl.links().list().forEach(l -> hostLinks.put(l.name(), l));
        Map<String, Long> ports = null;
        for (Endpoint e : eps) {
            Network n = p.networks().stream().filter(x -> x.name().equals(e.network())).findFirst().orElse(null);
            if (n == null) {
                out.add("network " + e.network() + " is gone");
                continue;
            }
            if (!p.driver(n).intact(n, e, hostLinks)) {
                out.add("host link " + e.hostVeth() + " is not a port of " + n.bridge());
            }
            if (!e.handedOver()) out.addAll(inside(e, n)); // else its runtime's namespace, which the engine never sees
            List<PortBinding> bindings = p.store.read(tx -> tx.ports().ofEndpoint(e.container(), e.network()));
            if (!bindings.isEmpty() && n.options().firewall() != FirewallBackend.NONE) {
                if (ports == null) ports = p.firewalls.connections();
                for (PortBinding b : bindings) {
                    var m = b.mapping();
                    if (!ports.containsKey(Firewalls.portKey(m.protocol(), m.hostPort(), b.containerIp(), m.containerPort()))) {
                        out.add("published port " + EndpointSteps.describe(m) + " is not in the firewall");
                    }
                }
            }
        }
        return out;
    }

    /** The interface in the container's namespace: up, its addresses, its default routes. */
    private List<String> inside(Endpoint e, Network n) {
        List<String> out = new ArrayList<>();
        String where = e.ifName() + " in " + e.netns();
        if (!java.nio.file.Files.exists(e.netns())) {
            out.add("namespace " + e.netns() + " is gone");
            return out;
        }
        try (NetNs ns = NetNs.openPath(e.netns())) {
            ns.call(() -> {
                try (Rtnl rtnl = Rtnl.current()) {
                    Link l = rtnl.links().find(e.ifName().toString()).orElse(null);
                    if (l == null) {
                        out.add("no interface " + where);
                        return null;
                    }
                    if (!l.isUp()) out.add("interface " + where + " is down");
                    Set<Cidr> have = new java.util.HashSet<>();
                    for (Address a : rtnl.addresses().list(l.index())) have.add(a.address());
                    checkAddress(out, where, have, Cidr.of(e.ipv4(), n.ipv4().subnet().prefixLength()));
                    if (e.ipv6() != null && n.ipv6() != null) {
                        checkAddress(out, where, have, Cidr.of(e.ipv6(), n.ipv6().subnet().prefixLength()));
                    }
                    if (e.defaultRoute() && !n.options().internal()) {
                        checkRoute(out, where, rtnl, l, n.ipv4(), IpAddress.AF_INET);
                        if (n.ipv6() != null) checkRoute(out, where, rtnl, l, n.ipv6(), IpAddress.AF_INET6);
                    }
                }
                return null;
            });
        } catch (RuntimeException ex) {
            out.add("namespace " + e.netns() + ": " + ex.getMessage());
        }
        return out;
    }

    private static void checkAddress(List<String> out, String where, Set<Cidr> have, Cidr want) {
        if (!have.contains(want)) out.add("interface " + where + " lacks address " + want);
    }

    private static void checkRoute(List<String> out, String where, Rtnl rtnl, Link l, SubnetConfig net, int family) {
        for (Route r : rtnl.routes().list(family)) {
            if (r.isDefault() && r.oif() == l.index() && net.gateway().equals(r.gateway())) return;
        }
        out.add("no default route via " + net.gateway() + " on " + where);
    }
}

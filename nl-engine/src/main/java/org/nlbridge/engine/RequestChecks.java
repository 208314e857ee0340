package org.nlbridge.engine;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nlbridge.driver.Attachment;
import org.nlbridge.driver.NetworkDriver;
import org.nlbridge.driver.firewall.FirewallState;
import org.nlbridge.driver.firewall.FirewallSpecs;
import org.nlbridge.driver.ipam.PoolExhaustedException;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.PortMapping;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.Link;
import org.nlbridge.rtnl.Route;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.FirewallBackend;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Network;
import org.nlbridge.state.Phase;
import org.nlbridge.state.PortBinding;

/**
 * The checks of a request that need the store or the kernel, run by the {@link Planner} after the desired state's
 * own checks and before the first step exists, so that {@code plan}, {@code apply} and every front end refuse the
 * same requests and a refused request changes nothing. They only read: the kernel through dumps, the store through
 * a trial transaction that is always rolled back.
 * <ul>
 *   <li>the IPAM and the port table, tried: the request's allocations, published ports and new networks made in a
 *       transaction that is rolled back (an address or MAC another container holds, a full pool, a host port taken,
 *       an overlapping subnet), with the endpoints that leave released first;</li>
 *   <li>the firewall, tried: the whole firewall state after the request, through the firewall model's own checks;</li>
 *   <li>the kernel: the host-side link name free (or the engine's), and in a namespace that exists, no interface
 *       of the container's name and no default route that the request would collide with.</li>
 * </ul>
 * A new check belongs here when it needs the store or the kernel, and in the desired state's checks when it does
 * not; a driver's own checks of a network are in its {@link NetworkDriver#resolve}.
 */
final class RequestChecks {
    private final Parts p;

    RequestChecks(Parts p) {
        this.p = p;
    }

    /**
     * @param live      the store's view, settled (endpoints in flight are the repairs')
     * @param nets      every network of the request, resolved (stored ones as stored)
     * @param created   those of {@code nets} that are new
     * @param removed   stored networks the request removes
     * @param detach    endpoints the request removes or re-makes, and those a dead process left (the repairs')
     * @param attach    the attachments the request makes
     * @param hostLinks the host namespace's links, as dumped for the plan
     */
    void check(Stored live, Map<String, Network> nets, List<Network> created, List<Network> removed,
               List<Endpoint> detach, List<Attachment> attach, List<Link> hostLinks) {
        kernel(live, detach, attach, hostLinks);
        List<Endpoint> made = tryStore(created, removed, detach, attach);
        tryFirewall(live, nets, detach, attach, made);
    }



    private void kernel(Stored live, List<Endpoint> detach, List<Attachment> attach, List<Link> hostLinks) {
        Set<String> leavingLinks = new HashSet<>();
        detach.forEach(e -> leavingLinks.add(e.hostVeth().toString()));
        Map<String, Link> links = new HashMap<>();
        hostLinks.forEach(l -> links.put(l.name(), l));
        Set<String> owned = Repairs.links(p, live).keySet();
        for (Attachment a : attach) {
            String name = a.hostLink().toString();
            Link l = links.get(name);
            boolean orphanOfOurs = l != null && l.alias() != null && l.alias().startsWith(NetworkDriver.ALIAS_PREFIX)
                    && !owned.contains(name); // the repair phase deletes it first
            if (l != null && !leavingLinks.contains(name) && !orphanOfOurs) {
                throw new ValidationException("container " + a.container().name() + ": host link", name,
                        "exists already in the host namespace" + (l.kind() != null ? " (a " + l.kind() + ")" : "")
                                + " and is not this container's", "a free name: remove or rename that interface");
            }
            if (a.container().handover() != null) handover(a, links, detach);
            else inside(a, live, detach);
        }
    }

    /**
     * A container handed over to a runtime has no namespace of the engine's to look into (the runtime's is made
     * later, and is the runtime's): its container end is made in the host namespace under the handover name, which
     * must be free there, unless it is the peer of an endpoint that leaves first.
     */
    private static void handover(Attachment a, Map<String, Link> hostLinks, List<Endpoint> detach) {
        String peer = a.container().handover().toString();
        Link l = hostLinks.get(peer);
        if (l == null || detach.stream().anyMatch(e -> e.handedOver() && e.ifName().toString().equals(peer))) return;
        throw new ValidationException("container " + a.container().name() + ": handover", peer,
                "exists already in the host namespace" + (l.kind() != null ? " (a " + l.kind() + ")" : ""),
                "a name free in the host namespace for the container end its runtime takes");
    }

    /**
     * An existing namespace must not hold what the attach creates: the interface, and a default route when this
     * attachment brings one and the container has no other endpoint staying (whose route the engine moves itself).
     */
    private static void inside(Attachment a, Stored live, List<Endpoint> detach) {
        ContainerSpec c = a.container();
        if (!NetNs.existsRef(c.netns())) return;
        Set<String> leaving = EndpointSteps.keys(detach);
        boolean staying = live.endpoints().stream().anyMatch(e -> e.container().equals(c.name())
                && !leaving.contains(EndpointSteps.key(e.container(), e.network())));
        // the container's own endpoint being re-made: its interface and route leave first
        boolean remade = detach.stream().anyMatch(e -> NetNs.pathOf(c.netns()).equals(e.netns())
                && e.ifName().equals(a.spec().ifname()));
        if (remade) return;
        String field = "container " + c.name() + ": netns";
        List<Link> links;
        List<Route> routes = new ArrayList<>();
        try (NetNs ns = NetNs.openRef(c.netns()); Rtnl r = Rtnl.open(ns)) {
            links = r.links().list();
            if (!a.network().options().internal() && a.spec().defaultRoute() && !staying) {
                routes.addAll(r.routes().list(IpAddress.AF_INET));
                if (a.network().ipv6() != null) routes.addAll(r.routes().list(IpAddress.AF_INET6));
            }
        }
        String ifname = a.spec().ifname().toString();
        if (links.stream().anyMatch(l -> l.name().equals(ifname))) {
            throw new ValidationException(field, c.netns(), "interface " + ifname + " already exists in this namespace",
                    "a namespace without an interface named " + ifname + ", or another name for the container's"
                            + " interface (ifname)");
        }
        for (Route rt : routes) {
            if (rt.isDefault() && rt.table() == 254) {
                throw new ValidationException(field, c.netns(), "the namespace has a default route already ("
                        + (rt.family() == IpAddress.AF_INET ? "IPv4" : "IPv6") + (rt.gateway() != null ? " via "
                        + rt.gateway() : "") + "), and the container's would collide with it",
                        "a namespace without a default route (nlbridge gives the container its own)");
            }
        }
    }

    /**
     * The request's store changes made in a transaction that is rolled back: what the IPAM and the port table would
     * refuse. Returns the endpoints as they would be journalled (their addresses, for the firewall's check).
     */
    private List<Endpoint> tryStore(List<Network> created, List<Network> removed, List<Endpoint> detach,
                                    List<Attachment> attach) {
        return p.store.trial(tx -> {
            for (Endpoint e : detach) {
                if (tx.endpoints().find(e.container(), e.network()).map(x -> x.phase() == Phase.ATTACHED).orElse(false)) {
                    tx.endpoints().setPhase(e.container(), e.network(), Phase.DETACHING);
                }
                tx.endpoints().delete(e.container(), e.network());
            }
            for (Network n : removed) tx.networks().delete(n.name());
            for (Network n : created) p.ipam.createNetwork(tx, n);
            List<Endpoint> out = new ArrayList<>();
            for (Attachment a : attach) {
                Endpoint e;
                try {
                    e = p.ipam.attach(tx, EndpointSteps.request(a));
                } catch (PoolExhaustedException full) {
                    throw new ValidationException("container " + a.container().name() + ": ip", null, full.getMessage(),
                            "a network with a free address (a larger subnet or fixedCidr), or fewer containers on it");
                }
                for (PortMapping m : a.ports()) tx.ports().publish(new PortBinding(m, e.container(), e.network(),
                        FirewallSpecs.target(e, m)));
                out.add(e);
            }
            return out;
        });
    }

    /** The firewall after the request, through its model's checks; an endpoint's refusal names its container. */
    private void tryFirewall(Stored live, Map<String, Network> nets, List<Endpoint> detach, List<Attachment> attach,
                             List<Endpoint> made) {
        Set<String> leaving = EndpointSteps.keys(detach);
        Map<String, List<PortMapping>> ports = new HashMap<>();
        Map<String, String> owners = new HashMap<>();
        List<Endpoint> after = new ArrayList<>();
        for (Endpoint e : live.endpoints()) {
            if (leaving.contains(EndpointSteps.key(e.container(), e.network())) || !nets.containsKey(e.network())) continue;
            after.add(e);
            ports.put(e.network() + "/" + e.container(), live.ports(e));
        }
        for (int i = 0; i < made.size(); i++) {
            Endpoint e = made.get(i);
            after.add(e);
            ports.put(e.network() + "/" + e.container(), attach.get(i).ports());
        }
        after.forEach(e -> owners.put(FirewallSpecs.endpointId(e.network(), e.container()), e.container()));
        Map<FirewallBackend, FirewallState> state = new EnumMap<>(FirewallBackend.class);
        for (Network n : nets.values()) {
            FirewallState part = p.driver(n).firewall(n, after.stream().filter(e -> e.network().equals(n.name())).toList(),
                    e -> ports.getOrDefault(e.network() + "/" + e.container(), List.of()));
            state.merge(n.options().firewall(), part, Parts::merge);
        }
        for (FirewallState s : state.values()) {
            try {
                s.validated();
            } catch (ValidationException e) {
                throw named(e, owners);
            }
        }
    }

    /** A firewall refusal about {@code endpoint NET.CTR ...}, said about the container. */
    private static ValidationException named(ValidationException e, Map<String, String> owners) {
        String f = e.field();
        if (!f.startsWith("endpoint ")) return e;
        String rest = f.substring("endpoint ".length());
        for (Map.Entry<String, String> o : owners.entrySet()) {
            if (rest.equals(o.getKey()) || rest.startsWith(o.getKey() + " ")) {
                String what = rest.substring(o.getKey().length()).strip();
                return new ValidationException("container " + o.getValue() + ": " + (what.startsWith("ports") ? "publish"
                        : what.isEmpty() ? "firewall" : what), e.value(), e.reason(), e.accepted());
            }
        }
        return e;
    }
}

package org.nlbridge.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.nlbridge.driver.Attachment;
import org.nlbridge.driver.CrashPoint;
import org.nlbridge.driver.NetworkDriver;
import org.nlbridge.driver.Step;
import org.nlbridge.driver.Unit;
import org.nlbridge.driver.ipam.EndpointRequest;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.PortMapping;
import org.nlbridge.netns.NetNs;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.Change.Action;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Network;
import org.nlbridge.state.Phase;
import org.nlbridge.state.PortBinding;

/**
 * The engine's half of endpoints: the journal around what the drivers do. An attach is journalled (ATTACHING, with
 * its addresses and ports) before the driver's first step and marked ATTACHED after its last; a detach is marked
 * DETACHING before the driver's steps and its allocation released after them, so a crash anywhere leaves a record
 * that reconcile finds.
 */
final class EndpointSteps {
    private final Parts p;

    EndpointSteps(Parts p) {
        this.p = p;
    }

    /**
     * The unit of a container being attached to {@code n} (its record, namespace, endpoint and files): a failure
     * undoes what its attach made and frees its addresses.
     */
    Unit attachUnit(String container, Network n) {
        return Unit.rollback("container " + container, errors -> {
            Endpoint e = p.store.read(tx -> tx.endpoints().find(container, n.name())).orElse(null);
            if (e == null) return; // not journalled: nothing was made
            p.driver(n).undoAttach(n, e, errors);
            release(e);
        });
    }

    /**
     * Every attachment journalled with its ports, then each driver's steps for its batch, each attachment marked
     * attached right after its last driver step.
     */
    List<Step> attach(List<Attachment> attachments) {
        List<Step> out = new ArrayList<>();
        for (Attachment a : attachments) {
            out.add(journal(a));
            for (PortMapping m : a.ports()) out.add(port(a, m));
        }
        Map<Network, List<Attachment>> byNetwork = new LinkedHashMap<>();
        attachments.forEach(a -> byNetwork.computeIfAbsent(a.network(), k -> new ArrayList<>()).add(a));
        boolean first = true;
        for (Map.Entry<Network, List<Attachment>> batch : byNetwork.entrySet()) {
            List<Step> steps = p.driver(batch.getKey()).attach(batch.getValue());
            Map<Unit, Attachment> byUnit = new IdentityHashMap<>();
            batch.getValue().forEach(a -> byUnit.put(a.unit(), a));
            Map<Unit, Integer> last = new IdentityHashMap<>();
            for (int i = 0; i < steps.size(); i++) last.put(steps.get(i).unit(), i);
            for (int i = 0; i < steps.size(); i++) {
                out.add(steps.get(i));
                Attachment a = byUnit.get(steps.get(i).unit());
                if (a != null && last.get(a.unit()) == i) {
                    out.add(commit(a, first));
                    first = false;
                }
            }
        }
        return out;
    }

    private Step journal(Attachment a) {
        ContainerSpec c = a.container();
        Network n = a.network();
        String detail = a.hostLink() + " <-> " + containerEnd(c) + ", "
                + (c.ip() != null ? c.ip() : "next free address in " + n.ipv4().pool())
                + (n.ipv6() != null ? ", " + (c.ip6() != null ? c.ip6() : "IPv6 from " + n.ipv6().pool()) : "")
                + ", mac " + (c.mac() != null ? c.mac() : n.options().macFromIp() ? "02:42:<ipv4>" : "random");
        return Step.call(new Change(Action.CREATE, "endpoint", c.name() + " on " + n.name(), detail), a.unit(), () -> {
            EndpointRequest r = p.driver(n).reserve(n, new EndpointRequest(c.name(), n.name(),
                    netnsPath(c), ifName(c), a.hostLink(), c.hostname(), c.ip(), c.ip6(), c.mac(),
                    c.spoofCheck()));
            try {
                a.journalled(p.store.write(tx -> p.ipam.attach(tx, r)));
            } catch (RuntimeException e) {
                try {
                    p.driver(n).unreserve(n, r);
                } catch (RuntimeException undo) {
                    e.addSuppressed(undo);
                }
                throw e;
            }
        });
    }

    /** Where the container end goes: {@code web:eth0}, or {@code handover nlc3abc3b7e1122} (host namespace, for a runtime). */
    static String containerEnd(ContainerSpec c) {
        return c.handover() != null ? "handover " + c.handover() : c.netns() + ":" + c.ifname();
    }

    /** The endpoint's namespace as stored: null for a container end handed over to a runtime. */
    private static Path netnsPath(ContainerSpec c) {
        return c.handover() != null ? null : NetNs.RUN_DIR.resolve(c.netns());
    }

    /** The container end's name: inside the container, or as handed over. */
    private static IfName ifName(ContainerSpec c) {
        return c.handover() != null ? c.handover() : c.ifname();
    }

    private Step port(Attachment a, PortMapping m) {
        return Step.call(new Change(Action.CREATE, "port", describe(m), "to " + a.container().name()), a.unit(), () -> {
            Endpoint e = a.endpoint();
            p.store.update(tx -> tx.ports().publish(new PortBinding(m, e.container(), e.network(), e.ipv4())));
        });
    }

    private Step commit(Attachment a, boolean first) {
        String name = a.container().name() + " on " + a.network().name();
        return Step.call(new Change(Action.UPDATE, "endpoint", name, "attached"), a.unit(), () -> {
            if (first) CrashPoint.at(CrashPoint.BEFORE_ATTACHED);
            p.store.update(tx -> tx.endpoints().setPhase(a.container().name(), a.network().name(), Phase.ATTACHED));
            if (first) CrashPoint.at(CrashPoint.AFTER_ATTACHED);
        });
    }

    /**
     * Endpoints to remove: each journalled as detaching, then each network's driver steps (its link deletions in one
     * batch), then each allocation released. Best effort: a failure is reported and the rest carries on.
     */
    List<Step> detach(List<Endpoint> endpoints, Map<String, Network> networks) {
        List<Step> out = new ArrayList<>();
        Map<Endpoint, Unit> units = new IdentityHashMap<>();
        for (Endpoint e : endpoints) {
            Unit u = Unit.bestEffort("container " + e.container());
            units.put(e, u);
            out.add(Step.call(new Change(Action.DELETE, "endpoint", e.container() + " on " + e.network(),
                    e.hostVeth() + ", " + e.ipv4() + (e.ipv6() != null ? ", " + e.ipv6() : "")), u,
                    () -> p.store.update(tx -> tx.endpoints().setPhase(e.container(), e.network(), Phase.DETACHING))));
        }
        Map<String, List<Endpoint>> byNetwork = new LinkedHashMap<>();
        endpoints.forEach(e -> byNetwork.computeIfAbsent(e.network(), k -> new ArrayList<>()).add(e));
        for (Map.Entry<String, List<Endpoint>> batch : byNetwork.entrySet()) {
            Network n = networks.get(batch.getKey());
            if (n != null) out.addAll(p.driver(n).detach(n, batch.getValue(), units::get));
        }
        for (Endpoint e : endpoints) {
            out.add(Step.call(new Change(Action.DELETE, "allocation", e.container() + " on " + e.network(),
                    e.ipv4() + (e.ipv6() != null ? ", " + e.ipv6() : "") + ", mac " + e.mac()), units.get(e),
                    () -> p.ipam.release(e.container(), e.network())));
        }
        return out;
    }

    /**
     * New published ports for an attached container. The store first (it refuses a host port another container
     * holds), then the driver; if the driver refuses, the old ports go back into the store and the kernel, so a
     * failed change never leaves the store saying what the kernel does not do.
     */
    Step updatePorts(ContainerSpec c, Endpoint e, Network n, List<PortMapping> want) {
        NetworkDriver d = p.driver(n);
        return Step.call(new Change(Action.UPDATE, "ports", c.name(), c.publish().toString()),
                Unit.bestEffort("container " + c.name()), () -> {
                    List<PortMapping> old = ports(e);
                    setPorts(e, want);
                    try {
                        d.publish(n, e, want);
                    } catch (RuntimeException ex) {
                        try {
                            setPorts(e, old);
                            d.publish(n, e, old);
                        } catch (RuntimeException undo) {
                            ex.addSuppressed(undo);
                        }
                        throw ex;
                    }
                });
    }

    List<PortMapping> ports(Endpoint e) {
        return p.store.read(tx -> tx.ports().ofEndpoint(e.container(), e.network())).stream()
                .map(PortBinding::mapping).toList();
    }

    boolean samePorts(Endpoint e, List<PortMapping> want) {
        return new HashSet<>(ports(e)).equals(new HashSet<>(want));
    }

    private void setPorts(Endpoint e, List<PortMapping> ports) {
        p.store.update(tx -> {
            tx.ports().unpublish(e.container(), e.network());
            for (PortMapping m : ports) tx.ports().publish(new PortBinding(m, e.container(), e.network(), e.ipv4()));
        });
    }

    /** Frees an endpoint's addresses and ports (an ATTACHED one is marked DETACHING first, as the journal wants). */
    void release(Endpoint e) {
        p.store.update(tx -> {
            if (tx.endpoints().find(e.container(), e.network()).map(x -> x.phase() == Phase.ATTACHED).orElse(false)) {
                tx.endpoints().setPhase(e.container(), e.network(), Phase.DETACHING);
            }
        });
        p.ipam.release(e.container(), e.network());
    }

    /** {@code tcp *:8080 -> 80}, {@code udp [::1]:53 -> 53}. */
    static String describe(PortMapping m) {
        IpAddress h = m.hostIp();
        String host = h == null ? "*" : h.family() == IpAddress.AF_INET6 ? "[" + h + "]" : h.toString();
        return m.protocol().toString().toLowerCase(Locale.ROOT) + " " + host + ":" + m.hostPort() + " -> "
                + m.containerPort();
    }

    /** Whether a container's stored endpoint still matches its spec (else it is re-made). */
    static boolean sameEndpoint(Endpoint e, ContainerSpec c) {
        return Objects.equals(e.netns(), netnsPath(c)) && e.ifName().equals(ifName(c))
                && e.hostname().equals(c.hostname())
                && (c.ip() == null || c.ip().equals(e.ipv4()))
                && (c.ip6() == null || c.ip6().equals(e.ipv6()))
                && (c.mac() == null || c.mac().equals(e.mac()))
                && e.spoofCheck() == c.spoofCheck();
    }

    static Set<String> names(List<Endpoint> endpoints) {
        Set<String> out = new HashSet<>();
        endpoints.forEach(e -> out.add(e.container()));
        return out;
    }
}

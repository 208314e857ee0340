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
import org.nlbridge.driver.firewall.FirewallSpecs;
import org.nlbridge.driver.ipam.EndpointRequest;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.PortMapping;
import org.nlbridge.netns.NetNs;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.Change.Action;
import org.nlbridge.spec.AttachmentSpec;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Network;
import org.nlbridge.state.Phase;
import org.nlbridge.state.PortBinding;

/**
 * The engine's half of endpoints: the journal around what the drivers do. An attach is journalled (ATTACHING, with
 * its addresses and ports) before the driver's first step and marked ATTACHED after its last; a detach is marked
 * DETACHING before the driver's steps and its allocation released after them, so a crash anywhere leaves a record
 * that the repair phase finds. A detach is undone, if its request is, by attaching the endpoint again with the same
 * addresses, MAC and ports.
 */
final class EndpointSteps {
    private final Parts p;

    EndpointSteps(Parts p) {
        this.p = p;
    }

    /**
     * The unit of a container being attached to {@code n} (its record, namespace, endpoint and files, for its first
     * network): a failure undoes what its attach made and frees its addresses.
     */
    Unit attachUnit(String container, Network n, boolean first) {
        return Unit.rollback("container " + container + (first ? "" : " on " + n.name()), errors -> {
            Endpoint e = p.store.read(tx -> tx.endpoints().find(container, n.name())).orElse(null);
            if (e == null) return; // not journalled: nothing was made
            p.driver(n).undoAttach(n, e, errors);
            release(e);
        });
    }

    /** What the journal step asks of the IPAM for an attachment (also what the request's checks try). */
    static EndpointRequest request(Attachment a) {
        ContainerSpec c = a.container();
        AttachmentSpec s = a.spec();
        return new EndpointRequest(c.name(), a.network().name(), netnsPath(c), ifName(c, s), a.hostLink(),
                c.hostname(), s.ip(), s.ip6(), s.mac(), s.aliases(), s.defaultRoute(), s.spoofCheck());
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
        AttachmentSpec s = a.spec();
        Network n = a.network();
        String detail = a.hostLink() + " <-> " + containerEnd(c, s) + ", "
                + (s.ip() != null ? s.ip() : "next free address in " + n.ipv4().pool())
                + (n.ipv6() != null ? ", " + (s.ip6() != null ? s.ip6() : "IPv6 from " + n.ipv6().pool()) : "")
                + ", mac " + (s.mac() != null ? s.mac() : n.options().macFromIp() ? "02:42:<ipv4>" : "random")
                + (s.defaultRoute() ? "" : ", no default route")
                + (s.spoofCheck() ? "" : ", spoofCheck off")
                + (s.aliases().isEmpty() ? "" : ", aliases " + String.join(" ", s.aliases().stream().map(Object::toString).toList()));
        return Step.call(new Change(Action.CREATE, "endpoint", c.name() + " on " + n.name(), detail), a.unit(), () -> {
            EndpointRequest r = p.driver(n).reserve(n, request(a));
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
    static String containerEnd(ContainerSpec c, AttachmentSpec s) {
        return c.handover() != null ? "handover " + c.handover() : c.netns() + ":" + s.ifname();
    }

    /** The endpoint's namespace as stored: null for a container end handed over to a runtime. */
    private static Path netnsPath(ContainerSpec c) {
        return c.handover() != null ? null : NetNs.pathOf(c.netns());
    }

    /** The container end's name: inside the container, or as handed over (a handed-over container has one network). */
    private static IfName ifName(ContainerSpec c, AttachmentSpec s) {
        return c.handover() != null ? c.handover() : s.ifname();
    }

    private Step port(Attachment a, PortMapping m) {
        return Step.call(new Change(Action.CREATE, "port", describe(m), "to " + a.container().name()), a.unit(), () -> {
            Endpoint e = a.endpoint();
            p.store.update(tx -> tx.ports().publish(new PortBinding(m, e.container(), e.network(),
                    FirewallSpecs.target(e, m))));
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
     * batch), then each allocation released. Best effort: a failure is reported and the rest carries on. If the
     * request is undone, each endpoint is attached again as it was ({@code ports}: what each published).
     */
    List<Step> detach(List<Endpoint> endpoints, Map<String, Network> networks, Map<Endpoint, List<PortMapping>> ports) {
        List<Step> out = new ArrayList<>();
        Map<Endpoint, Unit> units = new IdentityHashMap<>();
        boolean first = true;
        for (Endpoint e : endpoints) {
            Network n = networks.get(e.network());
            List<PortMapping> published = ports.getOrDefault(e, List.of());
            Unit u = Unit.bestEffort("container " + e.container(), n == null ? Unit.Undo.NOTHING
                    : errors -> reattach(n, e, published, errors));
            units.put(e, u);
            boolean crash = first;
            out.add(Step.call(new Change(Action.DELETE, "endpoint", e.container() + " on " + e.network(),
                    e.hostVeth() + ", " + e.ipv4() + (e.ipv6() != null ? ", " + e.ipv6() : "")), u, () -> {
                p.store.update(tx -> tx.endpoints().setPhase(e.container(), e.network(), Phase.DETACHING));
                if (crash) CrashPoint.at(CrashPoint.DETACHING);
            }));
            first = false;
        }
        Map<String, List<Endpoint>> byNetwork = new LinkedHashMap<>();
        endpoints.forEach(e -> byNetwork.computeIfAbsent(e.network(), k -> new ArrayList<>()).add(e));
        for (Map.Entry<String, List<Endpoint>> batch : byNetwork.entrySet()) {
            Network n = networks.get(batch.getKey());
            if (n != null) out.addAll(p.driver(n).detach(n, batch.getValue(), units::get));
        }
        first = true;
        for (Endpoint e : endpoints) {
            boolean crash = first;
            out.add(Step.call(new Change(Action.DELETE, "allocation", e.container() + " on " + e.network(),
                    e.ipv4() + (e.ipv6() != null ? ", " + e.ipv6() : "") + ", mac " + e.mac()), units.get(e), () -> {
                if (crash) CrashPoint.at(CrashPoint.DETACHED);
                p.ipam.release(e.container(), e.network());
            }));
            first = false;
        }
        return out;
    }

    /**
     * Undoes a detach: whatever is left of the endpoint is removed, then it is attached again with the addresses,
     * MAC, interface, host name and ports it had (the same steps as any attach, run at once).
     */
    private void reattach(Network n, Endpoint e, List<PortMapping> ports, List<String> errors) {
        try {
            Endpoint left = p.store.read(tx -> tx.endpoints().find(e.container(), e.network())).orElse(null);
            if (left != null && left.phase() == Phase.ATTACHED) return; // the detach never began
            if (left != null) {
                p.driver(n).undoAttach(n, left, errors);
                release(left);
            }
            ContainerSpec.Builder b = ContainerSpec.builder(e.container());
            if (e.handedOver()) b.handover(e.ifName().toString()); // its peer in the host namespace, as at its attach
            else b.netns(e.netns().toString()).ifname(e.ifName().toString());
            b.network(n.name()).hostname(e.hostname().toString())
                    .mac(e.mac().toString()).ip(e.ipv4().toString()).defaultRoute(e.defaultRoute())
                    .spoofCheck(e.spoofCheck());
            if (e.ipv6() != null) b.ip6(e.ipv6().toString());
            e.aliases().forEach(x -> b.alias(x.toString()));
            for (PortMapping m : ports) b.publish(m.toString()); // the -p text of the one mapping
            ContainerSpec c = b.build();
            Attachment a = new Attachment(c, c.attachments().getFirst(), n, e.hostVeth(), attachUnit(c.name(), n, true));
            for (ApplyException.Failure f : Executor.run(p.host, p.rtnl, attach(List.of(a)), null, () -> { })) {
                errors.add("attaching " + e.container() + " again: " + f.message());
            }
        } catch (RuntimeException ex) {
            errors.add("attaching " + e.container() + " again: " + ex.getMessage());
        }
    }

    /**
     * New published ports for an attached container. The store first (it refuses a host port another container
     * holds), then the driver; if the request is undone (this step failing, or a later one), the old ports go back
     * into the store and the kernel, so the store never says what the kernel does not do.
     */
    Step updatePorts(ContainerSpec c, AttachmentSpec a, Endpoint e, Network n, List<PortMapping> want, Unit unit) {
        NetworkDriver d = p.driver(n);
        boolean first = c.attachments().getFirst().network().equals(a.network());
        return Step.call(new Change(Action.UPDATE, "ports", c.name() + (first ? "" : " on " + n.name()),
                a.publish().toString()), unit, () -> {
            List<PortMapping> old = ports(e);
            unit.onUndo(errors -> {
                try {
                    setPorts(e, old);
                    d.publish(n, e, old);
                } catch (RuntimeException ex) {
                    errors.add("ports back to " + old + ": " + ex.getMessage());
                }
            });
            setPorts(e, want);
            d.publish(n, e, want);
        });
    }

    List<PortMapping> ports(Endpoint e) {
        return p.store.read(tx -> tx.ports().ofEndpoint(e.container(), e.network())).stream()
                .map(PortBinding::mapping).toList();
    }

    /** Whether an endpoint that publishes {@code stored} (as the store says) publishes {@code want}, in any order. */
    static boolean samePorts(List<PortMapping> stored, List<PortMapping> want) {
        return new HashSet<>(stored).equals(new HashSet<>(want));
    }

    private void setPorts(Endpoint e, List<PortMapping> ports) {
        p.store.update(tx -> {
            tx.ports().unpublish(e.container(), e.network());
            for (PortMapping m : ports) {
                tx.ports().publish(new PortBinding(m, e.container(), e.network(), FirewallSpecs.target(e, m)));
            }
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

    /**
     * What changes in place for an attached endpoint: its default route moving on or off ({@code routes}, the ones
     * going off first, so two never clash) and the aliases and route flag recorded ({@code later}).
     */
    void options(ContainerSpec c, AttachmentSpec a, Endpoint e, Network n, List<Step> routesOff, List<Step> later) {
        if (e.defaultRoute() == a.defaultRoute() && e.aliases().equals(a.aliases())) return;
        Unit unit = Unit.bestEffort("container " + c.name() + " on " + n.name());
        if (e.defaultRoute() != a.defaultRoute()) {
            (a.defaultRoute() ? later : routesOff).addAll(p.driver(n).defaultRoute(n, e, a.defaultRoute(), unit));
        }
        String detail = (a.defaultRoute() ? "default route" : "no default route")
                + (a.aliases().isEmpty() ? "" : ", aliases " + String.join(" ", a.aliases().stream().map(Object::toString).toList()));
        later.add(Step.call(new Change(Action.UPDATE, "endpoint", c.name() + " on " + n.name(), detail), unit,
                () -> p.store.update(tx -> tx.endpoints().setOptions(e.container(), e.network(), a.aliases(),
                        a.defaultRoute()))));
    }

    /** Whether a container's stored endpoint still matches what it asks of that network (else it is re-made). */
    static boolean sameEndpoint(Endpoint e, ContainerSpec c, AttachmentSpec a) {
        return Objects.equals(e.netns(), netnsPath(c)) && e.ifName().equals(ifName(c, a))
                && e.hostname().equals(c.hostname())
                && (a.ip() == null || a.ip().equals(e.ipv4()))
                && (a.ip6() == null || a.ip6().equals(e.ipv6()))
                && (a.mac() == null || a.mac().equals(e.mac()))
                && e.spoofCheck() == a.spoofCheck();
    }

    /** An endpoint's key: {@code container/network}. */
    static String key(String container, String network) {
        return container + "/" + network;
    }

    static Set<String> keys(List<Endpoint> endpoints) {
        Set<String> out = new HashSet<>();
        endpoints.forEach(e -> out.add(key(e.container(), e.network())));
        return out;
    }
}

package org.nlbridge.engine;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.nlbridge.driver.Attachment;
import org.nlbridge.driver.NetworkDriver;
import org.nlbridge.driver.Step;
import org.nlbridge.driver.Unit;
import org.nlbridge.driver.firewall.FirewallSpecs;
import org.nlbridge.driver.ipam.SubnetRules;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.PortMapping;
import org.nlbridge.net.PortSpec;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.Link;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.Change.Action;
import org.nlbridge.spec.AttachmentSpec;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.ExtraHost;
import org.nlbridge.spec.FirewallBackend;
import org.nlbridge.spec.NetworkMode;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.state.ContainerRecord;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Network;

/**
 * Computes the steps that converge the kernel and the store to a desired state, from the live kernel and the store:
 * the one list that {@code plan} prints and {@code apply} runs. Computing it changes nothing.
 *
 * <p>Three phases, in this order:
 * <ol>
 *   <li><b>checks</b>: the desired state's own (when it was made), the drivers' ({@link NetworkDriver#resolve}) and
 *       the request's against the store and the kernel ({@link RequestChecks}). A refusal stops the plan before the
 *       first step exists, so a refused request changes nothing, in {@code plan}, {@code apply} and every API;</li>
 *   <li><b>repairs</b> ({@link Repairs}): what a crash or another process left, made to match the store;</li>
 *   <li><b>the request</b>: endpoints that go (or are re-made), networks that go; then networks (made or repaired),
 *       container records and namespaces, attachments, changed ports, {@code lo} of {@code none} containers,
 *       repairs inside kept containers, files, the user hook's rules; and last what cannot be undone, the
 *       records, files and namespaces of containers that go.</li>
 * </ol>
 * A request is all or nothing: each step's {@link Unit} knows how to undo it, and a failure that only the kernel
 * can reveal undoes the whole request ({@link Executor}).
 */
final class Planner {
    private final Parts p;
    private final EndpointSteps endpoints;
    private final ContainerSteps containers;
    private final FirewallSteps firewall;
    private final RequestChecks checks;
    private final Repairs repairs;
    private final HostNamespace hostNamespace;

    Planner(Parts p) {
        this.p = p;
        this.hostNamespace = HostNamespace.of(p.options.hostNetns());
        this.endpoints = new EndpointSteps(p);
        this.containers = new ContainerSteps(p);
        this.firewall = new FirewallSteps(p);
        this.checks = new RequestChecks(p);
        this.repairs = new Repairs(p, endpoints);
    }

    EndpointSteps endpoints() {
        return endpoints;
    }

    /** The repair phase alone (a daemon's reconcile). */
    List<Step> repairs() {
        Stored s = Stored.read(p);
        p.firewalls.adopt(p.storedFirewall(s.settled()));
        List<Step> out = new ArrayList<>(repairs.steps(s));
        out.addAll(firewall.hostFirewall(s.networks().values())); // a FORWARD drop set since (in an apply: its own steps)
        return out;
    }

    List<Step> apply(DesiredState asked) {
        return apply(asked, null);
    }

    /**
     * The steps to {@code asked}; with {@code only}, those of the containers it names alone (their records,
     * endpoints, ports, files, namespaces; and without a name server the hosts files of their networks' other
     * containers), for a front end that converged to a desired state differing from {@code asked} in those
     * containers only and watches the host for drift itself ({@link Engine#applyContainers}): the other containers
     * are neither read from the kernel nor repaired, and the firewall is not listed and compared whole. The checks
     * are all made, against the whole store.
     */
    List<Step> apply(DesiredState asked, Set<String> only) {
        hostNamespace.check(asked); // every front end: a container's eth0 and default route never land in the host
        DesiredState desired = asked.withHostBindings(); // every published port with the address it binds
        Predicate<String> planned = only == null ? c -> true : only::contains;
        Stored all = Stored.read(p);
        Stored s = all.settled();
        Map<String, Network> nets = resolve(desired, s);
        Map<String, NetworkSpec> specs = new HashMap<>();
        desired.networks().forEach(n -> specs.put(n.name(), n));
        List<Network> removed = s.networks().values().stream().filter(n -> !nets.containsKey(n.name())).toList();
        List<Network> created = nets.values().stream().filter(n -> !s.networks().containsKey(n.name())).toList();
        Map<String, ContainerSpec> named = byName(desired);
        // one dump for the plan (its repairs, its endpoints, its checks); a request on some containers looks up its own
        List<Link> hostLinks = only == null ? p.rtnl.links().list() : namedLinks(desired, s, nets, planned);
        List<Endpoint> detach = toDetach(named, s, nets, planned, hostLinks);
        Set<String> detached = EndpointSteps.keys(detach);
        Map<String, Endpoint> attached = new HashMap<>(); // by container/network
        s.endpoints().stream().filter(e -> !detached.contains(EndpointSteps.key(e.container(), e.network())))
                .forEach(e -> attached.put(EndpointSteps.key(e.container(), e.network()), e));
        List<Attachment> attach = new ArrayList<>();
        Map<String, List<Attachment>> attaching = new HashMap<>(); // by container, its first network's first
        Set<String> namesChanged = new HashSet<>(); // networks whose containers or aliases change in this apply
        detach.forEach(e -> namesChanged.add(e.network()));
        for (ContainerSpec c : desired.containers()) {
            if (!planned.test(c.name())) continue;
            checkHostGateway(c, c.network() instanceof NetworkMode.Bridge b ? nets.get(b.network()) : null);
            List<AttachmentSpec> wanted = c.attachments();
            for (AttachmentSpec a : wanted) {
                Network net = nets.get(a.network());
                if (net != null) FirewallSpecs.checkPorts(net, c.name(), a.publish());
                if (attached.containsKey(EndpointSteps.key(c.name(), a.network()))) continue;
                namesChanged.add(a.network());
                Attachment x = new Attachment(c, a, net, p.driver(net).hostLink(net, c.name()),
                        endpoints.attachUnit(c.name(), net, a == wanted.getFirst()));
                attach.add(x);
                attaching.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(x);
            }
        }
        List<Endpoint> leaving = new ArrayList<>(detach);
        leaving.addAll(all.stuck());
        checks.check(s, nets, created, removed, leaving, attach, hostLinks);

        p.firewalls.adopt(p.storedFirewall(s));
        List<Step> out = new ArrayList<>(repairs.leftovers(all, hostLinks));
        Map<Endpoint, List<PortMapping>> oldPorts = new HashMap<>();
        detach.forEach(e -> oldPorts.put(e, s.ports(e)));
        out.addAll(endpoints.detach(detach, s.networks(), oldPorts));
        for (Network n : removed) out.addAll(remove(n, true));
        List<Step> networkSteps = new ArrayList<>();
        for (Network n : nets.values()) networkSteps.addAll(ensure(n, !s.networks().containsKey(n.name())));
        out.addAll(withoutRepeatedSysctls(networkSteps));
        if (only == null) out.addAll(repairs.firewall(all));

        Set<String> inUse = namespacesInUse(desired);
        Set<String> handedOver = new HashSet<>();
        s.containers().values().stream().filter(r -> !named.containsKey(r.name()) && r.createdNetns())
                .forEach(r -> handedOver.add(r.netns()));
        List<Step> routesOff = new ArrayList<>(); // default routes leaving a network, before any arrives elsewhere
        List<Step> later = new ArrayList<>(); // ports, routes, loopback, repairs inside: after every attach
        List<Step> last = new ArrayList<>(); // what cannot be undone
        Map<String, Unit> units = new HashMap<>();
        for (ContainerSpec c : desired.containers()) {
            if (!planned.test(c.name())) continue;
            List<Attachment> mine = attaching.getOrDefault(c.name(), List.of());
            Unit unit = mine.isEmpty() ? Unit.rollback("container " + c.name(), Unit.Undo.NOTHING) : mine.getFirst().unit();
            units.put(c.name(), unit);
            for (AttachmentSpec a : c.attachments()) {
                Endpoint kept = attached.get(EndpointSteps.key(c.name(), a.network()));
                if (kept == null) continue;
                Network net = nets.get(a.network());
                if (!EndpointSteps.samePorts(s.ports(kept), a.mappings())) { // the view read: no store read each
                    later.add(endpoints.updatePorts(c, a, kept, net, a.mappings(), unit));
                }
                if (!kept.aliases().equals(a.aliases())) namesChanged.add(a.network());
                endpoints.options(c, a, kept, net, routesOff, later);
                later.addAll(p.driver(net).repair(net, kept, unit));
            }
            Optional<ContainerRecord> old = Optional.ofNullable(s.containers().get(c.name()));
            containers.record(c, old, handedOver, unit).ifPresent(out::add);
            old.flatMap(r -> containers.leftNetns(r, c, inUse)).ifPresent(last::add);
            // a namespace a runtime gave is never made here: it exists, or the attach fails and says so
            boolean newNetns = ContainerSteps.ownNetns(c) && !NetNs.isPath(c.netns()) && !NetNs.exists(c.netns());
            if (newNetns) out.add(containers.createNetns(c, unit));
            if (c.network() instanceof NetworkMode.None && (old.isEmpty() || newNetns)) {
                later.add(ContainerSteps.loopback(c, unit));
            }
        }
        out.addAll(routesOff);
        out.addAll(endpoints.attach(attach));
        out.addAll(later);
        NameTables now = NameTables.read(p);
        Supplier<NameTables> then = memo(() -> NameTables.read(p)); // after every attach: once for all files steps
        Map<String, List<Endpoint>> storedOf = new HashMap<>(); // by container, each in network order (as stored)
        all.endpoints().forEach(e -> storedOf.computeIfAbsent(e.container(), k -> new ArrayList<>()).add(e));
        for (ContainerSpec c : desired.containers()) {
            // sharing another's files; or in a runtime's namespace (by path, or handed over to the runtime): the
            // runtime writes its /etc files itself
            if (c.network() instanceof NetworkMode.Container || c.handover() != null || NetNs.isPath(c.netns())) continue;
            if (!planned.test(c.name()) && (p.options.nameServer()
                    || c.attachments().stream().noneMatch(a -> namesChanged.contains(a.network())))) {
                continue;
            }
            boolean attachingNow = attaching.containsKey(c.name());
            Network net = c.network() instanceof NetworkMode.Bridge b ? nets.get(b.network()) : null;
            NetworkSpec spec = net == null ? null : specs.get(net.name());
            boolean changed = c.attachments().stream().anyMatch(a -> namesChanged.contains(a.network()));
            containers.files(new ContainerSteps.FilesOf(c, net, spec == null ? null : spec.dns()), attachingNow,
                    changed, now, then, storedOf.getOrDefault(c.name(), List.of()),
                    units.getOrDefault(c.name(), Unit.rollback("container " + c.name(), Unit.Undo.NOTHING)))
                    .ifPresent(out::add);
        }
        out.addAll(firewall.hostFirewall(nets.values()));
        out.addAll(firewall.userRules(desired, nets.values()));
        for (ContainerRecord r : s.containers().values()) {
            if (!named.containsKey(r.name()) && planned.test(r.name())) out.addAll(containers.forget(r, inUse));
        }
        out.addAll(last);
        Set<FirewallBackend> backends = EnumSet.noneOf(FirewallBackend.class); // the last network of a backend
        nets.values().forEach(n -> backends.add(n.options().firewall())); // takes its tables, as in destroy
        out.addAll(firewall.teardownUnused(backends));
        return out;
    }

    /** The namespaces containers of {@code desired} keep as their own: never deleted under them. */
    private static Set<String> namespacesInUse(DesiredState desired) {
        Set<String> out = new HashSet<>();
        for (ContainerSpec c : desired.containers()) if (ContainerSteps.ownNetns(c)) out.add(c.netns());
        return out;
    }

    /** {@code s}'s value, computed once, when first asked for. */
    static <T> Supplier<T> memo(Supplier<T> s) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) value = s.get();
                return value;
            }
        };
    }

    /**
     * What destroying {@code desired} takes: the repairs a crash needs, its containers' endpoints, then its networks
     * (one that still has containers of another script fails and stays), the tables no remaining network needs, and
     * last the containers' records, files and namespaces.
     */
    List<Step> destroy(DesiredState desired) {
        Stored all = Stored.read(p);
        Stored s = all.settled();
        p.firewalls.adopt(p.storedFirewall(s));
        Set<String> nets = new HashSet<>();
        desired.networks().forEach(n -> nets.add(n.name()));
        Map<String, ContainerSpec> named = byName(desired);
        List<Endpoint> detach = s.endpoints().stream().filter(e -> named.containsKey(e.container())
                || nets.contains(e.network())).toList();
        List<Step> out = new ArrayList<>(repairs.leftovers(all));
        Map<Endpoint, List<PortMapping>> oldPorts = new HashMap<>();
        detach.forEach(e -> oldPorts.put(e, s.ports(e)));
        out.addAll(endpoints.detach(detach, s.networks(), oldPorts));
        if (!p.options.nameServer()) { // the containers that stay lose the destroyed ones from their /etc/hosts
            Set<String> touched = new HashSet<>();
            detach.forEach(e -> touched.add(e.network()));
            Supplier<NameTables> then = memo(() -> NameTables.read(p));
            Set<String> staying = new java.util.TreeSet<>();
            for (Endpoint e : s.endpoints()) {
                if (!detach.contains(e) && touched.contains(e.network()) && NameTables.userNetwork(e.network())) {
                    staying.add(e.container());
                }
            }
            staying.forEach(c -> out.add(containers.neighbours(c, then)));
        }
        Set<FirewallBackend> inUse = EnumSet.noneOf(FirewallBackend.class);
        List<Network> kept = new ArrayList<>();
        for (Network n : s.networks().values()) {
            boolean others = s.endpoints().stream().anyMatch(e -> e.network().equals(n.name()) && !detach.contains(e));
            if (nets.contains(n.name()) && !others) {
                out.addAll(remove(n, false));
                continue;
            }
            kept.add(n);
            inUse.add(n.options().firewall());
            if (nets.contains(n.name())) {
                out.add(Step.call(new Change(Action.DELETE, "network", n.name(), "bridge " + n.bridge()),
                        Unit.bestEffort("network " + n.name()), () -> {
                            throw new IllegalStateException("still has containers not in this script; not removed");
                        }));
            }
        }
        out.addAll(firewall.hostFirewall(kept));
        out.addAll(firewall.teardownUnused(inUse));
        Set<String> staying = new HashSet<>();
        s.containers().values().stream().filter(r -> !named.containsKey(r.name()) && r.netns() != null)
                .forEach(r -> staying.add(r.netns()));
        for (ContainerRecord r : s.containers().values()) {
            if (named.containsKey(r.name())) out.addAll(containers.forget(r, staying));
        }
        return out;
    }

    /** {@code addHost NAME:host-gateway} needs a gateway address: none on a network isolated in every family. */
    private static void checkHostGateway(ContainerSpec c, Network net) {
        for (ExtraHost x : c.addHosts()) {
            if (x.hostGateway() && net != null && ContainerSteps.gateways(net).isEmpty()) {
                throw new ValidationException("container " + c.name() + ": addHost", x.toString(), "network "
                        + net.name() + " has no gateway address (gatewayMode isolated)", "an IP address, or a network"
                        + " whose bridge has an address");
            }
        }
    }

    /** The backends the stored networks use, for the tables that stay after an aborted apply. */
    Set<FirewallBackend> backendsInUse() {
        Set<FirewallBackend> out = EnumSet.noneOf(FirewallBackend.class);
        p.networks().forEach(n -> out.add(n.options().firewall()));
        return out;
    }

    /** Resolves and validates every desired network before anything else; a stored one keeps its settings. */
    private Map<String, Network> resolve(DesiredState desired, Stored s) {
        Set<String> leaving = new HashSet<>(s.networks().keySet());
        desired.networks().forEach(n -> leaving.remove(n.name()));
        Map<String, Network> out = new LinkedHashMap<>();
        for (NetworkSpec spec : desired.networks()) {
            Network n = p.driver(spec.name(), spec.driver()).resolve(spec, leaving);
            Network old = s.networks().get(n.name());
            if (old != null && !sameSettings(old, n)) {
                throw new ValidationException("network " + n.name(), describe(n), "it exists with other settings ("
                        + describe(old) + ")", "the settings it was created with; destroy it first to change them");
            }
            if (old == null) checkNoOverlap(n, s, desired);
            out.put(n.name(), old != null ? old : n);
        }
        return out;
    }

    private static boolean sameSettings(Network a, Network b) {
        return a.driver().equals(b.driver()) && a.bridge().equals(b.bridge()) && a.bridgeOrigin() == b.bridgeOrigin()
                && a.ipv4().equals(b.ipv4()) && Objects.equals(a.ipv6(), b.ipv6()) && a.mtu().equals(b.mtu())
                && a.options().equals(b.options());
    }

    private String describe(Network n) {
        return p.driver(n).describe(n);
    }

    private static void checkNoOverlap(Network n, Stored s, DesiredState desired) {
        Map<String, Cidr> others = new HashMap<>();
        s.networks().values().forEach(o -> others.put(o.name(), o.ipv4().subnet()));
        for (NetworkSpec x : desired.networks()) {
            if (!x.name().equals(n.name()) && x.subnet() != null) others.putIfAbsent(x.name(), x.subnet());
        }
        SubnetRules.checkNoOverlap("network " + n.name() + ": bip", n.ipv4().subnet(), others);
    }

    /**
     * The desired containers by name: looked up once per stored container or endpoint, so a plan stays linear in
     * the containers ({@link DesiredState#container} is a scan).
     */
    private static Map<String, ContainerSpec> byName(DesiredState desired) {
        Map<String, ContainerSpec> out = new HashMap<>();
        for (ContainerSpec c : desired.containers()) out.put(c.name(), c);
        return out;
    }

    /**
     * For a request on some containers, the host links its plan looks at, each looked up by name instead of a dump of
     * every link (issue 14: one more container at 1,000): the networks' bridges, the planned containers' stored host
     * veths, the host links and handover names their attachments take. What the dump also found, a link of ours
     * under another name that nothing owns (a crash's leftover), is left to a full apply (the daemon's drift repair).
     */
    private List<Link> namedLinks(DesiredState desired, Stored s, Map<String, Network> nets, Predicate<String> planned) {
        Set<String> names = new java.util.LinkedHashSet<>();
        nets.values().forEach(n -> names.add(n.bridge().toString()));
        s.networks().values().forEach(n -> names.add(n.bridge().toString()));
        for (Endpoint e : s.endpoints()) if (planned.test(e.container())) names.add(e.hostVeth().toString());
        for (ContainerSpec c : desired.containers()) {
            if (!planned.test(c.name())) continue;
            if (c.handover() != null) names.add(c.handover().toString());
            for (AttachmentSpec a : c.attachments()) {
                Network n = nets.get(a.network());
                if (n != null) names.add(p.driver(n).hostLink(n, c.name()).toString());
            }
        }
        List<Link> out = new ArrayList<>();
        for (String name : names) p.rtnl.links().find(name).ifPresent(out::add);
        return out;
    }

    /**
     * Endpoints that go or are re-made: of networks that go, of containers gone from the script or changed, and
     * those the kernel no longer has whole (a deleted bridge takes its ports along; a deleted namespace its veth,
     * asynchronously, so a missing namespace counts even while the veth is still there).
     */
    private List<Endpoint> toDetach(Map<String, ContainerSpec> wanted, Stored s, Map<String, Network> nets,
                                    Predicate<String> planned, List<Link> hostLinks) {
        Map<String, Link> links = new HashMap<>();
        hostLinks.forEach(l -> links.put(l.name(), l)); // one dump, not a lookup per endpoint
        List<Endpoint> out = new ArrayList<>();
        for (Endpoint e : s.endpoints()) {
            if (!planned.test(e.container()) && nets.containsKey(e.network())) continue;
            Network n = s.networks().get(e.network());
            ContainerSpec c = wanted.get(e.container());
            AttachmentSpec a = c == null ? null : c.attachment(e.network()).orElse(null);
            boolean keep = nets.containsKey(e.network()) && a != null && EndpointSteps.sameEndpoint(e, c, a)
                    && p.driver(n).intact(n, e, links) && (c.handover() != null || NetNs.existsRef(c.netns()));
            if (!keep) out.add(e);
        }
        return out;
    }

    private List<Step> ensure(Network n, boolean isNew) {
        NetworkDriver d = p.driver(n);
        Unit unit = Unit.abort("network " + n.name(), errors -> {
            if (isNew) undoNetwork(n, errors);
        });
        List<Step> out = new ArrayList<>();
        if (isNew) {
            out.add(Step.call(new Change(Action.CREATE, "network", n.name(), d.describe(n)), unit,
                    () -> p.ipam.createNetwork(n)));
        }
        out.addAll(d.ensure(n, unit));
        return out;
    }

    /**
     * A network's kernel objects, then its record. Best effort; in an apply ({@code undoable}) a request that is
     * undone makes the network again as it was stored.
     */
    List<Step> remove(Network n, boolean undoable) {
        Unit unit = Unit.bestEffort("network " + n.name(), !undoable ? Unit.Undo.NOTHING : errors -> remake(n, errors));
        List<Step> out = new ArrayList<>(p.driver(n).remove(n, unit));
        out.add(Step.call(new Change(Action.DELETE, "network", n.name(), "bridge " + n.bridge()), unit,
                () -> p.store.update(tx -> tx.networks().delete(n.name()))));
        return out;
    }

    /** Undoes a removal: the network's record and kernel objects made again from what was stored. */
    private void remake(Network n, List<String> errors) {
        try {
            if (p.store.read(tx -> tx.networks().find(n.name())).isEmpty()) p.ipam.createNetwork(n);
            for (ApplyException.Failure f : Executor.run(p.host, p.rtnl, p.driver(n).ensure(n,
                    Unit.bestEffort("network " + n.name())), null, () -> { })) {
                errors.add(f.message());
            }
        } catch (RuntimeException e) {
            errors.add("making network " + n.name() + " again: " + e.getMessage());
        }
    }

    /** Undoes a network this apply created: what its driver made, then its record. */
    private void undoNetwork(Network n, List<String> errors) {
        for (ApplyException.Failure f : Executor.run(p.host, p.rtnl, p.driver(n).remove(n, Unit.bestEffort("network")),
                null, () -> { })) {
            errors.add(f.cause().getMessage());
        }
        try {
            p.store.update(tx -> tx.networks().delete(n.name()));
        } catch (RuntimeException e) {
            errors.add("state: " + e.getMessage());
        }
    }

    /** The same sysctl asked for by several networks (ip_forward) is one step, the first. */
    private static List<Step> withoutRepeatedSysctls(List<Step> steps) {
        Set<String> seen = new HashSet<>();
        return steps.stream().filter(x -> !(x instanceof Step.Sysctl y) || seen.add(y.netns() + " " + y.key() + "="
                + y.value())).toList();
    }
}

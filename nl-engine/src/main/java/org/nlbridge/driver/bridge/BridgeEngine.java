package org.nlbridge.driver.bridge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.nlbridge.driver.dns.DnsOverlay;
import org.nlbridge.driver.dns.OverlaySpec;
import org.nlbridge.driver.firewall.nftables.NftLayout;
import org.nlbridge.driver.ipam.EndpointRequest;
import org.nlbridge.driver.ipam.Ipam;
import org.nlbridge.driver.ipam.SubnetRules;
import org.nlbridge.driver.state.Endpoint;
import org.nlbridge.driver.state.Network;
import org.nlbridge.driver.state.Phase;
import org.nlbridge.driver.state.PortBinding;
import org.nlbridge.driver.state.StateStore;
import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineOptions;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.engine.Ownership;
import org.nlbridge.net.Hostname;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.PortMapping;
import org.nlbridge.net.PortSpec;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.spec.Change.Action;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.DnsSpec;
import org.nlbridge.spec.NetworkMode;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.spec.NotFoundException;
import org.nlbridge.spec.Plan;

/**
 * Docker's bridge driver for one host namespace: networks (bridge, addresses, forwarding), endpoints (veth,
 * address, MAC, routes), published ports and isolation (through a {@link Firewalls firewall driver}), and the
 * DNS/hosts/hostname overlay, converged to a {@link DesiredState}.
 *
 * <p>Every plan is computed from the live kernel and the state store, so {@code plan} shows exactly what
 * {@code apply} does and a second {@code apply} does nothing. Intent is journalled before the kernel is touched
 * (an endpoint is ATTACHING in the store before its veth exists), and {@link #open} reconciles what a crash left.
 */
public final class BridgeEngine implements Engine {

    private final EngineOptions options;
    private final NetNs host;
    private final Rtnl rtnl;
    private final StateStore store;
    private final Ipam ipam;
    private final DnsOverlay overlay;
    private final NetworkOps networkOps;
    private final EndpointOps endpointOps;
    private final Firewalls firewalls;
    private final BridgePorts bridgePorts;

    private BridgeEngine(EngineOptions options, NetNs host, Rtnl rtnl, StateStore store) {
        this.options = options;
        this.host = host;
        this.rtnl = rtnl;
        this.store = store;
        this.ipam = new Ipam(store);
        this.overlay = new DnsOverlay(options.stateDir());
        this.networkOps = new NetworkOps(host, rtnl);
        this.bridgePorts = new BridgePorts(host);
        this.endpointOps = new EndpointOps(rtnl, bridgePorts);
        this.firewalls = new Firewalls(host);
    }

    /** Opens the engine on its host namespace and state directory, and reconciles what an earlier run left. */
    public static BridgeEngine open(EngineOptions options) {
        NetNs host = options.hostNetns() == null ? NetNs.current() : NetNs.open(options.hostNetns());
        Rtnl rtnl = null;
        StateStore store = null;
        try {
            rtnl = Rtnl.open(host);
            store = StateStore.open(options.stateDir());
            BridgeEngine e = new BridgeEngine(options, host, rtnl, store);
            e.reconcile();
            return e;
        } catch (RuntimeException e) {
            if (store != null) store.close();
            if (rtnl != null) rtnl.close();
            host.close();
            throw e;
        }
    }

    // ---------------------------------------------------------------------------------------------- plan

    /** What converging to a desired state takes; computed once, then either printed or carried out. */
    private final class Work {
        final List<Change> changes = new ArrayList<>();
        final List<Endpoint> detach = new ArrayList<>();
        final List<Network> removeNetworks = new ArrayList<>();
        final Map<String, Network> networks = new LinkedHashMap<>(); // all desired, resolved
        final Map<String, NetworkSpec> networkSpecs = new HashMap<>();
        final List<Network> createNetworks = new ArrayList<>();
        final List<ContainerSpec> attach = new ArrayList<>();
        final List<ContainerSpec> updatePorts = new ArrayList<>();
        final List<ContainerSpec> loopbackOnly = new ArrayList<>();
        final List<String> createNetns = new ArrayList<>();
        final List<ContainerSpec> files = new ArrayList<>();
        final List<String> forgetContainers = new ArrayList<>();
    }

    private Work compute(DesiredState desired) {
        Work w = new Work();
        List<Network> storedNets = store.read(tx -> tx.networks().all());
        Map<String, Network> stored = new HashMap<>();
        storedNets.forEach(n -> stored.put(n.name(), n));
        List<Endpoint> storedEps = store.read(tx -> tx.endpoints().all());

        // networks: resolve and validate all before anything else, so a bad one stops the whole plan
        for (NetworkSpec spec : desired.networks()) {
            if (!spec.driver().equals(NetworkSpec.DEFAULT_DRIVER)) {
                throw new ValidationException("network " + spec.name() + ": driver", spec.driver(),
                        "no such network driver", "bridge");
            }
            Network n = networkOps.resolve(spec);
            Firewalls.spec(n); // the firewall's own checks, now rather than halfway through apply
            Network old = stored.get(n.name());
            if (old != null && !sameSettings(old, n)) {
                throw new ValidationException("network " + n.name(), describe(n), "it exists with other settings ("
                        + describe(old) + ")", "the settings it was created with; destroy it first to change them");
            }
            if (old == null) {
                checkNoOverlap(n, storedNets, desired);
                if (!spec.existing()) checkNotForeign(n, stored, desired);
            }
            w.networks.put(n.name(), old != null ? old : n);
            w.networkSpecs.put(n.name(), spec);
        }
        for (Network n : storedNets) {
            if (!w.networks.containsKey(n.name())) {
                w.removeNetworks.add(n);
                storedEps.stream().filter(e -> e.network().equals(n.name())).forEach(w.detach::add);
            }
        }

        for (ContainerSpec c : desired.containers()) {
            if (c.handover() != null) {
                throw new ValidationException("container " + c.name() + ": handover", c.handover().toString(),
                        "this engine cannot hand a container end over to a runtime", "a container with a netns");
            }
        }

        // containers whose endpoint must go or be re-made: gone from the script, changed, or whose veth is missing
        // or no longer a port of its network's bridge (someone deleted the bridge, which takes its ports along)
        Map<String, ContainerSpec> wanted = new HashMap<>();
        desired.containers().forEach(c -> wanted.put(c.name(), c));
        Map<String, org.nlbridge.rtnl.Link> links = new HashMap<>();
        rtnl.links().list().forEach(l -> links.put(l.name(), l)); // one dump, not a lookup per endpoint
        for (Endpoint e : storedEps) {
            if (w.detach.contains(e)) continue;
            ContainerSpec c = wanted.get(e.container());
            if (c == null || !(c.network() instanceof NetworkMode.Bridge b) || !b.network().equals(e.network())
                    || !sameEndpoint(e, c) || !onItsBridge(e, stored.get(e.network()), links)) {
                w.detach.add(e);
            }
        }
        Set<String> known = store.read(tx -> knownContainers(tx.meta()));
        for (String name : known) if (!wanted.containsKey(name)) w.forgetContainers.add(name);

        for (Endpoint e : w.detach) {
            w.changes.add(new Change(Action.DELETE, "endpoint", e.container() + " on " + e.network(),
                    e.hostVeth() + ", " + e.ipv4() + (e.ipv6() != null ? ", " + e.ipv6() : "")));
        }
        for (Network n : w.removeNetworks) {
            w.changes.add(new Change(Action.DELETE, "network", n.name(), "bridge " + n.bridge()));
            w.changes.addAll(networkOps.planRemove(n));
        }
        for (Network n : w.networks.values()) {
            if (!stored.containsKey(n.name())) {
                w.createNetworks.add(n);
                w.changes.add(new Change(Action.CREATE, "network", n.name(), describe(n)));
            }
            w.changes.addAll(networkOps.plan(n));
            w.changes.addAll(firewalls.plan(n));
        }

        for (ContainerSpec c : desired.containers()) {
            if (!known.contains(c.name()) && sharesANamespace(c.network())) {
                // its record is all apply makes for it (runtime() and status read it), so the plan says so
                w.changes.add(new Change(Action.CREATE, "container", c.name(), "network " + c.network()));
            }
            if (c.network() instanceof NetworkMode.Host) continue;
            if (!(c.network() instanceof NetworkMode.Container) && !NetNs.exists(c.netns())) {
                w.createNetns.add(c.netns());
                w.changes.add(new Change(Action.CREATE, "netns", c.netns(), "container " + c.name()));
            }
            switch (c.network()) {
                case NetworkMode.Bridge b -> {
                    Network n = w.networks.get(b.network());
                    Optional<Endpoint> e = storedEps.stream()
                            .filter(x -> x.container().equals(c.name()) && !w.detach.contains(x)).findFirst();
                    if (e.isEmpty()) {
                        w.attach.add(c);
                        w.changes.add(new Change(Action.CREATE, "endpoint", c.name() + " on " + n.name(),
                                Naming.hostVeth(n.name(), c.name()) + " <-> " + c.netns() + ":" + c.ifname() + ", "
                                        + (c.ip() != null ? c.ip() : "next free address in " + n.ipv4().pool())
                                        + (n.ipv6() != null ? ", " + (c.ip6() != null ? c.ip6() : "IPv6 from " + n.ipv6().pool()) : "")
                                        + ", mac " + (c.mac() != null ? c.mac() : n.options().macFromIp() ? "02:42:<ipv4>" : "random")));
                        for (PortMapping m : mappings(c)) {
                            w.changes.add(new Change(Action.CREATE, "port", describe(m), "to " + c.name()));
                        }
                    } else if (!samePorts(e.get(), c)) {
                        w.updatePorts.add(c);
                        w.changes.add(new Change(Action.UPDATE, "ports", c.name(), c.publish().toString()));
                    }
                }
                case NetworkMode.None n -> {
                    w.loopbackOnly.add(c);
                    if (!known.contains(c.name())) w.changes.add(new Change(Action.CREATE, "loopback", c.netns() + ":lo", "up"));
                }
                default -> { }
            }
            if (!(c.network() instanceof NetworkMode.Container) && filesDiffer(c, w)) {
                w.files.add(c);
                w.changes.add(new Change(Action.CREATE, "files", overlay.directory(c.name()).toString(),
                        "resolv.conf, hosts, hostname"));
            }
        }
        for (String gone : w.forgetContainers) {
            planForgetRecord(gone, w);
            if (Files.exists(overlay.directory(gone))) {
                w.changes.add(new Change(Action.DELETE, "files", overlay.directory(gone).toString(), ""));
            }
            store.read(tx -> tx.meta().get(Naming.createdNetnsKey(netnsOf(tx.meta(), gone))))
                    .ifPresent(x -> w.changes.add(new Change(Action.DELETE, "netns", netnsOfKnown(gone), "")));
        }
        w.changes.addAll(firewalls.planUserRules(desired.userRules(), this::userRuleInserted));
        return w;
    }

    /** Host and container:<name> modes: no namespace of their own, nothing in the kernel, only the record. */
    private static boolean sharesANamespace(NetworkMode mode) {
        return mode instanceof NetworkMode.Host || mode instanceof NetworkMode.Container;
    }

    /** Forgetting a container that shares a namespace only deletes its record: say so, or the plan is empty. */
    private void planForgetRecord(String container, Work w) {
        String netns = netnsOfKnown(container);
        if (netns.equals("-") || netns.startsWith("container:")) {
            w.changes.add(new Change(Action.DELETE, "container", container, netns.equals("-") ? "network host" : "network " + netns));
        }
    }

    private static boolean sameSettings(Network a, Network b) {
        return a.bridge().equals(b.bridge()) && a.bridgeOrigin() == b.bridgeOrigin() && a.ipv4().equals(b.ipv4())
                && java.util.Objects.equals(a.ipv6(), b.ipv6()) && a.mtu().equals(b.mtu()) && a.options().equals(b.options());
    }

    private static String describe(Network n) {
        return "bridge " + n.bridge() + (n.bridgeOrigin() == org.nlbridge.driver.state.BridgeOrigin.GIVEN ? " (given)" : "")
                + ", " + NetworkOps.gatewayCidr(n.ipv4())
                + (n.ipv4().range() != null ? ", fixed-cidr " + n.ipv4().range() : "")
                + (n.ipv6() != null ? ", " + n.ipv6().subnet() : "")
                + ", mtu " + n.mtu().value()
                + (n.options().icc() ? "" : ", icc off") + (n.options().ipMasq() ? "" : ", ip-masq off")
                + (n.options().internal() ? ", internal" : "") + ", firewall " + n.options().firewall();
    }

    private static String describe(PortMapping m) {
        IpAddress h = m.hostIp();
        String host = h == null ? "*" : h.family() == IpAddress.AF_INET6 ? "[" + h + "]" : h.toString();
        return m.protocol().toString().toLowerCase(java.util.Locale.ROOT) + " " + host + ":" + m.hostPort()
                + " -> " + m.containerPort();
    }

    private void checkNoOverlap(Network n, List<Network> stored, DesiredState desired) {
        Map<String, org.nlbridge.net.Cidr> others = new HashMap<>();
        stored.forEach(o -> others.put(o.name(), o.ipv4().subnet()));
        for (NetworkSpec s : desired.networks()) {
            if (!s.name().equals(n.name()) && s.subnet() != null) others.putIfAbsent(s.name(), s.subnet());
        }
        SubnetRules.checkNoOverlap("network " + n.name() + ": bip", n.ipv4().subnet(), others);
    }

    /**
     * A new network's bridge to create may exist only if it is ours: it carries this network's alias, or that of a
     * stored network this apply removes (which deletes it first). Anything else is someone's bridge, and adopting
     * it as created would let destroy delete it; Docker's -b ({@code useBridge}) is the way to use it.
     */
    private void checkNotForeign(Network n, Map<String, Network> stored, DesiredState desired) {
        String br = n.bridge().toString();
        Optional<org.nlbridge.rtnl.Link> l = rtnl.links().find(br);
        if (l.isEmpty()) return;
        String alias = l.get().alias();
        if (Naming.bridgeAlias(n.name()).equals(alias)) return;
        String prefix = Naming.bridgeAlias("");
        if (alias != null && alias.startsWith(prefix)) {
            String owner = alias.substring(prefix.length());
            if (stored.containsKey(owner) && desired.networks().stream().noneMatch(s -> s.name().equals(owner))) return;
        }
        throw new ValidationException("network " + n.name() + ": bridge", br, "exists but was not created by nlbridge"
                + " for this network (it has no " + Naming.bridgeAlias(n.name()) + " alias), and destroy would delete it",
                "a name that is not taken, or useBridge " + br + " to attach to it without owning it (Docker -b)");
    }

    private static boolean onItsBridge(Endpoint e, Network n, Map<String, org.nlbridge.rtnl.Link> links) {
        org.nlbridge.rtnl.Link veth = links.get(e.hostVeth().toString());
        org.nlbridge.rtnl.Link bridge = n == null ? null : links.get(n.bridge().toString());
        return veth != null && bridge != null && veth.master() == bridge.index();
    }

    private static boolean sameEndpoint(Endpoint e, ContainerSpec c) {
        return e.netns().equals(NetNs.RUN_DIR.resolve(c.netns())) && e.ifName().equals(c.ifname())
                && e.hostname().equals(c.hostname())
                && (c.ip() == null || c.ip().equals(e.ipv4()))
                && (c.ip6() == null || c.ip6().equals(e.ipv6()))
                && (c.mac() == null || c.mac().equals(e.mac()));
    }

    private static List<PortMapping> mappings(ContainerSpec c) {
        List<PortMapping> out = new ArrayList<>();
        for (PortSpec p : c.publish()) out.addAll(p.mappings());
        return out;
    }

    private boolean samePorts(Endpoint e, ContainerSpec c) {
        Set<PortMapping> have = new HashSet<>();
        store.read(tx -> tx.ports().ofEndpoint(e.container(), e.network())).forEach(b -> have.add(b.mapping()));
        return have.equals(new HashSet<>(mappings(c)));
    }

    private OverlaySpec overlaySpec(ContainerSpec c, Work w, Endpoint e) {
        OverlaySpec.Builder b = OverlaySpec.builder().hostname(c.hostname());
        DnsSpec dns = c.dns();
        if (c.network() instanceof NetworkMode.Bridge br) {
            dns = Naming.mergeDns(w.networkSpecs.get(br.network()).dns(), c.dns());
            if (e != null) {
                b.address(e.ipv4());
                if (e.ipv6() != null) b.address(e.ipv6());
            }
            b.ipv6Disabled(e == null || e.ipv6() == null);
        } else {
            b.ipv6Disabled(true);
        }
        return b.dns(dns).build();
    }

    private boolean filesDiffer(ContainerSpec c, Work w) {
        Optional<Endpoint> e = c.network() instanceof NetworkMode.Bridge
                ? store.read(tx -> tx.endpoints().ofContainer(c.name())).stream().findFirst() : Optional.empty();
        if (c.network() instanceof NetworkMode.Bridge && (e.isEmpty() || w.detach.contains(e.get()))) return true;
        Map<String, String> want = overlay.render(overlaySpec(c, w, e.orElse(null)));
        Path dir = overlay.directory(c.name());
        for (Map.Entry<String, String> f : want.entrySet()) {
            try {
                if (!Files.readString(dir.resolve(f.getKey()), StandardCharsets.UTF_8).equals(f.getValue())) return true;
            } catch (IOException missing) {
                return true;
            }
        }
        return false;
    }

    // --------------------------------------------------------------------------------------------- apply

    @Override
    public Plan plan(DesiredState desired) {
        return new Plan(compute(desired.withHostBindings()).changes);
    }

    @Override
    public Plan apply(DesiredState desired, ProgressListener progress) {
        Work w = compute(desired.withHostBindings());
        Progress p = new Progress(w.detach.size() + w.removeNetworks.size() + w.networks.size() + w.attach.size()
                + w.files.size(), progress);
        List<String> errors = new ArrayList<>();

        detach(w.detach, errors, p);
        for (Network n : w.removeNetworks) removeNetwork(n, errors, p);
        for (String name : w.forgetContainers) forget(name, errors);

        for (Network n : w.createNetworks) ipam.createNetwork(n);
        Map<String, Integer> bridgeIndex = new HashMap<>();
        for (Network n : w.networks.values()) {
            try {
                bridgeIndex.put(n.name(), networkOps.ensure(n));
                firewalls.setupNetwork(n);
            } catch (RuntimeException ex) {
                // e.g. icc=false without br_netfilter, found only by the firewall's setup: the networks this apply
                // creates are undone, in reverse, so a failed apply leaves no bridge or record behind
                undoCreatedNetworks(w, ex);
                throw ex;
            }
            p.advance(Action.UPDATE, "network", n.name());
        }
        // the containers' records first: they are how destroy finds the namespaces created next, even if this
        // process dies before it gets to anything else
        for (ContainerSpec c : desired.containers()) remember(c);
        for (String ns : w.createNetns) {
            NetNs.create(ns).close();
            store.update(tx -> tx.meta().put(Naming.createdNetnsKey(ns), "1"));
        }
        attach(w, bridgeIndex, errors, p);
        for (ContainerSpec c : w.updatePorts) updatePorts(c, w, errors);
        for (ContainerSpec c : w.loopbackOnly) {
            try (NetNs ns = NetNs.open(c.netns())) {
                EndpointOps.loopbackOnly(ns);
            }
        }
        for (ContainerSpec c : w.files) {
            Optional<Endpoint> e = store.read(tx -> tx.endpoints().ofContainer(c.name())).stream().findFirst();
            if (c.network() instanceof NetworkMode.Bridge && e.isEmpty()) continue; // its attach failed: reported
            overlay.write(c.name(), overlaySpec(c, w, e.orElse(null)));
            p.advance(Action.CREATE, "files", c.name());
        }
        for (String r : firewalls.applyUserRules(desired.userRules(), w.networks.values(), this::userRuleInserted)) {
            store.update(tx -> tx.meta().put(USER_RULE_KEY + r, "inserted"));
        }
        if (!errors.isEmpty()) throw new ApplyException(errors);
        return new Plan(w.changes);
    }

    private void undoCreatedNetworks(Work w, RuntimeException failure) {
        for (Network n : w.createNetworks.reversed()) {
            List<String> errors = new ArrayList<>();
            try {
                firewalls.teardownNetwork(n);
            } catch (RuntimeException e) {
                errors.add("firewall: " + e.getMessage());
            }
            networkOps.remove(n, errors);
            try {
                store.update(tx -> tx.networks().delete(n.name()));
            } catch (RuntimeException e) {
                errors.add("state: " + e.getMessage());
            }
            for (String e : errors) failure.addSuppressed(new IllegalStateException("undoing network " + n.name() + ": " + e));
        }
        try {
            firewalls.teardownIfUnused(store.read(tx -> tx.networks().all())); // a host left as it was found
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private void attach(Work w, Map<String, Integer> bridgeIndex, List<String> errors, Progress p) {
        if (w.attach.isEmpty()) return;
        List<EndpointOps.Work> work = new ArrayList<>();
        Map<String, ContainerSpec> specs = new HashMap<>();
        List<NetNs> opened = new ArrayList<>();
        try {
            for (ContainerSpec c : w.attach) {
                String net = ((NetworkMode.Bridge) c.network()).network();
                Network n = w.networks.get(net);
                // journal first: the endpoint is ATTACHING with its addresses and ports before any veth exists
                Endpoint e = store.write(tx -> {
                    Endpoint ep = ipam.attach(tx, new EndpointRequest(c.name(), net, NetNs.RUN_DIR.resolve(c.netns()),
                            c.ifname(), Naming.hostVeth(net, c.name()), c.hostname(), c.ip(), c.ip6(), c.mac()));
                    for (PortMapping m : mappings(c)) tx.ports().publish(new PortBinding(m, c.name(), net, ep.ipv4()));
                    return ep;
                });
                NetNs ns = NetNs.open(c.netns());
                opened.add(ns);
                specs.put(c.name(), c);
                work.add(new EndpointOps.Work(e, n, ns, bridgeIndex.get(net)));
            }
            CrashPoint.at(CrashPoint.JOURNALLED);
            List<EndpointOps.Failure> failed = endpointOps.attach(work);
            CrashPoint.at(CrashPoint.CONTAINER_SIDE);
            Set<String> failedNames = new HashSet<>();
            for (EndpointOps.Failure f : failed) {
                Endpoint e = f.work().endpoint();
                failedNames.add(e.container());
                errors.add("container " + e.container() + ": " + f.cause().getMessage());
                release(e);
            }
            for (EndpointOps.Work ok : work) {
                Endpoint e = ok.endpoint();
                if (failedNames.contains(e.container())) continue;
                try {
                    firewalls.addEndpoint(ok.network(), e, mappings(specs.get(e.container())));
                    CrashPoint.at(CrashPoint.BEFORE_ATTACHED);
                    store.update(tx -> tx.endpoints().setPhase(e.container(), e.network(), Phase.ATTACHED));
                    CrashPoint.at(CrashPoint.AFTER_ATTACHED);
                    p.advance(Action.CREATE, "endpoint", e.container());
                } catch (RuntimeException ex) {
                    errors.add("container " + e.container() + ": " + ex.getMessage());
                    List<String> undo = new ArrayList<>();
                    endpointOps.removeHostVeth(e.hostVeth(), undo);
                    firewalls.removeEndpoint(ok.network(), e);
                    release(e);
                    errors.addAll(undo);
                }
            }
        } finally {
            opened.forEach(NetNs::close);
        }
    }

    private void release(Endpoint e) {
        store.update(tx -> {
            if (tx.endpoints().find(e.container(), e.network()).map(x -> x.phase() == Phase.ATTACHED).orElse(false)) {
                tx.endpoints().setPhase(e.container(), e.network(), Phase.DETACHING);
            }
        });
        ipam.release(e.container(), e.network());
    }

    private void detach(List<Endpoint> endpoints, List<String> errors, Progress p) {
        if (endpoints.isEmpty()) return;
        // journal the teardown, then remove firewall entries and veths, then free the addresses
        for (Endpoint e : endpoints) {
            store.update(tx -> tx.endpoints().setPhase(e.container(), e.network(), Phase.DETACHING));
        }
        Map<String, Network> nets = new HashMap<>();
        store.read(tx -> tx.networks().all()).forEach(n -> nets.put(n.name(), n));
        for (Endpoint e : endpoints) {
            try {
                firewalls.removeEndpoint(nets.get(e.network()), e);
            } catch (RuntimeException ex) {
                errors.add("container " + e.container() + ": firewall: " + ex.getMessage());
            }
        }
        endpointOps.detach(endpoints, errors);
        for (Endpoint e : endpoints) {
            ipam.release(e.container(), e.network());
            p.advance(Action.DELETE, "endpoint", e.container());
        }
    }

    private void removeNetwork(Network n, List<String> errors, Progress p) {
        try {
            firewalls.teardownNetwork(n);
        } catch (RuntimeException e) {
            errors.add("network " + n.name() + ": firewall: " + e.getMessage());
        }
        networkOps.remove(n, errors);
        store.update(tx -> tx.networks().delete(n.name()));
        p.advance(Action.DELETE, "network", n.name());
    }

    /**
     * New published ports for an attached container. The store first (it refuses a host port another container
     * holds), then the firewall, which cannot change an endpoint in place: its entries are removed and added back
     * with the new ports (two transactions; in between the bridge's forward chain still drops what is not
     * established or published). If the firewall refuses, the old ports go back into the store and the firewall,
     * so a failed change never leaves the store saying what the kernel does not do.
     */
    private void updatePorts(ContainerSpec c, Work w, List<String> errors) {
        Endpoint e = store.read(tx -> tx.endpoints().ofContainer(c.name())).getFirst();
        Network n = w.networks.get(e.network());
        List<PortMapping> old = store.read(tx -> tx.ports().ofEndpoint(e.container(), e.network())).stream()
                .map(PortBinding::mapping).toList();
        try {
            setPorts(e, mappings(c));
        } catch (RuntimeException ex) {
            errors.add("container " + c.name() + ": ports: " + ex.getMessage());
            return;
        }
        try {
            firewalls.removeEndpoint(n, e);
            firewalls.addEndpoint(n, e, mappings(c));
        } catch (RuntimeException ex) {
            errors.add("container " + c.name() + ": ports: " + ex.getMessage());
            try {
                setPorts(e, old);
                firewalls.removeEndpoint(n, e);
                firewalls.addEndpoint(n, e, old);
            } catch (RuntimeException undo) {
                errors.add("container " + c.name() + ": ports: restoring " + old + ": " + undo.getMessage());
            }
        }
    }

    private void setPorts(Endpoint e, List<PortMapping> ports) {
        store.update(tx -> {
            tx.ports().unpublish(e.container(), e.network());
            for (PortMapping m : ports) tx.ports().publish(new PortBinding(m, e.container(), e.network(), e.ipv4()));
        });
    }

    // ------------------------------------------------------------------------- containers known by name

    private static final String CONTAINER_KEY = "container.";
    private static final String USER_RULE_KEY = "userrule.";

    private boolean userRuleInserted(String rule) {
        return store.read(tx -> tx.meta().get(USER_RULE_KEY + rule)).isPresent();
    }

    private void remember(ContainerSpec c) {
        String netns = c.network() instanceof NetworkMode.Host ? "-"
                : c.network() instanceof NetworkMode.Container o ? "container:" + o.container() : c.netns();
        store.update(tx -> tx.meta().put(CONTAINER_KEY + c.name(), netns + "\t" + c.hostname()));
    }

    private static Set<String> knownContainers(org.nlbridge.driver.state.MetaTable meta) {
        Set<String> out = new HashSet<>();
        for (String k : meta.keys(CONTAINER_KEY)) out.add(k.substring(CONTAINER_KEY.length()));
        return out;
    }

    private static String netnsOf(org.nlbridge.driver.state.MetaTable meta, String container) {
        return meta.get(CONTAINER_KEY + container).map(v -> v.split("\t", 2)[0]).orElse("-");
    }

    private String netnsOfKnown(String container) {
        return store.read(tx -> netnsOf(tx.meta(), container));
    }

    /** A container no longer wanted: its files, its record, and its namespace if the engine created it. */
    private void forget(String container, List<String> errors) {
        String netns = netnsOfKnown(container);
        overlay.remove(container);
        boolean created = store.read(tx -> tx.meta().get(Naming.createdNetnsKey(netns)).isPresent());
        if (created) {
            try {
                NetNs.delete(netns);
            } catch (RuntimeException e) {
                errors.add("container " + container + ": netns " + netns + ": " + e.getMessage());
            }
        }
        store.update(tx -> {
            tx.meta().remove(CONTAINER_KEY + container);
            if (created) tx.meta().remove(Naming.createdNetnsKey(netns));
        });
    }

    // ------------------------------------------------------------------------------------------ destroy

    @Override
    public Plan planDestroy(DesiredState desired) {
        return new Plan(computeDestroy(desired).changes);
    }

    private Work computeDestroy(DesiredState desired) {
        Work w = new Work();
        Set<String> nets = new HashSet<>();
        desired.networks().forEach(n -> nets.add(n.name()));
        Set<String> ctrs = new HashSet<>();
        desired.containers().forEach(c -> ctrs.add(c.name()));
        for (Endpoint e : store.read(tx -> tx.endpoints().all())) {
            if (ctrs.contains(e.container()) || nets.contains(e.network())) {
                w.detach.add(e);
                w.changes.add(new Change(Action.DELETE, "endpoint", e.container() + " on " + e.network(),
                        e.hostVeth() + ", " + e.ipv4()));
            }
        }
        for (String c : store.read(tx -> knownContainers(tx.meta()))) {
            if (!ctrs.contains(c)) continue;
            w.forgetContainers.add(c);
            planForgetRecord(c, w);
            if (Files.exists(overlay.directory(c))) {
                w.changes.add(new Change(Action.DELETE, "files", overlay.directory(c).toString(), ""));
            }
            String netns = netnsOfKnown(c);
            if (store.read(tx -> tx.meta().get(Naming.createdNetnsKey(netns)).isPresent()) && NetNs.exists(netns)) {
                w.changes.add(new Change(Action.DELETE, "netns", netns, ""));
            }
        }
        for (Network n : store.read(tx -> tx.networks().all())) {
            if (!nets.contains(n.name())) continue;
            w.removeNetworks.add(n);
            w.changes.add(new Change(Action.DELETE, "network", n.name(), "bridge " + n.bridge()));
            w.changes.addAll(networkOps.planRemove(n));
        }
        return w;
    }

    @Override
    public Plan destroy(DesiredState desired, ProgressListener progress) {
        Work w = computeDestroy(desired);
        Progress p = new Progress(w.detach.size() + w.removeNetworks.size(), progress);
        List<String> errors = new ArrayList<>();
        detach(w.detach, errors, p);
        for (String c : w.forgetContainers) forget(c, errors);
        for (Network n : w.removeNetworks) {
            if (store.read(tx -> tx.endpoints().ofNetwork(n.name())).isEmpty()) {
                removeNetwork(n, errors, p);
            } else {
                errors.add("network " + n.name() + ": still has containers not in this script; not removed");
            }
        }
        firewalls.teardownIfUnused(store.read(tx -> tx.networks().all()));
        if (!errors.isEmpty()) throw new ApplyException(errors);
        return new Plan(w.changes);
    }

    // ------------------------------------------------------------------------------------------- status

    @Override
    public EngineStatus status() {
        List<EngineStatus.NetworkStatus> nets = new ArrayList<>();
        for (Network n : store.read(tx -> tx.networks().all())) {
            nets.add(new EngineStatus.NetworkStatus(n.name(), n.bridge().toString(), n.ipv4().subnet().toString(),
                    n.ipv4().gateway().toString(), n.ipv4().range() == null ? null : n.ipv4().range().toString(),
                    n.ipv6() == null ? null : n.ipv6().subnet().toString(), n.mtu().value(), n.options().icc(),
                    n.options().ipMasq(), n.options().internal(), n.options().firewall(),
                    n.bridgeOrigin() == org.nlbridge.driver.state.BridgeOrigin.CREATED));
        }
        List<EngineStatus.ContainerStatus> ctrs = new ArrayList<>();
        Map<String, Endpoint> eps = new HashMap<>();
        store.read(tx -> tx.endpoints().all()).forEach(e -> eps.put(e.container(), e));
        for (String c : store.read(tx -> knownContainers(tx.meta())).stream().sorted().toList()) {
            Endpoint e = eps.get(c);
            String[] rec = store.read(tx -> tx.meta().get(CONTAINER_KEY + c)).orElse("-\t-").split("\t", 2);
            List<String> files = Files.isDirectory(overlay.directory(c))
                    ? overlay.mounts(c, false).stream().map(m -> m.source()).toList() : List.of();
            ctrs.add(new EngineStatus.ContainerStatus(c, e != null ? e.network() : rec[0].startsWith("container:")
                    ? rec[0] : rec[0].equals("-") ? "host" : "none", rec[0], e != null ? e.ifName().toString() : null,
                    e != null ? e.hostVeth().toString() : null, e != null ? e.ipv4().toString() : null,
                    e != null && e.ipv6() != null ? e.ipv6().toString() : null,
                    e != null ? e.mac().toString() : null, rec.length > 1 ? rec[1] : null, files));
        }
        return new EngineStatus(nets, ctrs, firewalls.ports(store.read(tx -> tx.ports().all())));
    }

    @Override
    public ContainerRuntime runtime(String container) {
        String[] rec = store.read(tx -> tx.meta().get(CONTAINER_KEY + container))
                .orElseThrow(() -> new NotFoundException("container", container, "no such container in the state "
                        + options.stateDir(), "the name of a container applied from a script"))
                .split("\t", 2);
        String netns = rec[0];
        String filesOf = container;
        if (netns.startsWith("container:")) {
            // shares another container's namespace and, as in Docker, its resolv.conf and hosts
            String other = netns.substring("container:".length());
            filesOf = other;
            netns = store.read(tx -> tx.meta().get(CONTAINER_KEY + other)).orElse("-").split("\t")[0];
        }
        Hostname h = Hostname.parse("hostname", rec[1]);
        if (netns.equals("-")) return new ContainerRuntime(null, h, List.of());
        return new ContainerRuntime(netns, h, overlay.mounts(filesOf, false));
    }

    // ------------------------------------------------------------------------------------------ reconcile

    /**
     * After a crash: endpoints left mid-attach or mid-detach by a dead process are torn down and their addresses
     * freed; links carrying our alias that no endpoint or network owns are deleted; the firewall is rebuilt from
     * the store if it differs (someone flushed it, or a crash cut a change short).
     */
    @Override
    public List<String> reconcile() {
        List<Endpoint> stuck = store.write(tx -> tx.endpoints().claimStuck());
        List<String> errors = new ArrayList<>();
        List<String> repaired = new ArrayList<>();
        Map<String, Network> nets = new HashMap<>();
        store.read(tx -> tx.networks().all()).forEach(n -> nets.put(n.name(), n));
        for (Endpoint e : stuck) {
            endpointOps.removeHostVeth(e.hostVeth(), errors);
            Network n = nets.get(e.network());
            if (n != null) firewalls.removeEndpointQuietly(n, e);
            store.update(tx -> tx.endpoints().delete(e.container(), e.network()));
            repaired.add("endpoint " + e.container() + " on " + e.network() + ": left " + e.phase() + " by a dead process; removed");
        }
        Set<String> owned = new HashSet<>();
        store.read(tx -> tx.endpoints().all()).forEach(e -> owned.add(Naming.vethAlias(e.network(), e.container())));
        nets.values().forEach(n -> owned.add(Naming.bridgeAlias(n.name())));
        for (var l : rtnl.links().list()) {
            if (l.alias() != null && l.alias().startsWith(Naming.ALIAS_PREFIX) && !owned.contains(l.alias())) {
                endpointOps.removeHostVeth(org.nlbridge.net.IfName.parse("link", l.name()), errors);
                repaired.add("link " + l.name() + " (" + l.alias() + "): owned by nothing; deleted");
            }
        }
        var fw = firewalls.reconcile(nets.values(), store.read(tx -> tx.endpoints().all()), store.read(tx -> tx.ports().all()));
        if (fw.rebuilt()) repaired.add("firewall rebuilt from the state store" + (fw.drift().isEmpty() ? "" : ": " + fw.drift()));
        if (!errors.isEmpty()) System.getLogger("nlbridge").log(System.Logger.Level.WARNING, "reconcile: " + errors);
        return repaired;
    }

    @Override
    public Ownership ownership() {
        Map<String, String> links = new HashMap<>();
        Set<String> bridges = new HashSet<>();
        for (Network n : store.read(tx -> tx.networks().all())) {
            links.put(n.bridge().toString(), "bridge of network " + n.name());
            bridges.add(n.bridge().toString());
        }
        for (Endpoint e : store.read(tx -> tx.endpoints().all())) {
            links.put(e.hostVeth().toString(), "veth of container " + e.container() + " on " + e.network());
        }
        return new Ownership(links, bridges, Naming.ALIAS_PREFIX, Set.of(NftLayout.TABLE));
    }

    @Override
    public boolean takeFrontEndValue(String key, Consumer<String> keep) {
        return store.write(tx -> {
            Optional<String> value = tx.meta().get(key);
            value.ifPresent(v -> {
                keep.accept(v);
                tx.meta().remove(key);
            });
            return value.isPresent();
        });
    }

    @Override
    public void close() {
        try {
            firewalls.close();
        } finally {
            try {
                bridgePorts.close();
                store.close();
            } finally {
                try {
                    rtnl.close();
                } finally {
                    host.close();
                }
            }
        }
    }

    /** Tells the progress listener about each unit of work (a network, an endpoint, a container's files) as it is done. */
    private static final class Progress {
        private final int total;
        private final ProgressListener listener;
        private int done;

        Progress(int total, ProgressListener listener) {
            this.total = total;
            this.listener = listener == null ? ProgressListener.NONE : listener;
        }

        void advance(Action action, String kind, String object) {
            done++;
            listener.applied(done, Math.max(total, done), new Change(action, kind, object, ""));
        }
    }
}

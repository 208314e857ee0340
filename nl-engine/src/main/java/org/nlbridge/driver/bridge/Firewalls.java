package org.nlbridge.driver.bridge;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.nlbridge.driver.firewall.EndpointFirewallSpec;
import org.nlbridge.driver.firewall.FirewallDriver;
import org.nlbridge.driver.firewall.FirewallState;
import org.nlbridge.driver.firewall.NetworkFirewallSpec;
import org.nlbridge.driver.firewall.NoneFirewallDriver;
import org.nlbridge.driver.firewall.PublishedPort;
import org.nlbridge.driver.state.Endpoint;
import org.nlbridge.driver.state.Network;
import org.nlbridge.driver.state.PortBinding;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.net.PortMapping;
import org.nlbridge.netns.NetNs;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.FirewallBackend;
import org.nlbridge.spec.UserRulesSpec;

/**
 * The bridge driver's side of the NetworkDriver/FirewallDriver split: picks each network's firewall driver by its
 * backend ({@code nftables} or {@code none}), translates the store's records into the firewall's specs, and keeps
 * which bridges are set up so {@code plan} can say what a network's firewall still needs.
 */
final class Firewalls implements AutoCloseable {
    private final NetNs host;
    private final FirewallDriver none = new NoneFirewallDriver();
    private FirewallDriver nft; // opened on first use: hosts that only use firewall 'none' need no nf_tables
    private final Set<String> setUp = new HashSet<>();
    private final java.util.function.Predicate<String> spoofCheckOff;

    /** {@code spoofCheckOff}: whether a container asked for {@code spoofCheck false} (the store says). */
    Firewalls(NetNs host, java.util.function.Predicate<String> spoofCheckOff) {
        this.host = host;
        this.spoofCheckOff = spoofCheckOff;
    }

    /** Whether the container's port goes without anti-spoofing. */
    boolean spoofCheckOff(String container) {
        return spoofCheckOff.test(container);
    }

    private FirewallDriver of(Network n) {
        return backend(n) == FirewallBackend.NONE ? none : nft();
    }

    private static FirewallBackend backend(Network n) {
        return FirewallBackend.parse("firewall", n.options().firewall());
    }

    private FirewallDriver nft() {
        return nft(FirewallState.EMPTY);
    }

    /**
     * The nftables driver, opened on first use and reconciled to {@code initial}: what the store says when the engine
     * opens ({@link #reconcile}), else nothing (no nftables network is stored, so any table of ours is a leftover).
     * Never EMPTY first and the store's state after: that deleted every network's rules and rebuilt them at each
     * engine open (plan and status included), a window without isolation or published ports.
     */
    private FirewallDriver nft(FirewallState initial) {
        if (nft == null) {
            FirewallDriver d = NftFirewalls.open(host);
            d.reconcile(initial.validated());
            nft = d;
        }
        return nft;
    }

    /**
     * The firewall's view of a network. An internal network masquerades nothing whatever ipMasq says (it is on by
     * default, and Docker ignores it for --internal); the firewall refuses the combination, so it is not passed on.
     */
    static NetworkFirewallSpec spec(Network n) {
        return new NetworkFirewallSpec(n.bridge(), n.ipv4().subnet(), n.ipv6() == null ? null : n.ipv6().subnet(),
                n.options().icc(), n.options().ipMasq() && !n.options().internal(), n.options().internal());
    }

    EndpointFirewallSpec spec(Network n, Endpoint e, List<PortMapping> ports) {
        return new EndpointFirewallSpec(Naming.endpointId(e.network(), e.container()), n.bridge(), e.hostVeth(),
                e.ipv4(), e.ipv6(), ports, e.mac(), !spoofCheckOff(e.container()));
    }

    List<Change> plan(Network n) {
        if (setUp.contains(n.name())) return List.of();
        String what = backend(n) == FirewallBackend.NONE ? "none: no rules (--iptables=false)"
                : (n.options().ipMasq() && !n.options().internal() ? "masquerade, " : "")
                + "forward, isolation" + (n.options().icc() ? "" : ", icc drop") + ", published-port maps";
        return List.of(new Change(Change.Action.CREATE, "firewall", "network " + n.name(), what));
    }

    /**
     * What the nftables driver would add to or remove from the host's iptables-nft firewall (its FORWARD policy drop)
     * once {@code networks} are the nftables networks there are; read only (a driver opened just to read).
     */
    List<Change> planHostFirewall(Collection<Network> networks) {
        List<NetworkFirewallSpec> specs = networks.stream().filter(n -> backend(n) == FirewallBackend.NFTABLES)
                .map(Firewalls::spec).toList();
        FirewallState desired = new FirewallState(specs, List.of());
        if (nft != null) return nft.hostFirewallPlan(desired);
        try (var reader = org.nlbridge.driver.firewall.nftables.NftFirewallDriver.open(host)) {
            return reader.hostFirewallPlan(desired);
        }
    }

    void setupNetwork(Network n) {
        of(n).setupNetwork(spec(n));
        setUp.add(n.name());
    }

    void teardownNetwork(Network n) {
        of(n).teardownNetwork(n.bridge());
        setUp.remove(n.name());
    }

    void addEndpoint(Network n, Endpoint e, List<PortMapping> ports) {
        of(n).addEndpoint(spec(n, e, ports));
    }

    void removeEndpoint(Network n, Endpoint e) {
        if (n != null) of(n).removeEndpoint(Naming.endpointId(e.network(), e.container()));
    }

    /** For reconcile of a half-done endpoint: its entries may or may not exist. */
    void removeEndpointQuietly(Network n, Endpoint e) {
        if (nft == null) return; // not opened yet: the reconcile that follows builds the rules from the store
        try {
            removeEndpoint(n, e);
        } catch (RuntimeException ignored) {
            // the full reconcile that follows rebuilds the firewall from the store anyway
        }
    }

    /** Makes each backend's rules match the store (after a restart, a crash or an external flush). */
    org.nlbridge.driver.firewall.ReconcileReport reconcile(Collection<Network> networks, List<Endpoint> endpoints,
                                                          List<PortBinding> ports) {
        Map<String, Network> byName = new HashMap<>();
        networks.forEach(n -> byName.put(n.name(), n));
        Map<String, List<PortMapping>> portsOf = new HashMap<>();
        for (PortBinding b : ports) portsOf.computeIfAbsent(b.network() + "/" + b.container(), k -> new ArrayList<>()).add(b.mapping());
        List<NetworkFirewallSpec> nftNets = new ArrayList<>();
        List<EndpointFirewallSpec> nftEps = new ArrayList<>();
        for (Network n : networks) {
            if (backend(n) == FirewallBackend.NFTABLES) nftNets.add(spec(n));
            setUp.add(n.name());
        }
        for (Endpoint e : endpoints) {
            Network n = byName.get(e.network());
            if (n == null || backend(n) != FirewallBackend.NFTABLES) continue;
            nftEps.add(spec(n, e, portsOf.getOrDefault(e.network() + "/" + e.container(), List.of())));
        }
        if (!nftNets.isEmpty() || nft != null) {
            FirewallState desired = new FirewallState(nftNets, nftEps);
            if (nft == null) {
                nft(desired); // the engine opening: one reconcile, to the store's state
                return org.nlbridge.driver.firewall.ReconcileReport.unchanged();
            }
            return nft.reconcile(desired.validated());
        }
        return org.nlbridge.driver.firewall.ReconcileReport.unchanged();
    }

    /**
     * The script's user rules not inserted yet. The hook belongs to the user: each rule is inserted once, when a
     * script first asks for it (recorded in the store), and never re-added, edited or removed by the engine after
     * that, so a rule the user deleted stays deleted.
     */
    List<Change> planUserRules(UserRulesSpec rules, java.util.function.Predicate<String> inserted) {
        List<Change> out = new ArrayList<>();
        for (UserRulesSpec.AllowOnlyFrom r : rules.rules()) {
            if (!inserted.test(r.toString())) out.add(new Change(Change.Action.CREATE, "user rule", r.toString(), ""));
        }
        return out;
    }

    /** Creates the user hook (once) and inserts the rules {@link #planUserRules} listed; returns what it inserted. */
    List<String> applyUserRules(UserRulesSpec rules, Collection<Network> networks,
                                java.util.function.Predicate<String> inserted) {
        boolean anyNft = networks.stream().anyMatch(n -> backend(n) == FirewallBackend.NFTABLES);
        List<String> done = new ArrayList<>();
        if (!anyNft && rules.rules().isEmpty()) return done;
        nft().ensureUserHook();
        for (UserRulesSpec.AllowOnlyFrom r : rules.rules()) {
            if (inserted.test(r.toString())) continue;
            NftFirewalls.insertUserRule(nft, r);
            done.add(r.toString());
        }
        return done;
    }

    /** Published ports from the store, with the kernel's connection counters where the backend has them. */
    List<EngineStatus.PortStatus> ports(List<PortBinding> bindings) {
        Map<String, Long> counters = new HashMap<>();
        if (nft != null) {
            for (PublishedPort p : nft.listPorts()) counters.put(key(p.protocol().toString(), p.hostPort(), p.containerPort(),
                    p.containerIp().toString()), p.connections());
        }
        List<EngineStatus.PortStatus> out = new ArrayList<>();
        for (PortBinding b : bindings) {
            PortMapping m = b.mapping();
            long c = counters.getOrDefault(key(m.protocol().toString(), m.hostPort(), m.containerPort(),
                    b.containerIp().toString()), -1L);
            out.add(new EngineStatus.PortStatus(b.container(), m.protocol().toString().toLowerCase(Locale.ROOT),
                    m.hostIp() == null ? null : m.hostIp().toString(), m.hostPort(), b.containerIp().toString(),
                    m.containerPort(), c, -1)); // the firewall counts connections, not bytes
        }
        return out;
    }

    /** With no network left, our tables go too (never the user hook): a destroyed host is left as it was found. */
    void teardownIfUnused(Collection<Network> remaining) {
        if (nft != null && remaining.stream().noneMatch(n -> backend(n) == FirewallBackend.NFTABLES)) nft.teardownAll();
    }

    private static String key(String proto, int hostPort, int containerPort, String ip) {
        return proto + "/" + hostPort + "/" + ip + "/" + containerPort;
    }

    @Override
    public void close() {
        // the drivers hold no kernel resources between calls beyond their netlink sockets
        if (nft instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}

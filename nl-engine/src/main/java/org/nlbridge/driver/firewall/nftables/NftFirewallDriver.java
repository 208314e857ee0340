package org.nlbridge.driver.firewall.nftables;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.nlbridge.driver.firewall.EndpointFirewallSpec;
import org.nlbridge.driver.firewall.FirewallDriver;
import org.nlbridge.driver.firewall.FirewallException;
import org.nlbridge.driver.firewall.FirewallModel;
import org.nlbridge.driver.firewall.FirewallState;
import org.nlbridge.driver.firewall.FirewallStatus;
import org.nlbridge.driver.firewall.NetworkFirewallSpec;
import org.nlbridge.driver.firewall.PublishedPort;
import org.nlbridge.driver.firewall.ReconcileReport;
import org.nlbridge.net.IfName;
import org.nlbridge.netns.NetNs;
import org.nlbridge.netlink.NoSuchObjectException;
import org.nlbridge.nft.Element;
import org.nlbridge.nft.Listing;
import org.nlbridge.nft.NamedSet;
import org.nlbridge.nft.Nft;
import org.nlbridge.nft.Rule;
import org.nlbridge.nft.TableRef;
import org.nlbridge.nft.Transaction;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.FirewallBackend;
import org.nlbridge.spec.UserRulesSpec;

/**
 * The nftables firewall driver: the layout of {@link NftLayout}, recorded as the engine's {@link Transaction}s and
 * committed through the engine ({@link Nft}), one transaction per call. If an incremental transaction fails (a table
 * someone flushed, an element a crash left behind), the driver rebuilds its tables from the desired state in one
 * transaction instead, so the kernel always converges to the model; only if that fails too is the call an error,
 * and then nothing changed.
 *
 * <p>It also sets {@code net.ipv4.conf.<bridge>.route_localnet=1} on each non-internal IPv4 bridge (for the host
 * reaching published ports through 127.0.0.1) and back to 0 at teardown; never on {@code all} or {@code default}.
 */
public final class NftFirewallDriver implements FirewallDriver {

    /**
     * Where the driver's transactions go and its tables are read back from: the engine ({@link #of(Nft)}). Tests
     * also load the same transactions with the real nft ({@link Transaction#toScript()}), or keep them in memory.
     */
    public interface Nftables {
        /** Commits all of {@code tx} or none of it, and throws then (the engine's {@code NetlinkException}). */
        void commit(Transaction tx);

        /** The table with its sets, elements, chains and rules, or empty if it does not exist. */
        Optional<Listing> list(TableRef table);

        /** The elements of one set or map with their counters, or none if it or its table does not exist. */
        default List<Element> elements(NamedSet set) {
            return list(set.table()).flatMap(l -> l.set(set.name())).map(Listing.SetListing::elements).orElse(List.of());
        }

        /** The engine: transactions over netlink, listings decoded from the kernel. */
        static Nftables of(Nft nft) {
            record Engine(Nft nft) implements Nftables {
                @Override public void commit(Transaction tx) { nft.commit(tx); }
                @Override public Optional<Listing> list(TableRef table) { return nft.list(table); }

                @Override
                public List<Element> elements(NamedSet set) {
                    try {
                        return nft.elements(set); // one dump of the map, not of the table with a chain per endpoint
                    } catch (NoSuchObjectException gone) {
                        return List.of();
                    }
                }
            }
            return new Engine(nft);
        }
    }

    /**
     * The sysctls of the engine's network namespace, slash-separated ({@code net/ipv4/conf/nlb0/route_localnet});
     * {@link NetNs#sysctl} and {@link NetNs#writeSysctl} fit. A missing key
     * throws {@link UncheckedIOException}.
     */
    public interface Sysctls {
        String read(String key);

        void write(String key, String value);

        /** The sysctls of a namespace. */
        static Sysctls of(NetNs ns) {
            record Of(NetNs ns) implements Sysctls {
                @Override public String read(String key) { return ns.sysctl(key); }
                @Override public void write(String key, String value) { ns.writeSysctl(key, value); }
            }
            return new Of(ns);
        }
    }

    static final String BRNF4 = "net/bridge/bridge-nf-call-iptables";
    static final String BRNF6 = "net/bridge/bridge-nf-call-ip6tables";

    private final Nftables nft;
    private final NftFeatures features;
    private final HostFirewallSync host;
    private final BridgeSysctls bridges;
    private final AutoCloseable owned;
    private final UserHook userHook = new UserHook(this::list, this::commit);
    private FirewallModel model; // null until the first reconcile

    /**
     * The driver over the engine in {@code ns} ({@link NftFeatures#FULL}), with that namespace's sysctls; it owns
     * the engine's socket until {@link #close}.
     */
    public static NftFirewallDriver open(NetNs ns) {
        return open(ns, NftFeatures.FULL);
    }

    /** As {@link #open(NetNs)} with the layout {@code features}. */
    public static NftFirewallDriver open(NetNs ns, NftFeatures features) {
        Nft engine = Nft.open(ns, NftLayout.TABLES, HostFirewall.GUEST_CHAINS);
        return new NftFirewallDriver(Nftables.of(engine), Sysctls.of(ns), features, HostFirewallSync.ProcNet.of(ns), engine);
    }

    /** A driver whose namespace has no iptables-legacy tables to report (its /proc/net is not read). */
    public NftFirewallDriver(Nftables nft, Sysctls sysctls, NftFeatures features) {
        this(nft, sysctls, features, HostFirewallSync.ProcNet.NONE, null);
    }

    private NftFirewallDriver(Nftables nft, Sysctls sysctls, NftFeatures features, HostFirewallSync.ProcNet proc,
                              AutoCloseable owned) {
        this.nft = Objects.requireNonNull(nft, "nft");
        this.features = Objects.requireNonNull(features, "features");
        this.host = new HostFirewallSync(nft, proc);
        this.bridges = new BridgeSysctls(Objects.requireNonNull(sysctls, "sysctls"));
        this.owned = owned;
    }

    /** The layout features in use. */
    public NftFeatures features() {
        return features;
    }

    @Override
    public FirewallBackend backend() {
        return FirewallBackend.NFTABLES;
    }

    @Override
    public synchronized boolean hasUserHook() {
        return userHook.exists();
    }

    @Override
    public void insertUserRule(UserRulesSpec.AllowOnlyFrom rule) {
        insertUserRules(UserHookRules.declared(rule));
    }

    @Override
    public synchronized boolean hasUserRule(UserRulesSpec.AllowOnlyFrom rule) {
        return userHook.has(rule);
    }

    @Override
    public synchronized void removeUserRule(UserRulesSpec.AllowOnlyFrom rule) {
        userHook.remove(rule);
    }

    private FirewallModel model() {
        if (model == null) {
            throw new IllegalStateException("the nftables firewall driver has no state yet: call reconcile(desired)"
                    + " first (FirewallState.EMPTY on a fresh host), so leftovers of an earlier run are cleaned up");
        }
        return model;
    }

    @Override
    public synchronized void ensureUserHook() {
        userHook.ensure();
    }

    @Override
    public synchronized void setupNetwork(NetworkFirewallSpec n) {
        FirewallModel m = model();
        if (!m.checkNetwork(n)) {
            host.sync(m.state()); // set up already; the host's firewall may have appeared since
            return;
        }
        String l2 = bridges.layer2IccProblem(n, features);
        if (l2 != null) {
            throw new FirewallException("set up network " + n.bridge() + ": " + l2);
        }
        boolean localnet = n.subnet4() != null && !n.internal();
        if (localnet) {
            bridges.routeLocalnet(n.bridge(), true); // first: it also proves the bridge exists
        }
        try {
            Transaction tx = transaction();
            NftLayout.network(tx, n);
            applyOrRebuild("set up network " + n.bridge(), tx, with(m.state(), n, null));
        } catch (RuntimeException e) {
            if (localnet) {
                try {
                    bridges.routeLocalnet(n.bridge(), false);
                } catch (RuntimeException undo) {
                    e.addSuppressed(undo);
                }
            }
            throw e;
        }
        m.putNetwork(n);
        host.sync(m.state());
    }

    @Override
    public synchronized void teardownNetwork(IfName bridge) {
        FirewallModel m = model();
        NetworkFirewallSpec n = m.network(bridge);
        if (n == null) return;
        Transaction tx = transaction();
        List<EndpointFirewallSpec> gone = m.removeNetwork(bridge);
        for (EndpointFirewallSpec e : gone) NftLayout.removeEndpoint(tx, e, n, features, m.siblingsOf(e));
        NftLayout.removeNetwork(tx, n);
        List<RuntimeException> errors = new ArrayList<>();
        try {
            host.sync(m.state()); // first: never an accept in the host's firewall for a bridge we no longer guard
        } catch (RuntimeException e) {
            errors.add(e);
        }
        try {
            applyOrRebuild("tear down network " + bridge, tx, m.state());
        } catch (RuntimeException e) {
            errors.add(e);
        }
        if (n.subnet4() != null && !n.internal()) {
            try {
                bridges.routeLocalnet(bridge, false);
            } catch (UncheckedIOException alreadyGone) {
                // the bridge is gone already: nothing left to reset
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        FirewallException.throwAll("tear down network " + bridge, errors);
    }

    @Override
    public synchronized void addEndpoint(EndpointFirewallSpec e) {
        FirewallModel m = model();
        if (!m.checkEndpoint(e)) return;
        NetworkFirewallSpec n = m.network(e.bridge());
        Transaction tx = transaction();
        NftLayout.endpoint(tx, e, n, features, m.siblingsOf(e));
        applyOrRebuild("add endpoint " + e.id(), tx, with(m.state(), null, e));
        m.putEndpoint(e);
    }

    @Override
    public synchronized void removeEndpoint(String endpointId) {
        FirewallModel m = model();
        EndpointFirewallSpec e = m.removeEndpoint(endpointId);
        if (e == null) return;
        NetworkFirewallSpec n = m.network(e.bridge());
        Transaction tx = transaction();
        NftLayout.removeEndpoint(tx, e, n, features, m.siblingsOf(e));
        applyOrRebuild("remove endpoint " + endpointId, tx, m.state());
    }

    @Override
    public synchronized List<PublishedPort> listPorts() {
        return DriverStatus.ports(model().state(), set -> {
            try {
                return nft.elements(set);
            } catch (RuntimeException e) {
                throw new FirewallException("read " + set.ref() + ": " + e.getMessage(), e);
            }
        }, features);
    }

    @Override
    public synchronized FirewallStatus status() {
        FirewallState s = model().state();
        List<PublishedPort> ports = DriverStatus.ports(s, readOurs().values(), features);
        // endpoints add elements and their anti-spoofing chains only, so the networks alone give every counting rule
        Map<TableRef, Listing> expected = Drift.expected(rebuild(new FirewallState(s.networks(), List.of())));
        Map<String, Long> counters = DriverStatus.counters(expected, readOurs().values());
        long guarded = s.endpoints().stream().filter(EndpointFirewallSpec::spoofCheck).count();
        String summary = "nftables: tables " + (features.bridgeTable() ? "ip/ip6/bridge " : "ip/ip6 ") + NftLayout.TABLE
                + "; " + s.networks().size() + " network(s), " + s.endpoints().size() + " endpoint(s) ("
                + (features.bridgeTable() ? guarded + " with anti-spoofing" : "anti-spoofing NOT enforced: no bridge table")
                + "), " + ports.size() + " published port(s); user hook " + NftLayout.USER_TABLE + " "
                + NftLayout.USER_CHAIN + " (forward, priority filter - 10) runs before our rules and is never touched by"
                + " nlbridge." + String.join("", host.warnings(s).stream().map(w -> " WARNING: " + w).toList());
        return new FirewallStatus(backend().label(), true, summary, ports, counters);
    }

    @Override
    public synchronized void adopt(FirewallState desired) {
        model = FirewallModel.of(desired);
    }

    @Override
    public synchronized List<String> drift(FirewallState desired) {
        FirewallModel.of(desired);
        List<String> drift = new ArrayList<>(tableDrift(desired));
        drift.addAll(bridges.localnetDrift(desired));
        return drift;
    }

    /** Our tables against those {@code desired} makes, rule by rule and element by element. */
    private List<String> tableDrift(FirewallState desired) {
        Map<TableRef, Listing> actual = readOurs();
        List<String> drift = new ArrayList<>();
        for (Listing expected : Drift.expected(rebuild(desired)).values()) {
            drift.addAll(Drift.between(expected, actual.get(expected.ref())));
        }
        return drift;
    }

    @Override
    public synchronized ReconcileReport reconcile(FirewallState desired) {
        FirewallModel next = FirewallModel.of(desired);
        List<String> drift = new ArrayList<>(tableDrift(desired));
        if (!drift.isEmpty()) {
            commit("reconcile", rebuild(desired));
        }
        drift.addAll(bridges.localnetDrift(desired));
        if (model != null) {
            for (NetworkFirewallSpec old : model.state().networks()) {
                if (next.network(old.bridge()) == null && old.subnet4() != null && !old.internal()) {
                    try {
                        bridges.routeLocalnet(old.bridge(), false);
                    } catch (UncheckedIOException gone) {
                        // bridge already deleted
                    }
                }
            }
        }
        for (NetworkFirewallSpec n : desired.networks()) {
            if (n.subnet4() == null || n.internal()) continue;
            try {
                bridges.routeLocalnet(n.bridge(), true);
            } catch (RuntimeException gone) {
                // the bridge is missing: the network's repair makes it again, and the next reconcile this setting
            }
        }
        List<String> warnings = new ArrayList<>();
        for (NetworkFirewallSpec n : desired.networks()) {
            String l2 = bridges.layer2IccProblem(n, features);
            if (l2 != null) warnings.add("network " + n.bridge() + ": " + l2);
        }
        model = next;
        boolean rebuilt = !drift.isEmpty();
        for (Change c : host.sync(desired)) drift.add("host firewall: " + c);
        warnings.addAll(host.warnings(desired));
        return new ReconcileReport(rebuilt, drift, warnings);
    }

    @Override
    public synchronized List<Change> hostFirewallPlan(FirewallState desired) {
        return host.plan(desired).changes();
    }

    @Override
    public synchronized List<Change> syncHostFirewall(FirewallState desired) {
        return host.sync(desired);
    }

    @Override
    public synchronized List<String> hostFirewallWarnings() {
        return host.warnings(model == null ? FirewallState.EMPTY : model.state());
    }

    @Override
    public synchronized void teardownAll() {
        List<RuntimeException> errors = new ArrayList<>();
        try {
            host.sync(FirewallState.EMPTY);
        } catch (RuntimeException e) {
            errors.add(e);
        }
        try {
            Transaction tx = transaction();
            NftLayout.deleteTables(tx, features);
            commit("remove the nlbridge tables", tx);
        } catch (RuntimeException e) {
            errors.add(e);
        }
        if (model != null) {
            for (NetworkFirewallSpec n : model.state().networks()) {
                if (n.subnet4() == null || n.internal()) continue;
                try {
                    bridges.routeLocalnet(n.bridge(), false);
                } catch (UncheckedIOException gone) {
                    // bridge already deleted
                } catch (RuntimeException e) {
                    errors.add(e);
                }
            }
        }
        model = new FirewallModel();
        FirewallException.throwAll("tear down the firewall", errors);
    }

    /**
     * Inserts rules at the top of the user hook, in one transaction, on the user's explicit request (CLI, tests,
     * a script's {@code userRules}); the engine never calls this on its own. See {@link UserHookRules}.
     */
    public synchronized void insertUserRules(List<Rule> rules) {
        userHook.insert(rules);
    }

    /** {@link #insertUserRules} for one rule. */
    public void insertUserRule(Rule rule) {
        insertUserRules(List.of(rule));
    }

    private Transaction transaction() {
        return new Transaction(NftLayout.TABLES);
    }

    /** The transaction that rebuilds our tables with {@code state} in them. */
    private Transaction rebuild(FirewallState state) {
        Transaction tx = transaction();
        NftLayout.rebuild(tx, state, features);
        return tx;
    }

    /** Commits {@code tx}; a failure names {@code what} and keeps the kernel's error as the cause. */
    private void commit(String what, Transaction tx) {
        try {
            nft.commit(tx);
        } catch (RuntimeException e) {
            throw new FirewallException(what + ": " + e.getMessage(), e);
        }
    }

    private Optional<Listing> list(TableRef t) {
        try {
            return nft.list(t);
        } catch (RuntimeException e) {
            throw new FirewallException("read table " + t + ": " + e.getMessage(), e);
        }
    }

    private Map<TableRef, Listing> readOurs() {
        Map<TableRef, Listing> out = new LinkedHashMap<>();
        for (TableRef t : NftLayout.tables(features)) {
            list(t).ifPresent(l -> out.put(t, l));
        }
        return out;
    }

    private void applyOrRebuild(String what, Transaction incremental, FirewallState desiredAfter) {
        if (incremental.isEmpty()) return;
        try {
            commit(what, incremental);
        } catch (RuntimeException first) {
            try {
                commit(what + " (rebuilding the tables after: " + first.getMessage() + ")", rebuild(desiredAfter));
            } catch (RuntimeException second) {
                second.addSuppressed(first);
                throw new FirewallException(what + " failed, and so did rebuilding the tables: " + second.getMessage(),
                        second);
            }
        }
    }

    /** {@code s} plus one network or endpoint that was checked already. */
    private static FirewallState with(FirewallState s, NetworkFirewallSpec n, EndpointFirewallSpec e) {
        List<NetworkFirewallSpec> networks = new ArrayList<>(s.networks());
        List<EndpointFirewallSpec> endpoints = new ArrayList<>(s.endpoints());
        if (n != null) networks.add(n);
        if (e != null) endpoints.add(e);
        return new FirewallState(networks, endpoints);
    }

    /** The desired state the driver holds (what reconcile would restore). */
    public synchronized FirewallState state() {
        return model().state();
    }

    @Override
    public synchronized boolean hasTables() {
        return !readOurs().isEmpty();
    }

    /** Closes the engine's socket if {@link #open} opened it. */
    @Override
    public synchronized void close() {
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                throw new IllegalStateException("close the nftables engine", e);
            }
        }
    }
}

package org.nlbridge.driver.firewall;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import org.nlbridge.net.IpAddress;
import org.nlbridge.net.IpProtocol;
import org.nlbridge.netns.NetNs;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.FirewallBackend;
import org.nlbridge.spec.UserRulesSpec;

/**
 * The firewall drivers of one host namespace, one per {@link FirewallBackend}, each opened on first use: a host whose
 * networks all say {@code firewall 'none'} never opens nf_tables. Which class serves a backend is a {@link Backend}
 * entry of the list the engine passes in, so adding a backend is one entry there and nothing here or in a driver.
 *
 * <p>A driver takes the state the store says for its backend when it opens (the {@code stored} function), and again
 * at the start of every request ({@link #adopt}), without touching the kernel: opening an engine, planning or asking
 * for its status changes nothing. Whether the kernel holds that state is {@link #drift}'s question (a plan shows the
 * answer); {@link #reconcile} makes it so, in one transaction per backend (an apply's repair phase, a daemon's drift
 * repair). Never to an empty state first: that would delete every network's rules and rebuild them, a window
 * without isolation or published ports.
 */
public final class Firewalls implements AutoCloseable {

    /**
     * One backend: how to open its driver in a host namespace, how {@code plan} describes a network's rules there,
     * the nf_tables tables it owns (by name, in every family it uses), the tables of other owners whose changes can
     * undo what its networks need (by {@code family name}, e.g. iptables-nft's {@code ip filter}, where a FORWARD
     * policy drop takes our traffic), and the user hook's table if it keeps the user hook (else null).
     */
    public record Backend(FirewallBackend id, Function<NetNs, FirewallDriver> open,
                          Function<NetworkFirewallSpec, String> describe, Set<String> tables, Set<String> watched,
                          String userHook) {
        public Backend {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(open, "open");
            Objects.requireNonNull(describe, "describe");
            tables = Set.copyOf(tables);
            watched = Set.copyOf(watched);
        }
    }

    private final NetNs host;
    private final Map<FirewallBackend, Backend> backends = new EnumMap<>(FirewallBackend.class);
    private final Function<FirewallBackend, FirewallState> stored;
    private final Map<FirewallBackend, FirewallDriver> open = new EnumMap<>(FirewallBackend.class);
    private final Set<FirewallBackend> loaded = EnumSet.noneOf(FirewallBackend.class);
    /** The state a backend not opened yet takes when it is, as of the start of the current request. */
    private final Map<FirewallBackend, FirewallState> pending = new EnumMap<>(FirewallBackend.class);
    private final Set<String> setUp = new HashSet<>();

    /**
     * @param backends one entry per {@link FirewallBackend}, exactly one of them keeping the user hook
     * @param stored   the desired state of a backend as the store holds it, for a driver opened now
     */
    public Firewalls(NetNs host, List<Backend> backends, Function<FirewallBackend, FirewallState> stored) {
        this.host = Objects.requireNonNull(host, "host");
        this.stored = Objects.requireNonNull(stored, "stored");
        for (Backend b : backends) {
            if (this.backends.put(b.id(), b) != null) throw new IllegalArgumentException("backend " + b.id() + " twice");
        }
        for (FirewallBackend id : FirewallBackend.values()) {
            if (!this.backends.containsKey(id)) throw new IllegalArgumentException("no driver for backend " + id);
        }
        if (backends.stream().filter(b -> b.userHook() != null).count() != 1) {
            throw new IllegalArgumentException("exactly one backend keeps the user hook");
        }
    }

    /** The driver of a backend, opened on first use with the store's state as its own (nothing is changed). */
    public synchronized FirewallDriver driver(FirewallBackend id) {
        FirewallDriver d = opened(id);
        if (!loaded.contains(id)) {
            FirewallState start = pending.remove(id);
            d.adopt((start != null ? start : stored.apply(id)).validated());
            loaded.add(id);
        }
        return d;
    }

    /**
     * Each backend with networks in {@code desired}, or in use already, takes {@code desired} as its state without
     * touching the kernel (the start of a request: the store's state is what the kernel should hold); the others
     * take it when a step of the request first uses them, whatever the store says by then.
     */
    public synchronized void adopt(Map<FirewallBackend, FirewallState> desired) {
        for (FirewallBackend id : FirewallBackend.values()) {
            FirewallState d = desired.getOrDefault(id, FirewallState.EMPTY).validated();
            if (d.networks().isEmpty() && !isOpen(id)) {
                pending.put(id, d);
                continue;
            }
            opened(id).adopt(d);
            loaded.add(id);
        }
    }

    /** What differs from {@code desired} in the kernel, by backend (backends with networks only); reads only. */
    public synchronized Map<FirewallBackend, List<String>> drift(Map<FirewallBackend, FirewallState> desired) {
        Map<FirewallBackend, List<String>> out = new EnumMap<>(FirewallBackend.class);
        for (FirewallBackend id : FirewallBackend.values()) {
            FirewallState d = desired.getOrDefault(id, FirewallState.EMPTY);
            if (d.networks().isEmpty()) continue;
            out.put(id, opened(id).drift(d.validated()));
        }
        return out;
    }

    /** The driver opened but not given a state: for questions that read the kernel only (plan). */
    private FirewallDriver opened(FirewallBackend id) {
        return open.computeIfAbsent(id, b -> backends.get(b).open().apply(host));
    }

    /** Whether the backend's driver is in use (opened, with a state). */
    public synchronized boolean isOpen(FirewallBackend id) {
        return loaded.contains(id);
    }

    /** What a network's firewall is on its backend, in words for {@code plan}. */
    public String describe(FirewallBackend id, NetworkFirewallSpec network) {
        return id.label() + ": " + backends.get(id).describe().apply(network);
    }

    /** The backend that keeps the user hook. */
    public FirewallBackend userHookBackend() {
        return backends.values().stream().filter(b -> b.userHook() != null).findFirst().orElseThrow().id();
    }

    /** The user hook's table name. */
    public String userHookTable() {
        return backends.get(userHookBackend()).userHook();
    }

    /** The driver that keeps the user hook (opened on first use). */
    public FirewallDriver userHook() {
        return driver(userHookBackend());
    }

    /** Whether the user hook holds a script's rule; reads the kernel only. */
    public synchronized boolean hasUserRule(UserRulesSpec.AllowOnlyFrom rule) {
        return opened(userHookBackend()).hasUserRule(rule);
    }

    /** Whether the user hook exists; reads the kernel only. */
    public synchronized boolean userHookExists() {
        return opened(userHookBackend()).hasUserHook();
    }

    /** The nf_tables tables the backends own, by name; never the user hook's. */
    public Set<String> tables() {
        Set<String> out = new HashSet<>();
        backends.values().forEach(b -> out.addAll(b.tables()));
        return out;
    }

    /** Other owners' tables ({@code family name}) a change to which must be checked against our networks' needs. */
    public Set<String> watchedTables() {
        Set<String> out = new HashSet<>();
        backends.values().forEach(b -> out.addAll(b.watched()));
        return out;
    }

    /** Whether this process has set up (or, opening, found) a network's rules. */
    public synchronized boolean isSetUp(String network) {
        return setUp.contains(network);
    }

    public synchronized void setUp(String network, boolean isSetUp) {
        if (isSetUp) setUp.add(network);
        else setUp.remove(network);
    }

    /**
     * Makes each backend's rules match {@code desired} (after a restart, a crash or an external flush): a backend
     * with networks is loaded and reconciled, an open one without networks keeps no tables ({@link #unused}); the
     * others stay closed.
     */
    public synchronized ReconcileReport reconcile(Map<FirewallBackend, FirewallState> desired) {
        List<String> drift = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        boolean rebuilt = false;
        for (FirewallBackend id : FirewallBackend.values()) {
            FirewallState d = desired.getOrDefault(id, FirewallState.EMPTY);
            if (d.networks().isEmpty()) {
                if (isOpen(id)) rebuilt |= unused(open.get(id), drift);
                continue;
            }
            ReconcileReport r = opened(id).reconcile(d.validated());
            loaded.add(id);
            rebuilt |= r.rebuilt();
            drift.addAll(r.drift());
            warnings.addAll(r.warnings());
        }
        return new ReconcileReport(rebuilt, drift, warnings);
    }

    /**
     * Reconciles an open backend no network uses: its tables are not rebuilt empty, they go as with the last network
     * ({@link #teardownUnused}); rebuilt, the next plan would take them away again, and a daemon that sees that
     * commit as someone else's (its monitor in another PID namespace) would repair it again, for ever. Returns
     * whether tables were removed.
     */
    private static boolean unused(FirewallDriver d, List<String> drift) {
        if (d.hasTables()) {
            d.teardownAll();
            drift.add("tables no network uses removed");
            return true;
        }
        for (Change c : d.syncHostFirewall(FirewallState.EMPTY)) drift.add("host firewall: " + c);
        return false;
    }

    /**
     * What the backends would change in the host's other firewall (an iptables-nft FORWARD policy drop) once
     * {@code desired} are their networks, as plan lines; reads the kernel only. A backend neither in use nor open is
     * not asked.
     */
    public synchronized List<Change> hostFirewallPlan(Map<FirewallBackend, FirewallState> desired) {
        List<Change> out = new ArrayList<>();
        for (FirewallBackend id : FirewallBackend.values()) {
            FirewallState d = desired.getOrDefault(id, FirewallState.EMPTY);
            if (d.networks().isEmpty() && !isOpen(id)) continue;
            out.addAll(opened(id).hostFirewallPlan(d));
        }
        return out;
    }

    /** Makes the host's other firewall hold what {@link #hostFirewallPlan} lists; returns what changed. */
    public synchronized List<Change> syncHostFirewall(Map<FirewallBackend, FirewallState> desired) {
        List<Change> out = new ArrayList<>();
        for (FirewallBackend id : FirewallBackend.values()) {
            FirewallState d = desired.getOrDefault(id, FirewallState.EMPTY);
            if (d.networks().isEmpty() && !isOpen(id)) continue;
            out.addAll(driver(id).syncHostFirewall(d));
        }
        return out;
    }

    /** What is wrong with the host's other firewalls that no open driver can repair, one line each. */
    public synchronized List<String> hostFirewallWarnings() {
        List<String> out = new ArrayList<>();
        for (FirewallBackend id : loaded) out.addAll(open.get(id).hostFirewallWarnings());
        return out;
    }

    /** Whether {@link #teardownUnused} would remove tables: a backend that nothing uses has some; reads only. */
    public synchronized boolean wouldTearDown(FirewallBackend id, Set<FirewallBackend> inUse) {
        return !inUse.contains(id) && opened(id).hasTables();
    }

    /** Removes the tables of every backend no network uses any more that has some (never the user hook). */
    public synchronized void teardownUnused(Set<FirewallBackend> inUse) {
        for (FirewallBackend id : FirewallBackend.values()) {
            if (wouldTearDown(id, inUse)) driver(id).teardownAll();
        }
    }

    /** The kernel's connection counts of the published ports, by {@link #portKey}, where a backend counts them. */
    public synchronized Map<String, Long> connections() {
        Map<String, Long> out = new HashMap<>();
        for (FirewallBackend id : FirewallBackend.values()) {
            if (!isOpen(id) && stored.apply(id).networks().isEmpty()) continue;
            for (PublishedPort p : driver(id).listPorts()) {
                out.put(portKey(p.protocol(), p.hostPort(), p.containerIp(), p.containerPort()), p.connections());
            }
        }
        return out;
    }

    /** A published port's key in {@link #connections}. */
    public static String portKey(IpProtocol protocol, int hostPort, IpAddress containerIp, int containerPort) {
        return protocol + "/" + hostPort + "/" + containerIp + "/" + containerPort;
    }

    @Override
    public synchronized void close() {
        RuntimeException first = null;
        for (FirewallDriver d : open.values()) {
            try {
                d.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        open.clear();
        loaded.clear();
        if (first != null) throw first;
    }
}

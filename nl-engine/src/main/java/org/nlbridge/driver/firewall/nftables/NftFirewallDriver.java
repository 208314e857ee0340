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

/**
 * The nftables firewall driver: the layout of {@link NftLayout}, applied through an {@link NftExecutor}, one
 * transaction per call. If an incremental transaction fails (a table someone flushed, an element a crash left
 * behind), the driver rebuilds its tables from the desired state in one transaction instead, so the kernel always
 * converges to the model; only if that fails too is the call an error, and then nothing changed.
 *
 * <p>It also sets {@code net.ipv4.conf.<bridge>.route_localnet=1} on each non-internal IPv4 bridge (for the host
 * reaching published ports through 127.0.0.1) and back to 0 at teardown; never on {@code all} or {@code default}.
 */
public final class NftFirewallDriver implements FirewallDriver {

    /**
     * The sysctls of the engine's network namespace, slash-separated ({@code net/ipv4/conf/nlb0/route_localnet});
     * {@link org.nlbridge.netns.NetNs#sysctl} and {@link org.nlbridge.netns.NetNs#writeSysctl} fit. A missing key
     * throws {@link UncheckedIOException}.
     */
    public interface Sysctls {
        String read(String key);

        void write(String key, String value);

        /** The sysctls of a namespace. */
        static Sysctls of(org.nlbridge.netns.NetNs ns) {
            return new Sysctls() {
                @Override
                public String read(String key) {
                    return ns.sysctl(key);
                }

                @Override
                public void write(String key, String value) {
                    ns.writeSysctl(key, value);
                }
            };
        }
    }

    static final String BRNF4 = "net/bridge/bridge-nf-call-iptables";
    static final String BRNF6 = "net/bridge/bridge-nf-call-ip6tables";


    private final NftExecutor nft;
    private final NftFeatures features;
    private final Sysctls sysctls;
    private FirewallModel model; // null until the first reconcile

    public NftFirewallDriver(NftExecutor nft, Sysctls sysctls) {
        this.nft = Objects.requireNonNull(nft, "nft");
        this.features = nft.features();
        this.sysctls = Objects.requireNonNull(sysctls, "sysctls");
    }

    /** The layout features in use (from the executor). */
    public NftFeatures features() {
        return features;
    }

    @Override
    public String backend() {
        return "nftables";
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
        for (NftFamily f : List.of(NftFamily.IP, NftFamily.IP6)) {
            Optional<NftTableState> t = nft.read(f, NftLayout.USER_TABLE);
            if (t.isPresent() && t.get().chains().containsKey(NftLayout.USER_CHAIN)) continue;
            List<NftOp> ops = NftLayout.userHook(f);
            if (t.isPresent()) ops = ops.subList(1, ops.size()); // the table is there: only the chain is missing
            nft.apply(new NftBatch("create the user hook " + f + " " + NftLayout.USER_TABLE, ops));
        }
    }

    @Override
    public synchronized void setupNetwork(NetworkFirewallSpec n) {
        FirewallModel m = model();
        if (!m.checkNetwork(n)) return;
        String l2 = layer2IccProblem(n);
        if (l2 != null) {
            throw new FirewallException("set up network " + n.bridge() + ": " + l2);
        }
        boolean localnet = n.subnet4() != null && !n.internal();
        if (localnet) {
            routeLocalnet(n.bridge(), true); // first: it also proves the bridge exists
        }
        try {
            applyOrRebuild(new NftBatch.Builder("set up network " + n.bridge()).addAll(NftLayout.network(n)).build(),
                    with(m.state(), n, null));
        } catch (RuntimeException e) {
            if (localnet) {
                try {
                    routeLocalnet(n.bridge(), false);
                } catch (RuntimeException undo) {
                    e.addSuppressed(undo);
                }
            }
            throw e;
        }
        m.putNetwork(n);
    }

    @Override
    public synchronized void teardownNetwork(IfName bridge) {
        FirewallModel m = model();
        NetworkFirewallSpec n = m.network(bridge);
        if (n == null) return;
        NftBatch.Builder b = new NftBatch.Builder("tear down network " + bridge);
        List<EndpointFirewallSpec> gone = m.removeNetwork(bridge);
        for (EndpointFirewallSpec e : gone) b.addAll(NftLayout.removeEndpoint(e, n, features));
        b.addAll(NftLayout.removeNetwork(n));
        List<RuntimeException> errors = new ArrayList<>();
        try {
            applyOrRebuild(b.build(), m.state());
        } catch (RuntimeException e) {
            errors.add(e);
        }
        if (n.subnet4() != null && !n.internal()) {
            try {
                routeLocalnet(bridge, false);
            } catch (UncheckedIOException alreadyGone) {
                // the bridge is gone already: nothing left to reset
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        throwAll("tear down network " + bridge, errors);
    }

    @Override
    public synchronized void addEndpoint(EndpointFirewallSpec e) {
        FirewallModel m = model();
        if (!m.checkEndpoint(e)) return;
        NetworkFirewallSpec n = m.network(e.bridge());
        applyOrRebuild(new NftBatch.Builder("add endpoint " + e.id()).addAll(NftLayout.endpoint(e, n, features)).build(),
                with(m.state(), null, e));
        m.putEndpoint(e);
    }

    @Override
    public synchronized void removeEndpoint(String endpointId) {
        FirewallModel m = model();
        EndpointFirewallSpec e = m.removeEndpoint(endpointId);
        if (e == null) return;
        NetworkFirewallSpec n = m.network(e.bridge());
        applyOrRebuild(new NftBatch.Builder("remove endpoint " + endpointId).addAll(NftLayout.removeEndpoint(e, n,
                features)).build(), m.state());
    }

    @Override
    public synchronized List<PublishedPort> listPorts() {
        FirewallModel m = model();
        Map<String, NftTableState> tables = readOurs();
        List<PublishedPort> out = new ArrayList<>();
        for (EndpointFirewallSpec e : m.state().endpoints()) {
            for (PublishedPort p : e.publications()) {
                NftFamily f = NftLayout.family(p.family());
                NftTableState t = tables.get(f + " " + NftLayout.TABLE);
                String set = p.hostIp() == null ? NftLayout.portsAny(f) : NftLayout.ports(f);
                NftTableState.Set s = t == null ? null : t.sets().get(set);
                NftTableState.Element el = s == null ? null : s.elements().get(portKey(p));
                out.add(p.withConnections(el == null ? -1 : el.packets()));
            }
        }
        return out;
    }

    private static String portKey(PublishedPort p) {
        NftValue proto = new NftValue.Proto(p.protocol());
        NftValue port = new NftValue.Port(p.hostPort());
        NftElement key = p.hostIp() == null ? NftElement.of(proto, port)
                : NftElement.of(proto, new NftValue.Addr(p.hostIp()), port);
        return key.keyText();
    }

    @Override
    public synchronized FirewallStatus status() {
        FirewallState s = model().state();
        List<PublishedPort> ports = listPorts();
        // each counting rule of ours by its text: "ip/direct__nlb0: iifname != \"nlb0\" counter drop" -> packets
        Map<String, List<NftRule>> expected = new LinkedHashMap<>();
        for (NftOp op : NftLayout.rebuild("status", s, features).ops()) {
            if (op instanceof NftOp.AddRule r) {
                expected.computeIfAbsent(op.family() + "/" + r.chain(), k -> new ArrayList<>()).add(r.rule());
            }
        }
        Map<String, Long> counters = new LinkedHashMap<>();
        for (NftTableState t : readOurs().values()) {
            for (NftTableState.Chain c : t.chains().values()) {
                List<NftRule> rules = expected.get(t.family() + "/" + c.name());
                if (rules == null || rules.size() != c.rules()) continue; // drifted: reconcile reports it
                for (int i = 0; i < rules.size(); i++) {
                    if (rules.get(i).counts()) {
                        counters.put(t.family() + "/" + c.name() + ": " + rules.get(i), Math.max(0, c.rulePackets().get(i)));
                    }
                }
            }
        }
        String summary = "nftables: tables " + (features.bridgeTable() ? "ip/ip6/bridge " : "ip/ip6 ") + NftLayout.TABLE
                + "; " + s.networks().size() + " network(s), " + s.endpoints().size() + " endpoint(s), " + ports.size()
                + " published port(s); user hook " + NftLayout.USER_TABLE + " " + NftLayout.USER_CHAIN
                + " (forward, priority filter - 10) runs before our rules and is never touched by nlbridge.";
        return new FirewallStatus(backend(), true, summary, ports, counters);
    }

    @Override
    public synchronized ReconcileReport reconcile(FirewallState desired) {
        FirewallModel next = FirewallModel.of(desired);
        NftBatch rebuild = NftLayout.rebuild("reconcile", desired, features);
        Map<String, NftTableState> expected = NftTableState.fold(rebuild.ops());
        Map<String, NftTableState> actual = readOurs();
        List<String> drift = new ArrayList<>();
        for (Map.Entry<String, NftTableState> e : expected.entrySet()) {
            drift.addAll(NftTableState.diff(e.getValue(), actual.get(e.getKey())));
        }
        if (!drift.isEmpty()) {
            nft.apply(rebuild);
        }
        if (model != null) {
            for (NetworkFirewallSpec old : model.state().networks()) {
                if (next.network(old.bridge()) == null && old.subnet4() != null && !old.internal()) {
                    try {
                        routeLocalnet(old.bridge(), false);
                    } catch (UncheckedIOException gone) {
                        // bridge already deleted
                    }
                }
            }
        }
        for (NetworkFirewallSpec n : desired.networks()) {
            if (n.subnet4() != null && !n.internal()) routeLocalnet(n.bridge(), true);
        }
        List<String> warnings = new ArrayList<>();
        for (NetworkFirewallSpec n : desired.networks()) {
            String l2 = layer2IccProblem(n);
            if (l2 != null) warnings.add("network " + n.bridge() + ": " + l2);
        }
        model = next;
        return new ReconcileReport(!drift.isEmpty(), drift, warnings);
    }

    @Override
    public synchronized void teardownAll() {
        List<RuntimeException> errors = new ArrayList<>();
        try {
            nft.apply(new NftBatch("remove the nlbridge tables", NftLayout.deleteTables(features)));
        } catch (RuntimeException e) {
            errors.add(e);
        }
        if (model != null) {
            for (NetworkFirewallSpec n : model.state().networks()) {
                if (n.subnet4() == null || n.internal()) continue;
                try {
                    routeLocalnet(n.bridge(), false);
                } catch (UncheckedIOException gone) {
                    // bridge already deleted
                } catch (RuntimeException e) {
                    errors.add(e);
                }
            }
        }
        model = new FirewallModel();
        throwAll("tear down the firewall", errors);
    }

    /**
     * Inserts a rule at the top of the user hook, on the user's explicit request (CLI, tests); the engine never
     * calls this on its own. See {@link UserHookRules}.
     */
    public synchronized void insertUserRule(NftOp.InsertRule rule) {
        if (!rule.table().equals(NftLayout.USER_TABLE) || !rule.chain().equals(NftLayout.USER_CHAIN)) {
            throw new IllegalArgumentException("not a user hook rule: " + NftText.line(rule));
        }
        nft.apply(new NftBatch("insert a user hook rule", List.of(rule)));
    }

    private Map<String, NftTableState> readOurs() {
        Map<String, NftTableState> out = new LinkedHashMap<>();
        for (NftFamily f : NftFamily.values()) {
            if (f == NftFamily.BRIDGE && !features.bridgeTable()) continue;
            nft.read(f, NftLayout.TABLE).ifPresent(t -> out.put(f + " " + NftLayout.TABLE, t));
        }
        return out;
    }

    private void applyOrRebuild(NftBatch incremental, FirewallState desiredAfter) {
        if (incremental.isEmpty()) return;
        try {
            nft.apply(incremental);
        } catch (RuntimeException first) {
            try {
                nft.apply(NftLayout.rebuild(incremental.what() + " (rebuilding the tables after: "
                        + first.getMessage() + ")", desiredAfter, features));
            } catch (RuntimeException second) {
                second.addSuppressed(first);
                throw new FirewallException(incremental.what() + " failed, and so did rebuilding the tables: "
                        + second.getMessage(), second);
            }
        }
    }

    /**
     * Without the bridge table, icc=false between containers of one bridge is enforced only if bridged packets
     * pass the ip/ip6 hooks (br_netfilter): null if they do (or nothing needs them), else what is wrong.
     */
    private String layer2IccProblem(NetworkFirewallSpec n) {
        if (n.icc() || features.bridgeTable()) return null;
        List<String> keys = new ArrayList<>();
        if (n.subnet4() != null) keys.add(BRNF4);
        if (n.subnet6() != null) keys.add(BRNF6);
        for (String key : keys) {
            String value;
            try {
                value = sysctls.read(key);
            } catch (UncheckedIOException e) {
                value = null;
            }
            if (!"1".equals(value)) {
                return "icc=false needs bridged traffic to pass the ip hooks, but " + key.replace('/', '.')
                        + (value == null ? " does not exist (br_netfilter is not loaded)" : " is " + value)
                        + "; load br_netfilter and set " + key.replace('/', '.') + "=1 (nlbridge does not change it:"
                        + " it affects every bridge of the host)";
            }
        }
        return null;
    }

    private void routeLocalnet(IfName bridge, boolean on) {
        String name = bridge.toString();
        if (name.equals("all") || name.equals("default") || name.equals("lo")) {
            throw new IllegalStateException("refusing route_localnet on " + name + ": it must stay bridge-local");
        }
        sysctls.write("net/ipv4/conf/" + name + "/route_localnet", on ? "1" : "0");
    }

    /** {@code s} plus one network or endpoint that was checked already. */
    private static FirewallState with(FirewallState s, NetworkFirewallSpec n, EndpointFirewallSpec e) {
        List<NetworkFirewallSpec> networks = new ArrayList<>(s.networks());
        List<EndpointFirewallSpec> endpoints = new ArrayList<>(s.endpoints());
        if (n != null) networks.add(n);
        if (e != null) endpoints.add(e);
        return new FirewallState(networks, endpoints);
    }

    private static void throwAll(String what, List<RuntimeException> errors) {
        if (errors.isEmpty()) return;
        FirewallException e = new FirewallException(what + ": " + errors.size() + " error(s), first: "
                + errors.getFirst().getMessage(), errors.getFirst());
        for (int i = 1; i < errors.size(); i++) e.addSuppressed(errors.get(i));
        throw e;
    }

    /** The desired state the driver holds (what reconcile would restore). */
    public synchronized FirewallState state() {
        return model().state();
    }

    /** Whether the driver was given its state yet (by {@link #reconcile}). */
    public synchronized boolean initialised() {
        return model != null;
    }
}

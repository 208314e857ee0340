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

    /** Writes a sysctl of the engine's network namespace, e.g. {@code net/ipv4/conf/nlb0/route_localnet}. */
    @FunctionalInterface
    public interface Sysctls {
        void write(String key, String value);
    }

    private static final List<NftFamily> OUR_FAMILIES = List.of(NftFamily.IP, NftFamily.IP6, NftFamily.BRIDGE);

    private final NftExecutor nft;
    private final Sysctls sysctls;
    private FirewallModel model; // null until the first reconcile

    public NftFirewallDriver(NftExecutor nft, Sysctls sysctls) {
        this.nft = Objects.requireNonNull(nft, "nft");
        this.sysctls = Objects.requireNonNull(sysctls, "sysctls");
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
        for (EndpointFirewallSpec e : gone) b.addAll(NftLayout.removeEndpoint(e, n));
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
        applyOrRebuild(new NftBatch.Builder("add endpoint " + e.id()).addAll(NftLayout.endpoint(e, n)).build(),
                with(m.state(), null, e));
        m.putEndpoint(e);
    }

    @Override
    public synchronized void removeEndpoint(String endpointId) {
        FirewallModel m = model();
        EndpointFirewallSpec e = m.removeEndpoint(endpointId);
        if (e == null) return;
        NetworkFirewallSpec n = m.network(e.bridge());
        applyOrRebuild(new NftBatch.Builder("remove endpoint " + endpointId).addAll(NftLayout.removeEndpoint(e, n))
                .build(), m.state());
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
        Map<String, Long> counters = new LinkedHashMap<>();
        for (NftTableState t : readOurs().values()) {
            for (NftTableState.Chain c : t.chains().values()) {
                if (c.packets() > 0 || counting(t.family(), c.name())) {
                    counters.put(t.family() + "/" + c.name(), c.packets());
                }
            }
        }
        String summary = "nftables: tables ip/ip6/bridge " + NftLayout.TABLE + "; " + s.networks().size()
                + " network(s), " + s.endpoints().size() + " endpoint(s), " + ports.size()
                + " published port(s); user hook " + NftLayout.USER_TABLE + " " + NftLayout.USER_CHAIN
                + " (forward, priority filter - 10) runs before our rules and is never touched by nlbridge.";
        return new FirewallStatus(backend(), true, summary, ports, counters);
    }

    private boolean counting(NftFamily f, String chain) {
        return chain.startsWith(NftLayout.DIRECT + "__") || chain.startsWith(NftLayout.FWD_TO + "__")
                || chain.equals(NftLayout.RAW_PREROUTING) && f == NftFamily.IP || chain.equals(NftLayout.BRIDGE_FORWARD);
    }

    @Override
    public synchronized ReconcileReport reconcile(FirewallState desired) {
        FirewallModel next = FirewallModel.of(desired);
        NftBatch rebuild = NftLayout.rebuild("reconcile", desired);
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
        model = next;
        return new ReconcileReport(!drift.isEmpty(), drift);
    }

    @Override
    public synchronized void teardownAll() {
        List<RuntimeException> errors = new ArrayList<>();
        try {
            nft.apply(new NftBatch("remove the nlbridge tables", NftLayout.deleteTables()));
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
        for (NftFamily f : OUR_FAMILIES) {
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
                        + first.getMessage() + ")", desiredAfter));
            } catch (RuntimeException second) {
                second.addSuppressed(first);
                throw new FirewallException(incremental.what() + " failed, and so did rebuilding the tables: "
                        + second.getMessage(), second);
            }
        }
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

    /** Whether the driver was given its state yet (by {@link #reconcile}). */
    public synchronized boolean initialised() {
        return model != null;
    }
}

package org.nlbridge.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nlbridge.driver.NetworkDriver;
import org.nlbridge.driver.firewall.ReconcileReport;
import org.nlbridge.rtnl.Link;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Network;

/** What a crash or another process left, repaired; and what the engine owns, for monitors. */
final class Reconciler {
    private static final System.Logger LOG = System.getLogger("nlbridge");
    private final Parts p;
    private final EndpointSteps endpoints;

    Reconciler(Parts p, EndpointSteps endpoints) {
        this.p = p;
        this.endpoints = endpoints;
    }

    /**
     * Endpoints left mid-attach or mid-detach by a dead process are undone by their driver and their addresses
     * freed; links carrying our alias that no network or endpoint owns are deleted; each firewall backend is rebuilt
     * from the store if it differs (someone flushed it, or a crash cut a change short).
     */
    List<String> reconcile() {
        List<Endpoint> stuck = p.store.write(tx -> tx.endpoints().claimStuck());
        List<String> errors = new ArrayList<>();
        List<String> repaired = new ArrayList<>();
        Map<String, Network> nets = new HashMap<>();
        p.networks().forEach(n -> nets.put(n.name(), n));
        for (Endpoint e : stuck) {
            Network n = nets.get(e.network());
            p.driver(n).undoAttach(n, e, errors);
            endpoints.release(e);
            repaired.add("endpoint " + e.container() + " on " + e.network() + ": left " + e.phase() + " by a dead process; removed");
        }
        Set<String> owned = links().keySet();
        for (Link l : p.rtnl.links().list()) {
            if (l.alias() != null && l.alias().startsWith(NetworkDriver.ALIAS_PREFIX) && !owned.contains(l.name())) {
                try {
                    p.rtnl.links().deleteIfExists(l.name());
                    repaired.add("link " + l.name() + " (" + l.alias() + "): owned by nothing; deleted");
                } catch (RuntimeException e) {
                    errors.add("link " + l.name() + ": " + e.getMessage());
                }
            }
        }
        ReconcileReport fw = p.firewalls.reconcile(p.storedFirewall());
        nets.keySet().forEach(n -> p.firewalls.setUp(n, true));
        if (fw.rebuilt()) repaired.add("firewall rebuilt from the state store" + (fw.drift().isEmpty() ? "" : ": " + fw.drift()));
        fw.drift().stream().filter(l -> l.startsWith("host firewall: ")).forEach(repaired::add); // its FORWARD drop
        List<Endpoint> eps = p.endpoints();
        for (Network n : nets.values()) {
            try {
                p.driver(n).adopt(n, eps.stream().filter(e -> e.network().equals(n.name())).toList());
            } catch (RuntimeException e) {
                errors.add("network " + n.name() + ": " + e.getMessage());
            }
        }
        if (!errors.isEmpty()) LOG.log(System.Logger.Level.WARNING, "reconcile: " + errors);
        return repaired;
    }

    /** The links of every network and endpoint, by name, with what each is for, as their drivers say. */
    Map<String, String> links() {
        Map<String, String> out = new HashMap<>();
        List<Endpoint> eps = p.endpoints();
        for (Network n : p.networks()) {
            out.putAll(p.driver(n).links(n, eps.stream().filter(e -> e.network().equals(n.name())).toList()));
        }
        return out;
    }

    Ownership ownership() {
        Set<String> bridges = new HashSet<>();
        p.networks().forEach(n -> bridges.add(n.bridge().toString()));
        return new Ownership(links(), bridges, NetworkDriver.ALIAS_PREFIX, p.firewalls.tables(), p.firewalls.watchedTables());
    }
}

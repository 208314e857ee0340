package org.nlbridge.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.nlbridge.driver.NetworkDriver;
import org.nlbridge.driver.Step;
import org.nlbridge.state.Network;

/** What a crash or another process left, repaired on request (the repair phase alone); what the engine owns. */
final class Reconciler {
    private static final System.Logger LOG = System.getLogger("nlbridge");
    private final Parts p;
    private final Planner planner;

    Reconciler(Parts p, Planner planner) {
        this.p = p;
        this.planner = planner;
    }

    /**
     * Runs the {@link Repairs} steps: endpoints left in flight by a dead process are undone and their addresses
     * freed, links carrying our alias that nothing owns are deleted, each firewall backend is rebuilt from the
     * store if it differs, and the host's other firewall gets the accept rules our networks need. Then each driver
     * adopts its networks ({@link #adopt}). Returns what was repaired, one plan line each.
     */
    List<String> reconcile() {
        List<Step> steps = planner.repairs();
        List<ApplyException.Failure> failures = Executor.run(p.host, p.rtnl, steps, null, () -> { });
        if (!failures.isEmpty()) LOG.log(System.Logger.Level.WARNING, "reconcile: " + new ApplyException(failures).getMessage());
        List<String> out = new ArrayList<>();
        steps.forEach(s -> out.add(s.change().toString()));
        adopt();
        return out;
    }

    /**
     * Tells each network's driver the endpoints the store holds for it (when the engine opens and after a
     * reconcile): a driver with state outside the host (the overlay's cluster store) follows it from there. Drivers
     * of this host only do nothing, so opening an engine still changes nothing of the host's own state.
     */
    void adopt() {
        Stored s = Stored.read(p);
        List<String> errors = new ArrayList<>();
        for (Network n : s.networks().values()) {
            try {
                p.driver(n).adopt(n, s.endpoints().stream().filter(e -> e.network().equals(n.name())).toList());
            } catch (RuntimeException e) {
                errors.add("network " + n.name() + ": " + e.getMessage());
            }
        }
        if (!errors.isEmpty()) LOG.log(System.Logger.Level.WARNING, "adopt: " + errors);
    }

    Ownership ownership() {
        Set<String> bridges = new HashSet<>();
        p.networks().forEach(n -> bridges.add(n.bridge().toString()));
        return new Ownership(Repairs.links(p, Stored.read(p)), bridges, NetworkDriver.ALIAS_PREFIX, p.firewalls.tables(),
                p.firewalls.watchedTables());
    }
}

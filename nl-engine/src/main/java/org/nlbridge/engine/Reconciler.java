package org.nlbridge.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.nlbridge.driver.NetworkDriver;
import org.nlbridge.driver.Step;

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
     * freed, links carrying our alias that nothing owns are deleted, and each firewall backend is rebuilt from the
     * store if it differs. Returns what was repaired, one plan line each.
     */
    List<String> reconcile() {
        List<Step> steps = planner.repairs();
        List<ApplyException.Failure> failures = Executor.run(p.host, p.rtnl, steps, null, () -> { });
        if (!failures.isEmpty()) LOG.log(System.Logger.Level.WARNING, "reconcile: " + new ApplyException(failures).getMessage());
        List<String> out = new ArrayList<>();
        steps.forEach(s -> out.add(s.change().toString()));
        return out;
    }

    Ownership ownership() {
        Set<String> bridges = new HashSet<>();
        p.networks().forEach(n -> bridges.add(n.bridge().toString()));
        return new Ownership(Repairs.links(p, Stored.read(p)), bridges, NetworkDriver.ALIAS_PREFIX, p.firewalls.tables());
    }
}

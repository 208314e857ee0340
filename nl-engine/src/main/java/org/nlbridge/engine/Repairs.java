package org.nlbridge.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.nlbridge.driver.NetworkDriver;
import org.nlbridge.driver.Step;
import org.nlbridge.driver.Unit;
import org.nlbridge.rtnl.Link;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.Change.Action;
import org.nlbridge.spec.FirewallBackend;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Network;

/**
 * What a crash or another process left, as steps: the first phase of every apply and destroy, shown by their plans
 * and run by them (and by {@link Engine#reconcile}), never done behind a read-only command's back.
 * <ul>
 *   <li>an endpoint a dead process left in flight (ATTACHING or DETACHING): what its attach made is removed and
 *       its addresses freed;</li>
 *   <li>a link carrying the engine's alias that nothing in the store owns: deleted (the alias is the proof that the
 *       engine made it);</li>
 *   <li>a firewall backend whose tables differ from the store ({@code nft flush ruleset}, a crash in between):
 *       rebuilt from the store in one transaction (not in a destroy, which removes them anyway).</li>
 * </ul>
 * Repairs converge the kernel to what the store already says; undoing a request does not undo them.
 */
final class Repairs {
    private final Parts p;
    private final EndpointSteps endpoints;

    Repairs(Parts p, EndpointSteps endpoints) {
        this.p = p;
        this.endpoints = endpoints;
    }

    /** Leftovers and the firewall, in that order (a reconcile). */
    List<Step> steps(Stored s) {
        List<Step> out = new ArrayList<>(leftovers(s));
        out.addAll(firewall(s));
        return out;
    }

    /** Endpoints left in flight by a dead process, links of ours that nothing owns. */
    List<Step> leftovers(Stored s) {
        return leftovers(s, p.rtnl.links().list());
    }

    /** {@link #leftovers(Stored)} with the host's links as dumped for the whole plan. */
    List<Step> leftovers(Stored s, List<Link> hostLinks) {
        List<Step> out = new ArrayList<>();
        for (Endpoint e : s.stuck()) {
            Network n = s.networks().get(e.network());
            out.add(Step.call(new Change(Action.DELETE, "endpoint", e.container() + " on " + e.network(),
                    "left " + e.phase() + " by a dead process"), Unit.bestEffort("container " + e.container()), () -> {
                if (p.store.write(tx -> tx.endpoints().claim(e.container(), e.network())).isEmpty()) return; // taken
                List<String> errors = new ArrayList<>();
                if (n != null) p.driver(n).undoAttach(n, e, errors);
                endpoints.release(e);
                if (!errors.isEmpty()) throw new IllegalStateException(String.join("; ", errors));
            }));
        }
        Map<String, String> owned = links(p, s);
        for (Link l : hostLinks) {
            if (l.alias() == null || !l.alias().startsWith(NetworkDriver.ALIAS_PREFIX) || owned.containsKey(l.name())) {
                continue;
            }
            String name = l.name();
            out.add(Step.netlink(new Change(Action.DELETE, "link", name, l.alias() + ", owned by nothing"),
                    Unit.bestEffort("link " + name), null, r -> r.batch().links().delete(name)));
        }
        return out;
    }

    /**
     * Each firewall backend whose kernel state differs from the store's, rebuilt (in an apply, after the networks'
     * own repairs, so that a bridge deleted behind the engine's back is there again for its per-bridge settings).
     */
    List<Step> firewall(Stored s) {
        List<Step> out = new ArrayList<>();
        Map<FirewallBackend, List<String>> drift = p.firewalls.drift(p.storedFirewall(s.settled()));
        for (Map.Entry<FirewallBackend, List<String>> d : drift.entrySet()) {
            if (d.getValue().isEmpty()) continue;
            out.add(Step.call(new Change(Action.UPDATE, "firewall", "tables " + d.getKey().label(),
                    "rebuilt from the state: " + String.join("; ", d.getValue())), Unit.bestEffort("firewall"),
                    () -> p.firewalls.reconcile(p.storedFirewall(Stored.read(p).settled()))));
        }
        return out;
    }

    /** The links of every stored network and endpoint, by name, with what each is for, as their drivers say. */
    static Map<String, String> links(Parts p, Stored s) {
        Map<String, String> out = new HashMap<>();
        for (Network n : s.networks().values()) {
            out.putAll(p.driver(n).links(n, s.endpoints().stream().filter(e -> e.network().equals(n.name())).toList()));
        }
        return out;
    }
}

package org.nlbridge.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nlbridge.driver.Step;
import org.nlbridge.driver.Unit;
import org.nlbridge.driver.firewall.FirewallSpecs;
import org.nlbridge.driver.firewall.FirewallState;
import org.nlbridge.driver.firewall.Firewalls;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.Change.Action;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.FirewallBackend;
import org.nlbridge.spec.UserRulesSpec;
import org.nlbridge.state.Network;

/** The engine's firewall steps that belong to no network: the user hook, a script's user rules, unused tables. */
final class FirewallSteps {
    private final Parts p;

    FirewallSteps(Parts p) {
        this.p = p;
    }

    /**
     * The user hook when a network's rules need it (it runs before them) or the script has user rules, then each of
     * the script's rules the hook does not hold: declared rules are desired state, so one that went (an {@code nft
     * flush ruleset}, a user's delete) is missing and comes back. They carry a mark ({@code UserHookRules.marker}); the
     * engine never touches a rule without it, so rules the user added by hand stay as they are. A request that is
     * undone takes back the rules it inserted. Rules a script no longer declares stay (the hook is the user's).
     */
    List<Step> userRules(DesiredState desired, Collection<Network> networks) {
        Firewalls fw = p.firewalls;
        UserRulesSpec rules = desired.userRules();
        boolean hooked = networks.stream().anyMatch(n -> n.options().firewall() == fw.userHookBackend());
        if (!hooked && rules.rules().isEmpty()) return List.of();
        Unit unit = Unit.rollback("user rules", Unit.Undo.NOTHING);
        List<Step> out = new ArrayList<>();
        if (!fw.userHookExists()) {
            out.add(Step.call(new Change(Action.CREATE, "user hook", fw.userHookTable(),
                    fw.userHookBackend().label() + ": runs before nlbridge's rules, never changed by nlbridge"), unit,
                    () -> fw.userHook().ensureUserHook()));
        }
        for (UserRulesSpec.AllowOnlyFrom r : rules.rules()) {
            if (fw.hasUserRule(r)) continue;
            out.add(Step.call(new Change(Action.CREATE, "user rule", r.toString(), ""), unit, () -> {
                fw.userHook().insertUserRule(r);
                unit.onUndo(errors -> {
                    try {
                        fw.userHook().removeUserRule(r);
                    } catch (RuntimeException e) {
                        errors.add("user rule " + r + ": " + e.getMessage());
                    }
                });
            }));
        }
        return out;
    }

    /**
     * The rules the firewall drivers add to or remove from the host's iptables-nft firewall when its FORWARD policy
     * is drop (see {@code HostFirewall}) once {@code networks} are the networks there are: one step per plan line,
     * each running the drivers' idempotent sync (the first does the work; the networks' own firewall steps already
     * sync as they set up or tear down, so usually there is nothing left by then).
     */
    List<Step> hostFirewall(Collection<Network> networks) {
        Map<FirewallBackend, FirewallState> desired = new EnumMap<>(FirewallBackend.class);
        for (Network n : networks) {
            desired.merge(n.options().firewall(), new FirewallState(List.of(FirewallSpecs.of(n)), List.of()),
                    (a, b) -> new FirewallState(concat(a.networks(), b.networks()), List.of()));
        }
        Unit unit = Unit.bestEffort("host firewall");
        List<Step> out = new ArrayList<>();
        for (Change c : p.firewalls.hostFirewallPlan(desired)) {
            out.add(Step.call(c, unit, () -> p.firewalls.syncHostFirewall(desired)));
        }
        return out;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** With no network left on a backend, its tables go too (never the user hook): a host left as it was found. */
    List<Step> teardownUnused(Set<FirewallBackend> inUse) {
        List<Step> out = new ArrayList<>();
        for (FirewallBackend b : FirewallBackend.values()) {
            if (!p.firewalls.wouldTearDown(b, inUse)) continue;
            out.add(Step.call(new Change(Action.DELETE, "firewall", "tables " + b.label(), "no network uses them"),
                    Unit.bestEffort("firewall"), () -> p.firewalls.driver(b).teardownAll()));
        }
        return out;
    }
}

package org.nlbridge.daemon;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.nlbridge.engine.Engine;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkMode;
import org.nlbridge.spec.Plan;

/**
 * The desired state the engine last converged to through this daemon (engine thread only), so that a request that
 * changes some containers and nothing else plans those containers alone ({@link Engine#applyContainers}): one more
 * container costs the same at 10 and at 1,000. Anything else (networks, user rules, a first request, one after a
 * failure or a destroy, a whole {@code apply}) is a full apply; drift elsewhere is the drift repair's.
 */
final class Converged {
    private DesiredState last;
    /** What the last apply changed, until {@link #takeScope}: its containers when scoped, null when everything. */
    private Set<String> scope;
    private boolean scopeKnown;

    /**
     * Converges to {@code all}: only its changed containers when {@code mayScope} and it differs from the last state
     * converged to in containers alone, else everything. A failure leaves no state known as converged.
     */
    Plan apply(Engine engine, DesiredState all, Engine.ProgressListener progress, boolean mayScope) {
        Set<String> changed = mayScope && last != null ? changedContainers(last, all) : null;
        last = null;
        scopeKnown = false;
        Plan done = changed == null ? engine.apply(all, progress) : engine.applyContainers(all, changed, progress);
        last = all;
        scope = changed;
        scopeKnown = true;
        return done;
    }

    /**
     * The containers the last {@link #apply} alone changed, once: null (everything may have changed) after a full
     * apply, a failure, or when it was taken already (a drift repair or a destroy changes what it likes).
     */
    Set<String> takeScope() {
        Set<String> s = scopeKnown ? scope : null;
        scopeKnown = false;
        scope = null;
        return s;
    }

    /** The engine has converged to {@code all} by other means (the daemon's start). */
    void reached(DesiredState all) {
        last = all;
    }

    /** What the engine has is no longer known to match a desired state (a destroy). */
    void forget() {
        last = null;
    }

    /**
     * The containers added, removed or changed from {@code a} to {@code b}, with those sharing their namespace
     * ({@code container:NAME}); null when anything but containers differs.
     */
    static Set<String> changedContainers(DesiredState a, DesiredState b) {
        if (!a.networks().equals(b.networks()) || !Objects.equals(a.userRules(), b.userRules())) return null;
        Map<String, ContainerSpec> before = new HashMap<>();
        a.containers().forEach(c -> before.put(c.name(), c));
        Set<String> changed = new HashSet<>();
        for (ContainerSpec c : b.containers()) {
            if (!c.equals(before.remove(c.name()))) changed.add(c.name());
        }
        changed.addAll(before.keySet()); // removed
        for (DesiredState d : new DesiredState[] {a, b}) {
            for (ContainerSpec c : d.containers()) {
                if (c.network() instanceof NetworkMode.Container o && changed.contains(o.container())) changed.add(c.name());
            }
        }
        return changed;
    }
}

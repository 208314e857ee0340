package org.nlbridge.daemon;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;

/**
 * A daemon's desired state around a {@code destroy}: the intent, saved before the engine runs, so a daemon killed in
 * the middle finishes the destroy when it restarts and adopts that state, instead of re-creating what was going; and
 * what is left once the engine is done.
 */
final class DestroyIntent {
    private static final System.Logger LOG = System.getLogger("nlbridge.daemon");

    private DestroyIntent() {}

    /**
     * Saves {@code old} without the containers of {@code what}, and without its networks that no remaining container
     * uses (not kept in memory until the destroy is done).
     */
    static void journal(DaemonState state, DesiredState old, DesiredState what) {
        Set<String> containersGoing = containers(what);
        Set<String> used = new HashSet<>();
        old.containers().stream().filter(c -> !containersGoing.contains(c.name()))
                .forEach(c -> c.attachments().forEach(a -> used.add(a.network())));
        Set<String> networksGoing = networks(what);
        networksGoing.removeAll(used);
        try {
            DesiredState intent = without(old, containersGoing, networksGoing);
            if (!intent.equals(old)) state.saveDesired(intent);
        } catch (ValidationException inconsistent) {
            LOG.log(System.Logger.Level.WARNING, "destroy: the desired state without " + Summaries.names(what)
                    + " is inconsistent (" + inconsistent.getMessage() + "); a restart in the middle would re-create it");
        }
    }

    /** {@code old} without those containers and networks (a {@link ValidationException} if that is inconsistent). */
    static DesiredState without(DesiredState old, Set<String> containers, Set<String> networks) {
        List<ContainerSpec> staying = old.containers().stream().filter(c -> !containers.contains(c.name())).toList();
        return new DesiredState(old.networks().stream().filter(n -> !networks.contains(n.name())).toList(), staying,
                old.userRules());
    }

    static Set<String> containers(DesiredState d) {
        Set<String> out = new HashSet<>();
        d.containers().forEach(c -> out.add(c.name()));
        return out;
    }

    static Set<String> networks(DesiredState d) {
        Set<String> out = new HashSet<>();
        d.networks().forEach(n -> out.add(n.name()));
        return out;
    }
}

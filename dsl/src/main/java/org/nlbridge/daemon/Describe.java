package org.nlbridge.daemon;

import java.util.ArrayList;
import java.util.List;

import org.nlbridge.spec.Change;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkMode;
import org.nlbridge.spec.Plan;

/** How the daemon names what a request touched, in its events and messages. */
final class Describe {

    private Describe() {}

    static String names(DesiredState d) {
        List<String> out = new ArrayList<>();
        d.networks().forEach(n -> out.add("network " + n.name()));
        d.containers().forEach(c -> out.add("container " + c.name()));
        return out.isEmpty() ? "nothing" : String.join(", ", out);
    }

    static String summary(Plan p) {
        int[] n = new int[3];
        for (Change c : p.changes()) n[c.action().ordinal()]++;
        if (p.isEmpty()) return "no changes";
        List<String> parts = new ArrayList<>();
        if (n[0] > 0) parts.add(n[0] + " created");
        if (n[1] > 0) parts.add(n[1] + " updated");
        if (n[2] > 0) parts.add(n[2] + " deleted");
        return String.join(", ", parts);
    }

    /** The containers of {@code d} that use network {@code name} or share a namespace with {@code container}. */
    static List<String> users(DesiredState d, String network, String container) {
        List<String> out = new ArrayList<>();
        for (ContainerSpec c : d.containers()) {
            if (network != null && c.network() instanceof NetworkMode.Bridge b && b.network().equals(network)) out.add(c.name());
            if (container != null && c.network() instanceof NetworkMode.Container o && o.container().equals(container)) {
                out.add(c.name());
            }
        }
        return out;
    }
}

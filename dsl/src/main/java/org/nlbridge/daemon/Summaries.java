package org.nlbridge.daemon;

import java.util.ArrayList;
import java.util.List;

import org.nlbridge.spec.Change;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkMode;
import org.nlbridge.spec.Plan;

/** The daemon's one-line texts for events and errors: what a request names, what a plan did, who uses what. */
final class Summaries {
    private Summaries() {}

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

    /** The containers of {@code d} on network {@code name} (first or connected) or sharing {@code container}'s namespace. */
    static List<String> users(DesiredState d, String network, String container) {
        List<String> out = new ArrayList<>();
        for (ContainerSpec c : d.containers()) {
            if (network != null && c.attachment(network).isPresent()) out.add(c.name());
            if (container != null && c.network() instanceof NetworkMode.Container o && o.container().equals(container)) {
                out.add(c.name());
            }
        }
        return out;
    }
}

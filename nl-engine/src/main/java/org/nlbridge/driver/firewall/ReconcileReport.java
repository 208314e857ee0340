package org.nlbridge.driver.firewall;

import java.util.List;

/**
 * The outcome of {@link FirewallDriver#reconcile}.
 *
 * @param rebuilt whether the tables were rebuilt (in one transaction)
 * @param drift    what differed between the kernel and the desired state, one line each; empty if nothing did
 * @param warnings what is wrong and not ours to repair (e.g. a sysctl the policy relies on), one line each
 */
public record ReconcileReport(boolean rebuilt, List<String> drift, List<String> warnings) {

    public ReconcileReport {
        drift = List.copyOf(drift);
        warnings = List.copyOf(warnings);
    }

    public static ReconcileReport unchanged() {
        return new ReconcileReport(false, List.of(), List.of());
    }
}

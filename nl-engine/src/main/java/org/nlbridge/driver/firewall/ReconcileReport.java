package org.nlbridge.driver.firewall;

import java.util.List;

/**
 * The outcome of {@link FirewallDriver#reconcile}.
 *
 * @param rebuilt whether the tables were rebuilt (in one transaction)
 * @param drift   what differed between the kernel and the desired state, one line each; empty if nothing did
 */
public record ReconcileReport(boolean rebuilt, List<String> drift) {

    public ReconcileReport {
        drift = List.copyOf(drift);
    }

    public static ReconcileReport unchanged() {
        return new ReconcileReport(false, List.of());
    }
}

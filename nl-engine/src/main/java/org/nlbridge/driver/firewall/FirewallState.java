package org.nlbridge.driver.firewall;

import java.util.List;

/**
 * The whole desired firewall state: networks, then the endpoints on them, in the order they were created.
 * {@link #validated()} runs every cross-object check of {@link FirewallModel}.
 */
public record FirewallState(List<NetworkFirewallSpec> networks, List<EndpointFirewallSpec> endpoints) {

    public static final FirewallState EMPTY = new FirewallState(List.of(), List.of());

    public FirewallState {
        networks = List.copyOf(networks);
        endpoints = List.copyOf(endpoints);
    }

    /** This state after the cross-object checks; throws {@link org.nlbridge.net.ValidationException} if inconsistent. */
    public FirewallState validated() {
        FirewallModel.of(this);
        return this;
    }
}

package org.nlbridge.driver.firewall.nftables;

import java.util.ArrayList;
import java.util.List;

import org.nlbridge.driver.firewall.NetworkFirewallSpec;
import org.nlbridge.spec.GatewayMode;

/** What {@code plan} says the nftables backend installs for a network (see {@link NftLayout} for the rules). */
public final class NftPlan {
    private NftPlan() {}

    /** {@code masquerade, forward, isolation, icc drop, published-port maps, route_localnet on docker0}. */
    public static String describe(NetworkFirewallSpec n) {
        List<String> parts = new ArrayList<>();
        if (n.masquerade() && (n.mode4().nat() || n.subnet6() != null && n.mode6().nat())) parts.add("masquerade");
        if (n.mode4() != GatewayMode.NAT) parts.add("gateway " + n.mode4() + (n.subnet6() == null ? "" : " (IPv4)"));
        if (n.subnet6() != null && n.mode6() != GatewayMode.NAT) parts.add("gateway " + n.mode6() + " (IPv6)");
        parts.add("forward, isolation");
        if (!n.icc()) parts.add("icc drop");
        parts.add("published-port maps");
        if (n.subnet4() != null && !n.internal()) parts.add("route_localnet on " + n.bridge());
        return String.join(", ", parts);
    }
}

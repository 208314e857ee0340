package org.nlbridge.driver.firewall.nftables;

import java.util.ArrayList;
import java.util.List;

import org.nlbridge.driver.firewall.NetworkFirewallSpec;
import org.nlbridge.net.IpAddress;
import org.nlbridge.nft.Chain;
import org.nlbridge.nft.CtStatus;
import org.nlbridge.nft.Family;
import org.nlbridge.nft.Rule;
import org.nlbridge.nft.RuleBuilder;
import org.nlbridge.nft.Selector;
import org.nlbridge.spec.GatewayMode;

/**
 * What a network's gateway mode changes in {@link NftLayout}, per family (Docker 28's {@code gateway_mode_ipv4} and
 * {@code gateway_mode_ipv6}, as its nftables backend writes them):
 * <ul>
 *   <li>{@code nat}: the layout as {@link NftLayout} describes it.</li>
 *   <li>{@code nat-unprotected}: the same NAT; no {@code direct4} element for the network's containers, and
 *       {@code fwd-to__br} ends in {@code counter accept} instead of the published-port check and the drop, so
 *       direct routing reaches every port (Docker's "UNPROTECTED").</li>
 *   <li>{@code routed}: no {@code nat-from__br} and {@code nat-to__br} in that family, no DNAT elements for the
 *       containers' ports (the host port is not used) and no {@code direct4} element; {@code fwd-to__br} accepts
 *       ICMP, then checks the published ports without {@code ct status dnat}: a published container port is open to
 *       direct routing, from outside and from other networks alike.</li>
 *   <li>{@code isolated} (internal networks only): nothing here; the bridge has no address in that family.</li>
 * </ul>
 */
final class GatewayModes {
    private static final int ICMP = 1;
    private static final int ICMPV6 = 58;

    private GatewayModes() {}

    static int af(Family f) {
        return f == Family.IP ? IpAddress.AF_INET : IpAddress.AF_INET6;
    }

    /**
     * The chain roles a network has in a family, in creation order (which is also the listing order): a family whose
     * gateway does not NAT has no masquerade and no hairpin chain.
     */
    static List<String> roles(NetworkFirewallSpec n, Family f) {
        boolean nat = n.mode(af(f)).nat();
        List<String> roles = new ArrayList<>(List.of(NftLayout.DIRECT));
        if (n.internal()) roles.add(NftLayout.FWD_INTERNAL);
        roles.add(NftLayout.FWD_TO);
        if (!n.internal()) roles.add(NftLayout.FWD_FROM);
        if (n.masquerade() && nat) roles.add(NftLayout.NAT_FROM);
        if (!n.internal() && nat) roles.add(NftLayout.NAT_TO);
        return roles;
    }

    /** {@code routed}: ICMP to the containers is let in (echo, and the errors path MTU discovery needs). */
    static Rule icmp(Chain c, Family f) {
        return Rule.in(c).l4proto(f == Family.IP ? ICMP : ICMPV6).counter().accept().build();
    }

    /** What {@code fwd-to__br} does with a new connection from outside the bridge (see the class comment). */
    static List<Rule> fromOutside(Chain c, Family f, GatewayMode mode) {
        if (mode == GatewayMode.NAT_UNPROTECTED) return List.of(Rule.in(c).counter().accept().build());
        RuleBuilder published = Rule.in(c).inSet(NftLayout.published(f), f == Family.IP ? Selector.IP_DADDR
                : Selector.IP6_DADDR, Selector.L4PROTO, Selector.TH_DPORT);
        if (mode != GatewayMode.ROUTED) published.ctStatus(CtStatus.DNAT);
        return List.of(published.counter().accept().build(), Rule.in(c).counter().drop().build());
    }

    /** Whether a family's containers get the direct-access drop ({@code direct4}/{@code direct6} elements). */
    static boolean directAccessDrop(GatewayMode mode) {
        return mode == GatewayMode.NAT || mode == GatewayMode.ISOLATED;
    }
}

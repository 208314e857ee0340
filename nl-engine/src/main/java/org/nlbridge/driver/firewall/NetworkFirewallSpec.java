package org.nlbridge.driver.firewall;

import java.util.Objects;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.GatewayMode;

/**
 * What the firewall needs to know about one bridge network. Built with {@link #builder}; validated on
 * construction, so an instance is always consistent.
 *
 * @param bridge      the bridge interface (it must exist when the network is set up)
 * @param subnet4     the IPv4 subnet ({@code --bip}'s network), or null for an IPv6-only network
 * @param subnet6     the IPv6 subnet ({@code --fixed-cidr-v6}'s network), or null without IPv6
 * @param icc         inter-container communication on this bridge ({@code --icc}, default true)
 * @param masquerade  SNAT traffic leaving the bridge to the address of the outgoing interface ({@code --ip-masq}, default true)
 * @param internal    no traffic in or out of the bridge except to and from the host ({@code --internal}, default false)
 * @param mode4       the IPv4 gateway mode: with {@code routed} nothing is translated (no masquerade, no DNAT), a
 *                    published port opens the container port to direct routing, ICMP is let in; with
 *                    {@code nat-unprotected} nothing filters direct routing to the containers
 * @param mode6       the same for IPv6
 */
public record NetworkFirewallSpec(IfName bridge, Cidr subnet4, Cidr subnet6, boolean icc, boolean masquerade,
                                  boolean internal, GatewayMode mode4, GatewayMode mode6) {

    private static final Cidr LOOPBACK4 = Cidr.parseSubnet("loopback", "127.0.0.0/8");

    public NetworkFirewallSpec {
        Objects.requireNonNull(bridge, "bridge");
        Objects.requireNonNull(mode4, "mode4");
        Objects.requireNonNull(mode6, "mode6");
        if (subnet4 == null && subnet6 == null) {
            throw new ValidationException("network " + bridge + " subnet", null, "neither an IPv4 nor an IPv6 subnet",
                    "at least one subnet");
        }
        if (subnet4 != null) {
            checkSubnet(bridge, "subnet4", subnet4, IpAddress.AF_INET, "an IPv4 subnet like 172.18.0.0/16");
            if (subnet4.overlaps(LOOPBACK4)) {
                throw new ValidationException("network " + bridge + " subnet4", subnet4.toString(),
                        "overlaps 127.0.0.0/8, which the firewall keeps to the loopback interface",
                        "a subnet outside 127.0.0.0/8");
            }
        }
        if (subnet6 != null) {
            checkSubnet(bridge, "subnet6", subnet6, IpAddress.AF_INET6, "an IPv6 subnet like fd00:1::/64");
        }
        if (internal && masquerade) {
            throw new ValidationException("network " + bridge + " masquerade", "true",
                    "an internal network has no way out, so there is nothing to masquerade",
                    "masquerade false for an internal network");
        }
    }

    /** A network whose gateway is {@code nat} in both families (Docker's default). */
    public NetworkFirewallSpec(IfName bridge, Cidr subnet4, Cidr subnet6, boolean icc, boolean masquerade,
                               boolean internal) {
        this(bridge, subnet4, subnet6, icc, masquerade, internal, GatewayMode.NAT, GatewayMode.NAT);
    }

    /** The gateway mode of a family ({@link IpAddress#AF_INET} or {@link IpAddress#AF_INET6}). */
    public GatewayMode mode(int family) {
        return family == IpAddress.AF_INET6 ? mode6 : mode4;
    }

    private static void checkSubnet(IfName bridge, String name, Cidr subnet, int family, String accepted) {
        String field = "network " + bridge + " " + name;
        if (subnet.family() != family) {
            throw new ValidationException(field, subnet.toString(), "wrong address family", accepted);
        }
        if (subnet.hasHostBits()) {
            throw new ValidationException(field, subnet.toString(), "host bits set; did you mean " + subnet.subnet() + "?",
                    accepted);
        }
        if (subnet.prefixLength() == 0) {
            throw new ValidationException(field, subnet.toString(), "covers every address", accepted);
        }
    }

    /** A builder with Docker's defaults: icc on, masquerade on, not internal. */
    public static Builder builder(IfName bridge) {
        return new Builder(bridge);
    }

    /** The subnet of a family ({@link IpAddress#AF_INET} or {@link IpAddress#AF_INET6}), or null. */
    public Cidr subnet(int family) {
        return family == IpAddress.AF_INET ? subnet4 : family == IpAddress.AF_INET6 ? subnet6 : null;
    }

    /** {@code nlb0 172.18.0.0/16 fd00:1::/64 icc=false internal}: the subnets and every non-default setting. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(bridge.toString());
        if (subnet4 != null) b.append(' ').append(subnet4);
        if (subnet6 != null) b.append(' ').append(subnet6);
        if (!icc) b.append(" icc=false");
        if (internal) b.append(" internal");
        if (masquerade == internal) b.append(" masquerade=").append(masquerade);
        if (mode4 != GatewayMode.NAT) b.append(" gateway4=").append(mode4);
        if (mode6 != GatewayMode.NAT) b.append(" gateway6=").append(mode6);
        return b.toString();
    }

    public static final class Builder {
        private final IfName bridge;
        private Cidr subnet4;
        private Cidr subnet6;
        private boolean icc = true;
        private Boolean masquerade;
        private boolean internal;
        private GatewayMode mode4 = GatewayMode.NAT;
        private GatewayMode mode6 = GatewayMode.NAT;

        private Builder(IfName bridge) {
            this.bridge = bridge;
        }

        public Builder ipv4(Cidr subnet) {
            this.subnet4 = subnet;
            return this;
        }

        public Builder ipv6(Cidr subnet) {
            this.subnet6 = subnet;
            return this;
        }

        public Builder icc(boolean icc) {
            this.icc = icc;
            return this;
        }

        public Builder masquerade(boolean masquerade) {
            this.masquerade = masquerade;
            return this;
        }

        /** An internal network; masquerade then defaults to off. */
        public Builder internal(boolean internal) {
            this.internal = internal;
            return this;
        }

        /** The gateway modes of IPv4 and IPv6 (default nat for both). */
        public Builder gatewayModes(GatewayMode ipv4, GatewayMode ipv6) {
            this.mode4 = ipv4;
            this.mode6 = ipv6;
            return this;
        }

        public NetworkFirewallSpec build() {
            boolean masq = masquerade != null ? masquerade : !internal;
            return new NetworkFirewallSpec(bridge, subnet4, subnet6, icc, masq, internal, mode4, mode6);
        }
    }
}

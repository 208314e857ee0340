package org.nlbridge.state;

import java.util.Objects;

import org.nlbridge.spec.FirewallBackend;
import org.nlbridge.spec.GatewayMode;

/**
 * The switches the driver needs to rebuild a network's kernel state (rules, sysctls) after a restart.
 *
 * @param icc       containers on the bridge may talk to each other ({@code com.docker.network.bridge.enable_icc})
 * @param ipMasq    masquerade traffic leaving the host ({@code enable_ip_masquerade})
 * @param ipForward turn on the host's IP forwarding ({@code --ip-forward})
 * @param internal  no route out of the bridge at all ({@code --internal})
 * @param firewall  the firewall backend that owns the network's rules, so that a restart with another backend
 *                  can still remove them (stored as its label, {@code nftables} or {@code none})
 * @param macFromIp derive container MACs as {@code 02:42:} + IPv4 bytes instead of random ones
 * @param gatewayMode4 what the gateway does for IPv4 ({@code gateway_mode_ipv4})
 * @param gatewayMode6 what it does for IPv6 ({@code gateway_mode_ipv6})
 */
public record NetworkOptions(boolean icc, boolean ipMasq, boolean ipForward, boolean internal,
                             FirewallBackend firewall, boolean macFromIp, GatewayMode gatewayMode4,
                             GatewayMode gatewayMode6) {

    public NetworkOptions {
        Objects.requireNonNull(firewall, "firewall");
        Objects.requireNonNull(gatewayMode4, "gatewayMode4");
        Objects.requireNonNull(gatewayMode6, "gatewayMode6");
    }

    /** Options with the default gateway mode, nat, for both families. */
    public NetworkOptions(boolean icc, boolean ipMasq, boolean ipForward, boolean internal, FirewallBackend firewall,
                          boolean macFromIp) {
        this(icc, ipMasq, ipForward, internal, firewall, macFromIp, GatewayMode.NAT, GatewayMode.NAT);
    }

    /** The gateway mode of an address family ({@link org.nlbridge.net.IpAddress#AF_INET} or {@code AF_INET6}). */
    public GatewayMode gatewayMode(int family) {
        return family == org.nlbridge.net.IpAddress.AF_INET6 ? gatewayMode6 : gatewayMode4;
    }
}

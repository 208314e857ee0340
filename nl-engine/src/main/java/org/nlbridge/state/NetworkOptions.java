package org.nlbridge.state;

import java.util.Objects;

import org.nlbridge.spec.FirewallBackend;

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
 */
public record NetworkOptions(boolean icc, boolean ipMasq, boolean ipForward, boolean internal,
                             FirewallBackend firewall, boolean macFromIp) {

    public NetworkOptions {
        Objects.requireNonNull(firewall, "firewall");
    }
}

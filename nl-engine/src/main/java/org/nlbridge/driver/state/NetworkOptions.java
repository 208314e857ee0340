package org.nlbridge.driver.state;

import java.util.Objects;

/**
 * The switches the driver needs to rebuild a network's kernel state (rules, sysctls) after a restart.
 *
 * @param icc       containers on the bridge may talk to each other ({@code com.docker.network.bridge.enable_icc})
 * @param ipMasq    masquerade traffic leaving the host ({@code enable_ip_masquerade})
 * @param ipForward turn on the host's IP forwarding ({@code --ip-forward})
 * @param internal  no route out of the bridge at all ({@code --internal})
 * @param firewall  the label of the firewall backend that owns the network's rules ({@code nftables},
 *                  {@code none}), so that a restart with another backend can still remove them
 * @param macFromIp derive container MACs as {@code 02:42:} + IPv4 bytes instead of random ones
 */
public record NetworkOptions(boolean icc, boolean ipMasq, boolean ipForward, boolean internal, String firewall,
                             boolean macFromIp) {

    public NetworkOptions {
        Objects.requireNonNull(firewall, "firewall");
        if (!firewall.matches("[a-z][a-z0-9-]{0,31}")) {
            // a backend name is code-supplied; anything else is a bug, not user input
            throw new IllegalArgumentException("firewall backend name " + firewall + " is not a lower-case word");
        }
    }
}

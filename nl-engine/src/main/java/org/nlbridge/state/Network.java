package org.nlbridge.state;

import java.util.Objects;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Mtu;

/**
 * A network as stored: everything its driver needs to rebuild its bridge and rules after a restart.
 *
 * @param driver the network driver that made it ({@code bridge}); the engine hands the network back to it
 * @param ipv6   null for an IPv4-only network
 */
public record Network(String name, String driver, IfName bridge, BridgeOrigin bridgeOrigin, SubnetConfig ipv4,
                      SubnetConfig ipv6, Mtu mtu, NetworkOptions options) {

    public Network {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(bridge, "bridge");
        Objects.requireNonNull(bridgeOrigin, "bridgeOrigin");
        Objects.requireNonNull(ipv4, "ipv4");
        Objects.requireNonNull(mtu, "mtu");
        Objects.requireNonNull(options, "options");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty network name");
        }
        // the columns are per family, so a swapped family would be stored under the wrong one
        if (ipv4.family() != IpAddress.AF_INET) {
            throw new IllegalArgumentException("ipv4 config of network " + name + " has an IPv6 subnet "
                    + ipv4.subnet());
        }
        if (ipv6 != null && ipv6.family() != IpAddress.AF_INET6) {
            throw new IllegalArgumentException("ipv6 config of network " + name + " has an IPv4 subnet "
                    + ipv6.subnet());
        }
    }
}

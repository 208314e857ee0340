package org.nlbridge.state;

import java.util.Objects;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;

/**
 * One address family of a network: the subnet on the bridge, the bridge's own address (the containers'
 * gateway) and optionally the sub-range containers get addresses from (Docker's {@code --fixed-cidr},
 * {@code --ip-range}). The store keeps what it is given; {@code org.nlbridge.driver.ipam.SubnetRules}
 * decides what is acceptable before anything is stored.
 *
 * @param range null to allocate from the whole subnet
 */
public record SubnetConfig(Cidr subnet, IpAddress gateway, Cidr range) {

    public SubnetConfig {
        Objects.requireNonNull(subnet, "subnet");
        Objects.requireNonNull(gateway, "gateway");
    }

    /** The prefix addresses are handed out from: the range if there is one, else the subnet. */
    public Cidr pool() {
        return range != null ? range : subnet;
    }

    public int family() {
        return subnet.family();
    }
}

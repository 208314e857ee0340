package org.nlbridge.driver;

import java.util.Objects;

import org.nlbridge.driver.firewall.Firewalls;
import org.nlbridge.driver.ipam.Ipam;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.Rtnl;

/**
 * What a network driver works with, all owned by the engine: the host namespace and the engine's rtnetlink handle
 * on it (its batch is where the driver's host-side requests go), the firewall drivers by backend, and the address
 * manager (over the engine's state store).
 */
public record DriverContext(NetNs host, Rtnl rtnl, Firewalls firewalls, Ipam ipam) {

    public DriverContext {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(rtnl, "rtnl");
        Objects.requireNonNull(firewalls, "firewalls");
        Objects.requireNonNull(ipam, "ipam");
    }
}

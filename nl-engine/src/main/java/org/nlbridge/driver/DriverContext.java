package org.nlbridge.driver;

import java.nio.file.Path;
import java.util.Objects;

import org.nlbridge.cluster.ClusterOptions;
import org.nlbridge.driver.firewall.Firewalls;
import org.nlbridge.driver.ipam.Ipam;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.Rtnl;

/**
 * What a network driver works with, all owned by the engine: the host namespace and the engine's rtnetlink handle
 * on it (its batch is where the driver's host-side requests go), the firewall drivers by backend, the address
 * manager (over the engine's state store), the engine's state directory (a driver may keep files of its own under
 * {@code stateDir/<driver>/}), and how the host takes part in a cluster (null: it does not; only a daemon does).
 */
public record DriverContext(NetNs host, Rtnl rtnl, Firewalls firewalls, Ipam ipam, Path stateDir, ClusterOptions cluster) {

    public DriverContext {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(rtnl, "rtnl");
        Objects.requireNonNull(firewalls, "firewalls");
        Objects.requireNonNull(ipam, "ipam");
        Objects.requireNonNull(stateDir, "stateDir");
    }
}

package org.nlbridge.driver.firewall;

import java.util.List;
import java.util.Map;

/**
 * What {@code nlbridge status} shows about the firewall.
 *
 * @param backend  {@code "nftables"} or {@code "none"}
 * @param enforced whether any rule is installed at all (false for {@code none})
 * @param summary  one paragraph for humans; for {@code none} it says plainly what is not enforced
 * @param ports    the published ports with their connection counts
 * @param counters packets counted by the driver's counting rules, by name (e.g. {@code ip/direct__nlb0}),
 *                 mostly drops: loopback guard, direct access, unpublished ports, icc
 */
public record FirewallStatus(String backend, boolean enforced, String summary, List<PublishedPort> ports,
                             Map<String, Long> counters) {

    public FirewallStatus {
        ports = List.copyOf(ports);
        counters = Map.copyOf(counters);
    }
}

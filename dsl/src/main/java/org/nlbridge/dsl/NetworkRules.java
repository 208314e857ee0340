package org.nlbridge.dsl;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nlbridge.driver.ipam.SubnetRules;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;

/**
 * The address rules of a script's bridge networks that need neither the kernel nor the store, run as the script is
 * loaded, so that {@code check} refuses what {@code plan} and {@code apply} would (issue 16 item 4) and the error
 * carries the network's line: a subnet the bridge driver cannot use (/31, /32, reserved ranges, an IPv4 prefix as
 * {@code fixedCidrV6}), a gateway on the network or broadcast address, a {@code fixedCidr} outside or larger than the
 * subnet, two networks of the script whose subnets overlap. The engine checks them again when it resolves a network
 * (its driver's {@code resolve}), with what only it knows: the networks already stored, the bridge in the kernel.
 */
final class NetworkRules {
    private NetworkRules() {}

    static void check(DesiredState d) {
        Map<String, Cidr> earlier = new LinkedHashMap<>();
        for (NetworkSpec n : d.networks()) {
            if (!NetworkSpec.DEFAULT_DRIVER.equals(n.driver()) || n.bip() == null) continue;
            String field = "network " + n.name();
            Cidr subnet = n.bip().subnet();
            SubnetRules.checkSubnet(field + ": bip", subnet, IpAddress.AF_INET);
            SubnetRules.checkGateway(field + ": bip", subnet, n.bip().address());
            if (n.fixedCidr() != null) SubnetRules.checkRange(field + ": fixedCidr", subnet, n.bip().address(), n.fixedCidr());
            if (n.fixedCidrV6() != null) SubnetRules.checkSubnet(field + ": fixedCidrV6", n.fixedCidrV6(), IpAddress.AF_INET6);
            SubnetRules.checkNoOverlap(field + ": bip", subnet, earlier);
            earlier.put(n.name(), subnet);
        }
    }
}

package org.nlbridge.spec;

import java.util.Map;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;

/**
 * Whether a container may have the address it asks for (Docker's {@code --ip}, {@code --ip6}): inside the range it
 * is allocated from (the fixed-cidr, else the subnet), and neither the subnet's network address, its IPv4 broadcast
 * address nor the gateway, nor the address of another container. One rule for the desired state's checks (before
 * anything runs) and for the IPAM that hands the address out.
 */
public final class AddressRequest {
    private AddressRequest() {}

    /**
     * Refuses {@code requested} with the reason, or returns.
     *
     * @param range  the allocation range (null: the whole subnet)
     * @param owners the addresses in use on the network and the container holding each
     */
    public static void check(String field, String network, Cidr subnet, IpAddress gateway, Cidr range,
                             IpAddress requested, Map<IpAddress, String> owners) {
        boolean v4 = subnet.family() == IpAddress.AF_INET;
        Cidr pool = range != null ? range : subnet;
        String reason = null;
        if (requested.equals(gateway)) {
            reason = "is the gateway of network " + network;
        } else if (requested.equals(subnet.network())) {
            reason = "is the network address of subnet " + subnet;
        } else if (v4 && requested.equals(subnet.last())) {
            reason = "is the broadcast address of subnet " + subnet;
        } else if (!subnet.contains(requested) || !pool.contains(requested)) {
            reason = "is outside the allocatable range " + pool + " of network " + network;
        } else if (owners.containsKey(requested)) {
            reason = "is in use by container " + owners.get(requested);
        }
        if (reason != null) {
            throw new ValidationException(field, requested.toString(), reason, "a free address in " + pool
                    + (v4 ? " other than the network, broadcast and gateway addresses"
                          : " other than the network and gateway addresses"));
        }
    }
}

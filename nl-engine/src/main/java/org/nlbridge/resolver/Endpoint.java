package org.nlbridge.resolver;

import java.util.List;
import java.util.Objects;

import org.nlbridge.net.DnsName;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.ValidationException;

/**
 * A container's attachment to one network, as name resolution sees it: its name, its aliases on that network
 * (Docker's {@code --network-alias}) and its addresses there. Either address may be null, not both.
 */
public record Endpoint(DnsName container, Ipv4Address ipv4, Ipv6Address ipv6, List<DnsName> aliases) {

    public Endpoint {
        Objects.requireNonNull(container, "container");
        aliases = List.copyOf(aliases);
        if (ipv4 == null && ipv6 == null) {
            throw new ValidationException("endpoint " + container, null, "no address given",
                    "an IPv4 address, an IPv6 address or both");
        }
    }

    /** A container with an IPv4 address and no aliases. */
    public static Endpoint of(DnsName container, Ipv4Address ipv4) {
        return new Endpoint(container, ipv4, null, List.of());
    }
}

package org.nlbridge.driver.ipam;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.nlbridge.net.DnsName;
import org.nlbridge.net.Hostname;
import org.nlbridge.net.IfName;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.MacAddress;

/**
 * What the driver knows about an endpoint before its addresses are picked.
 *
 * @param netns null for an endpoint handed over to a runtime in the host namespace ({@code Endpoint.handedOver})
 * @param ipv4 a requested address ({@code --ip}), or null to allocate one
 * @param ipv6 a requested address ({@code --ip6}), or null to allocate one on a network with IPv6
 * @param mac  a requested MAC ({@code --mac-address}, already checked to be unicast), or null to derive
 *             one as the network says (random, or {@code 02:42:} + the IPv4 address)
 * @param aliases      more names the container answers to on this network
 * @param defaultRoute whether the container's default route goes through this network's gateway
 * @param spoofCheck   anti-spoofing on the endpoint's port (the attachment's {@code spoofCheck})
 */
public record EndpointRequest(String container, String network, Path netns, IfName ifName, IfName hostVeth,
                              Hostname hostname, Ipv4Address ipv4, Ipv6Address ipv6, MacAddress mac,
                              List<DnsName> aliases, boolean defaultRoute, boolean spoofCheck) {

    public EndpointRequest {
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(ifName, "ifName");
        Objects.requireNonNull(hostVeth, "hostVeth");
        Objects.requireNonNull(hostname, "hostname");
        aliases = List.copyOf(aliases);
    }

    /** A request for a container's only network: no aliases, the default route, anti-spoofing on. */
    public EndpointRequest(String container, String network, Path netns, IfName ifName, IfName hostVeth,
                           Hostname hostname, Ipv4Address ipv4, Ipv6Address ipv6, MacAddress mac) {
        this(container, network, netns, ifName, hostVeth, hostname, ipv4, ipv6, mac, List.of(), true, true);
    }

    /** The same request for exactly this IPv4 address and MAC (what a driver's reservation fixed). */
    public EndpointRequest withAddress(Ipv4Address ipv4, MacAddress mac) {
        return new EndpointRequest(container, network, netns, ifName, hostVeth, hostname, ipv4, ipv6, mac, aliases,
                defaultRoute, spoofCheck);
    }
}

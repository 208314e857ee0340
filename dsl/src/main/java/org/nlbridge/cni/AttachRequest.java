package org.nlbridge.cni;

import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.nlbridge.net.DnsName;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.PortSpec;
import org.nlbridge.spec.DnsSpec;
import org.nlbridge.spec.NetworkSpec;

/**
 * What an ADD asks of the engine: the network (created on first use, else it must match on {@code networkKeys}) and
 * the attachment, with every value already parsed by the engine's types.
 *
 * @param networkKeys  the network keys the config gave (the others take the existing network's values)
 * @param ip           the requested IPv4 address ({@code IP=} in CNI_ARGS, {@code runtimeConfig.ips}), or null
 * @param ip6          the requested IPv6 address, or null
 * @param mac          the requested MAC ({@code MAC=}, {@code runtimeConfig.mac}), or null
 * @param defaultRoute null: only the container's first attachment sets the default route
 * @param spoofCheck   anti-spoofing on the attachment's bridge port
 */
public record AttachRequest(NetworkSpec network, Set<String> networkKeys, String containerId, String ifname,
                            String netns, Ipv4Address ip, Ipv6Address ip6, MacAddress mac, List<PortSpec> ports,
                            List<DnsName> aliases, DnsSpec dns, Boolean defaultRoute, boolean spoofCheck,
                            String podNamespace, String podName) {
    public AttachRequest {
        Objects.requireNonNull(network, "network");
        networkKeys = Set.copyOf(networkKeys);
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(ifname, "ifname");
        Objects.requireNonNull(netns, "netns");
        ports = List.copyOf(ports);
        aliases = List.copyOf(aliases);
        if (dns == null) dns = DnsSpec.HOST;
    }
}

package org.nlbridge.cni;

import java.util.List;
import java.util.Objects;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.PortMapping;
import org.nlbridge.spec.DnsSpec;

/**
 * One container on one network, keyed by {@code (CNI_CONTAINERID, CNI_IFNAME)}: what an ADD made and a result reports.
 *
 * @param hostMac      the host side's MAC, or null where the backend does not know it
 * @param ipv4         the container's address with the network's prefix
 * @param ipv6         likewise, or null on an IPv4-only network
 * @param defaultRoute whether the container's default route goes through this attachment's gateway
 * @param dns          the network's resolver settings, reported in the result's {@code dns}
 * @param podNamespace {@code K8S_POD_NAMESPACE}, or null
 * @param podName      {@code K8S_POD_NAME} (podman sends the container's name), or null
 */
public record Attachment(String network, String containerId, String ifname, String netns, String hostVeth,
                         MacAddress hostMac, MacAddress mac, int mtu, Cidr ipv4, IpAddress gateway4, Cidr ipv6,
                         IpAddress gateway6, boolean defaultRoute, DnsSpec dns, List<PortMapping> ports,
                         String podNamespace, String podName) {
    public Attachment {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(ifname, "ifname");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(ipv4, "ipv4");
        if (dns == null) dns = DnsSpec.HOST;
        ports = List.copyOf(ports);
    }
}

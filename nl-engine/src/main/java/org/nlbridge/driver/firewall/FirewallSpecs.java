package org.nlbridge.driver.firewall;

import java.util.List;

import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.PortMapping;
import org.nlbridge.net.PortSpec;
import org.nlbridge.net.ValidationException;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Network;

/** The firewall's view of the store's records, for any driver whose networks are a bridge with veths on it. */
public final class FirewallSpecs {
    private FirewallSpecs() {}

    /**
     * A network's rules. An internal network masquerades nothing whatever ipMasq says (it is on by default, and
     * Docker ignores it for --internal); the firewall refuses the combination, so it is not passed on.
     */
    public static NetworkFirewallSpec of(Network n) {
        return new NetworkFirewallSpec(n.bridge(), n.ipv4().subnet(), n.ipv6() == null ? null : n.ipv6().subnet(),
                n.options().icc(), n.options().ipMasq() && !n.options().internal(), n.options().internal(),
                n.options().gatewayMode4(), n.options().gatewayMode6());
    }

    /**
     * An endpoint's addresses, MAC and published ports, with anti-spoofing unless the container opted out; its
     * container, so that the port also accepts the container's addresses on its other networks.
     */
    public static EndpointFirewallSpec of(Network n, Endpoint e, List<PortMapping> ports) {
        return new EndpointFirewallSpec(endpointId(e.network(), e.container()), n.bridge(), e.hostVeth(), e.ipv4(),
                e.ipv6(), ports, e.mac(), e.spoofCheck(), e.container());
    }

    /**
     * Checks a container's published ports against its network before anything is made, in the script's terms (the
     * firewall refuses the same when an endpoint is added, too late to change nothing): a host address of a family
     * the container has no address in (IPv6 on an IPv4-only network), and {@code ::1}, which the kernel routes only
     * on {@code lo}: a reply translated back to {@code ::1} as it arrives on the bridge is dropped, so only a userland
     * proxy (Docker's docker-proxy; nlbridge has none) could serve it.
     */
    public static void checkPorts(Network n, String container, List<PortSpec> publish) {
        for (PortSpec p : publish) {
            for (PortMapping m : p.mappings()) {
                IpAddress h = m.hostIp();
                if (!(h instanceof Ipv6Address v6)) continue;
                String field = "container " + container + ": publish";
                if (v6.isLoopback()) {
                    throw new ValidationException(field, p.toString(), "IPv6 routes ::1 only on lo, so the container's"
                            + " replies to the host would be dropped (Docker needs its userland proxy for this, and"
                            + " nlbridge has none)", "127.0.0.1 as the host address for a port only the host can"
                            + " reach (like 127.0.0.1:8080:80), or [::] or a routable IPv6 address of the host");
                }
                if (v6.isIpv4Mapped()) {
                    throw new ValidationException(field, p.toString(), "an IPv4-mapped IPv6 host address is ambiguous",
                            "the IPv4 address itself, or an IPv6 address of the host");
                }
                if (n.ipv6() == null) {
                    throw new ValidationException(field, p.toString(), "network " + n.name() + " has no IPv6"
                            + " (no fixedCidrV6), so the container has no IPv6 address to forward to", "an IPv4 or"
                            + " no host address, or fixedCidrV6 on network " + n.name());
                }
            }
        }
    }

    /** The container address a published port leads to: the host address's family, else IPv4. */
    public static IpAddress target(Endpoint e, PortMapping m) {
        return m.hostIp() != null && m.hostIp().family() == IpAddress.AF_INET6 && e.ipv6() != null ? e.ipv6() : e.ipv4();
    }

    /** The firewall's endpoint id: unique per container and network. */
    public static String endpointId(String network, String container) {
        return network + "." + container;
    }
}

package org.nlbridge.driver.firewall;

import java.util.List;

import org.nlbridge.net.PortMapping;
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
                n.options().icc(), n.options().ipMasq() && !n.options().internal(), n.options().internal());
    }

    /** An endpoint's addresses, MAC and published ports, with anti-spoofing unless the container opted out. */
    public static EndpointFirewallSpec of(Network n, Endpoint e, List<PortMapping> ports) {
        return new EndpointFirewallSpec(endpointId(e.network(), e.container()), n.bridge(), e.hostVeth(), e.ipv4(),
                e.ipv6(), ports, e.mac(), e.spoofCheck());
    }

    /** The firewall's endpoint id: unique per container and network. */
    public static String endpointId(String network, String container) {
        return network + "." + container;
    }
}

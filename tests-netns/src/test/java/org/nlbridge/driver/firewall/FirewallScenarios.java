package org.nlbridge.driver.firewall;

import java.util.ArrayList;
import java.util.List;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.PortMapping;
import org.nlbridge.net.PortSpec;

/** The six golden scenarios: each a desired firewall state, named like its golden file. */
enum FirewallScenarios {
    /** A plain bridge with masquerade and one container without published ports. */
    BRIDGE_MASQUERADE("bridge-masquerade",
            net("nlb0", "172.18.0.0/16", null, true, false),
            ep("c1", "nlb0", "vc1", "172.18.0.2")),
    /** {@code -p 5000:22}. */
    PUBLISHED_PORT("published-port",
            net("nlb0", "172.18.0.0/16", null, true, false),
            ep("c1", "nlb0", "vc1", "172.18.0.2", "5000:22")),
    /** {@code -p 127.0.0.1:8080:80}. */
    LOOPBACK_PORT("loopback-port",
            net("nlb0", "172.18.0.0/16", null, true, false),
            ep("c1", "nlb0", "vc1", "172.18.0.2", "127.0.0.1:8080:80")),
    /** {@code --icc=false}. */
    ICC_FALSE("icc-false",
            net("nlb0", "172.18.0.0/16", null, false, false),
            ep("c1", "nlb0", "vc1", "172.18.0.2")),
    /** {@code --internal}. */
    INTERNAL("internal",
            net("nlbint", "172.19.0.0/16", null, true, true),
            ep("c1", "nlbint", "vc1", "172.19.0.2")),
    /** {@code --fixed-cidr-v6}: dual stack with {@code -p 5000:22} in both families. */
    IPV6("ipv6",
            net("nlb6", "172.20.0.0/16", "fd00:db8:6::/64", true, false),
            ep("c1", "nlb6", "vc1", "172.20.0.2,fd00:db8:6::2", "5000:22"));

    final String golden;
    final NetworkFirewallSpec network;
    final EndpointFirewallSpec endpoint;

    FirewallScenarios(String golden, NetworkFirewallSpec network, EndpointFirewallSpec endpoint) {
        this.golden = golden;
        this.network = network;
        this.endpoint = endpoint;
    }

    FirewallState state() {
        return new FirewallState(List.of(network), List.of(endpoint)).validated();
    }

    static NetworkFirewallSpec net(String bridge, String v4, String v6, boolean icc, boolean internal) {
        return NetworkFirewallSpec.builder(IfName.parse("bridge", bridge))
                .ipv4(v4 == null ? null : Cidr.parseSubnet("subnet4", v4))
                .ipv6(v6 == null ? null : Cidr.parseSubnet("subnet6", v6))
                .icc(icc).internal(internal).build();
    }

    static EndpointFirewallSpec ep(String id, String bridge, String veth, String ips, String... ports) {
        Ipv4Address v4 = null;
        Ipv6Address v6 = null;
        for (String a : ips.split(",")) {
            IpAddress ip = IpAddress.parse("ip", a);
            if (ip instanceof Ipv4Address x) v4 = x;
            if (ip instanceof Ipv6Address x) v6 = x;
        }
        List<PortMapping> m = new ArrayList<>();
        for (String p : ports) m.addAll(PortSpec.parse("publish", p).mappings());
        // the MAC Docker's classic mode gives (02:42 and the IPv4), as the topology's containers have it
        return new EndpointFirewallSpec(id, IfName.parse("bridge", bridge), IfName.parse("veth", veth), v4, v6, m,
                v4 != null ? MacAddress.fromIpv4(v4) : MacAddress.parse("mac", "02:42:00:00:00:06"), true);
    }
}

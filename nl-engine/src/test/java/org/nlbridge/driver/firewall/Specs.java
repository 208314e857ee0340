package org.nlbridge.driver.firewall;

import java.util.ArrayList;
import java.util.List;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.PortMapping;
import org.nlbridge.net.PortSpec;

/** Short constructors for specs in tests. */
public final class Specs {
    private Specs() {}

    public static IfName ifname(String name) {
        return IfName.parse("ifname", name);
    }

    public static Cidr subnet(String text) {
        return Cidr.parseSubnet("subnet", text);
    }

    public static NetworkFirewallSpec.Builder network(String bridge, String subnet4) {
        return NetworkFirewallSpec.builder(ifname(bridge)).ipv4(subnet4 == null ? null : subnet(subnet4));
    }

    /** An endpoint; {@code ip} may be IPv4 or IPv6 (or "v4,v6"); ports in -p syntax. */
    public static EndpointFirewallSpec endpoint(String id, String bridge, String veth, String ip, String... ports) {
        Ipv4Address v4 = null;
        Ipv6Address v6 = null;
        for (String a : ip.split(",")) {
            IpAddress addr = IpAddress.parse("ip", a);
            if (addr instanceof Ipv4Address x) v4 = x;
            if (addr instanceof Ipv6Address x) v6 = x;
        }
        List<PortMapping> mappings = new ArrayList<>();
        for (String p : ports) mappings.addAll(PortSpec.parse("publish", p).mappings());
        return new EndpointFirewallSpec(id, ifname(bridge), ifname(veth), v4, v6, mappings);
    }

    /** The same endpoint as one of {@code container}'s (whose other endpoints' addresses its port accepts). */
    public static EndpointFirewallSpec of(String container, EndpointFirewallSpec e) {
        return new EndpointFirewallSpec(e.id(), e.bridge(), e.hostVeth(), e.ipv4(), e.ipv6(), e.ports(), e.mac(),
                e.spoofCheck(), container);
    }

    /** The same endpoint with its MAC and anti-spoofing on, as the bridge driver gives it. */
    public static EndpointFirewallSpec guarded(EndpointFirewallSpec e, String mac) {
        return new EndpointFirewallSpec(e.id(), e.bridge(), e.hostVeth(), e.ipv4(), e.ipv6(), e.ports(),
                org.nlbridge.net.MacAddress.parse("mac", mac), true, e.container());
    }
}

package org.nlbridge.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.function.Executable;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.Hostname;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.Mtu;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.FirewallBackend;

/** Records for tests, built from text so each test reads like the configuration it stands for. */
public final class Samples {

    public static final NetworkOptions DEFAULT_OPTIONS = new NetworkOptions(true, true, true, false, FirewallBackend.NFTABLES, false);

    private Samples() {}

    /** An IPv4 network; {@code range} may be null. */
    public static Network network(String name, String bridge, String subnet, String gateway, String range) {
        return new Network(name, "bridge", IfName.parse("bridge", bridge), BridgeOrigin.CREATED,
                config(subnet, gateway, range), null, Mtu.of(1500), DEFAULT_OPTIONS);
    }

    public static Network withIpv6(Network n, String subnet, String gateway, String range) {
        return new Network(n.name(), n.driver(), n.bridge(), n.bridgeOrigin(), n.ipv4(), config(subnet, gateway, range), n.mtu(),
                n.options());
    }

    public static Network withOptions(Network n, NetworkOptions options) {
        return new Network(n.name(), n.driver(), n.bridge(), n.bridgeOrigin(), n.ipv4(), n.ipv6(), n.mtu(), options);
    }

    public static SubnetConfig config(String subnet, String gateway, String range) {
        return new SubnetConfig(Cidr.parseSubnet("subnet", subnet), IpAddress.parse("gateway", gateway),
                range == null ? null : Cidr.parseSubnet("range", range));
    }

    /** An ATTACHING endpoint of {@code container} with the given IPv4 address and MAC. */
    public static Endpoint endpoint(String container, String network, String ipv4, String mac) {
        return new Endpoint(container, network, Path.of("/run/netns/" + container), IfName.parse("ifname", "eth0"),
                IfName.parse("veth", "veth-" + container), Hostname.parse("hostname", container),
                Ipv4Address.parse("ipv4", ipv4), null, MacAddress.parse("mac", mac), Phase.ATTACHING);
    }

    public static Endpoint withIpv6(Endpoint e, String ipv6) {
        return new Endpoint(e.container(), e.network(), e.netns(), e.ifName(), e.hostVeth(), e.hostname(), e.ipv4(),
                Ipv6Address.parse("ipv6", ipv6), e.mac(), e.phase());
    }

    /** Expects a ValidationException with exactly this message. */
    public static ValidationException assertInvalid(String message, Executable call) {
        ValidationException e = assertThrows(ValidationException.class, call);
        assertEquals(message, e.getMessage());
        return e;
    }
}

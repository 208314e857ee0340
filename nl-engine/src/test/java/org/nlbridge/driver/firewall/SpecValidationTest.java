package org.nlbridge.driver.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.driver.firewall.Specs.endpoint;
import static org.nlbridge.driver.firewall.Specs.ifname;
import static org.nlbridge.driver.firewall.Specs.network;
import static org.nlbridge.driver.firewall.Specs.subnet;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;

class SpecValidationTest {

    private static void rejected(String message, org.junit.jupiter.api.function.Executable call) {
        ValidationException e = assertThrows(ValidationException.class, call);
        assertEquals(message, e.getMessage());
    }

    @Test
    void networkDefaultsAreDockers() {
        NetworkFirewallSpec n = network("nlb0", "172.18.0.0/16").build();
        assertTrue(n.icc());
        assertTrue(n.masquerade());
        assertFalse(n.internal());
        NetworkFirewallSpec internal = network("nlb1", "172.19.0.0/16").internal(true).build();
        assertFalse(internal.masquerade(), "internal networks do not masquerade by default");
    }

    @Test
    void networkNeedsASubnet() {
        rejected("invalid network nlb0 subnet: neither an IPv4 nor an IPv6 subnet; expected at least one subnet",
                () -> network("nlb0", null).build());
    }

    @Test
    void networkSubnetsAreChecked() {
        rejected("invalid network nlb0 subnet4 \"fd00::/64\": wrong address family;"
                        + " expected an IPv4 subnet like 172.18.0.0/16",
                () -> NetworkFirewallSpec.builder(ifname("nlb0")).ipv4(subnet("fd00::/64")).build());
        rejected("invalid network nlb0 subnet4 \"172.18.0.1/16\": host bits set; did you mean 172.18.0.0/16?;"
                        + " expected an IPv4 subnet like 172.18.0.0/16",
                () -> NetworkFirewallSpec.builder(ifname("nlb0")).ipv4(Cidr.parseInterface("x", "172.18.0.1/16")).build());
        rejected("invalid network nlb0 subnet4 \"127.16.0.0/16\": overlaps 127.0.0.0/8, which the firewall keeps"
                        + " to the loopback interface; expected a subnet outside 127.0.0.0/8",
                () -> network("nlb0", "127.16.0.0/16").build());
        rejected("invalid network nlb0 subnet4 \"0.0.0.0/0\": covers every address; expected an IPv4 subnet like 172.18.0.0/16",
                () -> network("nlb0", "0.0.0.0/0").build());
    }

    @Test
    void internalCannotMasquerade() {
        rejected("invalid network nlb0 masquerade \"true\": an internal network has no way out, so there is nothing"
                        + " to masquerade; expected masquerade false for an internal network",
                () -> network("nlb0", "172.18.0.0/16").internal(true).masquerade(true).build());
    }

    @Test
    void endpointIdAndAddressesAreChecked() {
        rejected("invalid endpoint id \"../x\": not a usable endpoint id; expected 1..128 characters from"
                        + " [A-Za-z0-9_.-], starting with a letter or digit",
                () -> endpoint("../x", "nlb0", "veth0", "172.18.0.2"));
        rejected("invalid endpoint c1 address \"127.0.0.2\": not a usable container address;"
                        + " expected a unicast, non-loopback, non-link-local address",
                () -> endpoint("c1", "nlb0", "veth0", "127.0.0.2"));
        rejected("invalid endpoint c1 hostVeth \"nlb0\": is the bridge itself; expected the host end of the endpoint's veth",
                () -> endpoint("c1", "nlb0", "nlb0", "172.18.0.2"));
    }

    @Test
    void endpointPortFamiliesMustMatchItsAddresses() {
        rejected("invalid endpoint c1 ports[0] \"[fd00::1]:5000:22/tcp\": the host address is IPv6 but the endpoint"
                        + " has no IPv6 address (nlbridge has no userland proxy to carry one family to the other);"
                        + " expected a host address of a family the endpoint has an address in",
                () -> endpoint("c1", "nlb0", "veth0", "172.18.0.2", "[fd00::1]:5000:22"));
        rejected("invalid endpoint c1 ports[0] \"[::1]:5000:22/tcp\": IPv6 cannot route ::1 to a container (there is"
                        + " no route_localnet for IPv6, and nlbridge has no userland proxy); expected an IPv4 loopback"
                        + " address such as 127.0.0.1, or a routable IPv6 address",
                () -> endpoint("c1", "nlb0", "veth0", "172.18.0.2,fd00::2", "[::1]:5000:22"));
        rejected("invalid endpoint c1 ports[1] \"5000:23/tcp\": published twice by this endpoint;"
                        + " expected each host address and port once",
                () -> endpoint("c1", "nlb0", "veth0", "172.18.0.2", "5000:22", "5000:23"));
    }

    @Test
    void publicationsExpandPerFamily() {
        EndpointFirewallSpec e = endpoint("c1", "nlb0", "veth0", "172.18.0.2,fd00::2",
                "5000:22", "127.0.0.1:8080:80", "0.0.0.0:53:53/udp", "[::]:443:443");
        List<PublishedPort> p = e.publications();
        assertEquals(List.of(
                "0.0.0.0:5000 -> 172.18.0.2:22/tcp",
                "[::]:5000 -> [fd00::2]:22/tcp",
                "127.0.0.1:8080 -> 172.18.0.2:80/tcp",
                "0.0.0.0:53 -> 172.18.0.2:53/udp",
                "[::]:443 -> [fd00::2]:443/tcp"), p.stream().map(PublishedPort::toString).toList());
        assertNull(p.get(3).hostIp(), "0.0.0.0 means every IPv4 address");
        assertEquals(IpAddress.AF_INET6, p.get(4).family());
    }
}

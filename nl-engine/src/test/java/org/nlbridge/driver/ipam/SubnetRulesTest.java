package org.nlbridge.driver.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.nlbridge.state.Samples.assertInvalid;
import static org.nlbridge.state.Samples.config;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;

class SubnetRulesTest {

    static final String V4 = "; expected an IPv4 subnet with a prefix of at most /30 outside 0.0.0.0/8, 127.0.0.0/8,"
            + " 169.254.0.0/16 and 224.0.0.0/4, like 172.18.0.0/16";
    static final String V6 = "; expected an IPv6 subnet with a prefix of at most /126 outside ::/128, ::1/128,"
            + " ::ffff:0.0.0.0/96, fe80::/10 and ff00::/8, like fd00:1::/64";

    private static Cidr subnet(String text) {
        return Cidr.parseSubnet("subnet", text);
    }

    private static IpAddress ip(String text) {
        return IpAddress.parse("ip", text);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "192.168.0.0/31 | a /31 has no room for a gateway and a container (/31 and /32 cannot be bridge networks)",
            "192.168.0.0/32 | a /32 has no room for a gateway and a container (/31 and /32 cannot be bridge networks)",
            "127.0.0.0/8    | overlaps 127.0.0.0/8, the loopback range",
            "127.1.0.0/16   | overlaps 127.0.0.0/8, the loopback range",
            "0.0.0.0/0      | overlaps 0.0.0.0/8, the unspecified (\"this network\") range",
            "0.0.0.0/8      | overlaps 0.0.0.0/8, the unspecified (\"this network\") range",
            "169.254.0.0/16 | overlaps 169.254.0.0/16, the link-local range",
            "168.0.0.0/6    | overlaps 169.254.0.0/16, the link-local range",
            "224.0.0.0/4    | overlaps 224.0.0.0/4, the multicast range",
            "239.1.0.0/16   | overlaps 224.0.0.0/4, the multicast range",
    })
    void ipv4SubnetsThatCannotCarryABridge(String subnet, String reason) {
        assertInvalid("invalid subnet \"" + subnet + "\": " + reason + V4,
                () -> SubnetRules.checkSubnet("subnet", subnet(subnet), IpAddress.AF_INET));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "fd00::/127 | a /127 has no room for a gateway and a container (/127 and /128 cannot be bridge networks)",
            "fd00::/128 | a /128 has no room for a gateway and a container (/127 and /128 cannot be bridge networks)",
            "::/0             | overlaps ::/128, the unspecified address",
            "::/64            | overlaps ::/128, the unspecified address",
            "::ffff:0.0.0.0/112 | overlaps ::ffff:0.0.0.0/96, the IPv4-mapped range",
            "fe80::/64        | overlaps fe80::/10, the link-local range",
            "fe80::/9         | overlaps fe80::/10, the link-local range",
            "ff02::/16        | overlaps ff00::/8, the multicast range",
    })
    void ipv6SubnetsThatCannotCarryABridge(String subnet, String reason) {
        assertInvalid("invalid subnet-v6 \"" + subnet + "\": " + reason + V6,
                () -> SubnetRules.checkSubnet("subnet-v6", subnet(subnet), IpAddress.AF_INET6));
    }

    @Test
    void aSubnetOfTheOtherFamilyIsRefused() {
        assertInvalid("invalid subnet-v6 \"10.0.0.0/24\": is an IPv4 subnet" + V6,
                () -> SubnetRules.checkSubnet("subnet-v6", subnet("10.0.0.0/24"), IpAddress.AF_INET6));
        assertInvalid("invalid subnet \"fd00::/64\": is an IPv6 subnet" + V4,
                () -> SubnetRules.checkSubnet("subnet", subnet("fd00::/64"), IpAddress.AF_INET));
    }

    @Test
    void usableSubnetsPass() {
        for (String s : new String[] {"172.17.0.0/16", "10.0.0.0/8", "192.168.1.0/30", "100.64.0.0/10"}) {
            SubnetRules.checkSubnet("subnet", subnet(s), IpAddress.AF_INET);
        }
        for (String s : new String[] {"fd00::/64", "2001:db8::/32", "fd00::/126", "fd01::/48"}) {
            SubnetRules.checkSubnet("subnet-v6", subnet(s), IpAddress.AF_INET6);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.100.0.0/24 | 10.200.0.1 | not in subnet 10.100.0.0/24",
            "10.100.0.0/24 | 10.100.0.0 | is the network address of subnet 10.100.0.0/24",
            "10.100.0.0/24 | 10.100.0.255 | is the broadcast address of subnet 10.100.0.0/24",
            "10.100.0.0/24 | fd00::1 | is an IPv6 address but subnet 10.100.0.0/24 is IPv4",
    })
    void ipv4GatewaysOutsideOrOnTheEdges(String subnet, String gateway, String reason) {
        assertInvalid("invalid gateway \"" + gateway + "\": " + reason + "; expected an address inside " + subnet
                        + " other than its network and broadcast address, like 10.100.0.1",
                () -> SubnetRules.checkGateway("gateway", subnet(subnet), ip(gateway)));
    }

    @Test
    void ipv6GatewaysMayBeTheLastAddressButNotTheFirst() {
        SubnetRules.checkGateway("gateway-v6", subnet("fd00::/64"), ip("fd00::ffff:ffff:ffff:ffff"));
        assertInvalid("invalid gateway-v6 \"fd00::\": is the network address of subnet fd00::/64; expected an address"
                        + " inside fd00::/64 other than its network address, like fd00::1",
                () -> SubnetRules.checkGateway("gateway-v6", subnet("fd00::/64"), ip("fd00::")));
    }

    static final String EMPTY = "holds no allocatable address: only the network, broadcast or gateway address of"
            + " subnet 172.17.0.0/16";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "172.16.0.0/15    | /15 is larger than subnet 172.17.0.0/16",
            "172.18.0.0/24    | not inside subnet 172.17.0.0/16",
            "fd00::/64        | is an IPv6 prefix but subnet 172.17.0.0/16 is IPv4",
            "172.17.0.0/32     | " + EMPTY,
            "172.17.0.0/31     | " + EMPTY,
            "172.17.255.255/32 | " + EMPTY,
    })
    void fixedCidrsOutsideLargerOrEmpty(String range, String reason) {
        assertInvalid("invalid fixed-cidr \"" + range + "\": " + reason + "; expected a prefix inside 172.17.0.0/16"
                        + " holding at least one address besides the network, broadcast and gateway addresses",
                () -> SubnetRules.checkRange("fixed-cidr", subnet("172.17.0.0/16"), ip("172.17.0.1"), subnet(range)));
    }

    @Test
    void fixedCidrsInsideWithRoomPass() {
        for (String r : new String[] {"172.17.0.0/16", "172.17.42.0/24", "172.17.0.0/30", "172.17.0.2/32",
                "172.17.255.254/31"}) {
            SubnetRules.checkRange("fixed-cidr", subnet("172.17.0.0/16"), ip("172.17.0.1"), subnet(r));
        }
    }

    @Test
    void checkConfigNamesTheNetworkAndTheFieldPerFamily() {
        assertInvalid("invalid network web: gateway \"10.0.1.1\": not in subnet 10.0.0.0/24; expected an address"
                        + " inside 10.0.0.0/24 other than its network and broadcast address, like 10.0.0.1",
                () -> SubnetRules.checkConfig("web", config("10.0.0.0/24", "10.0.1.1", null), IpAddress.AF_INET));
        assertInvalid("invalid network web: fixedCidrV6 \"fd01::/80\": not inside subnet fd00::/64; expected a"
                        + " prefix inside fd00::/64 holding at least one address besides the network, broadcast and"
                        + " gateway addresses",
                () -> SubnetRules.checkConfig("web", config("fd00::/64", "fd00::1", "fd01::/80"), IpAddress.AF_INET6));
        SubnetRules.checkConfig("web", config("172.17.0.0/16", "172.17.42.1", "172.17.42.0/24"), IpAddress.AF_INET);
    }

    @Test
    void overlapsNameBothSubnetsAndTheOtherNetwork() {
        Map<String, Cidr> others = Map.of("db", subnet("10.1.2.0/23"), "cache", subnet("10.9.0.0/16"));
        assertInvalid("invalid subnet \"10.1.3.248/30\": overlaps subnet 10.1.2.0/23 of network db; expected a subnet"
                        + " that no other network uses",
                () -> SubnetRules.checkNoOverlap("subnet", subnet("10.1.3.248/30"), others));
        assertInvalid("invalid subnet \"10.0.0.0/8\": overlaps subnet 10.9.0.0/16 of network cache; expected a subnet"
                        + " that no other network uses",
                () -> SubnetRules.checkNoOverlap("subnet", subnet("10.0.0.0/8"), others));
        SubnetRules.checkNoOverlap("subnet", subnet("10.1.4.0/24"), others);
    }

    @Test
    void theDefaultGatewayIsTheFirstHost() {
        assertEquals(ip("172.18.0.1"), SubnetRules.defaultGateway(subnet("172.18.0.0/16")));
        assertEquals(ip("fd00::1"), SubnetRules.defaultGateway(subnet("fd00::/64")));
    }
}

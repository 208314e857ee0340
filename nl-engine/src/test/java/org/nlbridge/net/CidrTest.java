package org.nlbridge.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.net.Rejection.assertRejected;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class CidrTest {

    private static final String SUBNET = "a subnet like 10.0.0.0/24 or fd00::/64"
            + " (network address without host bits, prefix 0..32 for IPv4, 0..128 for IPv6)";
    private static final String INTERFACE = "an address with prefix length like 172.17.42.1/16"
            + " or fd00::1/64 (prefix 0..32 for IPv4, 0..128 for IPv6)";

    private static void rejectsSubnet(String text, String reason) {
        assertRejected("subnet", text, reason, SUBNET, () -> Cidr.parseSubnet("subnet", text));
    }

    private static Cidr subnet(String text) {
        return Cidr.parseSubnet("subnet", text);
    }

    private static IpAddress ip(String text) {
        return IpAddress.parse("ip", text);
    }

    @Test
    void subnetRefusesHostBitsAndSuggestsTheNetwork() {
        rejectsSubnet("10.0.0.1/24", "host bits set; did you mean 10.0.0.0/24?");
        rejectsSubnet("172.17.42.1/16", "host bits set; did you mean 172.17.0.0/16?");
        rejectsSubnet("fd00::1/64", "host bits set; did you mean fd00::/64?");
        rejectsSubnet("10.0.0.0/0", "host bits set; did you mean 0.0.0.0/0?");
    }

    @Test
    void interfaceKeepsHostBits() {
        Cidr bip = Cidr.parseInterface("bip", "172.17.42.1/16");
        assertEquals("172.17.42.1/16", bip.toString());
        assertEquals(ip("172.17.42.1"), bip.address());
        assertEquals(ip("172.17.0.0"), bip.network());
        assertEquals(subnet("172.17.0.0/16"), bip.subnet());
        assertTrue(bip.hasHostBits());
        assertNotEquals(bip, bip.subnet());
        assertRejected("bip", "172.17.42.1", "missing \"/<prefix length>\"", INTERFACE,
                () -> Cidr.parseInterface("bip", "172.17.42.1"));
    }

    @Test
    void refusesBadPrefixLengths() {
        rejectsSubnet("10.0.0.0", "missing \"/<prefix length>\"");
        rejectsSubnet("10.0.0.0/", "prefix length \"\": empty");
        rejectsSubnet("10.0.0.0/33", "prefix length \"33\" above the IPv4 maximum 32");
        rejectsSubnet("fd00::/129", "prefix length \"129\" above the IPv6 maximum 128");
        rejectsSubnet("10.0.0.0/99999999999", "prefix length \"99999999999\" above the IPv4 maximum 32");
        rejectsSubnet("10.0.0.0/-1", "prefix length \"-1\": not a decimal integer (unexpected '-')");
        rejectsSubnet("10.0.0.0/+8", "prefix length \"+8\": not a decimal integer (unexpected '+')");
        rejectsSubnet("10.0.0.0/024", "prefix length \"024\": leading zero");
        rejectsSubnet("10.0.0.0/24/8", "prefix length \"24/8\": not a decimal integer (unexpected '/')");
        rejectsSubnet("10.0.0.0/ 24", "prefix length \" 24\": not a decimal integer (unexpected ' ')");
        rejectsSubnet("", "empty");
    }

    @Test
    void refusesBadAddresses() {
        rejectsSubnet("/24", "address \"\": empty");
        rejectsSubnet("010.0.0.0/8", "address \"010.0.0.0\": leading zero in part \"010\" (it could be read as octal)");
        rejectsSubnet("10.0/16", "address \"10.0\": 2 parts; an IPv4 address has exactly 4");
        rejectsSubnet("fe80::%eth0/64",
                "address \"fe80::%eth0\": zone index \"%eth0\" is not accepted; give the interface separately");
        rejectsSubnet("example.com/24",
                "address \"example.com\": looks like a host name; only IP literals are accepted, names are never resolved");
    }

    @Test
    void ipv4Geometry() {
        Cidr c = subnet("192.168.4.0/22");
        assertEquals(ip("192.168.4.0"), c.network());
        assertEquals(ip("192.168.7.255"), c.last());
        assertEquals(ip("192.168.7.255"), c.broadcast());
        assertEquals(ip("255.255.252.0"), c.mask());
        assertEquals(10, c.hostBits());
        assertEquals(BigInteger.valueOf(1024), c.size());
        assertEquals(IpAddress.AF_INET, c.family());
        assertEquals(22, c.prefixLength());
        assertSame(c, c.subnet());
        assertEquals(ip("0.0.0.0"), subnet("0.0.0.0/0").mask());
        assertEquals(ip("255.255.255.255"), subnet("0.0.0.0/0").last());
        assertEquals(BigInteger.ONE.shiftLeft(32), subnet("0.0.0.0/0").size());
        assertEquals(BigInteger.ONE, subnet("10.0.0.7/32").size());
    }

    @Test
    void ipv6Geometry() {
        Cidr c = subnet("fd00:1:2::/48");
        assertEquals(ip("fd00:1:2:ffff:ffff:ffff:ffff:ffff"), c.last());
        assertEquals(ip("ffff:ffff:ffff::"), c.mask());
        assertEquals(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0"), subnet("::/124").mask());
        assertEquals(ip("::"), subnet("::/0").mask());
        assertEquals(BigInteger.ONE.shiftLeft(128), subnet("::/0").size());
        assertThrows(UnsupportedOperationException.class, c::broadcast);
    }

    @Test
    void containsAndOverlaps() {
        Cidr net = subnet("10.1.2.0/23");
        assertTrue(net.contains(ip("10.1.3.255")));
        assertFalse(net.contains(ip("10.1.4.0")));
        assertFalse(net.contains(ip("::ffff:10.1.2.1")), "another family never matches");
        assertTrue(net.contains(subnet("10.1.3.248/30")));
        assertFalse(subnet("10.1.3.248/30").contains(net));
        assertTrue(net.overlaps(subnet("10.1.3.248/30")));
        assertTrue(subnet("10.1.3.248/30").overlaps(net));
        assertFalse(net.overlaps(subnet("10.1.4.0/24")));
        assertTrue(subnet("0.0.0.0/0").overlaps(net));
        assertFalse(subnet("::/0").overlaps(net));
        assertTrue(subnet("fe80::/10").contains(ip("febf::1")));
        assertTrue(subnet("fd00::/8").overlaps(subnet("fd12:3456::/32")));
    }

    @Test
    void ofChecksThePrefixRange() {
        assertEquals("10.0.0.1/8", Cidr.of(ip("10.0.0.1"), 8).toString());
        assertThrows(IllegalArgumentException.class, () -> Cidr.of(ip("10.0.0.1"), 33));
        assertThrows(IllegalArgumentException.class, () -> Cidr.of(ip("::1"), -1));
    }

    @Test
    void roundTripsThroughText() {
        for (String s : new String[] {"10.0.0.0/8", "0.0.0.0/0", "fd00::/64", "::/0", "2001:db8::1/128"}) {
            assertEquals(s, subnet(s).toString());
            assertEquals(subnet(s), Cidr.parseSubnet("subnet", subnet(s).toString()));
        }
        assertEquals("fd00::/64", subnet("fd00:0000::/64").toString());
    }
}

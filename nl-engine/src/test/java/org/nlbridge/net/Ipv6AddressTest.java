package org.nlbridge.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.net.Rejection.assertRejected;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Ipv6AddressTest {

    private static final String ACCEPTED = "an IPv6 address like fd00::1 (RFC 4291 text, no zone index)";

    private static void rejects(String text, String reason) {
        assertRejected("gateway6", text, reason, ACCEPTED, () -> Ipv6Address.parse("gateway6", text));
    }

    /** Left: any RFC 4291 spelling; right: the one RFC 5952 spelling. */
    @ParameterizedTest
    @CsvSource({
        "::, ::",
        "::1, ::1",
        "0:0:0:0:0:0:0:1, ::1",
        "1::, 1::",
        "2001:0DB8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",     // first of two equal runs
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",  // a single zero group stays 0
        "2001:db8::0:1, 2001:db8::1",
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",           // the longest run wins
        "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
        "::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8",
        "fe80::1, fe80::1",
        "FF02::1:FF00:1, ff02::1:ff00:1",
        "::ffff:1.2.3.4, ::ffff:1.2.3.4",              // IPv4-mapped keeps its dotted tail (RFC 5952 s.5)
        "::ffff:0102:0304, ::ffff:1.2.3.4",
        "::1.2.3.4, ::102:304",                        // the deprecated IPv4-compatible form does not
        "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
        "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304",
    })
    void parsesEveryTextFormAndPrintsCanonically(String text, String canonical) {
        Ipv6Address a = Ipv6Address.parse("f", text);
        assertEquals(canonical, a.toString());
        assertEquals(a, Ipv6Address.parse("f", canonical));
    }

    @Test
    void refusesZoneIndexAndBrackets() {
        rejects("fe80::1%eth0", "zone index \"%eth0\" is not accepted; give the interface separately");
        rejects("fe80::1%", "zone index \"%\" is not accepted; give the interface separately");
        rejects("[::1]", "brackets are not part of an address");
    }

    @Test
    void refusesMalformedColons() {
        rejects("1::2::3", "more than one \"::\"");
        rejects(":::", "\":::\" is not valid");
        rejects("1:::2", "\":::\" is not valid");
        rejects(":1::", "starts with a single ':'");
        rejects(":1:2:3:4:5:6:7", "starts with a single ':'");
        rejects("1::2:", "ends with a single ':'");
        rejects("1:2:3:4:5:6:7:", "ends with a single ':'");
        rejects("1:2", "2 groups; an IPv6 address has 8, or fewer with \"::\"");
        rejects("1:2:3:4:5:6:7", "7 groups; an IPv6 address has 8, or fewer with \"::\"");
        rejects("1:2:3:4:5:6:7:8:9", "9 groups; an IPv6 address has 8, or fewer with \"::\"");
        rejects("1:2:3:4::5:6:7:8", "8 groups besides \"::\"; at most 7 fit");
        rejects("1:2:3:4:5:6:7:8::", "8 groups besides \"::\"; at most 7 fit");
    }

    @Test
    void refusesBadGroups() {
        rejects("12345::", "group \"12345\" has more than 4 hex digits");
        rejects("00000::", "group \"00000\" has more than 4 hex digits");
        rejects("g::1", "unexpected character 'g'");
        rejects("fe80::-1", "unexpected character '-'");
        rejects("fe80::+1", "unexpected character '+'");
        rejects("fe80::1 ", "leading or trailing whitespace");
        rejects("fe80:: 1", "contains whitespace");
        rejects("", "empty");
    }

    @Test
    void refusesBadEmbeddedIpv4() {
        rejects("::1.2.3", "embedded IPv4 address \"1.2.3\": 3 parts; an IPv4 address has exactly 4");
        rejects("::ffff:01.2.3.4",
                "embedded IPv4 address \"01.2.3.4\": leading zero in part \"01\" (it could be read as octal)");
        rejects("1.2.3.4::", "an embedded IPv4 address must be the last part");
        rejects("::1.2.3.4:1", "an embedded IPv4 address must be the last part");
        rejects("1:2:3:4:5:6:7:1.2.3.4",
                "9 groups (the IPv4 tail counts as 2); an IPv6 address has 8, or fewer with \"::\"");
        rejects("1:2:3:4:5:6:7::1.2.3.4",
                "9 groups (the IPv4 tail counts as 2) besides \"::\"; at most 7 fit");
    }

    @Test
    void refusesOtherFamiliesAndNames() {
        rejects("1.2.3.4", "an IPv4 address where IPv6 is required");
        rejects("localhost", "looks like a host name; only IP literals are accepted, names are never resolved");
        rejects("cafe", "no ':'; an IPv6 address has groups separated by ':'");
    }

    @ParameterizedTest
    @CsvSource({
        "::1, true, false, false, false",
        "ff02::1, false, true, false, false",
        "fe80::1, false, false, true, false",
        "febf:ffff::1, false, false, true, false",
        "fec0::1, false, false, false, false",
        "::, false, false, false, true",
        "2001:db8::1, false, false, false, false",
    })
    void classifies(String text, boolean loopback, boolean multicast, boolean linkLocal, boolean unspecified) {
        Ipv6Address a = Ipv6Address.parse("f", text);
        assertEquals(loopback, a.isLoopback());
        assertEquals(multicast, a.isMulticast());
        assertEquals(linkLocal, a.isLinkLocal());
        assertEquals(unspecified, a.isUnspecified());
    }

    @Test
    void knowsIpv4Mapped() {
        assertTrue(Ipv6Address.parse("f", "::ffff:10.0.0.1").isIpv4Mapped());
        assertFalse(Ipv6Address.parse("f", "::10.0.0.1").isIpv4Mapped());
        assertFalse(Ipv6Address.parse("f", "1::ffff:10.0.0.1").isIpv4Mapped());
    }

    @Test
    void bytesAndSegmentsAreNetworkOrder() {
        Ipv6Address a = Ipv6Address.parse("f", "2001:db8::1:2");
        byte[] b = a.bytes();
        assertArrayEquals(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2}, b);
        assertEquals(0x20010db800000000L, a.high());
        assertEquals(0x0000000000010002L, a.low());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(20);
            a.writeTo(seg, 1);
            assertEquals(a, Ipv6Address.readFrom(seg, 1));
            assertEquals(a, IpAddress.readFrom(IpAddress.AF_INET6, seg, 1));
        }
        assertEquals(a, Ipv6Address.of(b));
        assertEquals(a, IpAddress.of(b));
        assertThrows(IllegalArgumentException.class, () -> IpAddress.of(new byte[6]));
        assertThrows(IllegalArgumentException.class, () -> IpAddress.readFrom(7, MemorySegment.ofArray(b), 0));
    }

    @Test
    void arithmeticCarriesAcrossTheHalves() {
        Ipv6Address a = Ipv6Address.parse("f", "2001:db8::ffff:ffff:ffff:ffff");
        assertEquals("2001:db8:0:1::", a.next().toString());
        assertEquals(a, a.next().previous());
        assertEquals("2001:db8::", Ipv6Address.parse("f", "2001:db8:0:1::").plus(-(1L << 62)).plus(-(1L << 62))
                .plus(-(1L << 62)).plus(-(1L << 62)).toString());
        assertEquals("::", Ipv6Address.parse("f", "::8000:0:0:0").plus(Long.MIN_VALUE).toString());
        assertThrows(ArithmeticException.class, () -> Ipv6Address.of(-1, -1).next());
        assertThrows(ArithmeticException.class, () -> Ipv6Address.of(0, 0).previous());
        assertThrows(ArithmeticException.class, () -> Ipv6Address.of(0, 5).plus(-6));
    }

    @Test
    void ordersUnsigned() {
        assertTrue(Ipv6Address.parse("f", "::1").compareTo(Ipv6Address.parse("f", "ffff::")) < 0);
        assertTrue(Ipv6Address.parse("f", "1::ffff").compareTo(Ipv6Address.parse("f", "1::8000:0:0:0")) < 0);
        assertTrue(Ipv6Address.parse("f", "::").compareTo(Ipv4Address.parse("f", "255.255.255.255")) > 0);
    }
}

package org.nlbridge.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.net.Rejection.assertMessage;
import static org.nlbridge.net.Rejection.assertRejected;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Ipv4AddressTest {

    private static final String ACCEPTED =
            "an IPv4 address like 10.0.0.1 (four decimal parts 0..255, no leading zeros)";

    private static void rejects(String text, String reason) {
        assertRejected("gateway", text, reason, ACCEPTED, () -> Ipv4Address.parse("gateway", text));
    }

    @Test
    void parsesDottedQuad() {
        Ipv4Address a = Ipv4Address.parse("gateway", "10.0.0.1");
        assertEquals(0x0A000001, a.toInt());
        assertEquals("10.0.0.1", a.toString());
        assertEquals(IpAddress.AF_INET, a.family());
        assertEquals("255.255.255.255", Ipv4Address.parse("f", "255.255.255.255").toString());
        assertEquals("0.0.0.0", Ipv4Address.parse("f", "0.0.0.0").toString());
    }

    @Test
    void refusesLegacyFormsThatInetAtonWouldReinterpret() {
        rejects("010.0.0.1", "leading zero in part \"010\" (it could be read as octal)");
        rejects("10.0.0.01", "leading zero in part \"01\" (it could be read as octal)");
        rejects("10.1", "2 parts; an IPv4 address has exactly 4");
        rejects("10.0.258", "3 parts; an IPv4 address has exactly 4");
        rejects("1", "1 part; an IPv4 address has exactly 4");
        rejects("167772161", "1 part; an IPv4 address has exactly 4");
        rejects("1.2.3.4.5", "5 parts; an IPv4 address has exactly 4");
        rejects("0x0a.0.0.1", "hexadecimal part \"0x0a\"; only decimal parts are accepted");
        rejects("0X0A.0.0.1", "hexadecimal part \"0X0A\"; only decimal parts are accepted");
    }

    @Test
    void refusesOutOfRangeAndEmptyParts() {
        rejects("10.0.0.256", "part \"256\" above 255");
        rejects("10.0.0.1000", "part \"1000\" above 255");
        rejects("10..0.1", "empty part");
        rejects("10.0.0.", "empty part");
        rejects("", "empty");
    }

    @Test
    void refusesWhitespaceSignsAndNames() {
        rejects(" 10.0.0.1", "leading or trailing whitespace");
        rejects("10.0.0.1 ", "leading or trailing whitespace");
        rejects("10.0. 0.1", "contains whitespace");
        rejects("+10.0.0.1", "unexpected character '+'");
        rejects("10.0.0.-1", "unexpected character '-'");
        rejects("localhost", "looks like a host name; only IP literals are accepted, names are never resolved");
        rejects("example.com", "looks like a host name; only IP literals are accepted, names are never resolved");
        rejects("fe80::1", "an IPv6 address where IPv4 is required");
        rejects("10.0.0.1:80", "unexpected character ':'");
        rejects("1٠.0.0.1", "unexpected character '٠'"); // Arabic-Indic zero is a digit to Character.isDigit
    }

    @Test
    void newlineIsEscapedInTheMessage() {
        assertMessage("invalid gateway \"10.0.0.1\\n\": leading or trailing whitespace; expected " + ACCEPTED,
                () -> Ipv4Address.parse("gateway", "10.0.0.1\n"));
    }

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, true, false, false, false",
        "127.255.255.254, true, false, false, false",
        "224.0.0.1, false, true, false, false",
        "239.255.255.255, false, true, false, false",
        "169.254.1.1, false, false, true, false",
        "0.0.0.0, false, false, false, true",
        "10.0.0.1, false, false, false, false",
        "240.0.0.1, false, false, false, false",
    })
    void classifies(String text, boolean loopback, boolean multicast, boolean linkLocal, boolean unspecified) {
        Ipv4Address a = Ipv4Address.parse("f", text);
        assertEquals(loopback, a.isLoopback());
        assertEquals(multicast, a.isMulticast());
        assertEquals(linkLocal, a.isLinkLocal());
        assertEquals(unspecified, a.isUnspecified());
    }

    @Test
    void bytesAndSegmentsAreNetworkOrder() {
        Ipv4Address a = Ipv4Address.parse("f", "192.168.1.2");
        assertArrayEquals(new byte[] {(byte) 192, (byte) 168, 1, 2}, a.bytes());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(7);
            a.writeTo(seg, 3); // unaligned on purpose
            assertEquals((byte) 192, seg.get(ValueLayout.JAVA_BYTE, 3));
            assertEquals(2, seg.get(ValueLayout.JAVA_BYTE, 6));
            assertEquals(a, Ipv4Address.readFrom(seg, 3));
            assertEquals(a, IpAddress.readFrom(IpAddress.AF_INET, seg, 3));
        }
        assertEquals(a, Ipv4Address.of(a.bytes()));
        assertEquals(a, IpAddress.of(a.bytes()));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.of(new byte[5]));
    }

    @Test
    void arithmeticStaysInsideTheAddressSpace() {
        Ipv4Address a = Ipv4Address.parse("f", "10.0.0.255");
        assertEquals("10.0.1.0", a.next().toString());
        assertEquals("10.0.0.254", a.previous().toString());
        assertEquals("10.1.0.4", a.plus(65_285).toString());
        assertEquals("255.255.255.255", Ipv4Address.of(0).plus(0xFFFF_FFFFL).toString());
        assertThrows(ArithmeticException.class, () -> Ipv4Address.of(-1).next());
        assertThrows(ArithmeticException.class, () -> Ipv4Address.of(0).previous());
        assertThrows(ArithmeticException.class, () -> Ipv4Address.of(1).plus(Long.MAX_VALUE));
        assertThrows(ArithmeticException.class, () -> Ipv4Address.of(1).plus(Long.MIN_VALUE));
    }

    @Test
    void ordersUnsignedAndBeforeIpv6() {
        assertTrue(Ipv4Address.parse("f", "10.0.0.1").compareTo(Ipv4Address.parse("f", "200.0.0.1")) < 0);
        assertTrue(Ipv4Address.parse("f", "255.0.0.0").compareTo(Ipv6Address.parse("f", "::")) < 0);
        assertEquals(0, Ipv4Address.of(5).compareTo(Ipv4Address.of(5)));
        assertFalse(Ipv4Address.of(5).equals(Ipv4Address.of(6)));
    }
}

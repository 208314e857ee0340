package org.nlbridge.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.nlbridge.net.Rejection.assertRejected;

import org.junit.jupiter.api.Test;

class MtuTest {

    private static final String ACCEPTED = "an integer 68..65535";

    private static void rejects(String text, String reason) {
        assertRejected("mtu", text, reason, ACCEPTED, () -> Mtu.parse("mtu", text));
    }

    @Test
    void parsesTheRange() {
        assertEquals(68, Mtu.parse("mtu", "68").value());
        assertEquals(1500, Mtu.parse("mtu", "1500").value());
        assertEquals("65535", Mtu.parse("mtu", "65535").toString());
        assertEquals(Mtu.of(9000), Mtu.parse("mtu", Mtu.of(9000).toString()));
    }

    @Test
    void refusesNonNumbersWithAParseReason() {
        rejects("15OO", "not a decimal integer (unexpected 'O')");
        rejects("1500.0", "not a decimal integer (unexpected '.')");
        rejects("-1", "not a decimal integer (unexpected '-')");
        rejects("+1500", "not a decimal integer (unexpected '+')");
        rejects(" 1500", "not a decimal integer (unexpected ' ')");
        rejects("01500", "leading zero");
        rejects("", "empty");
    }

    @Test
    void refusesOutOfRange() {
        rejects("67", "below the IPv4 minimum 68");
        rejects("0", "below the IPv4 minimum 68");
        rejects("65536", "above the maximum 65535");
        rejects("99999999999999999999", "above the maximum 65535");
        assertThrows(IllegalArgumentException.class, () -> Mtu.of(67));
        assertThrows(IllegalArgumentException.class, () -> Mtu.of(65536));
    }

    @Test
    void ipv6NeedsAtLeast1280() {
        Mtu ok = Mtu.parse("mtu", "1280");
        assertSame(ok, ok.requireIpv6("mtu"));
        assertRejected("mtu", "1279", "the kernel disables IPv6 on links below 1280",
                "an integer 1280..65535 on a network with IPv6", () -> Mtu.parse("mtu", "1279").requireIpv6("mtu"));
    }
}

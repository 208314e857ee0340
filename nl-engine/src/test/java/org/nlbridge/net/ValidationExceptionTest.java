package org.nlbridge.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.nlbridge.net.Rejection.assertMessage;

import org.junit.jupiter.api.Test;

class ValidationExceptionTest {

    @Test
    void messageNamesFieldValueReasonAndAcceptedForm() {
        ValidationException e = new ValidationException("mtu", "67", "below the IPv4 minimum 68", "an integer 68..65535");
        assertEquals("invalid mtu \"67\": below the IPv4 minimum 68; expected an integer 68..65535", e.getMessage());
        assertEquals("mtu", e.field());
        assertEquals("67", e.value());
        assertEquals("below the IPv4 minimum 68", e.reason());
        assertEquals("an integer 68..65535", e.accepted());
    }

    @Test
    void controlCharactersAreEscapedSoTheMessageStaysOneLine() {
        ValidationException e = new ValidationException("hostname", "a\nb\rc\td\0e\u001bf\u0085g\u2028h\"i\\j", "r", "x");
        assertEquals("invalid hostname \"a\\nb\\rc\\td\\0e\\u001bf\\u0085g\\u2028h\\\"i\\\\j\": r; expected x",
                e.getMessage());
        assertEquals("a\nb\rc\td\0e\u001bf\u0085g\u2028h\"i\\j", e.value(), "value() keeps the raw text");
    }

    @Test
    void bidiOverridesAndLoneSurrogatesAreEscaped() {
        ValidationException e = new ValidationException("f", "a\u202eb\ud800c\ud83d\ude00", "r", "x");
        assertEquals("invalid f \"a\\u202eb\\ud800c\ud83d\ude00\": r; expected x", e.getMessage());
    }

    @Test
    void longValuesAreCutWithTheirLength() {
        String value = "a".repeat(127) + "\ud83d\ude00" + "b".repeat(100);
        ValidationException e = new ValidationException("f", value, "r", "x");
        assertEquals("invalid f \"" + "a".repeat(127) + "\"... (229 chars): r; expected x", e.getMessage());
    }

    @Test
    void nullValueSaysNoneWasGiven() {
        ValidationException e = assertMessage("invalid gateway: no value given; expected an IPv4 address like"
                + " 10.0.0.1 (four decimal parts 0..255, no leading zeros)", () -> Ipv4Address.parse("gateway", null));
        assertNull(e.value());
    }
}

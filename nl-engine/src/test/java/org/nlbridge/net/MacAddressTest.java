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

class MacAddressTest {

    private static final String ACCEPTED =
            "a MAC address like 02:42:ac:11:00:02 (six two-digit hex groups separated by ':')";
    private static final String UNICAST = "a unicast MAC address like 02:42:ac:11:00:02"
            + " (six two-digit hex groups separated by ':', lowest bit of the first octet clear)";

    private static void rejects(String text, String reason) {
        assertRejected("mac", text, reason, ACCEPTED, () -> MacAddress.parse("mac", text));
    }

    private static void rejectsUnicast(String text, String reason) {
        assertRejected("mac_address", text, reason, UNICAST, () -> MacAddress.parseUnicast("mac_address", text));
    }

    @Test
    void parsesEitherCaseAndPrintsLowerCase() {
        MacAddress m = MacAddress.parse("mac", "02:42:AC:11:00:0F");
        assertEquals("02:42:ac:11:00:0f", m.toString());
        assertEquals(0x0242ac11000fL, m.toLong());
        assertEquals(m, MacAddress.parse("mac", m.toString()));
    }

    @Test
    void refusesOtherNotations() {
        rejects("aa-bb-cc-dd-ee-ff", "only ':' is accepted as separator");
        rejects("aabb.ccdd.eeff", "only ':' is accepted as separator");
        rejects("aabbccddeeff", "1 group; a MAC address has 6");
        rejects("aa:bb:cc:dd:ee", "5 groups; a MAC address has 6");
        rejects("aa:bb:cc:dd:ee:ff:00", "7 groups; a MAC address has 6");
        rejects("a:b:c:d:e:f", "group \"a\" is not two hex digits");
        rejects("aa:bb:cc:dd:ee:fg", "group \"fg\" is not two hex digits");
        rejects("aa:bb:cc:dd:ee:", "group \"\" is not two hex digits");
        rejects("aa:bb:cc:dd:ee:+f", "group \"+f\" is not two hex digits");
        rejects(" aa:bb:cc:dd:ee:ff", "group \" aa\" is not two hex digits");
        rejects("", "empty");
    }

    @Test
    void unicastRefusesWhatNoInterfaceCanOwn() {
        rejectsUnicast("00:00:00:00:00:00", "the all-zero address is not a valid interface address");
        rejectsUnicast("ff:ff:ff:ff:ff:ff", "the broadcast address is not a valid interface address");
        rejectsUnicast("01:00:5e:00:00:01", "multicast address (lowest bit of the first octet set)");
        rejectsUnicast("33:33:00:00:00:01", "multicast address (lowest bit of the first octet set)");
        rejectsUnicast("aa-bb-cc-dd-ee-ff", "only ':' is accepted as separator");
        assertEquals("02:00:00:00:00:01", MacAddress.parseUnicast("mac_address", "02:00:00:00:00:01").toString());
    }

    @Test
    void classifies() {
        MacAddress vendor = MacAddress.parse("m", "00:1b:21:aa:bb:cc");
        assertTrue(vendor.isUnicast());
        assertFalse(vendor.isLocallyAdministered());
        MacAddress local = MacAddress.parse("m", "02:42:ac:11:00:02");
        assertTrue(local.isLocallyAdministered());
        assertFalse(MacAddress.parse("m", "01:00:5e:00:00:01").isUnicast());
        assertTrue(MacAddress.of(0).isZero());
        assertFalse(local.isZero());
    }

    @Test
    void classicDockerMacFollowsTheIpv4Address() {
        assertEquals("02:42:ac:11:00:02", MacAddress.fromIpv4(Ipv4Address.parse("ip", "172.17.0.2")).toString());
        assertEquals("02:42:ff:ff:ff:ff", MacAddress.fromIpv4(Ipv4Address.of(-1)).toString());
    }

    @Test
    void bytesAndSegments() {
        MacAddress m = MacAddress.parse("m", "02:42:ac:11:00:02");
        assertArrayEquals(new byte[] {2, 0x42, (byte) 0xac, 0x11, 0, 2}, m.bytes());
        assertEquals(m, MacAddress.of(m.bytes()));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(9);
            m.writeTo(seg, 3);
            assertEquals(m, MacAddress.readFrom(seg, 3));
        }
        assertThrows(IllegalArgumentException.class, () -> MacAddress.of(new byte[5]));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.of(1L << 48));
    }
}

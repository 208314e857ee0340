package org.nlbridge.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.nlbridge.net.Rejection.assertMessage;
import static org.nlbridge.net.Rejection.assertRejected;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class IfNameTest {

    private static final String ACCEPTED =
            "an interface name of 1..15 bytes from A-Z a-z 0-9 _ . -, not starting with '-' or '.'";
    private static final String ACCEPTED_NEW = ACCEPTED + ", other than all, default and lo";

    private static void rejects(String text, String reason) {
        assertRejected("bridge", text, reason, ACCEPTED, () -> IfName.parse("bridge", text));
        assertRejected("bridge", text, reason, ACCEPTED_NEW, () -> IfName.parseNew("bridge", text));
    }

    @Test
    void acceptsTheSafeCharset() {
        for (String s : new String[] {"eth0", "br-1a2b3c4d5e6f", "veth_9.1", "a", "A-b_c.d", "123456789012345"}) {
            assertEquals(s, IfName.parse("bridge", s).toString());
            assertEquals(IfName.parse("bridge", s), IfName.parseNew("bridge", s));
        }
    }

    @Test
    void namesTheByteLengthAndTheLimit() {
        rejects("averyveryverylongname", "21 bytes, above the limit of 15 (IFNAMSIZ 16 includes the NUL)");
        rejects("1234567890123456", "16 bytes, above the limit of 15 (IFNAMSIZ 16 includes the NUL)");
        rejects("", "empty");
    }

    @Test
    void refusesUnsafeCharacters() {
        rejects("eth0/1", "character '/' not allowed");
        rejects("eth0:1", "character ':' not allowed");
        rejects("eth%d", "character '%' not allowed");
        rejects("a b", "character ' ' not allowed");
        rejects("br@0", "character '@' not allowed");
        rejects("naïve", "non-ASCII character 'ï'");
        rejects("-x", "starts with '-'");
        rejects(".x", "starts with '.'");
        rejects(".", "\".\" and \"..\" are directory names");
        rejects("..", "\".\" and \"..\" are directory names");
        assertMessage("invalid bridge \"br\\0\": character '\\0' not allowed; expected " + ACCEPTED,
                () -> IfName.parse("bridge", "br\0"));
        assertMessage("invalid bridge \"br\\n\": character '\\n' not allowed; expected " + ACCEPTED,
                () -> IfName.parse("bridge", "br\n"));
    }

    @Test
    void reservedNamesOnlyMatterForInterfacesWeCreate() {
        assertEquals("lo", IfName.parse("uplink", "lo").toString());
        assertEquals("all", IfName.parse("uplink", "all").toString());
        assertRejected("bridge", "all", "\"all\" is reserved: it collides with /proc/sys/net/ipv4/conf/all",
                ACCEPTED_NEW, () -> IfName.parseNew("bridge", "all"));
        assertRejected("bridge", "default",
                "\"default\" is reserved: it collides with /proc/sys/net/ipv4/conf/default",
                ACCEPTED_NEW, () -> IfName.parseNew("bridge", "default"));
        assertRejected("bridge", "lo", "\"lo\" is the loopback interface of every namespace",
                ACCEPTED_NEW, () -> IfName.parseNew("bridge", "lo"));
    }

    @Test
    void writesNulTerminated() {
        IfName n = IfName.parse("bridge", "nlbr0");
        assertEquals(5, n.byteLength());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(16);
            seg.fill((byte) 'x');
            n.writeTo(seg, 2);
            assertEquals("nlbr0", seg.getString(2));
            assertEquals(0, seg.get(ValueLayout.JAVA_BYTE, 7));
            assertEquals('x', seg.get(ValueLayout.JAVA_BYTE, 8));
        }
    }
}

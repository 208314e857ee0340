package org.nlbridge.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.bindings.linux.ifinfomsg;

class MsgWriterTest {
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    private static byte[] bytes(MsgWriter w) {
        return w.segment().asSlice(0, w.position()).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Attributes encoded elsewhere go in as they are, in one copy; a length that is not whole 4-byte units is refused. */
    @Test
    void putEncodedCopiesWholeAttributes() {
        MsgWriter w = new MsgWriter(arena.allocate(256, 8));
        w.begin(1, 0, 7);
        MsgWriter other = new MsgWriter(arena.allocate(256, 8));
        other.begin(1, 0, 8);
        other.putU32(5, 0x01020304).putString(6, "ab");
        other.end();
        byte[] encoded = Arrays.copyOfRange(bytes(other), Wire.NLMSG_HDRLEN, (int) other.position());
        byte[] framed = new byte[encoded.length + 4];
        System.arraycopy(encoded, 0, framed, 2, encoded.length);
        w.putEncoded(framed, 2, encoded.length);
        w.end();
        AttrCursor a = firstMessageAttributes(w);
        assertTrue(a.next());
        assertEquals(5, a.type());
        assertEquals(0x01020304, a.u32());
        assertTrue(a.next());
        assertEquals(6, a.type());
        assertEquals("ab", a.string());
        assertFalse(a.next());
        MsgWriter x = new MsgWriter(arena.allocate(64, 8));
        x.begin(1, 0, 9);
        assertThrows(IllegalArgumentException.class, () -> x.putEncoded(new byte[8], 0, 6));
        assertThrows(IndexOutOfBoundsException.class, () -> x.putEncoded(new byte[8], 4, 8));
    }

    /** The attributes of the first message, which has no family header. */
    private static AttrCursor firstMessageAttributes(MsgWriter w) {
        MsgCursor m = new MsgCursor().reset(w.segment(), w.position());
        assertTrue(m.next());
        return m.attributes(new AttrCursor(), 0);
    }

    /** {@code ip link add br0 mtu 1400 type bridge}, bytes worked out by hand from the uapi structs. */
    @Test
    void goldenNewLinkBridge() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "golden bytes are little-endian");
        MsgWriter w = new MsgWriter(arena.allocate(256));
        int flags = Uapi.NLM_F_REQUEST() | Uapi.NLM_F_ACK() | Uapi.NLM_F_CREATE() | Uapi.NLM_F_EXCL();
        w.begin(Uapi.RTM_NEWLINK(), flags, 1);
        w.reserve((int) ifinfomsg.sizeof());
        w.putString(Uapi.IFLA_IFNAME(), "br0").putU32(Uapi.IFLA_MTU(), 1400);
        long info = w.nestStart(Uapi.IFLA_LINKINFO());
        w.putString(Uapi.IFLA_INFO_KIND(), "bridge");
        w.nestEnd(info);
        assertEquals(64, w.end());

        String expected = ""
                // nlmsghdr: len 64, type RTM_NEWLINK (16), flags REQUEST|ACK|EXCL|CREATE (0x605), seq 1, pid 0
                + "40000000" + "1000" + "0506" + "01000000" + "00000000"
                // ifinfomsg: family AF_UNSPEC, pad, type 0, index 0, flags 0, change 0
                + "00" + "00" + "0000" + "00000000" + "00000000" + "00000000"
                // IFLA_IFNAME (3): len 8, "br0\0"
                + "0800" + "0300" + "62723000"
                // IFLA_MTU (4): len 8, u32 1400 = 0x578
                + "0800" + "0400" + "78050000"
                // IFLA_LINKINFO (18): len 16, nested IFLA_INFO_KIND (1): len 11, "bridge\0", 1 pad byte
                + "1000" + "1200" + "0b00" + "0100" + "62726964676500" + "00";
        assertEquals(expected, HexFormat.of().formatHex(bytes(w)));
    }

    /** A growing writer moves to larger buffers mid-message and nest, and writes the bytes a large fixed one does. */
    @Test
    void growingWriterKeepsOffsetsAcrossMoves() {
        MsgWriter fixed = new MsgWriter(arena.allocate(8192));
        MsgWriter growing = MsgWriter.growing(arena, 64, 8192);
        for (MsgWriter w : List.of(fixed, growing)) {
            for (int m = 0; m < 3; m++) {
                w.begin(Uapi.RTM_NEWLINK(), 0, m);
                long h = w.reserve((int) ifinfomsg.sizeof());
                long nest = w.nestStart(Uapi.IFLA_LINKINFO());
                for (int i = 0; i < 40; i++) w.putU32(Uapi.IFLA_MTU(), i);
                w.nestEnd(nest);
                w.setU32(h + ifinfomsg.ifi_index$offset(), 7);
                w.end();
            }
        }
        assertArrayEquals(bytes(fixed), bytes(growing));
        assertTrue(growing.capacity() > 64 && growing.capacity() <= 8192);
        MsgWriter small = MsgWriter.growing(arena, 64, 128);
        small.begin(Uapi.RTM_NEWLINK(), 0, 1);
        assertThrows(BufferFullException.class, () -> {
            for (int i = 0; i < 40; i++) small.putU32(Uapi.IFLA_MTU(), i);
        });
        assertEquals(0, small.position(), "the message that did not fit is dropped, as with a fixed writer");
    }

    @Test
    void integersHostAndNetworkOrder() {
        MsgWriter w = new MsgWriter(arena.allocate(256));
        w.begin(100, 0, 7);
        w.putU8(1, 0xab).putU16(2, 0xbeef).putU32(3, 0xdeadbeef).putU64(4, 0x0102030405060708L)
                .putBe16(5, 0x1234).putBe32(6, 0x0a000001).putBe64(7, 0x1122334455667788L).putFlag(8);
        w.end();
        AttrCursor a = new AttrCursor();
        MsgCursor m = new MsgCursor().reset(w.segment(), w.position());
        assertTrue(m.next());
        m.attributes(a, 0);
        assertTrue(a.next());
        assertEquals(0xab, a.u8());
        assertTrue(a.next());
        assertEquals(0xbeef, a.u16());
        assertTrue(a.next());
        assertEquals(0xdeadbeef, a.u32());
        assertTrue(a.next());
        assertEquals(0x0102030405060708L, a.u64());
        assertTrue(a.next());
        assertEquals(0x1234, a.be16());
        assertEquals(0x12, Byte.toUnsignedInt(w.segment().get(ValueLayout.JAVA_BYTE, a.payloadOffset())));
        assertTrue(a.next());
        assertEquals(0x0a000001, a.be32());
        assertEquals(10, Byte.toUnsignedInt(w.segment().get(ValueLayout.JAVA_BYTE, a.payloadOffset())));
        assertTrue(a.next());
        assertEquals(0x1122334455667788L, a.be64());
        assertTrue(a.next());
        assertEquals(8, a.type());
        assertEquals(0, a.payloadLength());
        assertFalse(a.next());
        assertFalse(m.next());
    }

    @Test
    void familyHeaderFieldsAndNestedFlag() {
        MsgWriter w = new MsgWriter(arena.allocate(256)).nestedFlag(true);
        w.begin(16, 0, 1);
        long h = w.reserve((int) ifinfomsg.sizeof());
        w.setU32(h + ifinfomsg.ifi_index$offset(), 42);
        w.setU16(h + ifinfomsg.ifi_type$offset(), 1);
        long nest = w.nestStart(18);
        long inner = w.nestStart(2);
        w.putU32(1, 5);
        w.nestEnd(inner);
        w.nestEnd(nest);
        w.end();

        MsgCursor m = new MsgCursor().reset(w.segment(), w.position());
        assertTrue(m.next());
        assertEquals(42, m.u32At((int) ifinfomsg.ifi_index$offset()));
        assertEquals(1, m.u16At((int) ifinfomsg.ifi_type$offset()));
        AttrCursor a = m.attributes(new AttrCursor(), 16);
        assertTrue(a.next());
        assertEquals(18, a.type());
        assertTrue(a.nested());
        AttrCursor b = a.enter(new AttrCursor());
        assertTrue(b.next());
        assertTrue(b.nested());
        AttrCursor c = b.enter(new AttrCursor());
        assertTrue(c.next());
        assertEquals(5, c.u32());
        assertFalse(c.next());
        assertFalse(b.next());
        assertFalse(a.next());
    }

    @Test
    void nestCancelDropsItsContent() {
        MsgWriter w = new MsgWriter(arena.allocate(256));
        w.begin(16, 0, 1);
        w.putU32(1, 1);
        long before = w.position();
        long nest = w.nestStart(2);
        w.putString(3, "gone");
        w.nestCancel(nest);
        assertEquals(before, w.position());
        w.putU32(4, 4);
        assertEquals(16 + 8 + 8, w.end());
    }

    @Test
    void stringsAreUtf8AndRefuseNul() {
        MsgWriter w = new MsgWriter(arena.allocate(256));
        w.begin(16, 0, 1);
        w.putString(1, "é€😀");
        assertThrows(IllegalArgumentException.class, () -> w.putString(2, "a\0b"));
        assertThrows(IllegalArgumentException.class, () -> w.putString(2, "\ud800x"));
        w.end();
        AttrCursor a = firstMessageAttributes(w);
        assertTrue(a.next());
        assertEquals(2 + 3 + 4 + 1, a.payloadLength());
        assertEquals("é€😀", a.string());
        assertTrue(a.stringEquals("é€😀"));
        assertFalse(a.stringEquals("é€"));
        assertFalse(a.stringEquals("é€😀x"));
        assertFalse(a.next());
    }

    @Test
    void bytesFromArraysAndSegments() {
        MsgWriter w = new MsgWriter(arena.allocate(256));
        MemorySegment src = arena.allocateFrom(ValueLayout.JAVA_BYTE, (byte) 9, (byte) 8, (byte) 7, (byte) 6);
        w.begin(16, 0, 1);
        w.putBytes(1, new byte[] {1, 2, 3, 4, 5, 6}, 1, 3).putBytes(2, src, 1, 2).putBytes(3, new byte[0]);
        w.end();
        AttrCursor a = firstMessageAttributes(w);
        assertTrue(a.next());
        assertArrayEquals(new byte[] {2, 3, 4}, a.bytes());
        assertTrue(a.next());
        assertArrayEquals(new byte[] {8, 7}, a.slice().toArray(ValueLayout.JAVA_BYTE));
        assertTrue(a.next());
        assertEquals(0, a.payloadLength());
    }

    @Test
    void bufferFullDropsOnlyTheOpenMessage() {
        MsgWriter w = new MsgWriter(arena.allocate(64));
        w.begin(16, 0, 1);
        w.putU32(1, 1);
        w.end();
        assertEquals(24, w.position());
        w.begin(16, 0, 2);
        w.putU32(1, 2);
        BufferFullException e = assertThrows(BufferFullException.class, () -> w.putBytes(2, new byte[40]));
        assertEquals(44, e.needed());
        assertEquals(64, e.capacity());
        assertFalse(w.inMessage());
        assertEquals(24, w.position());
        w.begin(16, 0, 3);
        assertEquals(16, w.end());
        MsgCursor m = new MsgCursor().reset(w.segment(), w.position());
        assertTrue(m.next());
        assertEquals(1, m.seq());
        assertTrue(m.next());
        assertEquals(3, m.seq());
        assertFalse(m.next());
    }

    @Test
    void misuseIsReported() {
        MsgWriter w = new MsgWriter(arena.allocate(128));
        assertThrows(IllegalStateException.class, () -> w.putU32(1, 1));
        w.begin(16, 0, 1);
        assertThrows(IllegalStateException.class, () -> w.begin(16, 0, 2));
        long h = w.reserve(4);
        assertThrows(IllegalArgumentException.class, () -> w.setU32(h + 2, 1));
        assertThrows(IllegalArgumentException.class, () -> w.putBytes(1, new byte[70_000]));
        assertThrows(IllegalArgumentException.class, () -> w.nestEnd(3));
        w.cancel();
        assertEquals(0, w.position());
    }

    @Test
    void compactCarriesTheTail() {
        MsgWriter w = new MsgWriter(arena.allocate(128));
        w.begin(16, 0, 1);
        w.end();
        long second = w.begin(16, 0, 2);
        w.putU32(1, 7);
        w.end();
        w.compact(second);
        assertEquals(24, w.position());
        MsgCursor m = new MsgCursor().reset(w.segment(), w.position());
        assertTrue(m.next());
        assertEquals(2, m.seq());
        assertFalse(m.next());
    }
}

package org.nlbridge.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

/** The malformed inputs of reference section 1g, one by one, over heap segments of the exact datagram size. */
class CursorTest {

    private static ByteBuffer buf(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.nativeOrder());
    }

    private static MsgCursor cursor(ByteBuffer b) {
        return new MsgCursor().reset(MemorySegment.ofArray(b.array()), b.capacity());
    }

    private static ByteBuffer header(ByteBuffer b, int at, int len, int type, int flags, int seq) {
        return b.putInt(at, len).putShort(at + 4, (short) type).putShort(at + 6, (short) flags).putInt(at + 8, seq)
                .putInt(at + 12, 0);
    }

    @Test
    void emptyDatagramHasNoMessages() {
        assertFalse(new MsgCursor().reset(MemorySegment.ofArray(new byte[0]), 0).next());
    }

    @Test
    void bufferShorterThanHeader() {
        assertThrows(WireFormatException.class, () -> cursor(buf(15)).next());
    }

    @Test
    void lengthBelowHeader() {
        assertThrows(WireFormatException.class, () -> cursor(header(buf(32), 0, 15, 16, 0, 1)).next());
    }

    @Test
    void lengthBeyondDatagram() {
        assertThrows(WireFormatException.class, () -> cursor(header(buf(32), 0, 33, 16, 0, 1)).next());
        // nlmsg_len with the sign bit set must not wrap into a small value
        assertThrows(WireFormatException.class, () -> cursor(header(buf(32), 0, 0xffff_fff0, 16, 0, 1)).next());
    }

    @Test
    void trailingBytesAfterLastMessage() {
        MsgCursor m = cursor(header(buf(16 + 8), 0, 16, 16, 0, 1));
        assertTrue(m.next());
        assertThrows(WireFormatException.class, m::next);
    }

    @Test
    void lastMessageMayOmitPadding() {
        ByteBuffer b = header(buf(16 + 20 + 5), 0, 20, 16, 0, 1);
        header(b, 20, 21, 17, 0, 2);
        b.putShort(36, (short) 5).putShort(38, (short) 1).put(40, (byte) 9);
        MsgCursor m = cursor(b);
        assertTrue(m.next());
        assertTrue(m.next());
        assertEquals(17, m.type());
        assertEquals(5, m.payloadLength());
        AttrCursor a = m.attributes(new AttrCursor(), 0);
        assertTrue(a.next());
        assertEquals(9, a.u8());
        assertFalse(a.next());
        assertFalse(m.next());
    }

    @Test
    void familyHeaderLongerThanPayload() {
        MsgCursor m = cursor(header(buf(24), 0, 24, 16, 0, 1));
        assertTrue(m.next());
        assertThrows(WireFormatException.class, () -> m.attributes(new AttrCursor(), 16));
        assertThrows(WireFormatException.class, () -> m.u32At(6));
        assertEquals(0, m.u32At(4));
    }

    private static AttrCursor attrs(ByteBuffer b) {
        return new AttrCursor().reset(MemorySegment.ofArray(b.array()), 0, b.capacity());
    }

    @Test
    void attributeLengthBelowHeader() {
        assertThrows(WireFormatException.class, () -> attrs(buf(8).putShort(0, (short) 3)).next());
    }

    @Test
    void attributeLengthBeyondArea() {
        assertThrows(WireFormatException.class, () -> attrs(buf(8).putShort(0, (short) 12)).next());
    }

    @Test
    void strayBytesAfterLastAttribute() {
        AttrCursor a = attrs(buf(8 + 3).putShort(0, (short) 8));
        assertTrue(a.next());
        assertThrows(WireFormatException.class, a::next);
    }

    @Test
    void nestedAttributeOverrunningItsParent() {
        // parent: len 12 (a 4-byte header + 8 payload); child claims 12 bytes inside 8
        ByteBuffer b = buf(24).putShort(0, (short) 12).putShort(2, (short) 1).putShort(4, (short) 12).putShort(6, (short) 2);
        AttrCursor a = attrs(b);
        assertTrue(a.next());
        AttrCursor child = a.enter(new AttrCursor());
        assertThrows(WireFormatException.class, child::next);
    }

    @Test
    void integerOfWrongSize() {
        AttrCursor a = attrs(buf(8).putShort(0, (short) 6).putShort(2, (short) 4));
        assertTrue(a.next());
        assertEquals(2, a.payloadLength());
        assertThrows(WireFormatException.class, a::u32);
        assertThrows(WireFormatException.class, a::u8);
        assertThrows(WireFormatException.class, a::u64);
        assertEquals(0, a.u16());
    }

    @Test
    void stringWithoutNul() {
        ByteBuffer b = buf(8).putShort(0, (short) 7).putShort(2, (short) 3).put(4, (byte) 'b').put(5, (byte) 'r')
                .put(6, (byte) '0');
        AttrCursor a = attrs(b);
        assertTrue(a.next());
        assertThrows(WireFormatException.class, a::string);
        assertThrows(WireFormatException.class, () -> a.stringEquals("br0"));
        AttrCursor empty = attrs(buf(4).putShort(0, (short) 4));
        assertTrue(empty.next());
        assertThrows(WireFormatException.class, empty::string);
    }

    @Test
    void unknownTypesAndFlagsAreJustIterated() {
        ByteBuffer b = buf(16).putShort(0, (short) 8).putShort(2, (short) (0x8000 | 0x4000 | 999)).putShort(8, (short) 8)
                .putShort(10, (short) 1).putInt(12, 5);
        AttrCursor a = attrs(b);
        assertTrue(a.next());
        assertEquals(999, a.type());
        assertTrue(a.nested());
        assertTrue(a.next());
        assertEquals(1, a.type());
        assertFalse(a.nested());
        assertFalse(a.next());
    }

    @Test
    void indexFindsByTypeAndLastWins() {
        ByteBuffer b = buf(32).putShort(0, (short) 8).putShort(2, (short) 3).putInt(4, 1)
                .putShort(8, (short) 8).putShort(10, (short) 50).putInt(12, 2)
                .putShort(16, (short) 8).putShort(18, (short) 3).putInt(20, 3)
                .putShort(24, (short) 5).putShort(26, (short) 1).put(28, (byte) 7);
        AttrIndex index = new AttrIndex(10).fill(attrs(b));
        assertTrue(index.has(3));
        assertEquals(3, index.get(3).u32());
        assertEquals(7, index.get(1).u8());
        assertFalse(index.has(50));
        assertNull(index.get(2));
        assertFalse(index.has(-1));
    }

    @Test
    void cursorMisuseIsAProgrammingError() {
        MsgCursor m = new MsgCursor().reset(MemorySegment.ofArray(new byte[0]), 0);
        assertThrows(IllegalStateException.class, m::type);
        assertThrows(IllegalArgumentException.class, () -> m.reset(MemorySegment.ofArray(new byte[4]), 5));
        assertThrows(IllegalArgumentException.class,
                () -> new AttrCursor().reset(MemorySegment.ofArray(new byte[4]), 2, 4));
    }
}

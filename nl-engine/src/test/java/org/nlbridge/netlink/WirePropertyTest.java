package org.nlbridge.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import org.nlbridge.bindings.linux.Uapi;

/**
 * Properties of the codec. Every decode runs over a heap segment of exactly the datagram's size, so a read past the
 * end would surface as an {@link IndexOutOfBoundsException} and fail the property: the parsers may only ever raise
 * {@link WireFormatException}.
 */
class WirePropertyTest {

    sealed interface Node permits Leaf, Nest {
        int type();
    }

    record Leaf(int type, String hex) implements Node {}

    record Nest(int type, List<Node> children) implements Node {}

    // ---- never out of bounds, only WireFormatException

    @Property(tries = 3000)
    void randomBytesOnlyRaiseWireFormatException(@ForAll @Size(max = 300) byte[] bytes,
                                                 @ForAll @IntRange(max = 20) int familyHeader) {
        walk(bytes, familyHeader);
        walkAttributes(MemorySegment.ofArray(bytes), 0, bytes.length, 0);
    }

    /** Valid messages with random bytes overwritten and a random cut: mostly-plausible input reaches deep code. */
    @Property(tries = 3000)
    void corruptedAndTruncatedMessagesOnlyRaiseWireFormatException(@ForAll("trees") List<Node> tree,
                                                                  @ForAll @IntRange(max = 16) int familyHeader,
                                                                  @ForAll @Size(max = 6) List<@IntRange(max = 100_000) Integer> hits,
                                                                  @ForAll @IntRange(max = 255) int value,
                                                                  @ForAll @IntRange(max = 100) int keepPercent) {
        byte[] valid = encode(List.of(tree, tree), familyHeader, Uapi.NLMSG_ERROR());
        for (int h : hits) {
            valid[h % valid.length] = (byte) (value + h);
        }
        walk(Arrays.copyOf(valid, valid.length * keepPercent / 100), familyHeader);
    }

    private static void walk(byte[] datagram, int familyHeader) {
        MemorySegment seg = MemorySegment.ofArray(datagram);
        MsgCursor m = new MsgCursor().reset(seg, datagram.length);
        try {
            while (m.next()) {
                if (m.type() == Uapi.NLMSG_ERROR() || m.type() == Uapi.NLMSG_DONE()) {
                    try {
                        NlErrorView v = new NlErrorView().reset(m);
                        v.extackMessage();
                        v.extackOffset();
                    } catch (WireFormatException expected) {
                        // next message
                    }
                }
                try {
                    m.u32At(0);
                    AttrCursor a = m.attributes(new AttrCursor(), familyHeader);
                    walkAttributes(a, 0);
                } catch (WireFormatException expected) {
                    // next message
                }
            }
        } catch (WireFormatException expected) {
            // iteration stops at the malformation
        }
    }

    private static void walkAttributes(MemorySegment seg, long offset, long length, int depth) {
        try {
            walkAttributes(new AttrCursor().reset(seg, offset, length), depth);
            new AttrIndex(40).fill(new AttrCursor().reset(seg, offset, length)).get(3);
        } catch (WireFormatException expected) {
            // malformed area
        }
    }

    private static void walkAttributes(AttrCursor a, int depth) {
        while (a.next()) {
            for (int g = 0; g < 11; g++) {
                try {
                    switch (g) {
                        case 0 -> a.u8();
                        case 1 -> a.u16();
                        case 2 -> a.u32();
                        case 3 -> a.u64();
                        case 4 -> a.be16();
                        case 5 -> a.be32();
                        case 6 -> a.be64();
                        case 7 -> a.string();
                        case 8 -> a.stringEquals("br0");
                        case 9 -> a.bytes();
                        default -> a.slice();
                    }
                } catch (WireFormatException expected) {
                    // wrong size or no NUL for this getter
                }
            }
            if (depth < 8) {
                walkAttributes(a.segment(), a.payloadOffset(), a.payloadLength(), depth + 1);
            }
        }
    }

    // ---- encode → decode is the identity

    @Property(tries = 1000)
    void attributeTreesRoundTrip(@ForAll("trees") List<Node> tree, @ForAll @IntRange(max = 20) int familyHeader) {
        byte[] bytes = encode(List.of(tree), familyHeader, 100);
        MsgCursor m = new MsgCursor().reset(MemorySegment.ofArray(bytes), bytes.length);
        assertTrue(m.next());
        assertEquals(bytes.length, m.length());
        assertEquals(tree, decode(m.attributes(new AttrCursor(), familyHeader)));
        assertFalse(m.next());
    }

    @Provide
    Arbitrary<List<Node>> trees() {
        return nodes(3).list().ofMaxSize(5);
    }

    private Arbitrary<Node> nodes(int depth) {
        Arbitrary<Integer> types = Arbitraries.integers().between(0, Wire.NLA_TYPE_MASK);
        Arbitrary<Node> leaf = Combinators.combine(types, Arbitraries.bytes().array(byte[].class).ofMaxSize(40))
                .as((t, b) -> new Leaf(t, HexFormat.of().formatHex(b)));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<Node> nest = Combinators.combine(types, Arbitraries.lazy(() -> nodes(depth - 1)).list().ofMaxSize(4))
                .as(Nest::new);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, leaf), net.jqwik.api.Tuple.of(1, nest));
    }

    private static byte[] encode(List<List<Node>> messages, int familyHeader, int type) {
        try (Arena arena = Arena.ofConfined()) {
            MsgWriter w = new MsgWriter(arena.allocate(256 * 1024)).nestedFlag(true);
            int seq = 1;
            for (List<Node> tree : messages) {
                w.begin(type, 0, seq++);
                w.reserve(familyHeader);
                put(w, tree);
                w.end();
            }
            return w.segment().asSlice(0, w.position()).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    private static void put(MsgWriter w, List<Node> nodes) {
        for (Node n : nodes) {
            if (n instanceof Leaf l) {
                w.putBytes(l.type(), HexFormat.of().parseHex(l.hex()));
            } else if (n instanceof Nest nest) {
                long at = w.nestStart(nest.type());
                put(w, nest.children());
                w.nestEnd(at);
            }
        }
    }

    private static List<Node> decode(AttrCursor a) {
        List<Node> nodes = new ArrayList<>();
        while (a.next()) {
            if (a.nested()) {
                nodes.add(new Nest(a.type(), decode(a.enter(new AttrCursor()))));
            } else {
                nodes.add(new Leaf(a.type(), HexFormat.of().formatHex(a.bytes())));
            }
        }
        return nodes;
    }

    // ---- a full buffer keeps every complete message

    @Property(tries = 500)
    void bufferFullLeavesPreviousMessagesIntact(@ForAll @Size(min = 1, max = 30) List<@IntRange(max = 120) Integer> sizes,
                                                @ForAll @IntRange(min = 16, max = 1024) int capacity) {
        try (Arena arena = Arena.ofConfined()) {
            MsgWriter w = new MsgWriter(arena.allocate(capacity));
            List<Integer> written = new ArrayList<>();
            long complete = 0;
            for (int i = 0; i < sizes.size(); i++) {
                try {
                    w.begin(16, 0, i);
                    w.putBytes(1, new byte[sizes.get(i)]);
                    w.putU32(2, i);
                    w.end();
                    written.add(i);
                    complete = w.position();
                } catch (BufferFullException e) {
                    assertFalse(w.inMessage());
                    assertEquals(complete, w.position());
                }
            }
            MsgCursor m = new MsgCursor().reset(w.segment(), w.position());
            AttrCursor a = new AttrCursor();
            for (int i : written) {
                assertTrue(m.next());
                assertEquals(i, m.seq());
                m.attributes(a, 0);
                assertTrue(a.next());
                assertEquals((int) sizes.get(i), a.payloadLength());
                assertTrue(a.next());
                assertEquals(i, a.u32());
            }
            assertFalse(m.next());
        }
    }
}

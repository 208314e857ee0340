package org.nlbridge.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.net.IpProtocol;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.MsgWriter;

/** Listing replies, built here as the kernel sends them, decoded into the engine's objects and printed as nft does. */
class DecoderTest {
    static final TableRef T = TableRef.of(Family.IP, "t");
    static final NamedSet PORTS = NamedSet.map(T.set("ports4-any"), KeyType.of(FieldType.INET_PROTO,
            FieldType.INET_SERVICE), KeyType.of(FieldType.IPV4_ADDR, FieldType.INET_SERVICE)).withCounter();

    /** One message of family {@code family} whose attributes {@code attrs} writes. */
    static MsgCursor message(int family, Consumer<MsgWriter> attrs) {
        MsgWriter w = new MsgWriter(MemorySegment.ofArray(new byte[2048])).nestedFlag(true);
        w.begin(0, 0, 1);
        long h = w.reserve(4);
        w.setU8(h, family);
        attrs.accept(w);
        w.end();
        MsgCursor m = new MsgCursor().reset(w.segment(), w.position());
        m.next();
        return m;
    }

    /** NFTA_SET_ELEM_EXPR { counter { BYTES, PACKETS } }, as the kernel dumps an element of a set with a counter. */
    static void counter(MsgWriter w, int type, long packets, long bytes) {
        long e = w.nestStart(type);
        w.putString(Uapi.NFTA_EXPR_NAME(), "counter");
        long d = w.nestStart(Uapi.NFTA_EXPR_DATA());
        w.putBe64(Uapi.NFTA_COUNTER_BYTES(), bytes);
        w.putBe64(Uapi.NFTA_COUNTER_PACKETS(), packets);
        w.nestEnd(d);
        w.nestEnd(e);
    }

    static void value(MsgWriter w, int type, int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) bytes[i];
        long n = w.nestStart(type);
        w.putBytes(Uapi.NFTA_DATA_VALUE(), b);
        w.nestEnd(n);
    }

    @Test
    void aSetWithACounterAndItsElementsCounts() {
        Decoder.SetRow row = Decoder.set(message(Uapi.NFPROTO_IPV4(), w -> Encoder.set(w, PORTS, 7)), T);
        assertEquals(PORTS, row.set());

        List<Decoder.RawElement> raw = new ArrayList<>();
        Decoder.elements(message(Uapi.NFPROTO_IPV4(), w -> {
            w.putString(Uapi.NFTA_SET_ELEM_LIST_TABLE(), "t");
            w.putString(Uapi.NFTA_SET_ELEM_LIST_SET(), "ports4-any");
            long list = w.nestStart(Uapi.NFTA_SET_ELEM_LIST_ELEMENTS());
            long el = w.nestStart(Uapi.NFTA_LIST_ELEM());
            value(w, Uapi.NFTA_SET_ELEM_KEY(), 6, 0, 0, 0, 0x13, 0x88, 0, 0);
            value(w, Uapi.NFTA_SET_ELEM_DATA(), 172, 18, 0, 2, 0, 22, 0, 0);
            counter(w, Uapi.NFTA_SET_ELEM_EXPR(), 3, 180);
            w.nestEnd(el);
            // several expressions on an element come as a list; the counter is found among them
            el = w.nestStart(Uapi.NFTA_LIST_ELEM());
            value(w, Uapi.NFTA_SET_ELEM_KEY(), 17, 0, 0, 0, 0, 53, 0, 0);
            value(w, Uapi.NFTA_SET_ELEM_DATA(), 172, 18, 0, 3, 0, 53, 0, 0);
            long exprs = w.nestStart(Uapi.NFTA_SET_ELEM_EXPRESSIONS());
            counter(w, Uapi.NFTA_LIST_ELEM(), 1, 60);
            w.nestEnd(exprs);
            w.nestEnd(el);
            w.nestEnd(list);
        }), raw);
        List<Element> elements = Decoder.elements(PORTS, raw);
        Element tcp = elements.get(0);
        assertEquals(List.of(IpProtocol.TCP, 5000), tcp.key());
        assertEquals(List.of(Ipv4Address.parse("t", "172.18.0.2"), 22), tcp.value());
        assertEquals(new Expr.Counter(3, 180), tcp.counter());
        assertEquals("tcp . 5000 counter packets 3 bytes 180 : 172.18.0.2 . 22", tcp.toString());
        assertNull(tcp.withoutState().counter());
        assertEquals("udp . 53 counter packets 1 bytes 60 : 172.18.0.3 . 53", elements.get(1).toString());

        // in nft's order: a concatenation sorts as one host-order number, so 53 before 5000
        Listing l = new Listing(Table.of(T), 1, List.of(new Listing.SetListing(PORTS, 2, elements)), List.of());
        assertEquals("""
                table ip t {
                \tmap ports4-any {
                \t\ttype inet_proto . inet_service : ipv4_addr . inet_service
                \t\tcounter
                \t\telements = { udp . 53 counter packets 1 bytes 60 : 172.18.0.3 . 53,
                \t\t\t     tcp . 5000 counter packets 3 bytes 180 : 172.18.0.2 . 22 }
                \t}
                }
                """, l.toString());
    }

    @Test
    void aSetWithoutACounterHasNone() {
        NamedSet plain = NamedSet.set(T.set("s"), KeyType.of(FieldType.IFNAME));
        assertEquals(plain, Decoder.set(message(Uapi.NFPROTO_IPV4(), w -> Encoder.set(w, plain, 1)), T).set());
    }

    /** Adjacent intervals share a key: the end of one and the start of the next; they stay two intervals. */
    @Test
    void adjacentIntervalsStayApart() {
        NamedSet nets = NamedSet.intervalSet(T.set("nets"), FieldType.IPV4_ADDR);
        int end = Uapi.NFT_SET_ELEM_INTERVAL_END();
        // as the kernel might dump them, and with nft's leading end at 0.0.0.0
        List<Decoder.RawElement> raw = List.of(
                new Decoder.RawElement(new byte[] {11, 0, 0, 0}, 0, null, null, null, null),
                new Decoder.RawElement(new byte[] {12, 0, 0, 0}, end, null, null, null, null),
                new Decoder.RawElement(new byte[] {11, 0, 0, 0}, end, null, null, null, null),
                new Decoder.RawElement(new byte[] {10, 0, 0, 0}, 0, null, null, null, null),
                new Decoder.RawElement(new byte[] {0, 0, 0, 0}, end, null, null, null, null));
        assertEquals("[10.0.0.0/8, 11.0.0.0/8]", Decoder.elements(nets, raw).toString());
    }
}

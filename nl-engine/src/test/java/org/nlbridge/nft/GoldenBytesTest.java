package org.nlbridge.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.HexFormat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nlbridge.net.IpProtocol;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.netlink.MsgWriter;

/**
 * Wire bytes computed by hand from {@code linux/netfilter/nf_tables.h}: attribute headers are host order (these
 * goldens are little-endian), every nf_tables number inside is big-endian, nests carry {@code NLA_F_NESTED}
 * (0x8000).
 */
class GoldenBytesTest {
    static final TableRef IP = TableRef.of(Family.IP, "nlbridge");

    @BeforeAll
    static void littleEndian() {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "goldens are for little-endian hosts");
    }

    static String hex(Rule r) {
        MsgWriter w = new MsgWriter(MemorySegment.ofArray(new byte[4096])).nestedFlag(true);
        w.begin(0, 0, 1);
        ExprCodec.encodeList(w, 4, r.exprs()); // NFTA_RULE_EXPRESSIONS
        w.end();
        byte[] all = w.segment().asSlice(16, w.position() - 16).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        return HexFormat.of().formatHex(all);
    }

    static String h(String spaced) {
        return spaced.replaceAll("\\s+|\\|", "");
    }

    @Test
    void iifnameAccept() {
        Rule r = Rule.in(IP.chain("c")).iifname("br0").accept().build();
        String expected = h("""
                90000480
                  24000180  09000100 6d657461 00000000
                            14000280  08000200 00000006   08000100 00000001
                  38000180  08000100 636d7000
                            2c000280  08000100 00000001   08000200 00000000
                                      18000380  14000100 62723000 00000000 00000000 00000000
                  30000180  0e000100 696d6d65 64696174 65000000
                            1c000280  08000100 00000000
                                      10000280  0c000280  08000100 00000001
                """);
        // list 0x90 = 144: meta 36 + cmp 56 + immediate 48 + 4
        // meta:      elem(36) name "meta"(9, padded 12) data(20): KEY 6 (iifname), DREG 1
        // cmp:       elem(56) name "cmp"(8) data(44): SREG 1, OP 0 (eq), DATA(24){ VALUE(20) "br0" + 13 NULs }
        // immediate: elem(48) name "immediate"(14, padded 16) data(28): DREG 0, DATA(16){ VERDICT(12){ CODE 1 } }
        assertEquals(expected, hex(r));
    }

    @Test
    void fibDaddrTypeLocalJump() {
        Rule r = Rule.in(IP.chain("c")).fibDaddrTypeLocal().jump("x").build();
        String expected = h("""
                90000480
                  28000180  08000100 66696200
                            1c000280  08000100 00000001   08000200 00000003   08000300 00000002
                  2c000180  08000100 636d7000
                            20000280  08000100 00000001   08000200 00000000
                                      0c000380  08000100 02000000
                  38000180  0e000100 696d6d65 64696174 65000000
                            24000280  08000100 00000000
                                      18000280  14000280  08000100 fffffffd   06000200 78000000
                """);
        // list 0x90 = 144: fib 40 + cmp 44 + immediate 56 + 4
        // fib: DREG 1, RESULT 3 (NFT_FIB_RESULT_ADDRTYPE), FLAGS 2 (NFTA_FIB_F_DADDR)
        // cmp: data is RTN_LOCAL = 2 in host order (the kernel stores fib results as host u32)
        // verdict: CODE -3 (NFT_JUMP), CHAIN "x" (5 bytes, padded 8)
        assertEquals(expected, hex(r));
    }

    @Test
    void aDnatMapElement() {
        NamedSet map = NamedSet.map(IP.set("hp"), KeyType.of(FieldType.INET_PROTO, FieldType.IPV4_ADDR,
                FieldType.INET_SERVICE), KeyType.of(FieldType.IPV4_ADDR, FieldType.INET_SERVICE));
        ElementWriter w = new ElementWriter(map, false);
        w.key(IpProtocol.TCP).key(Ipv4Address.parse("t", "10.0.0.1")).key(8080)
                .value(Ipv4Address.parse("t", "172.17.0.2")).value(80).add();
        String expected = h("""
                14000180  10000100  06000000 0a000001 1f900000
                10000280  0c000100  ac110002 00500000
                """);
        // KEY nest(20){ VALUE(16): tcp padded to 4 . 10.0.0.1 . 8080 padded to 4 }
        // DATA nest(16){ VALUE(12): 172.17.0.2 . 80 padded to 4 }
        assertEquals(1, w.encodedCount());
        assertEquals(expected, HexFormat.of().formatHex(w.buffer(), w.start(0), w.start(0) + w.length(0)));
    }

    @Test
    void anIntervalElementIsAStartAndAnEnd() {
        NamedSet set = NamedSet.intervalSet(IP.set("nets"), FieldType.IPV4_ADDR);
        ElementWriter w = new ElementWriter(set, false);
        w.prefix(org.nlbridge.net.Cidr.parseSubnet("t", "10.0.0.0/8")).add();
        assertEquals(2, w.encodedCount());
        assertEquals(h("0c000180 08000100 0a000000"), HexFormat.of().formatHex(w.buffer(), w.start(0), w.start(0) + w.length(0)));
        // FLAGS 1 (NFT_SET_ELEM_INTERVAL_END), KEY 11.0.0.0: the first address after the prefix
        assertEquals(h("08000300 00000001  0c000180 08000100 0b000000"),
                HexFormat.of().formatHex(w.buffer(), w.start(1), w.start(1) + w.length(1)));
    }

    static String hex(MsgWriter w, long from) {
        return HexFormat.of().formatHex(w.segment().asSlice(from, w.position() - from)
                .toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }

    /** A set with a counter, attribute for attribute as nft 1.0.6 sends it ({@code nft --debug=mnl}). */
    @Test
    void aSetWithACounterAsNftSendsIt() {
        NamedSet cs = NamedSet.set(TableRef.of(Family.IP, "t").set("cs"), KeyType.of(FieldType.INET_SERVICE)).withCounter();
        MsgWriter w = new MsgWriter(MemorySegment.ofArray(new byte[512])).nestedFlag(true);
        w.begin(0, 0, 1);
        long from = w.position();
        Encoder.set(w, cs, 1);
        w.end();
        String nft = h("""
                06000100 74000000
                07000200 63730000
                08000300 00000000
                08000400 0000000d
                08000500 00000002
                08000a00 00000001
                0a000d00 00040200 00000000
                14001180 0c000100 636f756e 74657200
                         04000280
                """);
        // TABLE "t", NAME "cs", FLAGS 0, KEY_TYPE 13 (inet_service), KEY_LEN 2, ID 1,
        // USERDATA { KEYBYTEORDER (type 0, 4 bytes) 2: big endian }, EXPR(17) { NAME "counter", DATA {} }
        assertEquals(nft, hex(w, from));
    }

    /**
     * {@code ip saddr != { 8.8.8.8, 10.0.0.0/8 } drop} as nft 1.0.6 sends it ({@code nft --debug=mnl}): the rule's
     * lookup names the set {@code __set%d} and gives the set id it was sent with (here nft's 10); the set and its
     * elements go before the rule. Two differences from nft, both harmless: nft also sends a leading interval end
     * at 0.0.0.0 (so its size hint is 5, ours 4), and more userdata (its merge flag and typeof expression, which only
     * nft reads).
     */
    @Test
    void anAnonymousIntervalSetAsNftSendsIt() {
        TableRef t = TableRef.of(Family.IP, "t");
        Rule r = Rule.in(t.chain("c")).noneOf(Selector.IP_SADDR, Ipv4Address.parse("a", "8.8.8.8"),
                org.nlbridge.net.Cidr.parseSubnet("a", "10.0.0.0/8")).drop().build();
        MsgWriter w = new MsgWriter(MemorySegment.ofArray(new byte[1024])).nestedFlag(true);
        w.begin(0, 0, 1);
        ExprCodec.encodeList(w, 4, r.exprs(), new int[] {10});
        w.end();
        assertEquals(h("""
                a0000480
                  34000180  0c000100 7061796c 6f616400
                            24000280  08000100 00000001   08000200 00000001   08000300 0000000c   08000400 00000004
                  38000180  0b000100 6c6f6f6b 75700000
                            28000280  08000200 00000001   0c000100 5f5f7365 74256400   08000400 0000000a
                                      08000500 00000001
                  30000180  0e000100 696d6d65 64696174 65000000
                            1c000280  08000100 00000000
                                      10000280  0c000280  08000100 00000000
                """), hex(w, 16));
        // lookup: SREG 1, SET "__set%d", SET_ID 10, FLAGS 1 (NFT_LOOKUP_F_INV)

        AnonymousSet a = ((Expr.Lookup) r.exprs().get(1)).anonymous();
        ElementWriter el = ElementWriter.anonymous(t, a);
        w = new MsgWriter(MemorySegment.ofArray(new byte[1024])).nestedFlag(true);
        w.begin(0, 0, 1);
        long from = w.position();
        Encoder.anonymousSet(w, t, a, el.encodedCount(), 10);
        w.end();
        assertEquals(h("""
                06000100 74000000
                0c000200 5f5f7365 74256400
                08000300 00000007
                08000400 00000007
                08000500 00000004
                08000a00 0000000a
                0c000980 08000100 00000004
                0a000d00 00040200 00000000
                """), hex(w, from));
        // TABLE, NAME "__set%d", FLAGS 7 (anonymous | constant | interval), KEY_TYPE 7 (ipv4_addr), KEY_LEN 4, ID 10,
        // DESC { SIZE 4 }, USERDATA { KEYBYTEORDER big endian }
        String[] elements = {"0c000180 08000100 08080808", "08000300 00000001  0c000180 08000100 08080809",
                "0c000180 08000100 0a000000", "08000300 00000001  0c000180 08000100 0b000000"};
        assertEquals(4, el.encodedCount());
        for (int i = 0; i < 4; i++) {
            assertEquals(h(elements[i]), HexFormat.of().formatHex(el.buffer(), el.start(i), el.start(i) + el.length(i)));
        }
    }
}

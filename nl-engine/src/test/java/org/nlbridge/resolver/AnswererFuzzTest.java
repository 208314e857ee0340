package org.nlbridge.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.nlbridge.net.IpAddress;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * Random and damaged packets into the answering logic: it never throws, and never answers with more bytes than the
 * query allows (12 for anything malformed, 512 without EDNS, the capped EDNS size with it). The same packets go
 * through real sockets in {@link DnsServerTest#fuzzThroughTheSocketNeverStopsTheServer}.
 */
class AnswererFuzzTest {

    private static final int CAP = DnsServerOptions.DEFAULTS.udpPayloadLimit();
    private final Answerer answerer = new Answerer(DnsServerOptions.DEFAULTS, new Counters());
    private final Map<String, NetworkNames> tables;
    private final ListenerSpec listener = ListenerSpec.builder("fuzz").network("n")
            .upstreams(List.of(Upstream.of(IpAddress.parse("dns", "192.0.2.1")))).build();

    AnswererFuzzTest() {
        NetworkNames.Builder b = NetworkNames.builder("n");
        for (int i = 1; i <= 60; i++) b.add(Queries.endpoint("c" + i, "10.0.0." + i, "fd00::" + i, "many"));
        tables = Map.of("n", b.build());
    }

    @Property(tries = 4000)
    void randomBytes(@ForAll("noise") byte[] packet) {
        check(packet);
    }

    @Property(tries = 6000)
    void damagedQueries(@ForAll("damaged") byte[] packet) {
        check(packet);
    }

    /** The bound for {@code packet}: what a reply to it may hold, judged by an independent parse. */
    private void check(byte[] packet) {
        for (boolean tcp : new boolean[] {false, true}) {
            Answerer.Outcome o = answerer.answer(packet, packet.length, tcp, listener, tables);
            if (!(o instanceof Answerer.Reply r)) continue;
            byte[] wire = r.wire();
            Message query = parseOrNull(packet);
            int rcode = wire[3] & 0x0F;
            if (query == null || rcode == 1 || rcode == 4) { // unparsable, FORMERR, NOTIMP: the header alone
                assertEquals(12, wire.length, "malformed input gets 12 bytes at most");
                assertTrue(wire.length <= packet.length);
                continue;
            }
            int limit = tcp ? 65535 : query.getOPT() == null ? 512 : Math.max(512, Math.min(CAP, query.getOPT().getPayloadSize()));
            assertTrue(wire.length <= limit, "reply of " + wire.length + " bytes, limit " + limit);
            Message reply = Queries.parse(wire); // what we send always parses
            assertEquals(query.getHeader().getID(), reply.getHeader().getID());
        }
    }

    private static Message parseOrNull(byte[] b) {
        try {
            return new Message(b);
        } catch (Exception e) {
            return null;
        }
    }

    @Provide
    Arbitrary<byte[]> noise() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(600);
    }

    @Provide
    Arbitrary<byte[]> damaged() {
        Arbitrary<String> names = Arbitraries.of("many.", "c1.", "c7.n.", "nothere.", "example.com.",
                "1.0.0.10.in-addr.arpa.", "x.", "a.b.c.d.e.f.g.", "MANY.");
        Arbitrary<Integer> types = Arbitraries.of(Type.A, Type.AAAA, Type.ANY, Type.PTR, Type.MX, Type.TXT, 0, 65535);
        Arbitrary<Integer> edns = Arbitraries.of(0, 1, 100, 512, 1232, 4096, 65535);
        Arbitrary<byte[]> valid = Combinators.combine(names, types, edns)
                .as((n, t, e) -> Queries.message(n, t, e).toWire());
        Arbitrary<Integer> cut = Arbitraries.integers().between(0, 200);
        Arbitrary<List<Integer>> flips = Arbitraries.integers().between(0, 0xFFFF).list().ofMaxSize(4);
        return Combinators.combine(valid, cut, flips).as((q, c, f) -> {
            byte[] b = q.clone();
            for (int x : f) b[(x >>> 8) % b.length] = (byte) x; // overwrite a byte: counts, lengths, pointers, flags
            int len = c < 100 ? Math.min(b.length, c) : b.length; // half of them cut short
            return java.util.Arrays.copyOf(b, len);
        });
    }
}

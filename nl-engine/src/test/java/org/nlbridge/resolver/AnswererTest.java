package org.nlbridge.resolver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.resolver.Queries.A;
import static org.nlbridge.resolver.Queries.AAAA;
import static org.nlbridge.resolver.Queries.PTR;
import static org.nlbridge.resolver.Queries.answers;
import static org.nlbridge.resolver.Queries.endpoint;
import static org.nlbridge.resolver.Queries.name;
import static org.nlbridge.resolver.Queries.query;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** What the server answers, decided without sockets: tables, aliases, PTR, isolation, internal, truncation, bad input. */
class AnswererTest {

    private final Counters counters = new Counters();
    private final Answerer answerer = new Answerer(DnsServerOptions.DEFAULTS, counters);

    private final NetworkNames backend = NetworkNames.builder("backend")
            .add(endpoint("db", "172.18.0.2", "fd00:18::2", "database", "Primary"))
            .add(endpoint("cache", "172.18.0.3", null))
            .build();
    private final NetworkNames frontend = NetworkNames.builder("frontend")
            .add(endpoint("web", "172.19.0.2", null, "www"))
            .add(endpoint("api", "172.19.0.3", null))
            .build();
    private final Map<String, NetworkNames> tables = Map.of("backend", backend, "frontend", frontend);

    private static final Upstream UPSTREAM = Upstream.of(IpAddress.parse("dns", "192.0.2.53"));

    private static ListenerSpec on(String... networks) {
        return ListenerSpec.builder("c").networks(List.of(networks)).upstreams(List.of(UPSTREAM)).build();
    }

    private Answerer.Outcome ask(byte[] q, ListenerSpec l) {
        return answerer.answer(q, q.length, false, l, tables);
    }

    private Message reply(byte[] q, ListenerSpec l) {
        return Queries.parse(assertInstanceOf(Answerer.Reply.class, ask(q, l)).wire());
    }

    @Test
    void namesAndAliasesOfTheListenersNetworksResolve() {
        ListenerSpec l = on("backend");
        Message m = reply(query("db.", A), l);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertEquals(List.of("172.18.0.2"), answers(m));
        assertEquals(600, m.getSection(1).getFirst().getTTL(), "Docker's TTL");
        assertTrue(m.getHeader().getFlag(Flags.QR) && m.getHeader().getFlag(Flags.RA) && m.getHeader().getFlag(Flags.RD));
        assertEquals(List.of("172.18.0.2"), answers(reply(query("database.", A), l)));
        assertEquals(List.of("172.18.0.2"), answers(reply(query("PRIMARY.", A), l)), "any case");
        assertEquals(List.of("172.18.0.2"), answers(reply(query("db.backend.", A), l)), "name.network");
        assertEquals(List.of("fd00:18::2"), answers(reply(query("db.", AAAA), l)));
        assertEquals(Set.of("172.18.0.2", "fd00:18::2"), new HashSet<>(answers(reply(query("db.", Type.ANY), l))));
        assertEquals("db.", reply(query("db.", A), l).getSection(1).getFirst().getName().toString(),
                "the owner is the name asked");
    }

    @Test
    void aKnownNameWithoutTheAskedTypeIsAnsweredEmptyNotForwarded() {
        ListenerSpec l = on("backend");
        Message aaaa = reply(query("cache.", AAAA), l); // IPv4 only: AAAA only for names on IPv6 networks
        assertEquals(Rcode.NOERROR, aaaa.getRcode());
        assertEquals(List.of(), answers(aaaa));
        Message mx = reply(query("db.", Type.MX), l);
        assertEquals(Rcode.NOERROR, mx.getRcode());
        assertEquals(List.of(), answers(mx));
    }

    @Test
    void ptrForContainerAddresses() {
        ListenerSpec l = on("backend");
        assertEquals(List.of("db.backend."), answers(reply(query("2.0.18.172.in-addr.arpa.", PTR), l)));
        String v6 = "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.1.0.0.0.0.d.f.ip6.arpa.";
        assertEquals(List.of("db.backend."), answers(reply(query(v6, PTR), l)));
        assertEquals(List.of("db.backend."), answers(reply(query(v6.toUpperCase(), PTR), l)));
        // not a container's address, or not a whole address (leading zero, partial name): forwarded
        assertInstanceOf(Answerer.Forward.class, ask(query("9.0.18.172.in-addr.arpa.", PTR), l));
        assertInstanceOf(Answerer.Forward.class, ask(query("02.0.18.172.in-addr.arpa.", PTR), l));
        assertInstanceOf(Answerer.Forward.class, ask(query("0.18.172.in-addr.arpa.", PTR), l));
        // the address of a container on another network is not answered here
        assertInstanceOf(Answerer.Forward.class, ask(query("2.0.19.172.in-addr.arpa.", PTR), l));
        assertEquals(List.of("web.frontend."), answers(reply(query("2.0.19.172.in-addr.arpa.", PTR), on("frontend"))));
    }

    @Test
    void namesOfOtherNetworksAreNotAnsweredFromTheirTables() {
        ListenerSpec l = on("frontend");
        byte[] q = query("db.", A);
        Answerer.Forward f = assertInstanceOf(Answerer.Forward.class, ask(q, l));
        assertArrayEquals(q, f.wire(), "the client's query goes upstream as it was sent");
        assertInstanceOf(Answerer.Forward.class, ask(query("db.backend.", A), l));
        assertInstanceOf(Answerer.Forward.class, ask(query("example.com.", A), l));
    }

    @Test
    void aContainerOnSeveralNetworksResolvesEveryOneInOrder() {
        NetworkNames other = NetworkNames.builder("other").add(endpoint("db", "10.9.0.2", null)).build();
        Map<String, NetworkNames> t = Map.of("backend", backend, "frontend", frontend, "other", other);
        ListenerSpec l = on("frontend", "backend", "other");
        byte[] q = query("db.", A);
        assertEquals(List.of("172.18.0.2"), answers(Queries.parse(((Answerer.Reply) answerer.answer(q, q.length, false,
                l, t)).wire())), "the first network that knows the name answers");
        q = query("db.other.", A);
        assertEquals(List.of("10.9.0.2"), answers(Queries.parse(((Answerer.Reply) answerer.answer(q, q.length, false,
                l, t)).wire())));
        assertEquals(List.of("172.19.0.2"), answers(reply(query("www.", A), l)));
    }

    @Test
    void internalListenersForwardNothing() {
        ListenerSpec l = on("backend").toBuilder().internal(true).build();
        assertEquals(List.of("172.18.0.2"), answers(reply(query("db.", A), l)));
        Message m = reply(query("example.com.", A), l);
        assertEquals(Rcode.SERVFAIL, m.getRcode(), "Docker's answer when an internal network's servers are unreachable");
        assertFalse(m.getHeader().getFlag(Flags.RA) && answers(m).size() > 0);
        assertEquals(Rcode.SERVFAIL, reply(query("web.", A), l).getRcode(), "another network's name either");
        // no upstreams at all: the same
        ListenerSpec none = ListenerSpec.builder("c").network("backend").build();
        assertEquals(Rcode.SERVFAIL, reply(query("example.com.", A), none).getRcode());
    }

    @Test
    void ndotsSetKeepsBareNamesLocal() {
        ListenerSpec l = on("backend").toBuilder().ndotsSet(true).build();
        Message m = reply(query("nothere.", A), l);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertEquals(List.of(), answers(m));
        assertInstanceOf(Answerer.Forward.class, ask(query("example.com.", A), l));
        assertInstanceOf(Answerer.Forward.class, ask(query("nothere.", A), on("backend")));
    }

    @Test
    void sharedAliasesGiveEveryAddressAndBigAnswersAreTruncated() {
        NetworkNames.Builder b = NetworkNames.builder("big");
        for (int i = 1; i <= 100; i++) b.add(endpoint("w" + i, "10.1.0." + i, null, "web"));
        Map<String, NetworkNames> t = Map.of("big", b.build());
        ListenerSpec l = ListenerSpec.builder("c").network("big").build();

        byte[] plain = query("web.", A);
        byte[] udp = ((Answerer.Reply) answerer.answer(plain, plain.length, false, l, t)).wire();
        assertTrue(udp.length <= 512, "no EDNS: at most 512 bytes, was " + udp.length);
        assertTrue(Queries.parse(udp).getHeader().getFlag(Flags.TC), "truncated answers say so");

        byte[] edns = Queries.message("web.", A, 4096).toWire();
        byte[] big = ((Answerer.Reply) answerer.answer(edns, edns.length, false, l, t)).wire();
        assertTrue(big.length <= 1232, "EDNS 4096 is capped at the limit, was " + big.length);
        assertTrue(Queries.parse(big).getHeader().getFlag(Flags.TC));
        assertEquals(1232, Queries.parse(big).getOPT().getPayloadSize());

        byte[] tcp = ((Answerer.Reply) answerer.answer(plain, plain.length, true, l, t)).wire();
        Message all = Queries.parse(tcp);
        assertFalse(all.getHeader().getFlag(Flags.TC));
        assertEquals(100, answers(all).size(), "TCP carries them all");
        assertEquals(2, counters.truncated.sum());

        byte[] small = Queries.message("web.", A, 100).toWire(); // below 512 counts as 512
        assertTrue(((Answerer.Reply) answerer.answer(small, small.length, false, l, t)).wire().length <= 512);
    }

    @Test
    void malformedInputGetsFormerrOrNothing() {
        ListenerSpec l = on("backend");
        assertSame(Answerer.Drop.INSTANCE, ask(new byte[5], l), "no header: nothing to answer");
        byte[] response = query("db.", A);
        response[2] |= (byte) 0x80;
        assertSame(Answerer.Drop.INSTANCE, ask(response, l), "never answer a response");

        byte[] update = query("db.", A);
        update[2] = (byte) (5 << 3); // opcode UPDATE
        assertEquals(Rcode.NOTIMP, rcodeOf(ask(update, l)));

        byte[] twoQuestions = query("db.", A);
        twoQuestions[5] = 2;
        Answerer.Reply r = assertInstanceOf(Answerer.Reply.class, ask(twoQuestions, l));
        assertEquals(12, r.wire().length, "a header only, never more than was sent");
        assertEquals(Rcode.FORMERR, r.wire()[3] & 0x0F);
        assertEquals(Wire.id(twoQuestions), Wire.id(r.wire()));

        byte[] cut = java.util.Arrays.copyOf(query("db.", A), 16);
        assertEquals(Rcode.FORMERR, rcodeOf(ask(cut, l)));
        byte[] loop = query("db.", A);
        loop[12] = (byte) 0xC0; // a compression pointer to itself
        loop[13] = 12;
        assertEquals(Rcode.FORMERR, rcodeOf(ask(loop, l)));
        assertEquals(6, counters.malformed.sum());
        assertEquals(0, counters.answeredLocally.sum());
    }

    private static int rcodeOf(Answerer.Outcome o) {
        return assertInstanceOf(Answerer.Reply.class, o).wire()[3] & 0x0F;
    }

    @Test
    void tablesAreSnapshotsEditedByCopy() {
        NetworkNames renamed = backend.without(name("db")).with(endpoint("db2", "172.18.0.2", null));
        Map<String, NetworkNames> t = Map.of("backend", renamed);
        ListenerSpec l = on("backend");
        byte[] q = query("db.", A);
        assertInstanceOf(Answerer.Forward.class, answerer.answer(q, q.length, false, l, t), "the old name is gone");
        assertInstanceOf(Answerer.Forward.class, answerer.answer(query("database.", A), q.length + 6, false, l, t));
        assertEquals(2, backend.endpoints().size(), "the old snapshot is unchanged");
        assertEquals("db2.backend", renamed.reverse(Queries.v4("172.18.0.2")));
        assertThrows(UnsupportedOperationException.class, () -> backend.endpoints().clear());
    }

    @Test
    void badSpecsAreTypedErrors() {
        assertThrows(ValidationException.class, () -> new Endpoint(name("x"), null, null, List.of()));
        assertThrows(ValidationException.class, () -> ListenerSpec.builder("c").listen(Queries.v4("10.0.0.1"), 53).build());
        assertThrows(ValidationException.class, () -> ListenerSpec.builder("../x").build());
        assertThrows(ValidationException.class, () -> NetworkNames.builder("a/b"));
        assertThrows(ValidationException.class, () -> new Upstream(IpAddress.parse("dns", "0.0.0.0"), 53));
        assertThrows(ValidationException.class, () -> new Upstream(IpAddress.parse("dns", "10.0.0.1"), 0));
        assertThrows(ValidationException.class, () -> DnsServerOptions.DEFAULTS.withRate(0, 1));
    }
}

package org.nlbridge.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.resolver.Queries.A;
import static org.nlbridge.resolver.Queries.answers;
import static org.nlbridge.resolver.Queries.endpoint;
import static org.nlbridge.resolver.Queries.query;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * The server over real sockets, without root: listeners on a random 127.x address of this namespace, a
 * {@link FakeUpstream} on 127.0.0.1. The namespace part (127.0.0.11 inside container namespaces, busybox and getent
 * as clients, dnsmasq upstream) is in tests-netns.
 */
class DnsServerTest {

    private static final DnsServerOptions FAST = DnsServerOptions.DEFAULTS.withUpstreamTimeout(Duration.ofMillis(300));
    /**
     * For tests whose upstreams answer: an upstream on a loaded machine may take longer than FAST's 300 ms, and a
     * timeout would turn its answer into SERVFAIL.
     */
    private static final DnsServerOptions PATIENT = DnsServerOptions.DEFAULTS.withUpstreamTimeout(Duration.ofSeconds(30));
    /** How long a client waits for an answer that must come: a bound for a loaded machine, not a pause. */
    private static final int WAIT = 30_000;

    private DnsServer server;
    private final List<FakeUpstream> upstreams = new java.util.ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) server.close();
        for (FakeUpstream u : upstreams) u.close();
    }

    private FakeUpstream upstream(FakeUpstream.Mode mode) throws IOException {
        FakeUpstream u = new FakeUpstream(mode);
        upstreams.add(u);
        return u;
    }

    private DnsServer start(DnsServerOptions o) {
        server = DnsServer.start(o, null);
        server.network(NetworkNames.builder("backend").add(endpoint("db", "172.18.0.2", null, "database")).build());
        server.network(NetworkNames.builder("frontend").add(endpoint("web", "172.19.0.2", null)).build());
        return server;
    }

    /** Attaches a listener on a free port of a random 127.x address; returns where it listens. */
    private InetSocketAddress attach(ListenerSpec.Builder b) throws IOException {
        for (int attempt = 0; ; attempt++) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            String ip = "127." + r.nextInt(100, 200) + "." + r.nextInt(1, 255) + "." + r.nextInt(1, 255);
            int port;
            try (DatagramChannel probe = DatagramChannel.open().bind(new InetSocketAddress(ip, 0))) {
                port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
            }
            try {
                server.attach(b.listen(Queries.v4(ip), port).build());
                return new InetSocketAddress(ip, port);
            } catch (ResolverException e) {
                if (attempt > 5) throw e; // the port was taken in between: try another
            }
        }
    }

    private static Message udp(InetSocketAddress at, String name) throws IOException {
        byte[] r = Client.udp(at, query(name, A), WAIT);
        assertNotNull(r, "no answer for " + name);
        return Queries.parse(r);
    }

    /** Waits until {@code what} holds of the server's stats; fails after a minute (a bound, not a pause). */
    private void until(java.util.function.Predicate<DnsStats> what, String description) throws InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (!what.test(server.stats()) && System.nanoTime() < end) Thread.sleep(1);
        assertTrue(what.test(server.stats()), description + ": " + server.stats());
    }

    @Test
    void answersContainerNamesOverUdpAndTcp() throws IOException {
        start(FAST);
        InetSocketAddress at = attach(ListenerSpec.builder("c1").network("backend"));
        assertEquals(List.of("172.18.0.2"), answers(udp(at, "db.")));
        assertEquals(List.of("172.18.0.2"), answers(udp(at, "database.")));
        byte[] q = query("db.", A);
        Message tcp = Queries.parse(Client.tcp(at, q, WAIT));
        assertEquals(List.of("172.18.0.2"), answers(tcp));
        assertEquals(Wire.id(q), tcp.getHeader().getID());
        assertEquals(Rcode.SERVFAIL, udp(at, "web.").getRcode(), "another network's name, and no upstream");
        assertEquals(0, server.stats().internalErrors());
    }

    @Test
    void forwardsOtherNamesAndRelaysTheAnswer() throws IOException {
        FakeUpstream up = upstream(FakeUpstream.Mode.ANSWER);
        start(PATIENT);
        InetSocketAddress at = attach(ListenerSpec.builder("c1").network("frontend").upstreams(List.of(up.upstream())));
        byte[] q = query("www.example.", A);
        Message m = Queries.parse(Client.udp(at, q, WAIT));
        assertEquals(Wire.id(q), m.getHeader().getID(), "the client's id comes back");
        assertEquals(List.of("192.0.2.1"), answers(m));
        assertEquals(Rcode.NXDOMAIN, udp(at, "db.").getRcode(), "backend's db is not ours: the upstream says no");
        assertEquals(List.of("192.0.2.1"), answers(Queries.parse(Client.tcp(at, query("tcp.example.", A), WAIT))));
        assertEquals(3, up.queries.get());
        assertEquals(List.of("172.19.0.2"), answers(udp(at, "web.")));
        assertEquals(3, up.queries.get(), "local names never go upstream");
        DnsStats s = server.stats();
        assertEquals(3, s.forwarded());
        assertEquals(3, s.upstreamAnswers());
        assertEquals(0, s.inFlight());
    }

    @Test
    void failingUpstreamsAreSkippedAndNoneLeftIsServfail() throws IOException {
        FakeUpstream silent = upstream(FakeUpstream.Mode.SILENT);
        FakeUpstream failing = upstream(FakeUpstream.Mode.SERVFAIL);
        FakeUpstream wrong = upstream(FakeUpstream.Mode.WRONG_QUESTION);
        FakeUpstream good = upstream(FakeUpstream.Mode.ANSWER);
        // the silent upstream's timeout, long enough that the others' answers never time out on a loaded machine
        start(FAST.withUpstreamTimeout(Duration.ofSeconds(5)).withTcp(4, 16, Duration.ofSeconds(5)));
        InetSocketAddress at = attach(ListenerSpec.builder("c1").network("frontend")
                .upstreams(List.of(silent.upstream(), failing.upstream(), good.upstream())));
        assertEquals(List.of("192.0.2.1"), answers(udp(at, "a.example.")), "timeout, SERVFAIL, then an answer");
        assertEquals(List.of("192.0.2.1"), answers(Queries.parse(Client.tcp(at, query("b.example.", A), WAIT))));

        server.update(server.listener("c1").toBuilder().upstreams(List.of(silent.upstream(), wrong.upstream(),
                failing.upstream())).build());
        assertEquals(Rcode.SERVFAIL, udp(at, "c.example.").getRcode());
        assertEquals(Rcode.SERVFAIL, Queries.parse(Client.tcp(at, query("d.example.", A), WAIT)).getRcode());
        DnsStats s = server.stats();
        // UDP: the silent one times out; over TCP it closes the connection unanswered, an error
        assertEquals(2, s.upstreamTimeouts(), s.toString());
        assertEquals(8, s.upstreamErrors(), s.toString());
        assertEquals(2, s.servfail());
        assertEquals(0, s.inFlight());
    }

    @Test
    void internalListenersNeverReachTheUpstream() throws IOException {
        FakeUpstream up = upstream(FakeUpstream.Mode.ANSWER);
        start(FAST);
        InetSocketAddress at = attach(ListenerSpec.builder("c1").network("backend").internal(true)
                .upstreams(List.of(up.upstream())));
        assertEquals(Rcode.SERVFAIL, udp(at, "www.example.").getRcode());
        assertEquals(Rcode.SERVFAIL, Queries.parse(Client.tcp(at, query("www.example.", A), WAIT)).getRcode());
        assertEquals(List.of("172.18.0.2"), answers(udp(at, "db.")));
        assertEquals(0, up.queries.get(), "nothing left the internal network");
    }

    @Test
    void oversizedUpstreamAnswersAreTruncatedToTheClientsSize() throws IOException {
        FakeUpstream up = upstream(FakeUpstream.Mode.ANSWER);
        start(PATIENT);
        InetSocketAddress at = attach(ListenerSpec.builder("c1").upstreams(List.of(up.upstream())));
        byte[] r = Client.udp(at, query("big.example.", A), WAIT);
        assertTrue(r.length <= 512, "no EDNS: 512 bytes at most, was " + r.length);
        assertTrue(Queries.parse(r).getHeader().getFlag(Flags.TC));
        Message whole = Queries.parse(Client.tcp(at, query("big.example.", A), WAIT));
        assertEquals(60, answers(whole).size(), "over TCP the client gets it all");
    }

    @Test
    void rateLimitDropsWhatExceedsTheBucket() throws Exception {
        start(FAST.withRate(1, 5));
        InetSocketAddress at = attach(ListenerSpec.builder("c1").network("backend"));
        int answered = 0;
        long start = System.nanoTime();
        try (DatagramChannel c = DatagramChannel.open()) {
            c.connect(at);
            for (int i = 0; i < 20; i++) c.write(ByteBuffer.wrap(query("db.", A)));
            // every reply is in our queue once the server has counted all 20 (loopback delivers as it sends)
            until(st -> st.answeredLocally() + st.rateLimited() == 20, "all 20 handled");
            c.configureBlocking(false);
            ByteBuffer b = ByteBuffer.allocate(512);
            while (c.receive(b.clear()) != null) answered++;
        }
        // a loaded machine may take longer than a second over the 20: a token more for every second it took
        long refilled = (System.nanoTime() - start) / 1_000_000_000L + 1;
        assertTrue(answered >= 5 && answered <= 5 + refilled, "answered " + answered + " of 20 with a burst of 5 in "
                + refilled + " s");
        assertEquals(20 - answered, server.stats().rateLimited(), server.stats().toString());
        try (SocketChannel c = SocketChannel.open(at)) {
            assertNull(Client.exchange(c, query("db.", A), WAIT), "over TCP too: the connection is closed");
        }
    }

    @Test
    void queriesOverTheInFlightLimitAreRefused() throws IOException {
        FakeUpstream silent = upstream(FakeUpstream.Mode.SILENT);
        // the two in flight wait far longer than the test takes, so the first answer is the third's REFUSED
        start(FAST.withUpstreamTimeout(Duration.ofSeconds(60)).withInFlight(2, 2));
        InetSocketAddress at = attach(ListenerSpec.builder("c1").upstreams(List.of(silent.upstream())));
        try (DatagramChannel c = DatagramChannel.open()) {
            c.connect(at);
            c.write(ByteBuffer.wrap(query("a.example.", A)));
            c.write(ByteBuffer.wrap(query("b.example.", A)));
            byte[] third = query("c.example.", A);
            c.write(ByteBuffer.wrap(third));
            c.socket().setSoTimeout(30_000); // a bound for a loaded machine: the answer comes before the others'
            byte[] b = new byte[512];
            var p = new java.net.DatagramPacket(b, b.length);
            c.socket().receive(p);
            byte[] r = java.util.Arrays.copyOf(b, p.getLength());
            assertEquals(Wire.id(third), Wire.id(r), "the third, at once");
            assertEquals(Rcode.REFUSED, Queries.parse(r).getRcode());
        }
        assertEquals(2, server.stats().inFlight());
        assertEquals(1, server.stats().refused());
    }

    @Test
    void tcpConnectionsAreLimitedAndIdleOnesClosed() throws Exception {
        start(FAST.withTcp(2, 16, Duration.ofMillis(400)));
        InetSocketAddress at = attach(ListenerSpec.builder("c1").network("backend"));
        try (SocketChannel a = SocketChannel.open(at); SocketChannel b = SocketChannel.open(at)) {
            assertNotNull(Client.exchange(a, query("db.", A), WAIT));
            assertNotNull(Client.exchange(b, query("db.", A), WAIT));
            try (SocketChannel c = SocketChannel.open(at)) {
                assertNull(Client.exchange(c, query("db.", A), WAIT), "a third connection is closed at once");
            }
            assertNotNull(Client.exchange(a, query("database.", A), WAIT), "one connection, several queries");
            long idleFrom = System.nanoTime();
            assertTrue(closedWithin(a, 60_000), "an idle connection is closed (after 400 ms)");
            assertTrue(System.nanoTime() - idleFrom >= 400_000_000L, "not before 400 ms idle");
        }
        assertEquals(1, server.stats().tcpRejected());
    }

    /** Whether the server closes {@code c} (we read the end of the stream) within {@code millis}; sends nothing. */
    private static boolean closedWithin(SocketChannel c, long millis) throws IOException, InterruptedException {
        c.configureBlocking(false);
        ByteBuffer b = ByteBuffer.allocate(512);
        long end = System.nanoTime() + millis * 1_000_000;
        try {
            while (System.nanoTime() < end) {
                if (c.read(b.clear()) < 0) return true;
                Thread.sleep(5);
            }
            return false;
        } catch (IOException reset) {
            return true;
        } finally {
            c.configureBlocking(true);
        }
    }

    @Test
    void tableSwapsTakeEffectForTheNextQuery() throws IOException {
        start(FAST);
        InetSocketAddress at = attach(ListenerSpec.builder("c1").network("backend"));
        assertEquals(List.of("172.18.0.2"), answers(udp(at, "db.")));
        NetworkNames t = server.networks().get("backend");
        server.network(t.without(Queries.name("db")).with(endpoint("db-renamed", "172.18.0.2", null)));
        assertEquals(Rcode.SERVFAIL, udp(at, "db.").getRcode(), "renamed: the old name is gone at once");
        assertEquals(List.of("172.18.0.2"), answers(udp(at, "db-renamed.")));

        server.update(server.listener("c1").toBuilder().networks(List.of("frontend")).build());
        assertEquals(List.of("172.19.0.2"), answers(udp(at, "web.")), "connected to frontend");
        assertEquals(Rcode.SERVFAIL, udp(at, "db-renamed.").getRcode(), "disconnected from backend");
        assertTrue(server.removeNetwork("frontend"));
        assertEquals(Rcode.SERVFAIL, udp(at, "web.").getRcode());

        assertTrue(server.detach("c1"));
        assertNull(Client.udp(at, query("db.", A), 500), "detached: nobody listens");
        assertFalse(server.detach("c1"));
        assertEquals(0, server.stats().listeners());
    }

    @Test
    void listenerErrorsAreTyped() throws IOException {
        start(FAST);
        InetSocketAddress at = attach(ListenerSpec.builder("c1").network("backend"));
        ListenerSpec clash = ListenerSpec.builder("c2").listen(Queries.v4(at.getHostString()), at.getPort()).build();
        ResolverException e = assertThrows(ResolverException.class, () -> server.attach(clash));
        assertTrue(e.getMessage().startsWith("cannot listen for DNS queries of c2 on " + at.getHostString() + ":"
                + at.getPort() + " in this process's namespace: "), e.getMessage());
        assertThrows(IllegalStateException.class,
                () -> server.attach(ListenerSpec.builder("c1").listen(Queries.v4("127.0.0.1"), 1).build()));
        assertThrows(IllegalStateException.class, () -> server.update(ListenerSpec.builder("nope").build()));
        server.close();
        assertThrows(IllegalStateException.class, () -> server.attach(ListenerSpec.builder("c3").build()));
    }

    @Test
    void fuzzThroughTheSocketNeverStopsTheServer() throws Exception {
        FakeUpstream up = upstream(FakeUpstream.Mode.ANSWER);
        // the default upstream timeout (4 s), not FAST's 300 ms: forwarding must not time out on a loaded machine
        start(DnsServerOptions.DEFAULTS.withRate(1_000_000, 1_000_000));
        InetSocketAddress at = attach(ListenerSpec.builder("c1").network("backend").upstreams(List.of(up.upstream())));
        Random r = new Random(42);
        int maxReply = 0;
        int packets = 3000;
        int sent = 0;
        try (DatagramChannel c = DatagramChannel.open()) {
            c.connect(at);
            c.configureBlocking(false);
            ByteBuffer in = ByteBuffer.allocate(65535);
            for (int i = 0; i < packets; i++) {
                byte[] p;
                if (i % 2 == 0) {
                    p = new byte[r.nextInt(600)];
                    r.nextBytes(p);
                } else {
                    p = query(i % 4 == 1 ? "db." : "x" + i + ".example.", A);
                    for (int k = r.nextInt(4); k > 0; k--) p[r.nextInt(p.length)] = (byte) r.nextInt();
                    p = java.util.Arrays.copyOf(p, r.nextInt(p.length + 1));
                }
                c.write(ByteBuffer.wrap(p));
                // one at a time: the server has counted this one before the next goes, so the socket's queue never
                // overflows (a dropped datagram would be a packet the fuzz never fed it) whatever the machine's load;
                // the JDK sends no empty datagram
                if (p.length > 0) sent++;
                int received = sent;
                until(st -> st.queries() >= received, "packet " + received + " received");
                in.clear();
                while (c.receive(in) != null) {
                    maxReply = Math.max(maxReply, in.position());
                    in.clear();
                }
            }
        }
        until(st -> st.inFlight() == 0, "every forwarded query answered or timed out");
        assertTrue(maxReply <= 512, "no reply above 512 bytes to queries without EDNS, saw " + maxReply);
        assertEquals(List.of("172.18.0.2"), answers(udp(at, "db.")), "still answering");
        assertEquals(List.of("192.0.2.1"), answers(udp(at, "after.example.")), "still forwarding");
        DnsStats s = server.stats();
        assertEquals(0, s.internalErrors(), s.toString());
        assertTrue(s.malformed() > packets / 3, s.toString());
    }
}

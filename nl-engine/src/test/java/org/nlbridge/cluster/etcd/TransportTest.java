package org.nlbridge.cluster.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fail-over and error typing against fake members on loopback: a member that is down or has no leader is skipped,
 * a transaction whose reply was lost is not sent twice, and garbage is a typed error.
 */
class TransportTest {
    private final List<HttpServer> servers = new ArrayList<>();

    /** A fake member answering every request with {@code status} and {@code body}; counts requests. */
    private String member(int status, String body, AtomicInteger hits) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", x -> {
            hits.incrementAndGet();
            x.getRequestBody().readAllBytes();
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(status, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        s.start();
        servers.add(s);
        return "127.0.0.1:" + s.getAddress().getPort();
    }

    private static String down() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    @AfterEach
    void stop() {
        for (HttpServer s : servers) s.stop(0);
    }

    private static final String RANGE = "{\"header\":{\"revision\":\"9\"},\"kvs\":[{\"key\":\"YQ==\",\"value\":\"Yg==\",\"mod_revision\":\"9\"}],\"count\":\"1\"}";
    private static final String NO_LEADER = "{\"error\":\"etcdserver: no leader\",\"message\":\"etcdserver: no leader\",\"code\":14}";
    private static final String TIMED_OUT = "{\"error\":\"etcdserver: request timed out\",\"message\":\"etcdserver: request timed out\",\"code\":14}";

    @Test
    void downAndLeaderlessMembersAreSkipped() throws IOException {
        AtomicInteger leaderless = new AtomicInteger();
        AtomicInteger good = new AtomicInteger();
        try (EtcdClient c = EtcdClient.open(EtcdConfig.plain(down(), member(503, NO_LEADER, leaderless), member(200, RANGE, good)))) {
            assertEquals("b", c.get("a").orElseThrow().value());
            assertEquals(1, leaderless.get());
            // the member that answered is asked first from now on
            c.get("a");
            assertEquals(1, leaderless.get());
            assertEquals(2, good.get());
        }
        // "no leader" means not applied, so even a transaction moves on
        AtomicInteger txns = new AtomicInteger();
        try (EtcdClient c = EtcdClient.open(EtcdConfig.plain(member(503, NO_LEADER, new AtomicInteger()),
                member(200, "{\"header\":{\"revision\":\"3\"},\"succeeded\":true}", txns)))) {
            assertTrue(c.txn().when(Compare.absent("k")).then(Op.put("k", "v")).commit().succeeded());
            assertEquals(1, txns.get());
        }
    }

    @Test
    void aTransactionWhoseOutcomeIsUnknownIsNotSentTwice() throws IOException {
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        try (EtcdClient c = EtcdClient.open(EtcdConfig.plain(member(503, TIMED_OUT, first), member(200, "{\"header\":{\"revision\":\"3\"}}", second)))) {
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                    () -> c.txn().when(Compare.absent("k")).then(Op.put("k", "v")).commit());
            assertTrue(e.outcomeUnknown());
            assertTrue(e.getMessage().endsWith("the write may have been applied"), e.getMessage());
            assertEquals(0, second.get());
            // a put leaves the same state when repeated: it moves on
            assertEquals(3, c.put("k", "v"));
            assertEquals(1, second.get());
        }
    }

    @Test
    void nobodyAnsweringIsOneErrorWithinTheDeadline() throws IOException {
        try (EtcdClient c = EtcdClient.open(EtcdConfig.parse("etcd://" + down() + "," + down(), java.util.Map.of("timeout", "700ms")))) {
            long t0 = System.nanoTime();
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> c.get("a"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 600 && ms < 3000, "took " + ms + " ms");
            assertEquals(2, e.attempts().size());
            assertTrue(e.attempts().getFirst().contains(": connection refused"), e.attempts().toString());
            assertFalse(e.outcomeUnknown());
        }
    }

    @Test
    void garbageIsAMalformedReply() throws IOException {
        for (String body : List.of("<html>oops</html>", "{\"kvs\":{}}", "{\"header\":{\"revision\":\"x\"}}")) {
            try (EtcdClient c = EtcdClient.open(EtcdConfig.plain(member(200, body, new AtomicInteger())))) {
                assertThrows(MalformedReplyException.class, () -> c.get("a"), body);
            }
        }
        try (EtcdClient c = EtcdClient.open(EtcdConfig.plain(member(502, "Bad Gateway", new AtomicInteger())))) {
            MalformedReplyException e = assertThrows(MalformedReplyException.class, () -> c.put("a", "b"));
            assertTrue(e.getMessage().contains("HTTP 502"), e.getMessage());
        }
        try (EtcdClient c = EtcdClient.open(EtcdConfig.plain(member(200, "{\"header\":{}}", new AtomicInteger())))) {
            assertThrows(MalformedReplyException.class, () -> c.grant(Duration.ofSeconds(5)), "a grant without an ID");
        }
    }
}

package org.nlbridge.cluster.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nlbridge.cluster.etcd.EtcdClient;
import org.nlbridge.cluster.etcd.EtcdConfig;
import org.nlbridge.cluster.etcd.StoreUnavailableException;

/**
 * A claim whose transaction's reply was lost ("the write may have been applied": etcd's "request timed out", or a
 * member dying with the request) is resolved by reading the key back, against a fake member on loopback that
 * answers each path as told: our value means won (not sent again), another's means lost, absent means sent once
 * more; a key that cannot be read back leaves the original, ambiguous, error.
 */
class ClaimsTest {
    private static final String TIMED_OUT = "{\"error\":\"etcdserver: request timed out\",\"message\":\"etcdserver: request timed out\",\"code\":14}";
    private static final String NO_LEADER = "{\"error\":\"etcdserver: no leader\",\"message\":\"etcdserver: no leader\",\"code\":14}";

    private record Reply(int status, String body) {}

    private final List<HttpServer> servers = new ArrayList<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    /** A fake member: {@code /v3/kv/txn} and {@code /v3/kv/range} answered by the n-th call (1-based). */
    private String member(IntFunction<Reply> txn, IntFunction<Reply> range) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", x -> {
            String path = x.getRequestURI().getPath();
            int n = hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            x.getRequestBody().readAllBytes();
            Reply r = path.endsWith("/txn") ? txn.apply(n) : path.endsWith("/range") ? range.apply(n)
                    : new Reply(404, "{}");
            byte[] b = r.body().getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(r.status(), b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        s.start();
        servers.add(s);
        return "127.0.0.1:" + s.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        for (HttpServer s : servers) s.stop(0);
    }

    private int calls(String path) {
        return hits.getOrDefault("/v3/kv/" + path, new AtomicInteger()).get();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String kv(String key, String value, long rev) {
        return "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\",\"create_revision\":\"" + rev
                + "\",\"mod_revision\":\"" + rev + "\",\"version\":\"1\"}";
    }

    /** A range reply holding {@code key = value}, or nothing. */
    private static Reply holding(String key, String value) {
        String kvs = value == null ? "[]" : "[" + kv(key, value, 7) + "]";
        return new Reply(200, "{\"header\":{\"revision\":\"7\"},\"kvs\":" + kvs + ",\"count\":\"" + (value == null ? 0 : 1) + "\"}");
    }

    /** A claim's transaction that won: its put, then the key read back. */
    private static Reply won(String key, String value) {
        return new Reply(200, "{\"header\":{\"revision\":\"8\"},\"succeeded\":true,\"responses\":[{\"response_put\":{}},"
                + "{\"response_range\":{\"kvs\":[" + kv(key, value, 8) + "],\"count\":\"1\"}}]}");
    }

    private static final Reply LOST = new Reply(503, TIMED_OUT);

    @Test
    void aLostReplyWhoseClaimWasAppliedIsOursWithoutSendingItAgain() throws IOException {
        try (EtcdClient c = EtcdClient.open(EtcdConfig.plain(member(n -> LOST, n -> holding("k", "h1/web"))))) {
            Claims.Claim claim = new Claims(c).claim("k", "h1/web", 0);
            assertTrue(claim.won());
            assertFalse(claim.fresh(), "the operations that went with it are not known to have run");
            assertEquals(1, calls("txn"), "sent once");
            assertEquals(1, calls("range"), "read back once");
        }
    }

    @Test
    void aLostReplyOfAClaimNotAppliedIsSentOnceMore() throws IOException {
        try (EtcdClient c = EtcdClient.open(EtcdConfig.plain(member(n -> n == 1 ? LOST : won("k", "h1/web"),
                n -> holding("k", null))))) {
            Claims.Claim claim = new Claims(c).claim("k", "h1/web", 0);
            assertTrue(claim.won());
            assertTrue(claim.fresh());
            assertEquals(2, calls("txn"));
        }
        // lost twice, absent twice: still unknown, and said so
        hits.clear();
        try (EtcdClient c = EtcdClient.open(EtcdConfig.plain(member(n -> LOST, n -> holding("k", null))))) {
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                    () -> new Claims(c).claim("k", "h1/web", 0));
            assertTrue(e.outcomeUnknown());
            assertEquals(2, calls("txn"));
        }
    }

    @Test
    void aLostReplyAndTheKeyHeldByAnotherIsLost() throws IOException {
        try (EtcdClient c = EtcdClient.open(EtcdConfig.plain(member(n -> LOST, n -> holding("k", "h2/db"))))) {
            Claims.Claim claim = new Claims(c).claim("k", "h1/web", 0);
            assertFalse(claim.won());
            assertEquals("h2/db", claim.holder().value());
            assertEquals(1, calls("txn"));
        }
    }

    @Test
    void theFirstFreeMovesOnWhenTheReadBackShowsAnotherHolder() throws IOException {
        String p = "/ipam/";
        try (EtcdClient c = EtcdClient.open(EtcdConfig.plain(member(n -> n == 1 ? LOST : won(p + "b", "h1/web"),
                n -> holding(p + "a", "h2/db"))))) {
            Optional<Claims.Claim> claim = new Claims(c).claimFirstFree(p, List.of(p + "a", p + "b").iterator(),
                    "h1/web", 0, java.util.Set.of(), k -> List.of());
            assertEquals(p + "b", claim.orElseThrow().holder().key());
            assertEquals(2, calls("txn"));
        }
        // our own value read back: that candidate is ours, nothing more is sent
        hits.clear();
        try (EtcdClient c = EtcdClient.open(EtcdConfig.plain(member(n -> LOST, n -> holding(p + "a", "h1/web"))))) {
            Optional<Claims.Claim> claim = new Claims(c).claimFirstFree(p, List.of(p + "a", p + "b").iterator(),
                    "h1/web", 0, java.util.Set.of(), k -> List.of());
            assertEquals(p + "a", claim.orElseThrow().holder().key());
            assertEquals(1, calls("txn"));
        }
    }

    @Test
    void aKeyThatCannotBeReadBackLeavesTheOutcomeUnknown() throws IOException {
        String m = member(n -> LOST, n -> new Reply(503, NO_LEADER));
        try (EtcdClient c = EtcdClient.open(EtcdConfig.parse("etcd://" + m, Map.of("timeout", "600ms")))) {
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                    () -> new Claims(c).claim("k", "h1/web", 0));
            assertTrue(e.outcomeUnknown(), e.getMessage());
            assertTrue(e.getMessage().endsWith("the write may have been applied"), e.getMessage());
            assertEquals(1, e.getSuppressed().length, "the failed read-back goes with it");
            assertEquals(1, calls("txn"));
        }
    }
}

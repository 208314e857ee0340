package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nlbridge.client.ApiJson;
import org.nlbridge.client.DaemonAddress;
import org.nlbridge.client.Event;
import org.nlbridge.client.HttpClient;
import org.nlbridge.client.RemoteEngine;
import org.nlbridge.cluster.ClusterEvent;
import org.nlbridge.testing.MemoryEngine;

/**
 * The API over a real socket against an engine in memory: the Docker-like network and container requests, and the
 * daemon's convergence when the cluster store returns.
 */
class DaemonApiTest {

    private Path dir;
    private Daemon daemon;
    private MemoryEngine engine;
    private DaemonAddress addr;

    @BeforeEach
    void start() throws IOException {
        dir = Files.createTempDirectory("nlbridge-api-");
        engine = new MemoryEngine();
        daemon = Daemon.withoutMonitor(engine);
        addr = DaemonAddress.parse("-H", "unix://" + dir.resolve("d.sock"));
        daemon.listen(addr, null, null);
    }

    @AfterEach
    void stop() throws IOException {
        daemon.close();
        Raw.deleteTree(dir);
    }

    private HttpClient.Response call(HttpClient c, String method, String path, String json) throws IOException {
        return c.send(method, path, json == null ? null : "application/json",
                json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void connectAndDisconnectLikeDocker() throws IOException {
        try (HttpClient c = HttpClient.connect(addr, null)) {
            assertEquals(201, call(c, "POST", "/v1/networks", "{\"name\":\"front\",\"bridge\":\"front0\",\"bip\":\"10.1.0.1/24\"}").status());
            assertEquals(201, call(c, "POST", "/v1/networks", "{\"name\":\"back\",\"bridge\":\"back0\",\"bip\":\"10.2.0.1/24\"}").status());
            assertEquals(201, call(c, "POST", "/v1/containers", "{\"name\":\"web\",\"network\":\"front\"}").status());
            var r = call(c, "POST", "/v1/networks/back/connect", "{\"container\":\"web\",\"ip\":\"10.2.0.9\",\"aliases\":[\"api\"]}");
            assertEquals(200, r.status(), r.text());
            assertEquals("{\"changes\":[{\"action\":\"create\",\"kind\":\"link\",\"object\":\"web:eth1\",\"detail\":\"veth, network back\"}]}",
                    r.text());
            assertEquals("[front, back]", engine.containers.get("web").attachments().stream().map(a -> a.network()).toList().toString());
            r = call(c, "POST", "/v1/networks/back/connect", "{\"container\":\"web\"}");
            assertEquals(409, r.status());
            assertEquals("{\"message\":\"container web is already on network back\"}", r.text());
            r = call(c, "POST", "/v1/networks/back/connect", "{\"container\":\"web2\"}");
            assertEquals(404, r.status());
            r = call(c, "POST", "/v1/networks/back/connect", "{\"container\":\"web\",\"vlan\":5}");
            assertEquals(400, r.status());
            assertTrue(r.text().contains("unknown key"), r.text());
            // the network a container is connected to cannot go
            r = call(c, "DELETE", "/v1/networks/back", null);
            assertEquals(409, r.status(), r.text());
            // disconnect the first network: the connected one becomes the first, its eth1 and address kept
            r = call(c, "POST", "/v1/networks/front/disconnect", "{\"container\":\"web\"}");
            assertEquals(200, r.status(), r.text());
            var web = engine.containers.get("web");
            assertEquals("back eth1 10.2.0.9", web.network() + " " + web.ifname() + " " + web.ip());
            r = call(c, "POST", "/v1/networks/front/disconnect", "{\"container\":\"web\"}");
            assertEquals(404, r.status(), r.text());
            r = call(c, "GET", "/v1/desired", null);
            assertTrue(r.text().contains("\"name\":\"web\",\"netns\":\"web\",\"network\":\"back\",\"ifname\":\"eth1\",\"hostname\":\"web\",\"mac\":null,\"ip\":\"10.2.0.9\""), r.text());
            assertTrue(r.text().contains("\"aliases\":[\"api\"]"), r.text());
        }
    }

    /** The containers in a {@code GET /v1/status}, in its order. */
    private static List<String> statusNames(HttpClient c) throws IOException {
        List<String> out = new ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(c.send("GET", "/v1/status", null, null).text())
                .path("containers").forEach(x -> out.add(x.path("name").asText()));
        return out;
    }

    /**
     * Issue 14: {@code status} is served from what the daemon committed, not read from the engine's store per request:
     * a request on one container re-reads that container's rows alone, anything else all of them, and status
     * requests read none ({@link MemoryEngine#rowReads}), yet always show what was last committed.
     */
    @Test
    void statusIsServedFromMemoryAndKeptUpToDate() throws IOException {
        try (HttpClient c = HttpClient.connect(addr, null)) {
            assertEquals(201, call(c, "POST", "/v1/networks", "{\"name\":\"bridge\",\"bridge\":\"nlb0\",\"bip\":\"10.9.0.1/16\"}").status());
            assertEquals(201, call(c, "POST", "/v1/containers", "{\"name\":\"web\"}").status());
            assertEquals(201, call(c, "POST", "/v1/containers", "{\"name\":\"db\"}").status());
            engine.rowReads.clear();
            engine.calls.clear();
            for (int i = 0; i < 3; i++) assertEquals(List.of("db", "web"), statusNames(c));
            assertEquals(List.of(), engine.rowReads, "status requests read no rows");
            assertEquals(List.of("status", "status", "status"), engine.calls);

            assertEquals(201, call(c, "POST", "/v1/containers", "{\"name\":\"app\"}").status());
            assertEquals(List.of("app"), engine.rowReads, "one more container: its rows alone");
            assertEquals(List.of("app", "db", "web"), statusNames(c));
            assertEquals(200, call(c, "DELETE", "/v1/containers/web", null).status());
            assertEquals(List.of("app", "db"), statusNames(c));
            var r = call(c, "GET", "/v1/containers", null);
            assertTrue(r.text().contains("\"app\"") && !r.text().contains("\"web\""), r.text());
            assertEquals(List.of("app", "web"), engine.rowReads);

            // a failed request, then a network: everything is read again
            engine.failNext = new IllegalStateException("boom");
            assertEquals(500, call(c, "POST", "/v1/containers", "{\"name\":\"late\"}").status());
            assertEquals("*", engine.rowReads.getLast());
            assertEquals(List.of("app", "db"), statusNames(c));
            assertEquals(201, call(c, "POST", "/v1/networks", "{\"name\":\"other\",\"bridge\":\"nlb1\",\"bip\":\"10.8.0.1/16\"}").status());
            assertEquals("*", engine.rowReads.getLast());
            assertTrue(call(c, "GET", "/v1/status", null).text().contains("\"nlb1\""));
        }
    }

    @Test
    void networksAndContainersLikeDocker() throws IOException {
        try (HttpClient c = HttpClient.connect(addr, null)) {
            var r = call(c, "POST", "/v1/networks", "{\"name\":\"bridge\",\"bridge\":\"nlb0\",\"bip\":\"10.9.0.1/16\"}");
            assertEquals(201, r.status(), r.text());
            assertEquals("{\"changes\":[{\"action\":\"create\",\"kind\":\"link\",\"object\":\"nlb0\",\"detail\":\"bridge\"},"
                    + "{\"action\":\"create\",\"kind\":\"address\",\"object\":\"nlb0 10.9.0.1/16\",\"detail\":\"\"}]}", r.text());
            assertEquals(409, call(c, "POST", "/v1/networks", "{\"name\":\"bridge\"}").status());
            r = call(c, "POST", "/v1/containers", "{\"name\":\"web\",\"publish\":[\"8080:80\"]}");
            assertEquals(201, r.status(), r.text());
            r = call(c, "POST", "/v1/containers/web/publish", "{\"spec\":\"5353:53/udp\"}");
            assertEquals(200, r.status(), r.text());
            assertEquals("[8080:80/tcp, 5353:53/udp]", engine.containers.get("web").publish().toString());
            r = call(c, "POST", "/v1/containers/web/unpublish", "{\"spec\":\"8080:80\"}");
            assertEquals(200, r.status(), r.text());
            assertEquals("[5353:53/udp]", engine.containers.get("web").publish().toString());
            r = call(c, "POST", "/v1/containers/web/unpublish", "{\"spec\":\"8080:80\"}");
            assertEquals(404, r.status());
            assertEquals("{\"message\":\"container web does not publish 8080:80/tcp (it publishes [5353:53/udp])\"}", r.text());
            r = call(c, "DELETE", "/v1/networks/bridge", null);
            assertEquals(409, r.status());
            assertEquals("{\"message\":\"network bridge has containers: web (remove them first)\"}", r.text());
            r = call(c, "GET", "/v1/networks/bridge", null);
            assertEquals(200, r.status());
            assertTrue(r.text().contains("\"containers\":[\"web\"]"), r.text());
            // a refused request leaves the desired state as it was
            r = call(c, "POST", "/v1/networks", "{\"name\":\"other\",\"bridge\":\"taken0\",\"bip\":\"10.10.0.1/16\"}");
            assertEquals(400, r.status());
            assertEquals("{\"message\":\"invalid network other: bridge \\\"taken0\\\": exists but is a veth interface; expected a"
                    + " bridge, or a name that is not taken\"}", r.text());
            var desired = ApiJson.desiredState(ApiJson.parse("d", call(c, "GET", "/v1/desired", null).body()));
            assertEquals(List.of("bridge"), desired.networks().stream().map(n -> n.name()).toList());
            assertEquals(200, call(c, "DELETE", "/v1/containers/web", null).status());
            assertEquals(200, call(c, "DELETE", "/v1/networks/bridge", null).status());
            assertTrue(engine.networks.isEmpty() && engine.containers.isEmpty());
            assertEquals(404, call(c, "DELETE", "/v1/networks/bridge", null).status());
        }
    }

    @Test
    void notFoundIsAnsweredByTheFailuresTypeNotItsText() throws IOException {
        try (HttpClient c = HttpClient.connect(addr, null)) {
            var r = call(c, "GET", "/v1/containers/nope/runtime", null);
            assertEquals(404, r.status(), r.text()); // the engine's NotFoundException
            assertEquals("{\"message\":\"invalid container \\\"nope\\\": no such container in the state /tmp/state; expected"
                    + " the name of a container applied from a script\"}", r.text());
            // a reference the desired state cannot resolve is invalid input, whatever its reason says
            r = call(c, "POST", "/v1/containers", "{\"name\":\"web\",\"network\":\"nope\"}");
            assertEquals(400, r.status(), r.text());
            assertTrue(r.text().contains("no such network in this script"), r.text());
        }
    }

    @Test
    void concurrentClientsAreServedOneOperationAtATime() throws Exception {
        try (HttpClient c = HttpClient.connect(addr, null)) {
            assertEquals(201, call(c, "POST", "/v1/networks", "{\"name\":\"bridge\"}").status());
        }
        int clients = 8;
        int each = 25;
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            int id = t;
            threads.add(Thread.ofPlatform().start(() -> {
                try (HttpClient c = HttpClient.connect(addr, null)) {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        var r = call(c, "POST", "/v1/containers", "{\"name\":\"c" + id + "-" + i + "\"}");
                        if (r.status() != 201) failures.add(r.text());
                    }
                    for (int i = 0; i < each; i++) {
                        var r = call(c, "DELETE", "/v1/containers/c" + id + "-" + i, null);
                        if (r.status() != 200) failures.add(r.text());
                    }
                } catch (Exception e) {
                    failures.add(e.toString());
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) t.join();
        assertEquals(List.of(), failures);
        assertEquals(1, engine.maxInside, "the engine was entered by one request at a time");
        assertTrue(engine.containers.isEmpty(), engine.containers.keySet().toString());
    }

    @Test
    void eventsReportWhatTheEngineDid() throws Exception {
        List<Event> seen = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch two = new CountDownLatch(2);
        Thread reader = Thread.ofPlatform().start(() -> {
            try (RemoteEngine r = RemoteEngine.connect(addr, null)) {
                // every kept event: none of type engine before the calls below, so it does not matter when the stream
                // opens relative to them (with 0, only new events, a slow subscription missed them)
                r.events(-1, List.of("engine"), e -> {
                    seen.add(e);
                    two.countDown();
                    return two.getCount() > 0;
                });
            }
        });
        try (HttpClient c = HttpClient.connect(addr, null)) {
            call(c, "POST", "/v1/networks", "{\"name\":\"bridge\"}");
            call(c, "POST", "/v1/containers", "{\"name\":\"web\"}");
        }
        assertTrue(two.await(60, TimeUnit.SECONDS), seen.toString());
        reader.join(60_000);
        assertEquals(List.of("create", "connect"), seen.stream().map(Event::action).toList());
        assertEquals("container web", seen.get(1).object());
        assertTrue(seen.get(1).detail().startsWith("2 created (user "), seen.get(1).detail());
        assertEquals(List.of("+ netns web", "+ link web:eth0 (veth, network bridge)"),
                seen.get(1).changes().stream().map(Object::toString).toList());
        // replay of kept events
        List<Event> all = new ArrayList<>();
        try (RemoteEngine r = RemoteEngine.connect(addr, null)) {
            r.events(-1, List.of(), e -> all.add(e) && all.size() < 3);
        }
        assertEquals(List.of("daemon", "engine", "engine"), all.stream().map(Event::type).toList());
    }

    /** The daemon refuses a container whose netns is its host namespace, before the engine sees it (issue 16 item 9). */
    @Test
    void aContainerInTheHostNamespaceIsRefused() throws IOException {
        daemon.hostNamespace = org.nlbridge.engine.HostNamespace.of("hostns");
        String why = "{\"message\":\"invalid container web: netns \\\"hostns\\\": it is the host namespace"
                + " (--host-netns hostns), where the container's eth0 and default route would land; expected a namespace"
                + " of the container's own (network 'host' is the way to share the host's)\"}";
        try (HttpClient c = HttpClient.connect(addr, null)) {
            assertEquals(201, call(c, "POST", "/v1/networks", "{\"name\":\"bridge\"}").status());
            engine.calls.clear();
            var r = call(c, "POST", "/v1/containers", "{\"name\":\"web\",\"netns\":\"hostns\"}");
            assertEquals(400, r.status());
            assertEquals(why, r.text());
            String desired = "{\"networks\":[{\"name\":\"bridge\"}],\"containers\":[{\"name\":\"web\",\"netns\":\"hostns\"}]}";
            for (String path : List.of("/v1/plan", "/v1/apply")) {
                r = call(c, "POST", path, desired);
                assertEquals(400, r.status(), path);
                assertEquals(why, r.text(), path);
            }
            assertEquals(List.of(), engine.calls, "the engine never saw it");
            assertEquals(201, call(c, "POST", "/v1/containers", "{\"name\":\"web\",\"netns\":\"web\"}").status());
        }
    }

    /** Waits until the event stream a test's reader opened is admitted (a pause of 200 ms decided it before). */
    private void subscribed() throws InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (daemon.http().inUse()[2] < 1 && System.nanoTime() < end) Thread.sleep(5);
        assertEquals(1, daemon.http().inUse()[2], "the reader's event stream is open");
    }

    @Test
    void aStoppingDaemonEndsStreamsWithItsStopEvent() throws Exception {
        List<Event> seen = Collections.synchronizedList(new ArrayList<>());
        Thread reader = Thread.ofPlatform().start(() -> {
            try (RemoteEngine r = RemoteEngine.connect(addr, null)) {
                r.events(-1, List.of("daemon"), e -> seen.add(e)); // from its start: the stop cannot be missed
            }
        });
        subscribed();
        daemon.close();
        reader.join(60_000);
        assertTrue(!reader.isAlive(), "the stream ended");
        List<String> actions = seen.stream().map(Event::action).toList();
        assertEquals("stop", actions.getLast(), actions.toString());
        assertEquals(1, actions.stream().filter("stop"::equals).count(), actions.toString());
    }

    /**
     * Repairs that fail while the cluster store is away back off (up to 30 s); when the store answers again the
     * daemon converges at once, not after the backoff it had reached.
     */
    @Test
    void theStoreBackEndsTheBackoffOfFailedRepairs() throws Exception {
        ClusterEvents events = new ClusterEvents();
        events.deliverTo(daemon);
        try (HttpClient c = HttpClient.connect(addr, null)) {
            byte[] net = "{\"name\":\"ov\",\"bridge\":\"ov0\",\"bip\":\"10.9.0.1/24\"}".getBytes(StandardCharsets.UTF_8);
            assertEquals(201, c.send("POST", "/v1/networks", "application/json", net).status());
            // the store is away: six repairs fail in a row, then the retry they scheduled (after 0.5 s) fails too:
            // the next attempt is 30 s away
            engine.failure = new IllegalStateException("the cluster store is unreachable");
            int first = engine.reconciles;
            for (int i = 0; i < 6; i++) {
                HttpClient.Response r = c.send("POST", "/v1/reconcile", null, null);
                assertEquals(500, r.status(), r.text());
            }
            long w = System.nanoTime();
            while (engine.reconciles < first + 7 && System.nanoTime() - w < 10_000_000_000L) Thread.sleep(20);
            assertTrue(engine.reconciles >= first + 7, "the retry after the first backoff ran");
        }
        engine.failure = null;
        int before = engine.reconciles;
        events.accept(new ClusterEvent("cluster", "connected", "host h1", "cluster store reachable"));
        long t0 = System.nanoTime();
        while (engine.reconciles == before && System.nanoTime() - t0 < 8_000_000_000L) Thread.sleep(20);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(engine.reconciles > before, "no repair within 8 s of the store's return (the backoff was 30 s)");
        assertTrue(ms < 8_000, ms + " ms");
    }
}

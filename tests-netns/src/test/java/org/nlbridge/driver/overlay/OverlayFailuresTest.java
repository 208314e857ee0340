package org.nlbridge.driver.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.daemon.DaemonProcess;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;

/**
 * The overlay's failure cases on three hosts ({@link OverlayWorld}), each checked with packets and with
 * {@code bridge -j fdb} / {@code ip -j neigh}: a daemon killed -9 leaves its host's data plane and its peers' entries in
 * place, and on restart adopts (empty plan) and catches up; an etcd member lost with quorum kept changes nothing
 * visible; the store unreachable keeps existing traffic flowing, refuses new attachments with a clear error and
 * converges once it is back; a host gone for good is withdrawn everywhere after {@code discovery.ttl}.
 */
@ExtendWith(SandboxExtension.class)
class OverlayFailuresTest {
    static final int TTL = 8;

    /** Two containers a and b on each host, declared and applied one host after the other. */
    private static Map<String, String> twoPerHost(OverlayWorld w) {
        w.declareEverywhere("ov", OverlayWorld.SUBNET);
        Map<String, String> ip = new LinkedHashMap<>();
        for (int h = 1; h <= 3; h++) {
            for (String x : List.of("a", "b")) {
                w.daemon(h).call("POST", "/v1/containers", w.container("h" + h + x, "ov")).ok();
                ip.put("h" + h + x, w.ip(h, "h" + h + x));
            }
        }
        for (int h = 1; h <= 3; h++) {
            int host = h;
            OverlayWorld.await(5000, "host " + h + " has the 4 remote containers' entries",
                    () -> w.entries(host, "ov").size() == 8);
        }
        return ip;
    }

    private static boolean plansNothing(DaemonProcess d) {
        JsonNode desired = d.call("GET", "/v1/desired", null).ok().body();
        JsonNode plan = d.call("POST", "/v1/plan", desired).ok().body();
        return plan.path("changes").isEmpty();
    }

    @Test
    void aKilledDaemonLeavesTrafficFlowingAndCatchesUpAndALostEtcdMemberChangesNothing(Sandbox sb) {
        OverlayWorld w = OverlayWorld.start(sb, TTL);
        try {
            Map<String, String> ip = twoPerHost(w);
            TreeSet<String> h2Before = w.entries(2, "ov");
            TreeSet<String> h1Before = w.entries(1, "ov");

            // kill -9: the host's data plane and its entries for its peers stay, and so do the peers' entries for it
            w.daemon(2).kill9();
            Tcp.pings(w.ns("h2a"), ip.get("h1a"));
            Tcp.pings(w.ns("h3a"), ip.get("h2b"));
            assertEquals(h2Before, w.entries(2, "ov"));
            assertEquals(h1Before, w.entries(1, "ov"));

            // meanwhile the cluster changes: a container comes on h1, one goes on h3
            w.daemon(1).call("POST", "/v1/containers", w.container("h1c", "ov")).ok();
            String h1c = w.ip(1, "h1c");
            w.daemon(3).call("DELETE", "/v1/containers/h3b", null).ok();

            // restarted within the TTL: it adopts (nothing to do) and catches up from its cursor
            w.daemon(2).start();
            assertTrue(plansNothing(w.daemon(2)), "the restarted daemon's plan is empty");
            OverlayWorld.await(5000, "h2 caught up: h1c in, h3b out", () -> {
                String all = w.entries(2, "ov").toString();
                return all.contains("arp " + h1c + " ") && !all.contains("arp " + ip.get("h3b") + " ");
            });
            Tcp.pings(w.ns("h2a"), h1c);
            Tcp.noPing(w.ns("h2a"), ip.get("h3b"));
            String log = w.daemon(2).log();
            assertTrue(log.contains("took over lease"), "the restarted daemon kept its lease:\n" + log);
            assertTrue(log.contains("the host matches: nothing re-created"), log);
            TreeSet<String> forH2 = new TreeSet<>(h1Before);
            forH2.removeIf(e -> !e.contains(OverlayWorld.underlay(2)) && !e.contains(ip.get("h2a") + " ")
                    && !e.contains(ip.get("h2b") + " "));
            assertEquals(4, forH2.size(), forH2.toString());
            assertTrue(w.entries(1, "ov").containsAll(forH2), "h1's entries for h2's containers stayed all along");

            // one etcd member lost, quorum kept: nothing visible
            w.etcd.kill(3);
            for (int h = 1; h <= 3; h++) {
                w.daemon(h).call("POST", "/v1/containers", w.container("m" + h, "ov")).ok();
            }
            for (int h = 1; h <= 3; h++) {
                String m = w.ip(h, "m" + h);
                int other = h % 3 + 1;
                OverlayWorld.await(3000, "m" + h + " reachable from h" + other, () -> Tcp.ping(w.ns("h" + other + "a"), m));
                assertEquals("reachable", w.status(h).path("overlays").get(0).path("store").asText());
            }
            for (int h = 1; h <= 3; h++) {
                assertFalse(w.daemon(h).log().contains("cluster disconnected"), "h" + h + " saw no outage");
            }
            w.etcd.restart(3);
        } catch (Throwable t) {
            System.out.println(w.logs());
            throw t;
        }
    }

    @Test
    void anUnreachableStoreKeepsTrafficRefusesNewContainersThenConvergesAndAHostGoneIsWithdrawn(Sandbox sb) {
        OverlayWorld w = OverlayWorld.start(sb, TTL);
        try {
            Map<String, String> ip = twoPerHost(w);

            // two of three members gone: no quorum, the store is unreachable
            w.etcd.kill(2);
            w.etcd.kill(3);
            Tcp.pings(w.ns("h1a"), ip.get("h2a"));
            Map<String, Object> desired = new LinkedHashMap<>();
            desired.put("networks", List.of(OverlayWorld.overlay("ov", OverlayWorld.SUBNET)));
            List<Object> ctrs = new ArrayList<>();
            for (String x : List.of("h1a", "h1b")) ctrs.add(Map.of("name", x, "netns", w.ns(x), "network", "ov"));
            ctrs.add(w.container("late", "ov"));
            desired.put("containers", ctrs);
            DaemonProcess.Answer a = w.daemon(1).call("POST", "/v1/apply", desired);
            assertEquals(500, a.status(), a.body().toString());
            String msg = a.body().path("message").asText();
            assertTrue(msg.contains("container late") && msg.contains("the cluster store is unreachable"), msg);
            for (JsonNode c : w.status(1).path("containers")) {
                if (c.path("name").asText().equals("late")) assertTrue(c.path("ipv4").isNull(), "no address guessed: " + c);
            }
            Tcp.pings(w.ns("h2b"), ip.get("h1b")); // and existing traffic still flows
            Tcp.pings(w.ns("h3a"), ip.get("h1a"));

            // the store back: the container the daemon still wants is attached, and reachable from the others
            w.etcd.restart(2, 3);
            long ms = OverlayWorld.await(30_000, "late attached once the store is back", () -> hasAddress(w, 1, "late"));
            String late = w.ip(1, "late");
            OverlayWorld.await(5000, "late reachable from h2", () -> Tcp.ping(w.ns("h2a"), late));
            System.out.println("overlay-figures: store back after an outage: the pending container was attached within "
                    + ms + " ms");

            // h3 gone for good (daemon killed, never back): withdrawn everywhere after the TTL
            w.daemon(3).kill9();
            long t0 = System.nanoTime();
            for (int h = 1; h <= 2; h++) {
                int host = h;
                OverlayWorld.await((TTL + 15) * 1000L, "h" + h + " withdrew h3's containers", () ->
                        w.entries(host, "ov").stream().noneMatch(e -> e.contains(ip.get("h3a") + " ")
                                || e.endsWith(" " + OverlayWorld.underlay(3))));
            }
            long gone = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("overlay-figures: a host gone for good was withdrawn everywhere " + gone + " ms after its"
                    + " daemon died (discovery.ttl " + TTL + " s)");
            // the lease runs out TTL after h3's last keep-alive, which went out up to TTL/3 before the kill (Lease)
            long earliest = TTL * 1000L * 2 / 3 - 500;
            assertTrue(gone >= earliest, "not before its lease could expire (" + earliest + " ms): " + gone + " ms");
            Tcp.noPing(w.ns("h1a"), ip.get("h3a"));
            assertTrue(w.etcdKeys("/nlbridge/v1/").stream().noneMatch(k -> k.contains(hostId(w, 3))),
                    "no key of h3 left in the store");
            assertEquals(1, w.status(1).path("overlays").get(0).path("peers").size(), "h1 sees only h2 now");
        } catch (Throwable t) {
            System.out.println(w.logs());
            throw t;
        }
    }

    /**
     * Every etcd member frozen (SIGSTOP) while h1 claims an address: the claim's transaction is sent and its reply
     * never comes, so it may or may not have been applied, and h1 has no other sign of the outage (its watch's stream
     * stays open, its lease outlives the freeze, which the long TTL ensures). h1 must keep probing until the store
     * answers, then attach the container it still wants, holding exactly one address for it in the store.
     */
    @Test
    void aStoreThatFreezesDuringAnAttachIsProbedUntilItAnswersAndTheClaimIsResolved(Sandbox sb) {
        OverlayWorld w = OverlayWorld.start(sb, 30);
        try {
            w.declareEverywhere("ov", OverlayWorld.SUBNET);
            w.daemon(1).call("POST", "/v1/containers", w.container("h1a", "ov")).ok();
            w.daemon(2).call("POST", "/v1/containers", w.container("h2a", "ov")).ok();
            OverlayWorld.await(5000, "h2 has h1a's entries", () -> w.entries(2, "ov").size() == 2);

            Map<String, Object> desired = new LinkedHashMap<>();
            desired.put("networks", List.of(OverlayWorld.overlay("ov", OverlayWorld.SUBNET)));
            desired.put("containers", List.of(Map.of("name", "h1a", "netns", w.ns("h1a"), "network", "ov"),
                    w.container("late", "ov")));
            DaemonProcess.Answer a;
            for (int m = 1; m <= 3; m++) w.etcd.pause(m);
            try {
                a = w.daemon(1).call("POST", "/v1/apply", desired);
            } finally {
                for (int m = 1; m <= 3; m++) w.etcd.resume(m);
            }
            assertEquals(500, a.status(), a.body().toString());
            String msg = a.body().path("message").asText();
            assertTrue(msg.contains("container late") && msg.contains("the write may have been applied"), msg);

            long ms = OverlayWorld.await(30_000, "late attached once the store answers again", () -> hasAddress(w, 1, "late"));
            String late = w.ip(1, "late");
            OverlayWorld.await(5000, "late reachable from h2", () -> Tcp.ping(w.ns("h2a"), late));
            String holder = hostId(w, 1) + "/late";
            List<String> claims = w.etcdGet("/nlbridge/v1/networks/ov/ipam/").entrySet().stream()
                    .filter(e -> e.getValue().equals(holder)).map(e -> e.getKey().replaceAll(".*/", "")).toList();
            assertEquals(List.of(late), claims, "one address held for late in the store, the one it has");
            String log = w.daemon(1).log();
            assertTrue(log.indexOf("cluster connected") < log.lastIndexOf("cluster connected"), "h1 connected again");
            // and h1 follows the network again: a container attached on h2 now reaches h1's entries
            w.daemon(2).call("POST", "/v1/containers", w.container("h2b", "ov")).ok();
            String h2b = w.ip(2, "h2b");
            OverlayWorld.await(5000, "h1 has h2b's entries", () -> w.entries(1, "ov").toString().contains("arp " + h2b + " "));
            System.out.println("overlay-figures: a store frozen during an attach: attached within " + ms
                    + " ms of the store answering again");
        } catch (Throwable t) {
            System.out.println(w.logs());
            throw t;
        }
    }

    /** Whether host {@code host}'s daemon reports {@code container} with an address. */
    private static boolean hasAddress(OverlayWorld w, int host, String container) {
        for (JsonNode c : w.status(host).path("containers")) {
            if (c.path("name").asText().equals(container) && !c.path("ipv4").isNull()) return true;
        }
        return false;
    }

    /** The cluster host ID of a host (from its state directory's host.json, as the daemon wrote it). */
    private static String hostId(OverlayWorld w, int host) {
        try {
            JsonNode o = DaemonProcess.JSON.readTree(w.daemon(host).state.resolve("overlay/host.json").toFile());
            return o.path("host").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

package org.nlbridge.driver.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.cluster.ClusterOptions;
import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineOptions;
import org.nlbridge.engine.Engines;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netns.NetNs;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.daemon.DaemonProcess;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;

/**
 * One overlay network across three hosts, each with its own daemon, on a three-member etcd ({@link OverlayWorld}):
 * 3 x 10 containers applied at the same moment get 30 distinct addresses; every host holds exactly the forwarding
 * entries for the other hosts' containers (checked with {@code bridge -j fdb} and {@code ip -j neigh}); containers
 * reach each other by ping and TCP with their own source addresses; a new container is reachable from the other
 * hosts within a second and its removal is withdrawn everywhere; containers go out masqueraded and take published
 * ports on their own host; an overlay and a bridge network on one host stay isolated; a host that declares the
 * network differently is refused with the key named. Figures are printed as {@code overlay-figures:} lines.
 */
@ExtendWith(SandboxExtension.class)
class OverlayNetworkTest {

    @Test
    void containersOnThreeHostsShareOneNetwork(Sandbox sb) throws Exception {
        Tcp.assumeAvailable();
        OverlayWorld w = OverlayWorld.start(sb, 10);
        try {
            scenario(sb, w);
        } catch (Throwable t) {
            System.out.println(w.logs());
            throw t;
        }
    }

    /**
     * The one-shot CLI (or any engine opened without the daemon's cluster options) refuses an overlay network before
     * any change, saying where overlay networks live; a daemon's advertise interface that does not exist is named.
     */
    @Test
    void withoutTheClusterStoreAnOverlayIsRefusedBeforeAnyChange(Sandbox sb, @TempDir Path tmp) {
        String host = sb.netns("host");
        DesiredState d = DesiredState.EMPTY.withNetwork(NetworkSpec.of("ov", b -> b.driver("overlay").subnet(OverlayWorld.SUBNET)));
        try (Engine e = Engines.open(new EngineOptions(host, tmp.resolve("state")))) {
            ValidationException x = assertThrows(ValidationException.class, () -> e.plan(d));
            assertEquals("invalid network ov: driver \"overlay\": an overlay network needs the cluster store, and only a"
                    + " daemon holds it (its host lease and its watch); this engine has none; expected nlbridge daemon"
                    + " --cluster-store etcd://HOST:PORT --cluster-advertise IP|IFNAME with the script sent to it (-H), or"
                    + " driver 'bridge'", x.getMessage());
            assertThrows(ValidationException.class, () -> e.apply(d, null));
        }
        assertEquals(List.of("lo"), Oracle.ip(host, "link").findValuesAsText("ifname"), "nothing was made");
        try (NetNs ns = NetNs.open(host)) {
            assertEquals("invalid cluster-advertise \"eth9\": no such interface in the host namespace; expected "
                    + ClusterOptions.ACCEPTED_ADVERTISE, assertThrows(ValidationException.class,
                    () -> OverlayDriver.checkUnderlay(ns, "eth9")).getMessage());
        }
    }

    private static void scenario(Sandbox sb, OverlayWorld w) throws Exception {
        w.declareEverywhere("ov", OverlayWorld.SUBNET);

        // 3 hosts x 10 containers, applied at the same moment (one request per host, released together)
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        for (int h = 1; h <= 3; h++) {
            Map<String, Object> desired = new LinkedHashMap<>();
            desired.put("networks", List.of(OverlayWorld.overlay("ov", OverlayWorld.SUBNET)));
            List<Object> ctrs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Map<String, Object> c = w.container("h" + h + "c" + i, "ov");
                if (h == 2 && i == 1) c.put("publish", List.of("8080:7000"));
                ctrs.add(c);
            }
            desired.put("containers", ctrs);
            DaemonProcess d = w.daemon(h);
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    DaemonProcess.Answer a = d.call("POST", "/v1/apply", desired);
                    synchronized (answers) {
                        answers.add(a.status() + " " + (a.status() == 200 ? "" : a.body()));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) OverlayWorld.join(t);
        assertEquals(List.of("200 ", "200 ", "200 "), answers);
        Map<String, String> ip = new LinkedHashMap<>();
        Map<String, String> mac = new LinkedHashMap<>();
        Map<String, Integer> hostOf = new LinkedHashMap<>();
        for (int h = 1; h <= 3; h++) {
            for (JsonNode c : w.status(h).path("containers")) {
                ip.put(c.path("name").asText(), c.path("ipv4").asText().replaceAll("/.*", ""));
                mac.put(c.path("name").asText(), c.path("mac").asText());
                hostOf.put(c.path("name").asText(), h);
            }
        }
        assertEquals(30, ip.size());
        assertEquals(30, new HashSet<>(ip.values()).size(), "30 distinct addresses: " + ip);
        Set<String> claimed = new TreeSet<>();
        for (String k : w.etcdKeys("/nlbridge/v1/networks/ov/ipam/")) claimed.add(k.substring(k.lastIndexOf('/') + 1));
        assertEquals(new TreeSet<>(ip.values()), claimed, "the store (read with etcdctl) holds exactly these claims");

        // every host holds exactly an FDB and an ARP entry per remote container (the watches converge in a moment)
        for (int h = 1; h <= 3; h++) {
            int host = h;
            TreeSet<String> want = new TreeSet<>();
            ip.forEach((c, a) -> {
                if (hostOf.get(c) != host) want.addAll(OverlayWorld.entriesFor(a, mac.get(c), hostOf.get(c)));
            });
            OverlayWorld.await(5000, "host " + h + " holds the entries of the 20 remote containers",
                    () -> want.equals(w.entries(host, "ov")));
        }
        JsonNode vx = Oracle.link(w.hostNs(1), Naming.vxlan("ov")).path("linkinfo").path("info_data");
        assertEquals(4096, vx.path("id").asInt());
        assertFalse(vx.path("learning").asBoolean(true));
        assertTrue(vx.path("proxy").asBoolean());
        assertEquals(1450, Oracle.link(w.hostNs(1), Naming.vxlan("ov")).path("mtu").asInt(), "underlay 1500 - 50");
        assertEquals(1450, Oracle.link(w.ns("h1c0"), "eth0").path("mtu").asInt());

        // across hosts, ping and TCP, each server sees the client's own address
        for (int from = 1; from <= 3; from++) {
            for (int to = 1; to <= 3; to++) {
                if (from == to) continue;
                Tcp.pings(w.ns("h" + from + "c0"), ip.get("h" + to + "c" + from));
            }
        }
        for (int h = 1; h <= 3; h++) Tcp.serve(sb, "h" + h + "c1", "h" + h + "c1", 7000);
        Tcp.reaches(w.ns("h1c0"), ip.get("h2c1"), 7000, "h2c1 from " + ip.get("h1c0"));
        Tcp.reaches(w.ns("h2c0"), ip.get("h3c1"), 7000, "h3c1 from " + ip.get("h2c0"));
        Tcp.reaches(w.ns("h3c0"), ip.get("h1c1"), 7000, "h1c1 from " + ip.get("h3c0"));

        // out through its own host, masqueraded; in through a port published on its own host (from the underlay)
        String outside = w.etcd.clientNetns();
        Tcp.serve(sb, "cl", "outside", 7100);
        Tcp.reaches(w.ns("h2c0"), "198.51.100.100", 7100, "outside from " + OverlayWorld.underlay(2));
        Tcp.reaches(w.ns("h3c0"), "198.51.100.100", 7100, "outside from " + OverlayWorld.underlay(3));
        Tcp.reaches(outside, OverlayWorld.underlay(2), 8080, "h2c1 from 198.51.100.100");
        Tcp.blocked(outside, OverlayWorld.underlay(1), 8080);

        // status: the peers of each host, with their containers and a recent keep-alive
        JsonNode o = w.status(1).path("overlays").get(0);
        assertEquals("ov", o.path("network").asText());
        assertEquals(4096, o.path("vni").asInt());
        assertEquals(OverlayWorld.underlay(1), o.path("underlay").asText());
        assertEquals("reachable", o.path("store").asText());
        Map<String, String> peers = new LinkedHashMap<>();
        for (JsonNode p : o.path("peers")) {
            peers.put(p.path("underlay").asText(), p.path("containers").toString());
            long seen = p.path("lastSeenMs").asLong();
            assertTrue(seen >= 0 && seen <= w.ttl * 1000L, "last seen " + seen + " ms ago");
        }
        assertEquals(Set.of(OverlayWorld.underlay(2), OverlayWorld.underlay(3)), peers.keySet());
        assertTrue(peers.get(OverlayWorld.underlay(2)).contains("\"h2c9\""), peers.toString());
        assertTrue(w.daemon(1).log().contains("peer add h2c0 on ov"), "events carry peer changes");

        // a new container on h1 is reachable from h2 and h3 within a second of its attach
        Map<String, Object> fresh = w.container("h1new", "ov");
        w.daemon(1).call("POST", "/v1/containers", fresh).ok();
        long t0 = System.nanoTime();
        String freshIp = w.ip(1, "h1new");
        long h2ms = OverlayWorld.await(1000, "h2 reaches the new container", () -> Tcp.ping(w.ns("h2c0"), freshIp));
        long h3ms = OverlayWorld.await(1000, "h3 reaches the new container", () -> Tcp.ping(w.ns("h3c0"), freshIp));
        System.out.println("overlay-figures: a new container on h1 answered a ping from h2 " + h2ms + " ms and from h3 "
                + (System.nanoTime() - t0) / 1_000_000 + " ms after its attach returned (" + h3ms + " ms more)");

        // its removal is withdrawn everywhere
        String freshMac = mac(w, 1, "h1new");
        w.daemon(1).call("DELETE", "/v1/containers/h1new", null).ok();
        for (int h = 2; h <= 3; h++) {
            int host = h;
            long ms = OverlayWorld.await(2000, "host " + h + " withdrew h1new",
                    () -> w.entries(host, "ov").stream().noneMatch(e -> e.contains(freshMac) || e.contains(freshIp + " ")));
            System.out.println("overlay-figures: removal withdrawn on h" + h + " within " + ms + " ms");
        }
        Tcp.noPing(w.ns("h2c0"), freshIp);
        assertFalse(w.etcdKeys("/nlbridge/v1/networks/ov/").stream().anyMatch(k -> k.endsWith("/" + freshIp)
                || k.endsWith("/h1new")), "its claim and record left the store");

        isolatedFromABridgeNetwork(sb, w, ip);
        declarationsMustAgree(w);
        iccOffAcrossHosts(w);
    }

    /** icc=false: the bridge layer drops what a container's veth sends to any other port, the VXLAN port too. */
    private static void iccOffAcrossHosts(OverlayWorld w) {
        Map<String, Object> n = OverlayWorld.overlay("noicc", "10.63.0.0/16");
        n.put("icc", false);
        for (int h = 1; h <= 2; h++) {
            w.daemon(h).call("POST", "/v1/networks", n).ok();
            w.daemon(h).call("POST", "/v1/containers", w.container("i" + h, "noicc")).ok();
        }
        String i2 = w.ip(2, "i2");
        OverlayWorld.await(3000, "h1 has i2's entries", () -> w.entries(1, "noicc").size() == 2);
        Tcp.noPing(w.ns("i1"), i2);
        Tcp.noPing(w.ns("i2"), w.ip(1, "i1"));
        Tcp.pings(w.ns("i1"), "10.63.0.1"); // its own gateway still answers
    }

    private static String mac(OverlayWorld w, int host, String container) {
        for (JsonNode c : w.status(host).path("containers")) {
            if (c.path("name").asText().equals(container)) return c.path("mac").asText();
        }
        throw new AssertionError("no " + container);
    }

    /** A bridge network beside the overlay on h1: neither reaches the other, from h1 or from another host. */
    private static void isolatedFromABridgeNetwork(Sandbox sb, OverlayWorld w, Map<String, String> ip) {
        Map<String, Object> br = new LinkedHashMap<>();
        br.put("name", "br");
        br.put("bridge", "nlbiso0");
        br.put("bip", "10.70.0.1/24");
        w.daemon(1).call("POST", "/v1/networks", br).ok();
        w.daemon(1).call("POST", "/v1/containers", w.container("h1b", "br")).ok();
        String b = w.ip(1, "h1b");
        Tcp.serve(sb, "h1b", "h1b", 7000);
        Tcp.noPing(w.ns("h1c0"), b);
        Tcp.blocked(w.ns("h1c0"), b, 7000);
        Tcp.noPing(w.ns("h2c0"), b);
        Tcp.blocked(w.ns("h2c0"), b, 7000);
        Tcp.noPing(w.ns("h1b"), ip.get("h1c1"));
        Tcp.blocked(w.ns("h1b"), ip.get("h1c1"), 7000);
        Tcp.blocked(w.ns("h1b"), ip.get("h2c1"), 7000);
        Tcp.pings(w.ns("h1c0"), ip.get("h2c0")); // the overlay still works beside it
    }

    /** A host declaring the network otherwise than the store has it is refused, naming the key. */
    private static void declarationsMustAgree(OverlayWorld w) {
        Map<String, Object> first = OverlayWorld.overlay("dif", "10.61.0.0/16");
        first.put("vni", 5000);
        w.daemon(1).call("POST", "/v1/networks", first).ok();
        DaemonProcess.Answer a = w.daemon(2).call("POST", "/v1/networks", OverlayWorld.overlay("dif", "10.62.0.0/16"));
        assertEquals(400, a.status());
        assertTrue(a.body().path("message").asText().startsWith("invalid network dif: subnet \"10.62.0.0/16\": differs"
                + " from the network's declaration in the cluster store (subnet 10.61.0.0/16, declared first by host h"),
                a.body().toString());
        Map<String, Object> otherVni = OverlayWorld.overlay("dif", "10.61.0.0/16");
        otherVni.put("vni", 5001);
        a = w.daemon(3).call("POST", "/v1/networks", otherVni);
        assertEquals(400, a.status());
        assertTrue(a.body().path("message").asText().startsWith("invalid network dif: vni \"5001\": differs"), a.body().toString());
        Map<String, Object> internal = OverlayWorld.overlay("dif", "10.61.0.0/16");
        internal.put("internal", true);
        a = w.daemon(3).call("POST", "/v1/networks", internal);
        assertTrue(a.body().path("message").asText().startsWith("invalid network dif: internal \"true\": differs"), a.body().toString());
        // the same declaration without a vni takes the store's
        w.daemon(3).call("POST", "/v1/networks", OverlayWorld.overlay("dif", "10.61.0.0/16")).ok();
        assertEquals(5000, Oracle.link(w.hostNs(3), Naming.vxlan("dif")).path("linkinfo").path("info_data").path("id").asInt());
        assertFalse(w.status(2).path("networks").toString().contains("\"dif\""), "nothing of it on the refused host");

        // the network stays in the store while a host has it; the last one out deletes it and frees its VNI
        w.daemon(1).call("DELETE", "/v1/networks/dif", null).ok();
        assertTrue(w.etcdKeys("/nlbridge/v1/networks/dif/").contains("/nlbridge/v1/networks/dif/config"));
        w.daemon(3).call("DELETE", "/v1/networks/dif", null).ok();
        assertEquals(List.of(), w.etcdKeys("/nlbridge/v1/networks/dif/"));
        assertEquals(List.of(), w.etcdKeys("/nlbridge/v1/vni/5000"));
        assertEquals(null, Oracle.link(w.hostNs(3), Naming.vxlan("dif")), "its VXLAN device is gone");
    }
}

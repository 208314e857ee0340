package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;
import org.nlbridge.testing.cni.Libcni;

/**
 * The CNI plugin against the real engine through a daemon, called the way a runtime calls it ({@link Libcni}: a
 * process per plugin, environment and stdin, chains per the spec), checked with {@code ip -j}, {@code nft -j} and
 * real packets.
 */
@ExtendWith(SandboxExtension.class)
class CniDaemonTest {

    static final Map<String, Object> PODS = Map.of("bridge", "nlbc0", "bip", "10.88.0.1/24");

    private static List<Map<String, Object>> port(int host, int container) {
        return List.of(Map.of("hostPort", host, "containerPort", container, "protocol", "tcp"));
    }

    /** The host veth names of a result (interfaces without a sandbox). */
    private static List<String> hostSide(JsonNode result) {
        List<String> out = new ArrayList<>();
        result.path("interfaces").forEach(i -> {
            if (!i.has("sandbox")) out.add(i.path("name").asText());
        });
        return out;
    }

    private static boolean nftMentions(String ns, String text) {
        return Oracle.nft(ns).toString().contains(text);
    }

    @Test
    void addCheckDelWithTuningChainedAfter(Sandbox sandbox) throws Exception {
        try (CniWorld w = new CniWorld(sandbox, "1.1.0")) {
            ObjectNode tuning = Libcni.JSON.createObjectNode().put("type", "tuning").put("mac", "02:00:00:00:aa:01")
                    .put("dataDir", w.dir.resolve("tuning").toString());
            // tuning changes eth0's MAC after our ADD: anti-spoofing (bound to the MAC we gave) would drop its frames
            Map<String, Object> keys = new java.util.HashMap<>(PODS);
            keys.put("spoofCheck", false);
            JsonNode conf = w.conflist("pods", "1.0.0", keys, tuning);
            String c1 = w.container("c1");
            Libcni.Attachment a = Libcni.Attachment.of("ctr-1", c1).args("IgnoreUnknown=1;K8S_POD_NAMESPACE=ns1;K8S_POD_NAME=web")
                    .with("portMappings", port(8080, 80));
            JsonNode r = w.runtime.add(conf, a);
            // ours, as tuning passed it on with the MAC it set
            assertEquals("1.0.0", r.path("cniVersion").asText());
            JsonNode eth0 = r.path("interfaces").get(1);
            assertEquals("eth0", eth0.path("name").asText());
            assertEquals(c1, eth0.path("sandbox").asText());
            assertEquals("02:00:00:00:aa:01", eth0.path("mac").asText(), r.toString());
            assertEquals("10.88.0.2/24", r.path("ips").get(0).path("address").asText());
            assertEquals("10.88.0.1", r.path("ips").get(0).path("gateway").asText());
            assertEquals(1, r.path("ips").get(0).path("interface").asInt());
            assertEquals("0.0.0.0/0", r.path("routes").get(0).path("dst").asText());
            // the kernel agrees
            String ns = sandbox.name("c1");
            assertEquals(List.of("10.88.0.2/24"), Oracle.addresses(ns, "eth0"));
            assertEquals("02:00:00:00:aa:01", Oracle.link(ns, "eth0").path("address").asText());
            assertEquals(1500, Oracle.link(ns, "eth0").path("mtu").asInt(), "the host's uplink MTU");
            JsonNode route = Oracle.ip(ns, "route", "show", "default").get(0);
            assertEquals("10.88.0.1", route.path("gateway").asText());
            String veth = hostSide(r).getFirst();
            assertEquals("nlbc0", Oracle.link(w.net.host, veth).path("master").asText());
            Tcp.pings(ns, "10.88.0.1");
            // the published port, from upstream through the host's address
            Tcp.serve(sandbox, "c1", "web", 80);
            Tcp.reaches(w.net.upstream, Net.HOST_UP, 8080, "web from " + Net.UPSTREAM);
            assertTrue(nftMentions(w.net.host, "8080"));
            // the daemon's status knows the container by its id
            JsonNode st = w.daemon.call("GET", "/v1/status", null).ok().body();
            assertEquals("ctr-1", st.path("containers").get(0).path("name").asText(), st.toString());

            w.runtime.check(conf, a);
            w.runtime.del(conf, a);
            assertNull(Oracle.link(w.net.host, veth), "the host veth is gone");
            assertNull(Oracle.link(ns, "eth0"), "eth0 is gone");
            assertFalse(nftMentions(w.net.host, "8080"), "the port's map element is gone");
            assertEquals(0, w.daemon.call("GET", "/v1/status", null).ok().body().path("containers").size());
            w.runtime.del(conf, a); // again: nothing to do, no error
            w.runtime.del(conf, new Libcni.Attachment("ctr-1", "", "eth0", null, Map.of()));
            // the network stays for the next container
            assertNotNull(Oracle.link(w.net.host, "nlbc0"));
        }
    }

    @Test
    void resultsInTheVersionAskedForAndCheckFindsWhatIsMissing(Sandbox sandbox) throws Exception {
        try (CniWorld w = new CniWorld(sandbox, "1.1.0")) {
            JsonNode v = w.runtime.versionInfo("nlbridge", "0.4.0");
            assertEquals("0.4.0", v.path("cniVersion").asText());
            JsonNode old = w.conflist("pods", "0.3.1", PODS);
            JsonNode r = w.runtime.add(old, Libcni.Attachment.of("old", w.container("old")));
            assertEquals("4", r.path("ips").get(0).path("version").asText(), r.toString());
            assertFalse(r.path("interfaces").get(1).has("mtu"), "0.3.1 has no interface MTU");
            JsonNode v4 = w.conflist("pods", "0.4.0", Map.of());
            Libcni.Attachment a = Libcni.Attachment.of("new", w.container("new"));
            r = w.runtime.add(v4, a);
            assertEquals("10.88.0.3/24", r.path("ips").get(0).path("address").asText());
            w.runtime.check(v4, a);
            // the host veth removed behind the daemon's back: drift repair makes it again, with the address and MAC
            // the runtime was told, so CHECK still passes
            String ns = sandbox.name("new");
            String mac = Oracle.link(ns, "eth0").path("address").asText();
            Net.ip(w.net.host, "link del " + hostSide(r).getFirst());
            long end = System.currentTimeMillis() + 10_000;
            // the veth appears before its address (a later request of the same repair): wait for both
            while ((Oracle.link(ns, "eth0") == null || Oracle.addresses(ns, "eth0").isEmpty())
                    && System.currentTimeMillis() < end) {
                DaemonProcess.sleep(50);
            }
            assertEquals(List.of("10.88.0.3/24"), Oracle.addresses(ns, "eth0"));
            assertEquals(mac, Oracle.link(ns, "eth0").path("address").asText());
            w.runtime.check(v4, a);
            // what drift repair does not see, inside the container: CHECK finds it in the kernel
            Net.ip(ns, "addr flush dev eth0");
            Libcni.CniError missing = assertThrows(Libcni.CniError.class, () -> w.runtime.check(v4, a));
            assertEquals(101, missing.code, missing.getMessage());
            assertTrue(missing.getMessage().contains("interface eth0 in /run/netns/" + ns + " lacks address 10.88.0.3/24"),
                    missing.getMessage());
            Net.ip(ns, "addr add 10.88.0.3/24 dev eth0", "route add default via 10.88.0.1");
            w.runtime.check(v4, a);
            // a stored result that is not what the container has: CHECK says what differs
            JsonNode stale = w.runtime.cached(v4, a).deepCopy();
            ((ObjectNode) stale.path("ips").get(0)).put("address", "10.88.0.99/24");
            Libcni.CniError e = assertThrows(Libcni.CniError.class, () -> w.runtime.check(v4, a, stale));
            assertEquals(101, e.code, e.getMessage());
            assertTrue(e.getMessage().endsWith("interface eth0 has address 10.88.0.3/24, prevResult lists [10.88.0.99/24]"), e.getMessage());
            w.runtime.del(v4, a);
            w.runtime.del(old, Libcni.Attachment.of("old", null));
        }
    }

    @Test
    void oneContainerOnTwoNetworks(Sandbox sandbox) throws Exception {
        try (CniWorld w = new CniWorld(sandbox, "1.1.0")) {
            JsonNode pods = w.conflist("pods", "1.1.0", PODS);
            JsonNode store = w.conflist("store", "1.1.0", Map.of("bridge", "nlbs0", "bip", "10.87.0.1/24"));
            String c1 = w.container("c1");
            String ns = sandbox.name("c1");
            Libcni.Attachment eth0 = Libcni.Attachment.of("ctr-1", c1).args("K8S_POD_NAMESPACE=ns1;K8S_POD_NAME=web");
            Libcni.Attachment net1 = Libcni.Attachment.of("ctr-1", c1).ifname("net1").with("portMappings", port(9090, 90));
            JsonNode r0 = w.runtime.add(pods, eth0);
            JsonNode r1 = w.runtime.add(store, net1);
            assertEquals(1, r0.path("routes").size(), "the first network carries the default route");
            assertEquals(0, r1.path("routes").size(), "the second does not");
            assertEquals(List.of("10.88.0.2/24"), Oracle.addresses(ns, "eth0"));
            assertEquals(List.of("10.87.0.2/24"), Oracle.addresses(ns, "net1"));
            assertEquals(1, Oracle.ip(ns, "-4", "route", "show", "default").size());
            assertEquals("eth0", Oracle.ip(ns, "-4", "route", "show", "default").get(0).path("dev").asText());
            // one engine container, both networks, the pod's name
            JsonNode st = w.daemon.call("GET", "/v1/status", null).ok().body();
            assertEquals(1, st.path("containers").size(), st.toString());
            JsonNode c = st.path("containers").get(0);
            assertEquals("ctr-1", c.path("name").asText());
            assertEquals(2, c.path("attachments").size());
            assertEquals("web", c.path("labels").path("io.kubernetes.pod.name").asText());
            w.runtime.check(pods, eth0);
            w.runtime.check(store, net1);
            // the first network's DEL: net1 stays as it is
            int net1Index = Oracle.link(ns, "net1").path("ifindex").asInt();
            w.runtime.del(pods, eth0);
            assertNull(Oracle.link(ns, "eth0"));
            assertEquals(net1Index, Oracle.link(ns, "net1").path("ifindex").asInt());
            assertEquals(List.of("10.87.0.2/24"), Oracle.addresses(ns, "net1"));
            assertTrue(nftMentions(w.net.host, "9090"));
            w.runtime.check(store, net1);
            w.runtime.del(store, net1);
            assertEquals(0, w.daemon.call("GET", "/v1/status", null).ok().body().path("containers").size());
            assertFalse(nftMentions(w.net.host, "9090"));
        }
    }

    @Test
    void containerdStyleNamespaceByPidAndDelWithoutIt(Sandbox sandbox) throws Exception {
        try (CniWorld w = new CniWorld(sandbox, "1.0.0")) {
            JsonNode conf = w.conflist("pods", "1.0.0", PODS);
            sandbox.netns("task");
            String path = "/proc/" + sandbox.spawn("task", "sleep", "600").pid() + "/ns/net";
            Libcni.Attachment a = Libcni.Attachment.of("default-ctr1", path);
            JsonNode r = w.runtime.add(conf, a);
            assertEquals(path, r.path("interfaces").get(1).path("sandbox").asText());
            assertEquals(List.of("10.88.0.2/24"), Oracle.addresses(sandbox.name("task"), "eth0"));
            w.runtime.check(conf, a);
            // ctr sends DEL with an empty CNI_NETNS
            w.runtime.del(conf, new Libcni.Attachment("default-ctr1", "", "eth0", null, Map.of()));
            assertNull(Oracle.link(sandbox.name("task"), "eth0"));
            assertEquals(0, w.daemon.call("GET", "/v1/status", null).ok().body().path("containers").size());
        }
    }

    @Test
    void aRuntimeThatCrashedIsRepairedByGc(Sandbox sandbox) throws Exception {
        try (CniWorld w = new CniWorld(sandbox, "1.1.0")) {
            JsonNode conf = w.conflist("pods", "1.1.0", PODS);
            Libcni.Attachment kept = Libcni.Attachment.of("kept", w.container("kept"));
            w.runtime.add(conf, kept);
            w.runtime.add(conf, Libcni.Attachment.of("lost", w.container("lost")).with("portMappings", port(7070, 70)));
            // the runtime dies and its namespace goes with it; no DEL ever comes
            org.nlbridge.testing.Cmd.run(null, "ip", "netns", "del", sandbox.name("lost"));
            assertEquals(List.of(), w.runtime.gc(conf, List.of(kept)));
            JsonNode st = w.daemon.call("GET", "/v1/status", null).ok().body();
            assertEquals(List.of("kept"), names(st));
            assertFalse(nftMentions(w.net.host, "7070"), "the lost container's port is gone");
            assertEquals(1, vethsOn(w.net.host, "nlbc0"), "only the kept container's veth");
            w.runtime.check(conf, kept);
        }
    }

    /** How many links are ports of {@code bridge} in {@code ns}. */
    static long vethsOn(String ns, String bridge) {
        long n = 0;
        for (JsonNode l : Oracle.ip(ns, "link", "show")) if (l.path("master").asText().equals(bridge)) n++;
        return n;
    }

    private static List<String> names(JsonNode status) {
        List<String> out = new ArrayList<>();
        status.path("containers").forEach(c -> out.add(c.path("name").asText()));
        return out;
    }

    @Test
    void gcAndStatus(Sandbox sandbox) throws Exception {
        try (CniWorld w = new CniWorld(sandbox, "1.1.0")) {
            JsonNode conf = w.conflist("pods", "1.1.0", PODS);
            w.runtime.status(conf);
            List<String> paths = w.containers(List.of("g1", "g2", "g3"));
            List<Libcni.Attachment> all = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Libcni.Attachment a = Libcni.Attachment.of("g" + (i + 1), paths.get(i)).with("portMappings", port(9001 + i, 80));
                w.runtime.add(conf, a);
                all.add(a);
            }
            // the runtime lost g1 and g3 (crashed without DEL): GC keeps what it lists
            assertEquals(List.of(), w.runtime.gc(conf, List.of(all.get(1))));
            JsonNode st = w.daemon.call("GET", "/v1/status", null).ok().body();
            List<String> names = new ArrayList<>();
            st.path("containers").forEach(c -> names.add(c.path("name").asText()));
            assertEquals(List.of("g2"), names);
            assertNull(Oracle.link(sandbox.name("g1"), "eth0"));
            assertNotNull(Oracle.link(sandbox.name("g2"), "eth0"));
            assertFalse(nftMentions(w.net.host, "9001"));
            assertTrue(nftMentions(w.net.host, "9002"));
            assertEquals(List.of(), w.runtime.gc(conf, List.of()));
            assertEquals(0, w.daemon.call("GET", "/v1/status", null).ok().body().path("containers").size());
        }
    }

    @Test
    void fiftyAddsInParallel(Sandbox sandbox) throws Exception {
        try (CniWorld w = new CniWorld(sandbox, "1.0.0")) {
            JsonNode conf = w.conflist("pods", "1.0.0", Map.of("bridge", "nlbc0", "bip", "10.89.0.1/24"));
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 50; i++) names.add("p" + i);
            List<String> paths = w.containers(names);
            Set<String> addresses = Collections.synchronizedSet(new HashSet<>());
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                Libcni.Attachment a = Libcni.Attachment.of("p" + i, paths.get(i));
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        addresses.add(w.runtime.add(conf, a).path("ips").get(0).path("address").asText());
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread t : threads) t.join();
            assertEquals(List.of(), failures);
            assertEquals(50, addresses.size(), addresses.toString());
            for (int i = 0; i < 50; i++) {
                assertEquals(1, Oracle.addresses(sandbox.name("p" + i), "eth0").size());
            }
            threads.clear();
            for (int i = 0; i < 50; i++) {
                Libcni.Attachment a = Libcni.Attachment.of("p" + i, paths.get(i));
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        w.runtime.del(conf, a);
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread t : threads) t.join();
            assertEquals(List.of(), failures);
            assertEquals(0, w.daemon.call("GET", "/v1/status", null).ok().body().path("containers").size());
            assertEquals(0, vethsOn(w.net.host, "nlbc0"), "no veth left on the bridge");
        }
    }

    @Test
    void scriptsAndCniShareTheDaemon(Sandbox sandbox) throws Exception {
        try (CniWorld w = new CniWorld(sandbox, "1.0.0")) {
            JsonNode conf = w.conflist("pods", "1.0.0", PODS);
            Libcni.Attachment a = Libcni.Attachment.of("ctr-1", w.container("c1"));
            w.runtime.add(conf, a);
            // a script's apply replaces the desired state: the CNI container stays
            w.daemon.call("POST", "/v1/apply", Map.of("networks", List.of(Map.of("name", "other", "bridge", "nlbo0",
                    "bip", "10.90.0.1/24")))).ok();
            JsonNode st = w.daemon.call("GET", "/v1/status", null).ok().body();
            assertEquals("ctr-1", st.path("containers").get(0).path("name").asText(), st.toString());
            assertEquals(List.of("10.88.0.2/24"), Oracle.addresses(sandbox.name("c1"), "eth0"));
            // a config that differs from the network on a key it gives
            Libcni.CniError e = assertThrows(Libcni.CniError.class, () -> w.runtime.add(w.conflist("pods", "1.0.0",
                    Map.of("bip", "10.77.0.1/24")), Libcni.Attachment.of("ctr-2", w.container("c2"))));
            assertEquals(7, e.code);
            assertEquals("nlbridge: CNI error 7: invalid network config: bip \"10.77.0.1/24\": network pods exists with bip"
                    + " \"10.88.0.1/24\"; expected the network's own value, or no bip in the config", e.getMessage());
            // the network cannot be removed while a CNI container is on it
            var rm = w.daemon.call("DELETE", "/v1/networks/other", null);
            assertEquals(200, rm.status(), String.valueOf(rm.body()));
            w.runtime.del(conf, a);
        }
    }

    @Test
    void daemonKilledBetweenAddAndDel(Sandbox sandbox) throws Exception {
        try (CniWorld w = new CniWorld(sandbox, "1.0.0")) {
            JsonNode conf = w.conflist("pods", "1.0.0", PODS);
            Libcni.Attachment a = Libcni.Attachment.of("ctr-1", w.container("c1")).with("portMappings", port(8080, 80));
            String veth = hostSide(w.runtime.add(conf, a)).getFirst();
            w.daemon.kill9();
            Libcni.CniError e = assertThrows(Libcni.CniError.class, () -> w.runtime.del(conf, a));
            assertEquals(11, e.code, "down: try again later");
            assertNotNull(Oracle.link(w.net.host, veth), "the container keeps its network while the daemon is down");
            w.daemon.start();
            w.runtime.del(conf, a);
            assertNull(Oracle.link(w.net.host, veth));
            assertFalse(nftMentions(w.net.host, "8080"));
            assertEquals(0, w.daemon.call("GET", "/v1/status", null).ok().body().path("containers").size());
        }
    }
}

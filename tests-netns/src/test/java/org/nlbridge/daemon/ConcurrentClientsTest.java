package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Inside;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * 8 clients at once, each connecting {@value #EACH} containers (each in a namespace of its own, with a published
 * port) and then removing them, through one daemon. The daemon applies one request at a time: at the peak every
 * container has its own address, veth and port element; at the end nothing is left, neither in the kernel nor in
 * the state.
 */
@ExtendWith(SandboxExtension.class)
class ConcurrentClientsTest {

    static final int CLIENTS = 8;
    static final int EACH = 50;
    /** A published-port element of the DNAT map: {@code tcp . 20000 : 10.124.0.2 . 80}. */
    static Pattern element(String prefix16) {
        return Pattern.compile(": " + prefix16.replace(".", "\\.") + "\\.\\d+\\.\\d+ \\. 80");
    }

    static Set<String> ourVeths(String host) {
        Set<String> out = new TreeSet<>();
        for (JsonNode l : Oracle.ip(host, "link", "show")) {
            if (l.path("ifalias").asText().startsWith("nlbridge:endpoint:")) out.add(l.path("ifname").asText());
        }
        return out;
    }

    static int portElements(String host, String prefix16) {
        Cmd.Result r = Inside.exec(host, "nft", "list", "table", "ip", "nlbridge");
        if (r.exit() != 0) return 0; // no table, no element
        Matcher m = element(prefix16).matcher(r.out());
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    @Test
    void eightClientsAttachAndDetachWithoutLeakOrDuplicate(Sandbox sandbox) throws Exception {
        String host = sandbox.netns("host");
        Net.ip(host, "link set lo up");
        List<List<String>> netns = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            List<String> mine = new ArrayList<>();
            for (int i = 0; i < EACH; i++) mine.add(sandbox.reserve("c" + c + "-" + i));
            netns.add(mine);
        }
        Path dir = Files.createTempDirectory("nlbridge-conc-");
        try (DaemonProcess d = new DaemonProcess(host, dir).start()) {
            d.call("POST", "/v1/networks", Map.of("name", "bridge", "bridge", "nlbc0", "bip", "10.124.0.1/16")).ok();
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            CyclicBarrier attached = new CyclicBarrier(CLIENTS + 1);
            CyclicBarrier checked = new CyclicBarrier(CLIENTS + 1);
            List<Thread> threads = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int c = 0; c < CLIENTS; c++) {
                int id = c;
                threads.add(Thread.ofPlatform().name("client-" + c).start(() -> {
                    try (var http = d.client()) {
                        for (int i = 0; i < EACH; i++) {
                            byte[] body = DaemonProcess.JSON.writeValueAsBytes(Map.of("name", "c" + id + "-" + i,
                                    "netns", netns.get(id).get(i), "publish", List.of((20000 + id * EACH + i) + ":80")));
                            var r = http.send("POST", "/v1/containers", "application/json", body);
                            if (r.status() != 201) failures.add("connect c" + id + "-" + i + ": " + r.text());
                        }
                        attached.await();
                        checked.await();
                        for (int i = 0; i < EACH; i++) {
                            var r = http.send("DELETE", "/v1/containers/c" + id + "-" + i, null, null);
                            if (r.status() != 200) failures.add("disconnect c" + id + "-" + i + ": " + r.text());
                        }
                    } catch (Exception e) {
                        failures.add("client " + id + ": " + e);
                    }
                }));
            }
            attached.await();
            long attachMs = (System.nanoTime() - t0) / 1_000_000;
            try {
                assertEquals(List.of(), failures);
                JsonNode st = d.call("GET", "/v1/status", null).ok().body();
                int n = CLIENTS * EACH;
                assertEquals(n, st.path("containers").size());
                Set<String> ips = new HashSet<>();
                Set<String> veths = new TreeSet<>();
                for (JsonNode c : st.path("containers")) {
                    assertTrue(ips.add(c.path("ipv4").asText()), "duplicate address " + c.path("ipv4").asText());
                    veths.add(c.path("hostVeth").asText());
                }
                assertEquals(veths, ourVeths(host), "one veth per container, nothing else");
                assertEquals(n, portElements(host, "10.124"), "one port element per container");
                assertEquals(n, st.path("ports").size());
            } finally {
                checked.await();
            }
            long t1 = System.nanoTime();
            for (Thread t : threads) t.join();
            long detachMs = (System.nanoTime() - t1) / 1_000_000;
            System.out.println(CLIENTS + " clients x " + EACH + ": attach " + attachMs + " ms, detach " + detachMs + " ms");
            assertEquals(List.of(), failures);

            JsonNode st = d.call("GET", "/v1/status", null).ok().body();
            assertEquals(0, st.path("containers").size(), st.toString());
            assertEquals(0, st.path("ports").size(), st.toString());
            assertEquals(1, st.path("networks").size());
            assertEquals(Set.of(), ourVeths(host), "no veth left");
            assertEquals(0, portElements(host, "10.124"), "no port element left");
            List<String> left = new ArrayList<>();
            for (List<String> mine : netns) for (String ns : mine) if (Files.exists(Path.of("/run/netns", ns))) left.add(ns);
            assertEquals(List.of(), left, "the namespaces the engine created are gone");
            assertEquals(0, d.call("GET", "/v1/desired", null).ok().body().path("containers").size());
            assertEquals(143, d.term());
        } finally {
            Cmd.exec(null, "rm", "-rf", dir.toString());
        }
    }
}

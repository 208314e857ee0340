package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.netns.NetNs;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Container name resolution served by the daemon (Docker's embedded DNS at 127.0.0.11), asked from inside the
 * containers by busybox {@code nslookup}, the oracle: names and aliases of the containers of the same user network
 * (A, AAAA, PTR), nothing of other networks, other names forwarded to the network's nameserver (dnsmasq in the
 * "upstream" namespace, whose log shows what reached it), nothing forwarded from an internal network, no name server
 * on the default network {@code bridge}; a removed container stops resolving within a second; the daemon restarted
 * (SIGTERM, then kill -9) answers again.
 */
@ExtendWith(SandboxExtension.class)
class NameResolutionTest {

    @Test
    void containersResolveEachOtherThroughTheDaemon(Sandbox sandbox) throws Exception {
        Assumptions.assumeTrue(Host.has("dnsmasq") && Host.has("busybox"), "needs dnsmasq and busybox nslookup");
        Net net = new Net(sandbox);
        Path dir = Files.createTempDirectory("nlbridge-names-");
        Path dnsLog = dir.resolve("dnsmasq.log");
        sandbox.spawn("up", "sh", "-c", "exec \"$@\" 2>\"$0\"", dnsLog.toString(), "dnsmasq", "--keep-in-foreground",
                "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--pid-file=", "--listen-address=" + Net.UPSTREAM,
                "--bind-interfaces", "--host-record=www.example.test,192.0.2.7", "--host-record=leak.example.test,192.0.2.8",
                "--local=/test/", "--log-queries", "--log-facility=-", "--user=root", "--cache-size=0");
        Map<String, String> ns = new java.util.HashMap<>();
        for (String c : List.of("web", "db", "back1", "plain", "multi")) ns.put(c, sandbox.reserve(c));
        try (DaemonProcess d = new DaemonProcess(net.host, dir).start()) {
            Map<String, Object> upstreamDns = Map.of("nameservers", List.of(Net.UPSTREAM));
            d.call("POST", "/v1/networks", Map.of("name", "bridge", "bridge", "nlbn0", "bip", "10.127.0.1/16",
                    "dns", upstreamDns)).ok();
            d.call("POST", "/v1/networks", Map.of("name", "front", "bridge", "nlbn1", "bip", "10.126.0.1/16",
                    "fixedCidrV6", "fd00:126::/64", "dns", upstreamDns)).ok();
            d.call("POST", "/v1/networks", Map.of("name", "back", "bridge", "nlbn2", "bip", "10.128.0.1/16",
                    "internal", true, "dns", upstreamDns)).ok();
            d.call("POST", "/v1/containers", Map.of("name", "web", "netns", ns.get("web"), "network", "front",
                    "aliases", List.of("site", "www1"), "addHost", List.of("gw:host-gateway", "db.local=10.1.2.3"))).ok();
            d.call("POST", "/v1/containers", Map.of("name", "db", "netns", ns.get("db"), "network", "front",
                    "ip", "10.126.0.20")).ok();
            d.call("POST", "/v1/containers", Map.of("name", "back1", "netns", ns.get("back1"), "network", "back",
                    "aliases", List.of("store"))).ok();
            d.call("POST", "/v1/containers", Map.of("name", "plain", "netns", ns.get("plain"), "network", "bridge")).ok();
            // on two networks, with an alias on the second only (Docker's network connect --alias)
            d.call("POST", "/v1/containers", Map.of("name", "multi", "netns", ns.get("multi"), "network", "front",
                    "connects", List.of(Map.of("network", "back", "aliases", List.of("api"))))).ok();
            JsonNode st = d.call("GET", "/v1/status", null).ok().body();
            String webIp = ipOf(st, "web", "ipv4");
            String webIp6 = ipOf(st, "web", "ipv6");
            String dbIp6 = ipOf(st, "db", "ipv6");

            String web = ns.get("web");
            assertEquals(List.of("10.126.0.20"), a(web, "db"), "a container by name");
            assertEquals(List.of(webIp), a(ns.get("db"), "site"), "an alias");
            assertEquals(List.of(webIp), a(ns.get("db"), "www1"), "the second alias");
            assertEquals(List.of(webIp), a(web, "web"), "itself");
            assertEquals(List.of(dbIp6), lookup(web, "aaaa", "db"), "AAAA on an IPv6 network");
            assertEquals(List.of(webIp6), lookup(ns.get("db"), "aaaa", "site"));
            String ptr = Cmd.exec(null, "ip", "netns", "exec", web, "busybox", "nslookup", "10.126.0.20",
                    "127.0.0.11").out();
            assertTrue(ptr.contains("20.0.126.10.in-addr.arpa") && ptr.contains("name = db"), "PTR of db:\n" + ptr);
            assertEquals(List.of(), a(web, "back1"), "a container of another network does not resolve");
            assertEquals(List.of(), a(web, "store"), "nor its alias");
            assertEquals(List.of(), a(ns.get("back1"), "web"), "nor the other way");
            assertEquals(List.of("192.0.2.7"), a(web, "www.example.test"), "other names go to the network's nameserver");
            String multiFront = ipOn(st, "multi", "front");
            String multiBack = ipOn(st, "multi", "back");
            assertEquals(List.of(multiFront), a(web, "multi"), "a container on two networks, by its front address");
            assertEquals(List.of(multiBack), a(ns.get("back1"), "multi"), "and by its back address on back");
            assertEquals(List.of(multiBack), a(ns.get("back1"), "api"), "its alias on back");
            assertEquals(List.of(), a(web, "api"), "an alias of another network does not resolve");
            assertEquals(List.of(ipOf(st, "back1", "ipv4")), a(ns.get("multi"), "back1"),
                    "it resolves the containers of both its networks");
            assertEquals(List.of("10.126.0.20"), a(ns.get("multi"), "db"));
            assertEquals(List.of("192.0.2.7"), a(ns.get("multi"), "www.example.test"),
                    "forwarded: one of its networks is not internal");
            assertEquals(List.of(ipOf(st, "back1", "ipv4")), a(ns.get("back1"), "store"), "an internal network resolves its own containers");
            assertEquals(List.of(), a(ns.get("back1"), "leak.example.test"), "an internal network forwards nothing");
            assertFalse(Files.readString(dnsLog).contains("leak.example.test"), "no query left the internal network:\n"
                    + Files.readString(dnsLog));

            assertTrue(files(st, "web", "resolv.conf").startsWith("nameserver 127.0.0.11\n"),
                    files(st, "web", "resolv.conf"));
            String hosts = files(st, "web", "hosts");
            assertTrue(hosts.contains("\n10.126.0.1\tgw\nfd00:126::1\tgw\n10.1.2.3\tdb.local\n" + webIp + "\tweb\n"),
                    "addHost lines, then its own; no other container, the name server answers for them:\n" + hosts);
            assertFalse(hosts.contains("10.126.0.20"), hosts);
            String plainConf = files(st, "plain", "resolv.conf");
            assertTrue(plainConf.contains("nameserver " + Net.UPSTREAM) && !plainConf.contains("127.0.0.11"),
                    "the default network has no name server:\n" + plainConf);
            assertFalse(Cmd.run(null, "ip", "netns", "exec", ns.get("plain"), "ss", "-Hlnu").contains("127.0.0.11"),
                    "nothing listens in a container of the default network");

            // glibc through the container's own resolv.conf (nameserver 127.0.0.11) and hosts, as nlbridge run gives them
            // (getent hosts asks for IPv6 first; ahostsv4 for the IPv4 address)
            assertEquals(dbIp6 + " db\n", run(d, "web", "getent", "hosts", "db").replaceAll(" +", " "));
            assertTrue(run(d, "web", "getent", "ahostsv4", "db").startsWith("10.126.0.20 "));
            assertEquals(webIp6 + " site\n", run(d, "db", "getent", "hosts", "site").replaceAll(" +", " "));
            assertEquals("192.0.2.7       www.example.test\n", run(d, "web", "getent", "hosts", "www.example.test"));

            System.out.println("name server answer latency from a container: " + latency(web, "db", 500));

            // removed: it stops resolving within a second
            d.call("DELETE", "/v1/containers/db", null).ok();
            long t0 = System.nanoTime();
            while (!a(web, "db").isEmpty()) {
                assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "db still resolves a second after its removal");
                Thread.sleep(20);
            }
            // and a container that comes resolves at once
            d.call("POST", "/v1/containers", Map.of("name", "db2", "netns", ns.get("db"), "network", "front",
                    "ip", "10.126.0.21", "aliases", List.of("database"))).ok();
            assertEquals(List.of("10.126.0.21"), a(web, "database"));

            // the restarted daemon answers again, after a clean stop and after kill -9
            assertEquals(143, d.term());
            d.start();
            assertEquals(List.of("10.126.0.21"), a(web, "db2"), "after a restart");
            d.kill9();
            d.start();
            assertEquals(List.of(webIp), a(ns.get("db"), "site"), "after kill -9 and a restart");
            assertEquals(List.of("192.0.2.7"), a(ns.get("db"), "www.example.test"));

            for (String c : List.of("web", "db2", "back1", "plain", "multi")) d.call("DELETE", "/v1/containers/" + c, null).ok();
            for (String n : List.of("front", "back", "bridge")) d.call("DELETE", "/v1/networks/" + n, null).ok();
            assertEquals(143, d.term());
        } finally {
            Cmd.exec(null, "rm", "-rf", dir.toString());
        }
    }

    /** {@code nlbridge -H DAEMON run CONTAINER CMD...} as a process: its stdout (it must exit 0). */
    private static String run(DaemonProcess d, String container, String... cmd) throws Exception {
        List<String> argv = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "org.nlbridge.cli.Main", "-H", "unix://" + d.socket, "run", container, "--"));
        argv.addAll(List.of(cmd));
        Cmd.Result r = Cmd.exec(new ProcessBuilder(argv), null, java.time.Duration.ofSeconds(60));
        assertEquals(0, r.exit(), String.join(" ", cmd) + " in " + container + ": " + r);
        return r.out();
    }

    private static String ipOf(JsonNode status, String container, String field) {
        for (JsonNode c : status.path("containers")) {
            if (c.path("name").asText().equals(container)) return c.path(field).asText().replaceAll("/.*", "");
        }
        throw new AssertionError("no container " + container + " in " + status);
    }

    private static String ipOn(JsonNode status, String container, String network) {
        for (JsonNode c : status.path("containers")) {
            if (!c.path("name").asText().equals(container)) continue;
            for (JsonNode a : c.path("attachments")) {
                if (a.path("network").asText().equals(network)) return a.path("ipv4").asText().replaceAll("/.*", "");
            }
        }
        throw new AssertionError("no container " + container + " on " + network + " in " + status);
    }

    private static String files(JsonNode status, String container, String file) throws Exception {
        for (JsonNode c : status.path("containers")) {
            if (!c.path("name").asText().equals(container)) continue;
            for (JsonNode f : c.path("files")) if (f.asText().endsWith("/" + file)) return Files.readString(Path.of(f.asText()));
        }
        throw new AssertionError("no file " + file + " of " + container + " in " + status);
    }

    static List<String> a(String ns, String name) {
        return lookup(ns, "a", name);
    }

    /** {@code busybox nslookup -type=T NAME 127.0.0.11} inside {@code ns}: the addresses it printed. */
    static List<String> lookup(String ns, String type, String name) {
        Cmd.Result r = Cmd.exec(null, "ip", "netns", "exec", ns, "busybox", "nslookup", "-type=" + type, name, "127.0.0.11");
        return r.out().lines().filter(l -> l.startsWith("Address:") && !l.contains("127.0.0.11"))
                .map(l -> l.substring("Address:".length()).strip()).toList();
    }

    /**
     * {@code n} A queries for {@code name} one after the other from a UDP socket inside the container's namespace:
     * p50 and p99 of the round trip, and how many came back NOERROR with one answer (a figure, not an assertion).
     */
    static String latency(String ns, String name, int n) throws Exception {
        try (NetNs container = NetNs.open(ns)) {
            return container.call(() -> {
                long[] times = new long[n];
                int good = 0;
                try (DatagramSocket s = new DatagramSocket()) {
                    s.setSoTimeout(2000);
                    InetSocketAddress server = new InetSocketAddress(InetAddress.getByName("127.0.0.11"), 53);
                    byte[] buf = new byte[512];
                    for (int i = 0; i < n; i++) {
                        Message q = Message.newQuery(Record.newRecord(Name.fromString(name + "."), Type.A, DClass.IN));
                        byte[] wire = q.toWire();
                        long t = System.nanoTime();
                        s.send(new DatagramPacket(wire, wire.length, server));
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        s.receive(p);
                        times[i] = System.nanoTime() - t;
                        Message m = new Message(Arrays.copyOf(p.getData(), p.getLength()));
                        if (m.getRcode() == Rcode.NOERROR && m.getSection(Section.ANSWER).size() == 1) good++;
                    }
                }
                Arrays.sort(times);
                return String.format("p50 %.0f µs, p99 %.0f µs over %d queries, %d answered", times[n / 2] / 1e3,
                        times[n * 99 / 100] / 1e3, n, good);
            });
        }
    }
}

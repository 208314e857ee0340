package org.nlbridge.bench.overlay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.client.DaemonAddress;
import org.nlbridge.client.HttpClient;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.NlSocket;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.RtnlEvent;
import org.nlbridge.rtnl.RtnlEvents;

/**
 * Overlay convergence on three hosts (set up by {@code bench/overlay.sh}: namespaces on an underlay bridge, a 3-member
 * etcd, one daemon per host). For each N the network is filled to N containers across the hosts, then:
 * <ul>
 * <li><b>burst</b>: the containers added are applied at the same moment, one request per host; per container and
 * other host, the time from its host's request until the other host's kernel holds its FDB entry (an rtnetlink
 * monitor on each host records the first {@code RTM_NEWNEIGH} per MAC); etcd round trips per attach from etcd's
 * own counters ({@code grpc_server_handled_total});</li>
 * <li><b>probes</b>: single containers attached on host A one at a time into the network of N; for each, the time
 * until host B's kernel holds its entries and until the first echo reply reaches a container on B, which pings the
 * new address every 2 ms from before the attach (with a static neighbour entry inside that container, so that its
 * own ARP retry timer does not count: the frame still needs B's FDB entry to cross).</li>
 * </ul>
 * The daemons' {@code peer entries} events give how many forwarding entries each watch response wrote and in how many
 * netlink batches. Writes a Markdown report.
 *
 * <p>usage: Convergence WORK PREFIX OUT.md PROBES N...
 */
public final class Convergence {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NET = "ov";
    static final Pattern ENTRIES = Pattern.compile("peer entries " + NET + " \\((\\d+) store change\\(s\\): (\\d+)"
            + " forwarding entr(?:y|ies) in (\\d+) netlink batch");

    final Path work;
    final String prefix;
    final Monitor[] monitors = new Monitor[3];
    /** Per host: the containers it has, as applied. */
    final List<List<Map<String, Object>>> containers = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    int serial;
    int pingers;

    Convergence(Path work, String prefix) {
        this.work = work;
        this.prefix = prefix;
    }

    public static void main(String[] a) throws Exception {
        Convergence c = new Convergence(Path.of(a[0]), a[1]);
        int probes = Integer.parseInt(a[3]);
        List<Integer> ns = new ArrayList<>();
        for (int i = 4; i < a.length; i++) ns.add(Integer.parseInt(a[i]));
        StringBuilder md = new StringBuilder();
        try {
            c.run(probes, ns, md);
        } finally {
            for (Monitor m : c.monitors) if (m != null) m.close();
        }
        Files.writeString(Path.of(a[2]), md.toString(), StandardCharsets.UTF_8);
        System.out.print(md);
    }

    void run(int probes, List<Integer> sizes, StringBuilder md) throws Exception {
        for (int h = 1; h <= 3; h++) monitors[h - 1] = new Monitor(prefix + "h" + h);
        for (int h = 1; h <= 3; h++) call(h, "POST", "/v1/networks", Map.of("name", NET, "driver", "overlay", "subnet",
                "10.60.0.0/16")).path("changes");
        Thread.sleep(2000); // the daemons' catching up after they first reached the store is over
        List<String> burstRows = new ArrayList<>();
        List<String> probeRows = new ArrayList<>();
        int population = 0;
        for (int round = 0; round < sizes.size(); round++) {
            int n = sizes.get(round);
            long[] before = Metrics.read(this);
            int add = n - population;
            if (add <= 0) throw new IllegalArgumentException("N=" + n + ": the network has " + population + " already");
            Burst b = burst(add);
            long[] after = Metrics.read(this);
            population += add;
            burstRows.add(String.format(Locale.ROOT, "| %d | %d | %s | %s | %s | %.1f | %s |", n, add, ms(b.latencies, 50),
                    ms(b.latencies, 99), ms(b.latencies, 100), b.requestSeconds, Metrics.perAttach(before, after, add)));
            List<Long> entries = new ArrayList<>();
            List<Long> packets = new ArrayList<>();
            List<Long> requests = new ArrayList<>();
            for (int k = 0; k < probes; k++) {
                long[] r = probe(round, k);
                requests.add(r[0]);
                entries.add(r[1]);
                if (r[2] >= 0) packets.add(r[2]);
            }
            population += probes + pingers;
            pingers = 0;
            probeRows.add(String.format(Locale.ROOT, "| %d | %d | %s | %s | %s | %s | %s | %s |", n, probes,
                    ms(requests, 50), ms(requests, 99), ms(entries, 50), ms(entries, 99), ms(packets, 50), ms(packets, 99))
                    + (packets.size() < probes ? " (" + (probes - packets.size()) + " without reply in 5 s)" : ""));
            System.err.println("overlay bench: N=" + n + " done, " + population + " containers");
        }
        report(md, burstRows, probeRows, population);
    }

    /** {@code count} containers, spread over the hosts, applied at the same moment (one request per host). */
    Burst burst(int count) throws Exception {
        List<List<String>> added = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < count; i++) {
            int h = i % 3;
            String name = "c" + (serial++);
            containers.get(h).add(container(name, null));
            added.get(h).add(name);
        }
        long[] start = new long[3];
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failed = new ArrayList<>();
        for (int h = 1; h <= 3; h++) {
            if (added.get(h - 1).isEmpty()) continue;
            int host = h;
            Map<String, Object> desired = Map.of("networks", List.of(Map.of("name", NET, "driver", "overlay", "subnet",
                    "10.60.0.0/16")), "containers", containers.get(h - 1));
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    start[host - 1] = System.nanoTime();
                    call(host, "POST", "/v1/apply", desired);
                } catch (Throwable t) {
                    synchronized (failed) {
                        failed.add(t);
                    }
                }
            }));
        }
        long t0 = System.nanoTime();
        go.countDown();
        for (Thread t : threads) t.join();
        double requestSeconds = (System.nanoTime() - t0) / 1e9;
        if (!failed.isEmpty()) throw new IllegalStateException("a burst request failed", failed.getFirst());
        List<Long> lat = new ArrayList<>();
        for (int h = 1; h <= 3; h++) {
            Map<String, String> macs = macs(h, added.get(h - 1));
            for (String mac : macs.values()) {
                for (int other = 1; other <= 3; other++) {
                    if (other == h) continue;
                    long seen = monitors[other - 1].await(mac, 120_000);
                    lat.add(seen < 0 ? Long.MAX_VALUE : seen - start[h - 1]);
                }
            }
        }
        return new Burst(lat, requestSeconds);
    }

    record Burst(List<Long> latencies, double requestSeconds) {}

    /** One container on host A into the network; nanoseconds: request, until B's FDB entry, until B's first reply. */
    long[] probe(int round, int k) throws Exception {
        int a = 1 + k % 3;
        int b = a % 3 + 1;
        String ip = "10.60." + (200 + round) + "." + (k + 2);
        MacAddress mac = MacAddress.fromIpv4(Ipv4Address.parse("ip", ip));
        String name = "p" + round + "x" + k;
        if (containers.get(b - 1).isEmpty()) { // a network of one container has none on B yet: one to ping from
            Map<String, Object> pinger = container("pinger" + b, null);
            call(b, "POST", "/v1/containers", pinger);
            containers.get(b - 1).add(pinger);
            pingers++;
        }
        String from = prefix + containers.get(b - 1).getFirst().get("name");
        exec("ip", "-n", from, "neigh", "replace", ip, "lladdr", mac.toString(), "dev", "eth0", "nud", "permanent");
        Process ping = new ProcessBuilder("ip", "netns", "exec", from, "ping", "-D", "-n", "-i", "0.002", "-w", "8", ip)
                .redirectErrorStream(true).start();
        Thread.sleep(100); // the pinger is sending
        Map<String, Object> c = container(name, ip);
        containers.get(a - 1).add(c);
        long t0 = System.nanoTime();
        long epochMicros0 = micros(Instant.now());
        call(a, "POST", "/v1/containers", c);
        long request = System.nanoTime() - t0;
        long fdb = monitors[b - 1].await(mac.toString(), 10_000);
        long reply = firstReply(ping, 5_000);
        ping.destroyForcibly();
        ping.waitFor(5, TimeUnit.SECONDS);
        exec("ip", "-n", from, "neigh", "del", ip, "dev", "eth0");
        return new long[] {request, fdb < 0 ? Long.MAX_VALUE : fdb - t0, reply < 0 ? -1 : (reply - epochMicros0) * 1000};
    }

    /** The epoch microseconds of ping's first reply ({@code -D} prints them), or -1. */
    static long firstReply(Process ping, long millis) throws Exception {
        long[] out = {-1};
        Thread t = Thread.ofPlatform().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(ping.getInputStream(), StandardCharsets.UTF_8))) {
                Pattern p = Pattern.compile("^\\[(\\d+)\\.(\\d{6})\\] \\d+ bytes from");
                for (String line; (line = r.readLine()) != null; ) {
                    Matcher m = p.matcher(line);
                    if (m.find()) {
                        out[0] = Long.parseLong(m.group(1)) * 1_000_000 + Long.parseLong(m.group(2));
                        return;
                    }
                }
            } catch (IOException e) {
                // the pinger was ended
            }
        });
        t.join(millis);
        return out[0];
    }

    static long micros(Instant i) {
        return i.getEpochSecond() * 1_000_000 + i.getNano() / 1000;
    }

    Map<String, Object> container(String name, String ip) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("netns", prefix + name);
        c.put("network", NET);
        if (ip != null) c.put("ip", ip);
        return c;
    }

    /** Name to MAC of some of host h's containers, from its status. */
    Map<String, String> macs(int h, List<String> names) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode c : call(h, "GET", "/v1/status", null).path("containers")) {
            if (names.contains(c.path("name").asText())) out.put(c.path("name").asText(), c.path("mac").asText());
        }
        if (out.size() != names.size()) throw new IllegalStateException("host " + h + " has " + out.size() + " of " + names.size());
        return out;
    }

    JsonNode call(int host, String method, String path, Object body) throws IOException {
        try (HttpClient c = HttpClient.connect(DaemonAddress.parse("-H", "unix://" + work.resolve("h" + host + ".sock")), null)) {
            byte[] b = body == null ? null : JSON.writeValueAsBytes(body);
            HttpClient.Response r = c.send(method, path, b == null ? null : "application/json", b);
            if (r.status() >= 300) throw new IllegalStateException(method + " " + path + " on h" + host + ": " + r.text());
            return r.body().length == 0 ? null : JSON.readTree(r.body());
        }
    }

    static String exec(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String ms(List<Long> nanos, int pct) {
        if (nanos.isEmpty()) return "-";
        List<Long> s = new ArrayList<>(nanos);
        s.sort(null);
        long v = s.get(Math.min(s.size() - 1, (int) Math.ceil(pct / 100.0 * s.size()) - 1));
        return v == Long.MAX_VALUE ? "never" : String.format(Locale.ROOT, "%.1f ms", v / 1e6);
    }

    void report(StringBuilder md, List<String> burst, List<String> probes, int population) throws IOException {
        md.append("Generated by `bench/overlay.sh` (`Convergence`): three hosts (namespaces on an underlay bridge), a"
                + " three-member etcd 3.4 across them, one nlbridge daemon per host (`--cluster-advertise eth0`,"
                + " underlay MTU 1500); one overlay network filled to N containers across the hosts. "
                + Metrics.machine() + "\n\n");
        md.append("### Burst: the containers added to reach N, applied at the same moment (one request per host)\n\n");
        md.append("Per container and other host: from its host's request until the other host's kernel holds its"
                + " FDB entry (an rtnetlink monitor per host); etcd round trips per attach counted by etcd"
                + " (`grpc_server_handled_total`: Range, Txn, Put, DeleteRange; keep-alives and watches left out).\n\n");
        md.append("| N | added | p50 | p99 | max | requests (s) | etcd round trips per attach |\n|---:|---:|---:|---:|---:|---:|---|\n");
        burst.forEach(r -> md.append(r).append('\n'));
        md.append("\n### One attach on host A into a network of N: until host B holds its entries, until B's first packet"
                + " gets an answer\n\n");
        md.append("The new container gets a given address (`ip`), so a container on B pings it every 2 ms from before"
                + " the attach; \"first packet\" is ping's first reply, its time stamp against the attach request's"
                + " start. \"request\" is the attach request on A as a whole (veth, addresses, routes, firewall). A host"
                + " without a container to ping from gets one first (so the network of 1 has up to 3 more).\n\n");
        md.append("| N | probes | request p50 | request p99 | B's entries p50 | B's entries p99 | first packet p50 |"
                + " first packet p99 |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        probes.forEach(r -> md.append(r).append('\n'));
        md.append("\n### Batching\n\n").append(batching()).append('\n');
        md.append("\n### Per entry, and per packet\n\n").append(PER_ENTRY).append('\n');
        md.append("\nMonitor overruns (events lost, latencies of those entries not measured): "
                + (monitors[0].overruns + monitors[1].overruns + monitors[2].overruns) + ". Containers at the end: "
                + population + ".\n");
    }

    /** What the other overlay measurements say (their own scripts and tests), so that this report has them all. */
    static final String PER_ENTRY = "Writing the entries themselves: `bench/overlay-entries.sh`"
            + " ([results/overlay-entries.md](overlay-entries.md)) programs 2N entries in one namespace with our batch and"
            + " with `bridge -batch` + `ip -batch` (what an agent without netlink would run): 2.0 to 2.5 µs per entry"
            + " against 13.8 to 90.8, 5.5x to 38.9x cheaper in wall time (marginal 5.2x), at N = 10,000 down to 1,000"
            + " and 100. On the underlay a packet is 50 bytes longer (outer Ethernet 14, IPv4 20, UDP 8, VXLAN 8: a"
            + " 98-byte frame becomes 148 bytes, measured from the interface counters), so the overlay's MTU is the"
            + " underlay's minus 50 (1450 on 1500): a DF packet of 1450 bytes crosses, one of 1451 is refused with"
            + " `Frag needed (mtu = 1450)` (`OverlayDataPlaneTest`, its `overlay-figures:` lines).";

    /** From the daemons' logs: watch responses, entries and netlink batches. */
    String batching() throws IOException {
        long responses = 0;
        long entries = 0;
        long batches = 0;
        long max = 0;
        for (int h = 1; h <= 3; h++) {
            Path log = work.resolve("h" + h + ".log");
            if (!Files.exists(log)) continue;
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                Matcher m = ENTRIES.matcher(line);
                if (!m.find()) continue;
                responses++;
                entries += Long.parseLong(m.group(2));
                batches += Long.parseLong(m.group(3));
                max = Math.max(max, Long.parseLong(m.group(2)));
            }
        }
        return String.format(Locale.ROOT, "Over the whole run, the three daemons applied %d watch responses that changed"
                + " forwarding entries: %d entries in %d netlink batches (%.2f batches per response; %.1f entries per"
                + " batch on average, %d at most). Every entry of a response goes out in its one batch, with acks only"
                + " on failure.", responses, entries, batches, responses == 0 ? 0.0 : (double) batches / responses,
                batches == 0 ? 0.0 : (double) entries / batches, max);
    }

    /** First FDB notification per MAC in one host namespace. */
    static final class Monitor implements AutoCloseable {
        final Map<String, Long> seen = new ConcurrentHashMap<>();
        final NlSocket socket;
        final Thread thread;
        volatile boolean closed;
        volatile int overruns;

        Monitor(String netns) {
            try (NetNs ns = NetNs.open(netns)) {
                socket = ns.openSocket(Uapi.NETLINK_ROUTE());
            }
            socket.receiveBuffer(32 << 20);
            for (int g : RtnlEvents.NEIGHBOUR_GROUPS) socket.joinGroup(g);
            socket.receiveTimeout(200);
            thread = Thread.ofPlatform().daemon().name("monitor-" + netns).start(this::loop);
        }

        private void loop() {
            RtnlEvents decoder = new RtnlEvents();
            MemorySegment buf = socket.allocate(NlSocket.receiveDatagramSize());
            MsgCursor m = new MsgCursor();
            while (!closed) {
                long got;
                try {
                    got = socket.receive(buf);
                } catch (RuntimeException e) {
                    if (closed) return;
                    overruns++;
                    continue;
                }
                long now = System.nanoTime();
                if (got <= 0) continue;
                m.reset(buf, got);
                while (m.next()) {
                    if (decoder.decode(m) instanceof RtnlEvent.NeighbourEvent e && !e.deleted() && e.neighbour().isFdb()
                            && e.neighbour().isSelf() && e.neighbour().mac() != null) {
                        seen.putIfAbsent(e.neighbour().mac().toString(), now);
                    }
                }
            }
        }

        /** The nanoTime the MAC's FDB entry appeared, waiting up to {@code millis}; -1 if it did not. */
        long await(String mac, long millis) throws InterruptedException {
            long end = System.nanoTime() + millis * 1_000_000L;
            while (System.nanoTime() < end) {
                Long t = seen.get(mac);
                if (t != null) return t;
                Thread.sleep(2);
            }
            return -1;
        }

        @Override
        public void close() {
            closed = true;
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            socket.close();
        }
    }
}

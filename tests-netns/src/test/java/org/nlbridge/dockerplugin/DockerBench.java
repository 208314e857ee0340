package org.nlbridge.dockerplugin;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.netns.NetNs;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.clients.ClientHost;
import org.nlbridge.testing.clients.Docker;

/**
 * The Docker benchmark ({@code bench/docker.sh}, never part of a test run): Docker's bridge driver and nlbridge's
 * plugin side by side on one dockerd 20.10, interleaved container by container. It asserts nothing about time; it
 * writes rows ({@code nlbridge.bench.docker}/docker.tsv) that {@code bench/docker_report.py} turns into tables.
 * <ul>
 *   <li>{@code run}: {@code docker run -d --network NET -p PORT:80 busybox httpd} for N containers per driver, and
 *       the time from the start of the command until an HTTP GET from the upstream namespace through the published
 *       port is answered (polled every 5 ms).</li>
 *   <li>{@code range}: one container publishing {@code -p 20000-20999:20000-20999}: the time until port 20999
 *       answers, the processes and memory it costs (Docker starts a {@code docker-proxy} per port, moby#11185), the
 *       per-new-connection cost at the first and the last port of the range (the peers harness's
 *       {@code connect_rate.py} from upstream), and {@code docker rm -f}.</li>
 * </ul>
 */
@EnabledIfSystemProperty(named = "nlbridge.bench.docker", matches = ".+")
@ExtendWith(SandboxExtension.class)
class DockerBench {
    /** Both, unless {@code nlbridge.bench.docker.drivers} names one (to check the harness on its own). */
    static final String[] DRIVERS = System.getProperty("nlbridge.bench.docker.drivers", "bridge,nlbridge").split(",");
    static final String PEERS = System.getProperty("nlbridge.bench.peers", "/work/shared/peers");

    private final List<String> rows = new ArrayList<>();

    private void row(String scenario, String driver, int i, String metric, double value) {
        rows.add(String.join("\t", scenario, driver, Integer.toString(i), metric, String.format(Locale.ROOT, "%.6f", value)));
    }

    @Test
    void dockerRunAndPortRange(Sandbox sandbox) throws IOException {
        int n = Integer.getInteger("nlbridge.bench.docker.n", 50);
        int k = Integer.getInteger("nlbridge.bench.docker.k", 2000);
        Path out = Path.of(System.getProperty("nlbridge.bench.docker"));
        Files.createDirectories(out);
        try (ClientHost host = ClientHost.start(sandbox); PluginDaemon nlb = PluginDaemon.start(host);
             NetNs upstream = NetNs.open(host.upstreamNs())) {
            Docker docker = host.docker();
            String image = docker.busybox();
            for (String d : DRIVERS) {
                docker.run("network", "create", "-d", d, "--subnet", d.equals("bridge") ? "10.88.0.0/16" : "10.89.0.0/16", "net-" + d);
            }
            for (String d : DRIVERS) { // one untimed container each: images, code paths and caches warm
                runAndAnswer(docker, upstream, image, d, "warm-" + d, 29000 + (d.equals("bridge") ? 0 : 1));
                docker.run("rm", "-f", "warm-" + d);
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < DRIVERS.length; j++) {
                    String d = DRIVERS[(i + j) % DRIVERS.length]; // A B, B A, ...: neither always goes first
                    double[] t = runAndAnswer(docker, upstream, image, d, "c" + i + "-" + d, 30000 + 2 * i + (d.equals("bridge") ? 0 : 1));
                    row("run", d, i, "run_s", t[0]);
                    row("run", d, i, "answer_s", t[1]);
                }
            }
            for (String d : DRIVERS) { // all N of a driver in one docker rm -f
                List<String> argv = new ArrayList<>(List.of("rm", "-f"));
                for (int i = 0; i < n; i++) argv.add("c" + i + "-" + d);
                long t0 = System.nanoTime();
                docker.run(argv.toArray(String[]::new));
                row("run", d, n, "rm_all_s", seconds(t0));
            }
            for (String d : DRIVERS) range(host, docker, upstream, image, d, k);
        }
        Files.write(out.resolve("docker.tsv"), ("scenario\tdriver\ti\tmetric\tvalue\n" + String.join("\n", rows) + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** {@code docker run} and the first answer through the published port: seconds until each, from the start. */
    private static double[] runAndAnswer(Docker docker, NetNs upstream, String image, String driver, String name, int port) {
        long t0 = System.nanoTime();
        docker.run("run", "-d", "--network", "net-" + driver, "--name", name, "-p", port + ":80", image,
                "httpd", "-f", "-p", "80", "-h", "/www");
        double run = seconds(t0);
        awaitAnswer(upstream, port, 120_000);
        return new double[] {run, seconds(t0)};
    }

    private void range(ClientHost host, Docker docker, NetNs upstream, String image, String d, int k) {
        String name = "range-" + d;
        long t0 = System.nanoTime();
        docker.run("run", "-d", "--network", "net-" + d, "--name", name, "-p", "20000-20999:20000-20999", image,
                "sh", "-c", "httpd -p 20000 -h /www; exec httpd -f -p 20999 -h /www");
        row("range", d, 0, "run_s", seconds(t0));
        awaitAnswer(upstream, 20999, 600_000);
        row("range", d, 0, "answer_s", seconds(t0));
        awaitAnswer(upstream, 20000, 60_000);
        List<ProcessHandle> proxies = host.processes().stream()
                .filter(p -> p.info().command().map(c -> c.endsWith("docker-proxy")).orElse(false)).toList();
        row("range", d, 0, "proxies", proxies.size());
        row("range", d, 0, "proxy_pss_mib", proxies.stream().mapToLong(DockerBench::pssKib).sum() / 1024.0);
        if (Files.isRegularFile(Path.of(PEERS, "lib", "connect_rate.py"))) {
            // 3 x 5 batches of k connects per port from one address: on a quiet machine they come faster than TIME_WAIT
            // (60 s) frees the default 28,232 ephemeral ports (connect: EADDRNOTAVAIL), so the upstream namespace (ours)
            // gets the whole range and reuses TIME_WAIT ports for new connections (RFC 7323 timestamps keep it safe)
            Cmd.run(null, "ip", "netns", "exec", host.upstreamNs(), "sh", "-c",
                    "echo '1024 65535' > /proc/sys/net/ipv4/ip_local_port_range && echo 1 > /proc/sys/net/ipv4/tcp_tw_reuse");
            for (int rep = 0; rep < 3; rep++) { // first and last port alternately: drift in the machine's load hits both
                for (int port : new int[] {20000, 20999}) {
                    String us = Cmd.run(null, "ip", "netns", "exec", host.upstreamNs(), "python3",
                            PEERS + "/lib/connect_rate.py", ClientHost.HOST_IP, Integer.toString(port), Integer.toString(k));
                    row("range", d, port, "us_per_new_flow", Double.parseDouble(us.strip()));
                }
            }
        }
        long t1 = System.nanoTime();
        docker.run("rm", "-f", name);
        row("range", d, 0, "rm_s", seconds(t1));
    }

    /** Proportional set size: the process's share of the memory it maps (shared pages divided among their users). */
    private static long pssKib(ProcessHandle p) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/smaps_rollup"))) {
                if (line.startsWith("Pss:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | NumberFormatException gone) {
            // ended meanwhile
        }
        return 0;
    }

    /**
     * Polls {@code GET /} on the host's address from upstream every 5 ms until busybox httpd answers 200. The socket
     * is opened inside the upstream namespace ({@code SocketChannel.open} makes its descriptor at once, unlike
     * {@code new Socket()}, whose descriptor would be made at connect time in the calling thread's namespace).
     */
    static void awaitAnswer(NetNs upstream, int port, long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        InetSocketAddress to = new InetSocketAddress(InetAddress.ofLiteral(ClientHost.HOST_IP), port);
        while (System.nanoTime() < end) {
            try (SocketChannel ch = upstream.call(SocketChannel::open); Selector sel = Selector.open()) {
                ch.configureBlocking(false);
                SelectionKey key = ch.register(sel, SelectionKey.OP_CONNECT);
                if (!ch.connect(to) && (sel.select(500) == 0 || !ch.finishConnect())) continue;
                ch.write(ByteBuffer.wrap("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                key.interestOps(SelectionKey.OP_READ);
                ByteBuffer b = ByteBuffer.allocate(12);
                long readEnd = System.nanoTime() + 2_000_000_000L;
                while (b.hasRemaining() && System.nanoTime() < readEnd) {
                    sel.select(100);
                    sel.selectedKeys().clear();
                    if (ch.read(b) < 0) break;
                }
                if (new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).matches("HTTP/1\\.[01] 200")) return;
            } catch (IOException notYet) {
                // refused or reset: not published or not listening yet
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        throw new AssertionError("port " + port + " did not answer within " + millis + " ms");
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}

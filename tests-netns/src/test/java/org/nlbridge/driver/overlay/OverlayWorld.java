package org.nlbridge.driver.overlay;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;

import org.nlbridge.daemon.DaemonProcess;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.etcd.EtcdCluster;

/**
 * Three "hosts" for the overlay: namespaces {@code h1..h3} on an underlay bridge (198.51.100.11-13 on eth0), a
 * three-member etcd across them (one member per host, {@link EtcdCluster}), and one nlbridge daemon per host, each a
 * process of its own ({@code --host-netns hN}, its own {@code --state} and socket) started with
 * {@code --cluster-store} (all three members), {@code --cluster-advertise eth0} and a short {@code discovery.ttl}.
 * Container namespaces are reserved in the sandbox and created by the daemons. Everything goes with the sandbox; the
 * daemons and etcd members are ended by PID.
 */
final class OverlayWorld implements AutoCloseable {
    static final String SUBNET = "10.60.0.0/16";

    final Sandbox sandbox;
    final EtcdCluster etcd;
    final int ttl;
    private final Path dir;
    private final DaemonProcess[] daemons = new DaemonProcess[3];

    private OverlayWorld(Sandbox sandbox, EtcdCluster etcd, int ttl, Path dir) {
        this.sandbox = sandbox;
        this.etcd = etcd;
        this.ttl = ttl;
        this.dir = dir;
    }

    /** The etcd cluster, then the three daemons (started in parallel). */
    static OverlayWorld start(Sandbox sandbox, int ttlSeconds) {
        EtcdCluster etcd = EtcdCluster.start(sandbox, 3);
        Path dir;
        try {
            dir = Files.createTempDirectory("nlbt-overlay-");
        } catch (IOException e) {
            etcd.close();
            throw new UncheckedIOException(e);
        }
        OverlayWorld w = new OverlayWorld(sandbox, etcd, ttlSeconds, dir);
        sandbox.atCleanup(w);
        for (int h = 1; h <= 3; h++) {
            w.daemons[h - 1] = new DaemonProcess(sandbox.name("h" + h), dir.resolve("h" + h), "--cluster-store",
                    etcd.storeUrl(), "--cluster-advertise", "eth0", "--cluster-store-opt", "discovery.ttl=" + ttlSeconds);
            try {
                Files.createDirectories(dir.resolve("h" + h));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<Thread> starts = new ArrayList<>();
        List<Throwable> failed = new ArrayList<>();
        for (DaemonProcess d : w.daemons) {
            starts.add(Thread.ofPlatform().start(() -> {
                try {
                    d.start();
                } catch (Throwable t) {
                    synchronized (failed) {
                        failed.add(t);
                    }
                }
            }));
        }
        for (Thread t : starts) join(t);
        if (!failed.isEmpty()) throw new AssertionError("a daemon did not start", failed.getFirst());
        return w;
    }

    static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    DaemonProcess daemon(int host) {
        return daemons[host - 1];
    }

    String hostNs(int host) {
        return sandbox.name("h" + host);
    }

    static String underlay(int host) {
        return EtcdCluster.ip(host);
    }

    /** The network spec every host declares. */
    static Map<String, Object> overlay(String name, String subnet) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("name", name);
        n.put("driver", "overlay");
        n.put("subnet", subnet);
        return n;
    }

    /** A container spec on {@code network} whose namespace is reserved in the sandbox under its name. */
    Map<String, Object> container(String name, String network) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("netns", sandbox.reserve(name));
        c.put("network", network);
        return c;
    }

    /** The full namespace name of a container made by {@link #container}. */
    String ns(String container) {
        return sandbox.name(container);
    }

    /** {@code ov} declared on every host. */
    void declareEverywhere(String name, String subnet) {
        for (DaemonProcess d : daemons) d.call("POST", "/v1/networks", overlay(name, subnet)).ok();
    }

    JsonNode status(int host) {
        return daemon(host).call("GET", "/v1/status", null).ok().body();
    }

    /** The container's IPv4 address (without prefix) as host {@code host}'s daemon reports it. */
    String ip(int host, String container) {
        for (JsonNode c : status(host).path("containers")) {
            if (c.path("name").asText().equals(container)) return c.path("ipv4").asText().replaceAll("/.*", "");
        }
        throw new AssertionError("no container " + container + " on host " + host);
    }

    /** The overlay entries on host {@code host}'s VXLAN device: {@code fdb MAC VTEP} and {@code arp IP MAC}, sorted. */
    TreeSet<String> entries(int host, String network) {
        String vx = Naming.vxlan(network);
        TreeSet<String> out = new TreeSet<>();
        for (JsonNode e : Oracle.bridge(hostNs(host), "fdb", "show", "dev", vx)) {
            boolean self = false;
            for (JsonNode f : e.path("flags")) self |= "self".equals(f.asText());
            if (self && !e.path("mac").asText().equals("00:00:00:00:00:00")) {
                out.add("fdb " + e.path("mac").asText() + " " + e.path("dst").asText());
            }
        }
        for (JsonNode n : Oracle.ip(hostNs(host), "neigh", "show", "dev", vx)) {
            if (n.path("state").toString().contains("PERMANENT")) {
                out.add("arp " + n.path("dst").asText() + " " + n.path("lladdr").asText());
            }
        }
        return out;
    }

    /** What a host should hold for a remote container: its FDB and ARP entries. */
    static List<String> entriesFor(String ip, String mac, int host) {
        return List.of("fdb " + mac + " " + underlay(host), "arp " + ip + " " + mac);
    }

    /** Keys under a prefix, via etcdctl (an independent client). */
    List<String> etcdKeys(String prefix) {
        Cmd.Result r = etcd.etcdctl("get", "--prefix", "--keys-only", prefix);
        if (r.exit() != 0) throw new AssertionError("etcdctl: " + r.err());
        return r.out().lines().filter(l -> !l.isBlank()).toList();
    }

    /** Keys under a prefix with their values (one line each here), via etcdctl. */
    Map<String, String> etcdGet(String prefix) {
        Cmd.Result r = etcd.etcdctl("get", "--prefix", prefix);
        if (r.exit() != 0) throw new AssertionError("etcdctl: " + r.err());
        List<String> lines = r.out().lines().toList();
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < lines.size(); i += 2) out.put(lines.get(i), lines.get(i + 1));
        return out;
    }

    /**
     * Waits for {@code condition}; the time it took, or an assertion error naming it. {@code millis} is what an idle
     * machine takes; the wait is bounded by at least a minute, so that load cannot fail it.
     */
    static long await(long millis, String what, BooleanSupplier condition) {
        long t0 = System.nanoTime();
        // millis is what an idle machine takes (the figure printed is measured); a loaded one may take far longer,
        // which is no failure: the bound is at least a minute
        millis = Math.max(millis, 60_000);
        long end = t0 + millis * 1_000_000L;
        while (true) {
            if (condition.getAsBoolean()) return (System.nanoTime() - t0) / 1_000_000L;
            if (System.nanoTime() > end) {
                assertTrue(condition.getAsBoolean(), what + " (waited " + millis + " ms)");
                return (System.nanoTime() - t0) / 1_000_000L;
            }
            DaemonProcess.sleep(50);
        }
    }

    /** Every daemon's log, for a failure message. */
    String logs() {
        StringBuilder sb = new StringBuilder();
        for (int h = 1; h <= 3; h++) {
            String l = daemon(h).log();
            sb.append("---- h").append(h).append(" ----\n").append(l.length() > 6000 ? l.substring(l.length() - 6000) : l);
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (DaemonProcess d : daemons) {
            if (d != null) d.close();
        }
        etcd.close();
        Cmd.exec(null, "rm", "-rf", dir.toString());
    }
}

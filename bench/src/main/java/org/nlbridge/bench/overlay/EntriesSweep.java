package org.nlbridge.bench.overlay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.netlink.BatchResult;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.AddressSpec;
import org.nlbridge.rtnl.BridgeSpec;
import org.nlbridge.rtnl.NeighbourRequests;
import org.nlbridge.rtnl.NeighbourSpec;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.rtnl.RtnlBatch;
import org.nlbridge.rtnl.VethSpec;
import org.nlbridge.rtnl.VxlanSpec;

/**
 * Per-entry cost of programming the overlay's forwarding entries, side by side with iproute2. For N remote containers
 * a host writes 2N entries (docs/overlay-data-plane.md): an FDB entry (MAC to VTEP) and an ARP entry (IP to MAC) on
 * its VXLAN device. Each method programs them into the same scratch namespace, is verified with {@code bridge fdb} /
 * {@code ip neigh} outside the timing, then withdraws them (also timed), and the namespace is checked empty again:
 * <ul>
 * <li>{@code ip-batch}: {@code bridge -n NS -batch FILE} (N {@code fdb add}) then {@code ip -n NS -batch FILE}
 *     (N {@code neigh add}), the whole processes timed: how a shell-free flannel-like agent would call iproute2;</li>
 * <li>{@code nlbridge-batch}: {@link RtnlBatch}, 2N requests, many per {@code sendmsg}, each answered only if
 *     refused (one barrier per send settles the rest), in a warm JVM (the daemon is long-running);</li>
 * <li>{@code nlbridge-direct}: one request and its ack at a time ({@code rtnl.neighbours().add}), what a netlink
 *     library without batching does (flannel's vishvananda/netlink).</li>
 * </ul>
 * Methods run interleaved per repetition (A B C A B C ...); medians are reported, of wall time and of CPU time
 * (iproute2: its processes' user + system time from a second, identical round under bash's {@code time}; nlbridge:
 * the calling thread's, which includes the kernel's work on the requests, done inside our {@code sendmsg}). On a shared machine the CPU time is the steadier figure. Needs root.
 * Writes a Markdown table to {@code args[0]} and raw rows beside it ({@code .tsv}).
 *
 * <pre>
 * bench/overlay-entries.sh [REPS] [N...]      # default 5 reps, N = 100 1000 10000
 * </pre>
 */
public final class EntriesSweep {
    private static final String VX = "vx-ov";
    private static final String[] METHODS = {"ip-batch", "nlbridge-batch", "nlbridge-direct"};
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private final String ns;
    private final NetNs netns;
    private final Rtnl rtnl;
    private final int vx;
    private final Path scratch;

    private EntriesSweep(String ns, Path scratch) {
        this.ns = ns;
        this.scratch = scratch;
        this.netns = NetNs.create(ns);
        this.rtnl = Rtnl.open(netns);
        rtnl.links().add(VethSpec.builder("ul0", "ul1").up().build());
        rtnl.links().setUp("ul1");
        int ul0 = rtnl.links().get("ul0").index();
        rtnl.addresses().add(AddressSpec.of(ul0, "198.51.100.1/24").withBroadcast());
        rtnl.links().add(BridgeSpec.builder("ov").mtu(1450).up().build());
        rtnl.links().add(VxlanSpec.builder(VX, 4096).local("198.51.100.1").underlay(ul0).proxy()
                .master(rtnl.links().get("ov").index()).up().build());
        this.vx = rtnl.links().get(VX).index();
    }

    /** Remote container {@code i}: its address in 10.60.0.0/16... and a VTEP among 250 hosts. */
    private static Ipv4Address ip(int i) {
        return Ipv4Address.of(10 << 24 | 60 << 16 | (i + 2));
    }

    private static IpAddress vtep(int i) {
        return Ipv4Address.of(198 << 24 | 51 << 16 | 100 << 8 | (2 + i % 250));
    }

    private List<NeighbourSpec> specs(int n) {
        List<NeighbourSpec> out = new ArrayList<>(2 * n);
        for (int i = 0; i < n; i++) {
            MacAddress mac = MacAddress.fromIpv4(ip(i));
            out.add(NeighbourSpec.fdb(vx, mac).dst(vtep(i)));
            out.add(NeighbourSpec.ip(vx, ip(i), mac));
        }
        return out;
    }

    /** Seconds to add, seconds to delete (wall), then CPU seconds to add and to delete. */
    private double[] run(String method, int n, List<NeighbourSpec> specs) {
        return switch (method) {
            case "ip-batch" -> iproute2(n);
            case "nlbridge-batch" -> batch(specs);
            case "nlbridge-direct" -> direct(specs);
            default -> throw new IllegalArgumentException(method);
        };
    }

    private double[] batch(List<NeighbourSpec> specs) {
        RtnlBatch b = rtnl.batch();
        return ours(specs, () -> {
            for (NeighbourSpec s : specs) b.neighbours().add(s);
            check(b.execute(), specs.size());
        }, () -> {
            for (NeighbourSpec s : specs) b.neighbours().delete(s);
            check(b.execute(), specs.size());
        });
    }

    private double[] direct(List<NeighbourSpec> specs) {
        NeighbourRequests d = rtnl.neighbours();
        return ours(specs, () -> {
            for (NeighbourSpec s : specs) d.add(s);
        }, () -> {
            for (NeighbourSpec s : specs) d.delete(s);
        });
    }

    /** Wall and CPU time of this thread (the kernel's work on our requests runs in our sendmsg, so it counts). */
    private double[] ours(List<NeighbourSpec> specs, Runnable add, Runnable delete) {
        long c0 = CPU.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        add.run();
        long t1 = System.nanoTime();
        long c1 = CPU.getCurrentThreadCpuTime();
        verify(specs.size() / 2);
        long c2 = CPU.getCurrentThreadCpuTime();
        long t2 = System.nanoTime();
        delete.run();
        long t3 = System.nanoTime();
        long c3 = CPU.getCurrentThreadCpuTime();
        return new double[] {(t1 - t0) / 1e9, (t3 - t2) / 1e9, (c1 - c0) / 1e9, (c3 - c2) / 1e9};
    }

    private double[] iproute2(int n) {
        StringBuilder fdbAdd = new StringBuilder();
        StringBuilder neighAdd = new StringBuilder();
        StringBuilder fdbDel = new StringBuilder();
        StringBuilder neighDel = new StringBuilder();
        for (int i = 0; i < n; i++) {
            MacAddress mac = MacAddress.fromIpv4(ip(i));
            fdbAdd.append("fdb add ").append(mac).append(" dev ").append(VX).append(" dst ").append(vtep(i))
                    .append(" self permanent\n");
            neighAdd.append("neigh add ").append(ip(i)).append(" lladdr ").append(mac).append(" dev ").append(VX)
                    .append(" nud permanent\n");
            fdbDel.append("fdb del ").append(mac).append(" dev ").append(VX).append(" dst ").append(vtep(i))
                    .append(" self\n");
            neighDel.append("neigh del ").append(ip(i)).append(" dev ").append(VX).append('\n');
        }
        Path fa = write("fdb-add", fdbAdd);
        Path na = write("neigh-add", neighAdd);
        Path fd = write("fdb-del", fdbDel);
        Path nd = write("neigh-del", neighDel);
        long t0 = System.nanoTime();
        exec("bridge", "-n", ns, "-batch", fa.toString());
        exec("ip", "-n", ns, "-batch", na.toString());
        long t1 = System.nanoTime();
        verify(n);
        long t2 = System.nanoTime();
        exec("bridge", "-n", ns, "-batch", fd.toString());
        exec("ip", "-n", ns, "-batch", nd.toString());
        long t3 = System.nanoTime();
        verify(0);
        // the CPU time in a second round, through bash's time (getrusage of the children, in ms), so that the wall
        // time above does not carry a shell
        double addCpu = cpu("bridge -n " + ns + " -batch " + fa + "; ip -n " + ns + " -batch " + na);
        verify(n);
        double delCpu = cpu("bridge -n " + ns + " -batch " + fd + "; ip -n " + ns + " -batch " + nd);
        return new double[] {(t1 - t0) / 1e9, (t3 - t2) / 1e9, addCpu, delCpu};
    }

    /** User + system seconds of the commands, as bash's {@code time} reports them for its children. */
    private static double cpu(String commands) {
        String out = exec("bash", "-c", "TIMEFORMAT='%3U %3S'; time { " + commands + "; }").strip();
        String[] us = out.substring(out.lastIndexOf('\n') + 1).split(" ");
        return Double.parseDouble(us[0]) + Double.parseDouble(us[1]);
    }

    private Path write(String name, CharSequence text) {
        try {
            return Files.writeString(scratch.resolve(name), text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String exec(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void check(BatchResult r, int expected) {
        r.throwIfFailed();
        if (r.succeeded() != expected) throw new IllegalStateException(r + ", expected " + expected);
    }

    /** iproute2 sees {@code n} remote MACs with a dst on the VXLAN device and {@code n} ARP entries on it. */
    private void verify(int n) {
        long fdb = exec("bridge", "-n", ns, "fdb", "show", "dev", VX).lines()
                .filter(l -> l.contains(" dst ") && l.contains(" self") && !l.startsWith("00:00:00:00:00:00")).count();
        long arp = exec("ip", "-n", ns, "neigh", "show", "dev", VX).lines().filter(l -> l.contains("PERMANENT")).count();
        if (fdb != n || arp != n) {
            throw new IllegalStateException("expected " + n + " FDB and " + n + " ARP entries, bridge/ip show " + fdb
                    + " and " + arp);
        }
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results/overlay-entries.md");
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int[] sizes = args.length > 2 ? Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {100, 1000, 10000};
        String ns = "ovb-" + ProcessHandle.current().pid();
        Path scratch = Files.createTempDirectory("nlbridge-overlay-bench");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> NetNs.delete(ns)));
        Map<String, double[][]> rows = new LinkedHashMap<>(); // "method N" -> [rep][add, del]
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        EntriesSweep s = new EntriesSweep(ns, scratch);
        try {
            List<NeighbourSpec> warm = s.specs(1000);
            for (int i = 0; i < 3; i++) {
                s.batch(warm);
                s.direct(warm);
            }
            for (int n : sizes) {
                List<NeighbourSpec> specs = s.specs(n);
                for (String m : METHODS) rows.put(m + " " + n, new double[reps][]);
                for (int r = 0; r < reps; r++) {
                    for (String m : METHODS) {
                        double[] t = s.run(m, n, specs);
                        rows.get(m + " " + n)[r] = t;
                        System.err.printf(Locale.ROOT, "%s N=%d rep %d: add %.4f s (cpu %.4f), del %.4f s (cpu %.4f)%n",
                                m, n, r + 1, t[0], t[2], t[1], t[3]);
                    }
                }
            }
        } finally {
            s.rtnl.close();
            s.netns.close();
            NetNs.delete(ns);
            for (String f : new String[] {"fdb-add", "neigh-add", "fdb-del", "neigh-del"}) {
                Files.deleteIfExists(scratch.resolve(f));
            }
            Files.deleteIfExists(scratch);
        }
        String machine = "Kernel " + System.getProperty("os.version") + ", " + exec("ip", "-V").strip() + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + Runtime.version() + "; load average "
                + "before: " + loadBefore + ", after: " + Files.readString(Path.of("/proc/loadavg")).strip()
                + " (a shared machine: compare the methods of one run, which are interleaved).";
        Report.write(out, rows, sizes, METHODS, reps, machine);
    }
}

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.nlbridge.cluster.etcd.Compare;
import org.nlbridge.cluster.etcd.EtcdClient;
import org.nlbridge.cluster.etcd.EtcdConfig;
import org.nlbridge.cluster.etcd.Op;
import org.nlbridge.cluster.etcd.Watch;
import org.nlbridge.cluster.etcd.WatchEvent;
import org.nlbridge.cluster.ipam.ClusterIpam;
import org.nlbridge.net.Cidr;

/**
 * Latency of nlbridge's etcd client on this machine: a compare-and-swap transaction, a watch event's delivery
 * (put by one client to the listener of another's watch, same clock), and the etcd RPCs each high-level
 * operation costs, counted by etcd itself ({@code grpc_server_handled_total} on /metrics).
 * Usage: Latency HOST:PORT[,HOST:PORT...] N
 */
public class Latency {
    public static void main(String[] a) throws Exception {
        String[] eps = a[0].split(",");
        int n = Integer.parseInt(a[1]);
        try (EtcdClient c = EtcdClient.open(EtcdConfig.plain(eps)); EtcdClient w = EtcdClient.open(EtcdConfig.plain(eps))) {
            String run = "/bench/" + ProcessHandle.current().pid() + "/";
            // CAS: "claim if absent" on fresh keys, the IPAM primitive
            long[] cas = new long[n];
            for (int i = -200; i < n; i++) {
                String k = run + "cas/" + i;
                long t0 = System.nanoTime();
                if (!c.txn().when(Compare.absent(k)).then(Op.put(k, "v")).orElse(Op.get(k)).commit().succeeded()) throw new AssertionError();
                if (i >= 0) cas[i] = System.nanoTime() - t0;
            }
            report("CAS txn (claim if absent)", cas);
            // watch delivery: put on one client, event on the other client's watch thread
            SynchronousQueue<Long> got = new SynchronousQueue<>();
            long start = c.revision() + 1;
            long[] watch = new long[n];
            try (Watch wt = w.watch(run + "w/", start, e -> {
                if (e instanceof WatchEvent.Changes ch) {
                    long now = System.nanoTime();
                    for (WatchEvent.Change x : ch.changes()) {
                        try {
                            got.put(now - Long.parseLong(x.kv().value()));
                        } catch (InterruptedException ie) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            })) {
                for (int i = -200; i < n; i++) {
                    c.put(run + "w/k", Long.toString(System.nanoTime()));
                    Long d = got.poll(10, TimeUnit.SECONDS);
                    if (d == null) throw new AssertionError("no watch event in 10 s");
                    if (i >= 0) watch[i] = d;
                }
            }
            report("watch event delivery (put sent -> listener called)", watch);
            // RPCs per operation, as etcd counts them
            String ep = "http://" + eps[0];
            Map<String, Long> before = rpcs(ep);
            ClusterIpam ipam = new ClusterIpam(c, run + "ipam/", Cidr.parseSubnet("subnet", "10.60.0.0/16"), null, Set.of());
            int allocs = 50;
            for (int i = 0; i < allocs; i++) ipam.allocate("h/" + i, 0);
            Map<String, Long> after = rpcs(ep);
            System.out.println("etcd RPCs per ClusterIpam.allocate (uncontended, " + allocs + " allocations): " + perOp(before, after, allocs));
            before = rpcs(ep);
            for (int i = 0; i < allocs; i++) c.txn().when(Compare.absent(run + "x" + i)).then(Op.put(run + "x" + i, "v")).commit();
            System.out.println("etcd RPCs per txn(): " + perOp(before, rpcs(ep), allocs));
            c.deletePrefix(run);
        }
    }

    static void report(String what, long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        System.out.printf("%s: n=%d p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms%n", what, s.length,
                s[s.length / 2] / 1e6, s[(int) (s.length * 0.9)] / 1e6, s[(int) (s.length * 0.99)] / 1e6, s[s.length - 1] / 1e6);
    }

    /** grpc_server_handled_total by method, from the member's /metrics. */
    static Map<String, Long> rpcs(String ep) throws Exception {
        HttpClient h = HttpClient.newHttpClient();
        String body = h.send(HttpRequest.newBuilder(URI.create(ep + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Long> m = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (!line.startsWith("grpc_server_handled_total{")) continue;
            int i = line.indexOf("grpc_method=\"") + 13;
            String method = line.substring(i, line.indexOf('"', i));
            long v = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            m.merge(method, v, Long::sum);
        }
        return m;
    }

    static String perOp(Map<String, Long> before, Map<String, Long> after, int ops) {
        List<String> out = new ArrayList<>();
        for (var e : after.entrySet()) {
            long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (d > 0) out.add(String.format("%s %.2f", e.getKey(), (double) d / ops));
        }
        return String.join(", ", out);
    }
}

package org.nlbridge.bench;

import java.util.concurrent.TimeUnit;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.netlink.BatchResult;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.AddressSpec;
import org.nlbridge.rtnl.BridgeSpec;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.rtnl.RtnlBatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Batch size against the real kernel: {@value #REQUESTS} rtnetlink requests (add/delete pairs of IPv4 addresses on a
 * bridge that is up, each in a /24 of its own, so each add also installs its local and prefix routes) sent {@code batch} per {@code sendmsg},
 * each with its own ack, in a scratch namespace ({@link NetNs#createAnonymous()}, gone with the benchmark). Scores
 * are per request: what one more request costs once the kernel does the work, and what batching saves (one
 * {@code sendmsg} and the acks' reads per batch instead of per request). Run as root:
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp 'bench/target/classes:bench/target/lib/*' org.openjdk.jmh.Main \
 *     RtnlBatchBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RtnlBatchBenchmark {
    static final int REQUESTS = 512;

    /** Requests per {@code sendmsg} (and per {@link RtnlBatch#execute()}). */
    @Param({"1", "8", "64", "512"})
    public int batch;

    private NetNs ns;
    private Rtnl rtnl;
    private RtnlBatch rb;
    private AddressSpec[] specs;

    @Setup(Level.Trial)
    public void setup() {
        ns = NetNs.createAnonymous();
        rtnl = Rtnl.open(ns);
        rtnl.links().add(BridgeSpec.builder("br0").up().build());
        int br = rtnl.links().get("br0").index();
        specs = new AddressSpec[REQUESTS / 2];
        for (int i = 0; i < specs.length; i++) {
            // each in a /24 of its own: every address is primary (deleting a primary would take its secondaries
            // with it) and brings its own local, broadcast and prefix routes, as an endpoint's gateway address does
            specs[i] = AddressSpec.of(br, Cidr.of(Ipv4Address.of(10 << 24 | 77 << 16 | i << 8 | 1), 24));
        }
        rb = rtnl.batch();
    }

    @TearDown(Level.Trial)
    public void close() {
        rtnl.close();
        ns.close(); // the last handle: the namespace and its bridge go with it
    }

    /** {@value #REQUESTS} requests: {@code ip addr add} of 256 addresses, then {@code ip addr del} of each. */
    @Benchmark
    @OperationsPerInvocation(REQUESTS)
    public int addDeletePairs() {
        int done = 0;
        int queued = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (AddressSpec a : specs) {
                if (pass == 0) {
                    rb.addresses().add(a);
                } else {
                    rb.addresses().delete(a);
                }
                if (++queued == batch) {
                    done += check(rb.execute());
                    queued = 0;
                }
            }
        }
        if (queued > 0) done += check(rb.execute());
        return done;
    }

    private static int check(BatchResult r) {
        if (!r.ok()) r.throwIfFailed();
        return r.succeeded();
    }
}

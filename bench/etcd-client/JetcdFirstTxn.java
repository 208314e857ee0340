import io.etcd.jetcd.*;
import io.etcd.jetcd.op.*;
import io.etcd.jetcd.options.*;
import io.etcd.jetcd.kv.TxnResponse;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/** Startup cost of jetcd (io.etcd:jetcd-core): a fresh JVM's time to its first successful compare-and-swap transaction. */
public class JetcdFirstTxn {
    public static void main(String[] a) throws Exception {
        long t0 = System.nanoTime();
        try (Client c = Client.builder().endpoints("http://" + a[0]).build()) {
            ByteSequence k = ByteSequence.from("cmp/jetcd/" + ProcessHandle.current().pid(), StandardCharsets.UTF_8);
            ByteSequence v = ByteSequence.from("v", StandardCharsets.UTF_8);
            TxnResponse r = c.getKVClient().txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(k, v, PutOption.DEFAULT)).Else(Op.get(k, GetOption.DEFAULT)).commit().get();
            long t1 = System.nanoTime();
            if (!r.isSucceeded()) throw new AssertionError("txn failed");
            System.out.printf("jetcd first-txn-ms=%.1f classes=%d uptime-ms=%d%n", (t1 - t0) / 1e6,
                ManagementFactory.getClassLoadingMXBean().getLoadedClassCount(), ManagementFactory.getRuntimeMXBean().getUptime());
        }
        System.exit(0);
    }
}

import java.lang.management.ManagementFactory;
import org.nlbridge.cluster.etcd.Compare;
import org.nlbridge.cluster.etcd.EtcdClient;
import org.nlbridge.cluster.etcd.EtcdConfig;
import org.nlbridge.cluster.etcd.Op;
import org.nlbridge.cluster.etcd.TxnResult;

/** Startup cost of nlbridge's client: a fresh JVM's time to its first successful compare-and-swap transaction. */
public class GatewayFirstTxn {
    public static void main(String[] a) {
        long t0 = System.nanoTime();
        try (EtcdClient c = EtcdClient.open(EtcdConfig.plain(a[0]))) {
            String k = "cmp/gw/" + ProcessHandle.current().pid();
            TxnResult r = c.txn().when(Compare.absent(k)).then(Op.put(k, "v")).orElse(Op.get(k)).commit();
            long t1 = System.nanoTime();
            if (!r.succeeded()) throw new AssertionError("txn failed");
            System.out.printf("gateway first-txn-ms=%.1f classes=%d uptime-ms=%d%n", (t1 - t0) / 1e6,
                    ManagementFactory.getClassLoadingMXBean().getLoadedClassCount(), ManagementFactory.getRuntimeMXBean().getUptime());
        }
        System.exit(0);
    }
}

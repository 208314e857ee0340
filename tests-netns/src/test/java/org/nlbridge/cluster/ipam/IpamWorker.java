package org.nlbridge.cluster.ipam;

import java.util.Map;
import org.nlbridge.cluster.etcd.EtcdClient;
import org.nlbridge.cluster.etcd.EtcdConfig;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;

/**
 * One "host" of the cross-process IPAM test, run in its own JVM inside the client namespace:
 * {@code IpamWorker STORE PREFIX SUBNET HOLDER N GO-FILE} waits for GO-FILE to exist (so all hosts start at
 * once), allocates N addresses as fast as it can, and prints one per line.
 */
public final class IpamWorker {
    public static void main(String[] a) throws Exception {
        java.nio.file.Path go = java.nio.file.Path.of(a[5]);
        try (EtcdClient client = EtcdClient.open(EtcdConfig.parse(a[0], Map.of("timeout", "30s")))) {
            ClusterIpam ipam = new ClusterIpam(client, a[1], Cidr.parseSubnet("subnet", a[2]), null, java.util.Set.<IpAddress>of());
            client.revision(); // connected and warm before the start line
            System.out.println("ready");
            System.out.flush();
            while (!java.nio.file.Files.exists(go)) Thread.sleep(5);
            for (int i = 0; i < Integer.parseInt(a[4]); i++) {
                System.out.println(ipam.allocate(a[3] + "/" + i, 0).address());
            }
        }
    }
}

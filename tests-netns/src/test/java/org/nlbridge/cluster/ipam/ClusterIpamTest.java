package org.nlbridge.cluster.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.cluster.etcd.EtcdClient;
import org.nlbridge.cluster.etcd.Op;
import org.nlbridge.cluster.etcd.EtcdConfig;
import org.nlbridge.cluster.etcd.Lease;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.etcd.EtcdCluster;

/** Cluster-wide IPAM against a real three-member etcd: concurrent hosts never get the same address. */
@ExtendWith(SandboxExtension.class)
class ClusterIpamTest {
    private static final String PREFIX = "/nlbridge/v1/networks/ov/ipam/";
    private static final Cidr SUBNET = Cidr.parseSubnet("subnet", "10.60.0.0/24");
    private static final IpAddress GATEWAY = IpAddress.parse("gw", "10.60.0.1");

    @BeforeEach
    void etcd() {
        Assumptions.assumeTrue(Host.has("etcd") && Host.has("etcdctl"), "needs etcd-server and etcd-client");
    }

    private static EtcdClient client(EtcdCluster c) {
        return EtcdClient.open(EtcdConfig.plain(c.hostPorts().split(",")).withTimeout(Duration.ofSeconds(20)), c.clientThreads());
    }

    /** 3 hosts (threads with a client each, spread over the members) x 30 allocations at once: 90 distinct. */
    @Test
    void concurrentHostsGetDistinctAddresses(Sandbox sb) throws Exception {
        int hosts = 3;
        int each = 30;
        try (EtcdCluster c = EtcdCluster.start(sb, 3)) {
            List<EtcdClient> clients = new ArrayList<>();
            for (int h = 1; h <= hosts; h++) {
                // each "host" talks to its own member first, as a daemon would to its local etcd
                clients.add(EtcdClient.open(EtcdConfig.plain(EtcdCluster.ip(h) + ":2379", EtcdCluster.ip(h % 3 + 1) + ":2379")
                        .withTimeout(Duration.ofSeconds(20)), c.clientThreads()));
            }
            ExecutorService pool = Executors.newFixedThreadPool(hosts);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<IpAddress>>> got = new ArrayList<>();
            for (int h = 0; h < hosts; h++) {
                ClusterIpam ipam = new ClusterIpam(clients.get(h), PREFIX, SUBNET, null, Set.of(GATEWAY));
                String host = "h" + (h + 1);
                got.add(pool.submit(() -> {
                    go.await();
                    List<IpAddress> mine = new ArrayList<>();
                    for (int i = 0; i < each; i++) mine.add(ipam.allocate(host + "/c" + i, 0).address());
                    return mine;
                }));
            }
            go.countDown();
            Set<IpAddress> all = new HashSet<>();
            for (Future<List<IpAddress>> f : got) all.addAll(f.get(120, TimeUnit.SECONDS));
            pool.shutdown();
            assertEquals(hosts * each, all.size(), "an address was handed out twice: " + all);
            assertFalse(all.contains(GATEWAY));
            assertFalse(all.contains(SUBNET.network()));
            ClusterIpam reader = new ClusterIpam(clients.getFirst(), PREFIX, SUBNET, null, Set.of(GATEWAY));
            assertEquals(all, reader.list().keySet());
            // the oracle: etcdctl counts the keys
            String keys = c.etcdctl("get", "--prefix", "--keys-only", PREFIX).out();
            assertEquals(hosts * each, keys.lines().filter(l -> !l.isBlank()).count());
            for (EtcdClient cl : clients) cl.close();
        }
    }

    /** The same property across processes: 3 JVMs in the client namespace x 25 allocations at once. */
    @Test
    void concurrentJvmsGetDistinctAddresses(Sandbox sb) throws Exception {
        int jvms = 3;
        int each = 25;
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path dir = Files.createTempDirectory("nlbt-ipam-");
        Path go = dir.resolve("go");
        try (EtcdCluster c = EtcdCluster.start(sb, 3)) {
            List<Process> ps = new ArrayList<>();
            for (int j = 1; j <= jvms; j++) {
                String store = "etcd://" + EtcdCluster.ip(j) + ":2379," + EtcdCluster.ip(j % 3 + 1) + ":2379";
                ps.add(new ProcessBuilder("ip", "netns", "exec", c.clientNetns(), ProcessHandle.current().info().command().orElseThrow(),
                        "-cp", cp, IpamWorker.class.getName(), store, PREFIX, SUBNET.toString(), "jvm" + j, Integer.toString(each),
                        go.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start());
            }
            List<BufferedReader> outs = new ArrayList<>();
            for (Process p : ps) {
                BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("ready", r.readLine());
                outs.add(r);
            }
            Files.createFile(go);
            Set<String> all = new HashSet<>();
            int total = 0;
            for (int j = 0; j < jvms; j++) {
                Process p = ps.get(j);
                for (String line = outs.get(j).readLine(); line != null; line = outs.get(j).readLine()) {
                    all.add(line);
                    total++;
                }
                assertTrue(p.waitFor(120, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue());
            }
            assertEquals(jvms * each, total);
            assertEquals(jvms * each, all.size(), "an address was handed out twice");
        } finally {
            Files.deleteIfExists(go);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void wantedAddressesReleaseLeasesAndExhaustion(Sandbox sb) throws Exception {
        try (EtcdCluster c = EtcdCluster.start(sb, 1); EtcdClient client = client(c)) {
            Cidr small = Cidr.parseSubnet("subnet", "10.61.0.0/29"); // .1 gateway, .2-.6 allocatable, .7 broadcast
            ClusterIpam ipam = new ClusterIpam(client, "/ipam/small/", small, null, Set.of(IpAddress.parse("gw", "10.61.0.1")));
            IpAddress wanted = IpAddress.parse("ip", "10.61.0.4");
            assertEquals(wanted, ipam.allocate(wanted, "h1/web", 0).address());
            AddressInUseException inUse = assertThrows(AddressInUseException.class, () -> ipam.allocate(wanted, "h2/db", 0));
            assertEquals("h1/web", inUse.holder());
            assertEquals(wanted, ipam.allocate(wanted, "h1/web", 0).address(), "our own claim, repeated, is ours");
            assertThrows(ValidationException.class, () -> ipam.allocate(IpAddress.parse("ip", "10.61.0.1"), "x", 0));
            assertThrows(ValidationException.class, () -> ipam.allocate(IpAddress.parse("ip", "10.61.0.7"), "x", 0));
            Lease host = client.grant(Duration.ofSeconds(30));
            List<String> firstFree = new ArrayList<>();
            for (int i = 0; i < 4; i++) firstFree.add(ipam.allocate("h2/c" + i, host.id()).address().toString());
            assertEquals(List.of("10.61.0.2", "10.61.0.3", "10.61.0.5", "10.61.0.6"), firstFree);
            NoFreeAddressException full = assertThrows(NoFreeAddressException.class, () -> ipam.allocate("h3/x", 0));
            assertTrue(full.getMessage().contains("10.61.0.0/29"), full.getMessage());
            assertFalse(ipam.release(wanted, "h2/db"), "only the holder releases");
            assertTrue(ipam.release(wanted, "h1/web"));
            assertEquals(wanted, ipam.allocate("h3/x", 0).address(), "a released address is free again");
            // a host that goes takes its addresses with it
            assertEquals(host.id(), ipam.list().get(IpAddress.parse("ip", "10.61.0.2")).lease());
            host.revoke();
            assertEquals(Set.of("10.61.0.4"), ipam.list().keySet().stream().map(Object::toString).collect(java.util.stream.Collectors.toSet()));
            // a restarted host re-claims an address it still holds under a new lease: moved to that lease
            Lease old = client.grant(Duration.ofSeconds(30));
            ipam.allocate(IpAddress.parse("ip", "10.61.0.2"), "h4/app", old.id());
            Lease fresh = client.grant(Duration.ofSeconds(30));
            ipam.allocate(IpAddress.parse("ip", "10.61.0.2"), "h4/app", fresh.id());
            assertEquals(fresh.id(), ipam.list().get(IpAddress.parse("ip", "10.61.0.2")).lease());
            old.revoke();
            assertTrue(ipam.list().containsKey(IpAddress.parse("ip", "10.61.0.2")));
            fresh.close();
            Map<IpAddress, ClusterIpam.Allocation> left = ipam.list();
            assertEquals(1, left.size());

            // a search from a given place takes the first free at or after it and wraps round; one that knows the
            // taken addresses claims in one transaction, and the record that goes with a claim is written with it
            IpAddress six = IpAddress.parse("ip", "10.61.0.6");
            ClusterIpam.Allocation a = ipam.allocate("h5/a", 0, Set.of(), ip -> List.of(Op.put("/rec/h5/a", ip.toString())), six);
            assertEquals(six, a.address());
            assertTrue(a.fresh());
            assertEquals("10.61.0.6", client.get("/rec/h5/a").orElseThrow().value());
            assertEquals("10.61.0.2", ipam.allocate("h5/b", 0, null, ip -> List.of(), six).address().toString(),
                    "past the last it wraps round to the first free (.7 is the broadcast)");
            assertEquals(ipam.spread(42), ipam.spread(42), "the same seed, the same place");
            for (long seed : new long[] {0, 1, -7, Long.MIN_VALUE, 999}) {
                IpAddress x = ipam.spread(seed);
                assertTrue(x.compareTo(IpAddress.parse("ip", "10.61.0.1")) >= 0
                        && x.compareTo(IpAddress.parse("ip", "10.61.0.6")) <= 0, x + " is in the range");
            }
        }
    }
}

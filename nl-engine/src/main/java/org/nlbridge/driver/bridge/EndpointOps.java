package org.nlbridge.driver.bridge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.nlbridge.driver.state.Endpoint;
import org.nlbridge.driver.state.Network;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IfName;
import org.nlbridge.netlink.BatchResult;
import org.nlbridge.netlink.NetlinkException;
import org.nlbridge.netlink.NoSuchObjectException;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.AddressSpec;
import org.nlbridge.rtnl.RouteSpec;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.rtnl.RtnlBatch;
import org.nlbridge.rtnl.VethSpec;

/**
 * The kernel side of endpoints: veth pairs whose peer is created directly inside the container's namespace with
 * its final name, then the container side (address, MAC, up, {@code lo} up, default route, sysctls).
 *
 * <p>Many containers go through one call: every host-side veth in one netlink batch, then one short visit per
 * container namespace (a dedicated thread, one socket, one batch). Nothing here touches the store; the caller
 * journals before and after, and undoes what failed.
 */
final class EndpointOps {
    private final Rtnl host;
    private final BridgePorts ports;

    EndpointOps(Rtnl host, BridgePorts ports) {
        this.host = host;
        this.ports = ports;
    }

    /** One endpoint to bring up: its journalled record, its network, its namespace and the bridge's index. */
    record Work(Endpoint endpoint, Network network, NetNs netns, int bridgeIndex) {}

    /** Why an endpoint could not be attached; what was created for it has been removed again. */
    record Failure(Work work, RuntimeException cause) {}

    /**
     * Attaches all of {@code work}; returns the failures (each rolled back in the kernel), so one bad container
     * does not stop the others.
     */
    List<Failure> attach(List<Work> work) {
        List<Failure> failures = new ArrayList<>();
        Map<Object, Work> bySpec = new IdentityHashMap<>();
        RtnlBatch batch = host.batch();
        for (Work w : work) {
            Endpoint e = w.endpoint();
            VethSpec v = VethSpec.builder(e.hostVeth().toString(), e.ifName().toString())
                    .peerNetns(w.netns())
                    .mtu(w.network().mtu())
                    .peerMac(e.mac())
                    .master(w.bridgeIndex())
                    .alias(Naming.vethAlias(e.network(), e.container()))
                    .queues(1) // the one queue Docker's veths use too, without an RCU grace period per end
                    .up()
                    .build();
            bySpec.put(v, w);
            batch.links().add(v);
        }
        BatchResult r = batch.execute();
        List<Work> created = new ArrayList<>(work);
        for (NetlinkException f : r.failures()) {
            Work w = bySpec.get(f.object());
            if (w == null) throw f; // not one of ours: cannot attribute it, so do not guess
            created.remove(w);
            failures.add(new Failure(w, f));
        }
        hairpin(created, failures);
        CrashPoint.at(CrashPoint.HOST_BATCH);
        for (Work w : created) {
            try {
                configureContainerSide(w);
            } catch (RuntimeException e) {
                removeHostVeth(w.endpoint().hostVeth(), new ArrayList<>());
                failures.add(new Failure(w, e));
            }
        }
        return failures;
    }

    /**
     * Hairpin mode on every new host-side veth (see {@link BridgePorts}), one batch; an endpoint whose port cannot be
     * set is rolled back like any other failed attach.
     */
    private void hairpin(List<Work> created, List<Failure> failures) {
        if (created.isEmpty()) return;
        Map<String, Work> byVeth = new java.util.HashMap<>();
        for (Work w : created) byVeth.put(w.endpoint().hostVeth().toString(), w);
        BatchResult r = ports.hairpinOn(List.copyOf(byVeth.keySet()));
        for (NetlinkException f : r.failures()) {
            Work w = f.object() instanceof BridgePorts.Subject s ? byVeth.get(s.port()) : null;
            if (w == null) throw f;
            created.remove(w);
            removeHostVeth(w.endpoint().hostVeth(), new ArrayList<>());
            failures.add(new Failure(w, f));
        }
    }

    /** Inside the container: sysctls first (IPv6 off before the link comes up), then addresses, up, routes. */
    private static void configureContainerSide(Work w) {
        Endpoint e = w.endpoint();
        Network n = w.network();
        String ifname = e.ifName().toString();
        w.netns().call(() -> {
            if (Files.isDirectory(Path.of("/proc/sys/net/ipv6/conf", ifname))) {
                // an IPv4-only network: no IPv6 on the container side at all (no DAD/MLD/RS chatter, no RA attack)
                writeSysctl("net/ipv6/conf/" + ifname + "/disable_ipv6", e.ipv6() == null ? "1" : "0");
                if (e.ipv6() != null) writeSysctl("net/ipv6/conf/" + ifname + "/accept_ra", "0");
            }
            writeSysctl("net/ipv4/conf/" + ifname + "/arp_notify", "1"); // gratuitous ARP as the link comes up
            try (Rtnl c = Rtnl.current()) {
                int eth = c.links().get(ifname).index();
                RtnlBatch b = c.batch();
                b.links().setUp("lo");
                b.addresses().add(AddressSpec.of(eth, Cidr.of(e.ipv4(), n.ipv4().subnet().prefixLength())).withBroadcast());
                if (e.ipv6() != null) {
                    b.addresses().add(AddressSpec.of(eth, Cidr.of(e.ipv6(), n.ipv6().subnet().prefixLength())).withNoDad());
                }
                b.links().setUp(eth);
                if (!n.options().internal()) {
                    b.routes().add(RouteSpec.defaultVia(n.ipv4().gateway()).dev(eth));
                    if (e.ipv6() != null) b.routes().add(RouteSpec.defaultVia(n.ipv6().gateway()).dev(eth));
                }
                b.execute().throwIfFailed();
            }
            return null;
        });
    }

    /** Writes a sysctl of the calling thread's namespace (we are on a dedicated thread inside it). */
    private static void writeSysctl(String key, String value) {
        try {
            Files.writeString(Path.of("/proc/sys", key), value, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set sysctl " + key.replace('/', '.') + "=" + value + ": " + e.getMessage(), e);
        }
    }

    /** Removes a container's veth; the peer inside goes with it. Already gone counts as done. */
    void removeHostVeth(IfName veth, List<String> errors) {
        try {
            host.links().deleteIfExists(veth.toString());
        } catch (NoSuchObjectException gone) {
            // deleted between lookup and delete: done
        } catch (RuntimeException e) {
            errors.add("veth " + veth + ": " + e.getMessage());
        }
    }

    /** Removes many containers' veths in one batch; records every failure that is not "already gone". */
    void detach(List<Endpoint> endpoints, List<String> errors) {
        if (endpoints.isEmpty()) return;
        RtnlBatch b = host.batch();
        java.util.Set<String> links = new java.util.HashSet<>();
        host.links().list().forEach(l -> links.add(l.name())); // one dump instead of a lookup per endpoint
        List<Endpoint> present = new ArrayList<>();
        for (Endpoint e : endpoints) {
            if (links.contains(e.hostVeth().toString())) {
                b.links().delete(e.hostVeth().toString());
                present.add(e);
            }
        }
        if (present.isEmpty()) return;
        for (NetlinkException f : b.execute().failures()) {
            if (!(f instanceof NoSuchObjectException)) errors.add(f.getMessage());
        }
    }

    /** Brings {@code lo} up in a namespace with no other networking (Docker {@code --network none}). */
    static void loopbackOnly(NetNs ns) {
        ns.call(() -> {
            try (Rtnl c = Rtnl.current()) {
                c.links().setUp("lo");
            }
            return null;
        });
    }
}

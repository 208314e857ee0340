package org.nlbridge.rtnl;

import java.util.ArrayList;
import java.util.List;

import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.netlink.BatchResult;
import org.nlbridge.testing.Sandbox;

/**
 * The overlay's L2 data plane built by hand with rtnl, no driver: three "hosts" (namespaces {@code h1..h3}) on an
 * underlay switch (namespace {@code ul}, bridge {@code ulbr}, 198.51.100.11-13/24 on each host's {@code eth0}), each
 * with the overlay bridge {@code ov} (MTU 1450, the same gateway 10.60.0.1/16 on every host), the VXLAN device
 * {@code vx-ov} (VNI 4096, port 4789, learning off, proxy ARP, a port of {@code ov}) and one container namespace
 * ({@code c1..c3}) whose {@code eth0} is on {@code ov}. Container addresses come from the one /16 with no per-host
 * structure, and MACs from their addresses (02:42 + IPv4).
 *
 * <p>{@link #program} writes, on every host, for every container of the other hosts, the two entries of the design
 * (docs/overlay-data-plane.md): the FDB entry MAC to VTEP on {@code vx-ov} and the ARP entry IP to MAC on
 * {@code vx-ov}, which its proxy answers from (and with IPv6 the ND entry). Without IPv6 it is off everywhere, so
 * the underlay carries only what the test sends.
 */
final class ThreeHosts implements AutoCloseable {
    static final int VNI = 4096;
    static final int MTU = 1450;
    static final String GATEWAY = "10.60.0.1";

    /** One host and its container; {@code ip6} is null unless the world was built with IPv6. */
    record Host(int n, Ns host, Ns container, Ipv4Address underlay, Ipv4Address ip, IpAddress ip6, MacAddress mac) {
        String hostNs() {
            return host.name;
        }

        String containerNs() {
            return container.name;
        }
    }

    final Ns underlay;
    final List<Host> hosts = new ArrayList<>();

    private ThreeHosts(Ns underlay) {
        this.underlay = underlay;
    }

    static ThreeHosts build(Sandbox sb) {
        return build(sb, false);
    }

    /** With {@code ipv6}, containers also get fd60::N/64 (no DAD) and hosts an ND entry per remote container. */
    static ThreeHosts build(Sandbox sb, boolean ipv6) {
        List<String> names = sb.netns(List.of("ul", "h1", "h2", "h3", "c1", "c2", "c3"));
        String[] ips = {"10.60.7.11", "10.60.0.12", "10.60.200.13"};
        ThreeHosts w = new ThreeHosts(Ns.open(names.get(0)));
        try {
            for (String n : ipv6 ? List.<String>of() : names) {
                try (Ns x = Ns.open(n)) {
                    x.netns.writeSysctl("net/ipv6/conf/all/disable_ipv6", "1");
                    x.netns.writeSysctl("net/ipv6/conf/default/disable_ipv6", "1");
                }
            }
            w.underlay.links().add(BridgeSpec.builder("ulbr").up().build());
            int ulbr = w.underlay.links().get("ulbr").index();
            for (int i = 1; i <= 3; i++) {
                Ns h = Ns.open(names.get(i));
                Ns c = Ns.open(names.get(3 + i));
                Ipv4Address ip = Ipv4Address.parse("ip", ips[i - 1]);
                Host host = new Host(i, h, c, Ipv4Address.parse("underlay", "198.51.100.1" + i), ip,
                        ipv6 ? IpAddress.parse("ip6", "fd60::" + (10 + i)) : null, MacAddress.fromIpv4(ip));
                w.hosts.add(host);
                w.wire(host, ulbr);
            }
            return w;
        } catch (RuntimeException | Error e) {
            w.close();
            throw e;
        }
    }

    /** Underlay veth, overlay bridge with the gateway, VXLAN port, container veth with address and default route. */
    private void wire(Host x, int ulbr) {
        underlay.links().add(VethSpec.builder("u" + x.n(), "eth0").peerNetns(x.host().netns).master(ulbr).up().build());
        Links hl = x.host().links();
        hl.setUp("eth0");
        int eth0 = hl.get("eth0").index();
        x.host().addresses().add(AddressSpec.of(eth0, x.underlay() + "/24").withBroadcast());
        hl.add(BridgeSpec.builder("ov").mtu(MTU).up().build());
        int ov = hl.get("ov").index();
        x.host().addresses().add(AddressSpec.of(ov, GATEWAY + "/16").withBroadcast());
        hl.add(vxlan(x, eth0, MTU).master(ov).build());
        hl.add(VethSpec.builder("vc" + x.n(), "eth0").peerNetns(x.container().netns).mtu(MTU).peerMac(x.mac())
                .master(ov).up().build());
        Links cl = x.container().links();
        cl.setUp("lo");
        cl.setUp("eth0");
        x.container().addresses().add(AddressSpec.of(cl.get("eth0").index(), x.ip() + "/16").withBroadcast());
        if (x.ip6() != null) {
            x.container().addresses().add(AddressSpec.of(cl.get("eth0").index(), x.ip6() + "/64").withNoDad());
        }
        x.container().routes().add(RouteSpec.defaultVia(GATEWAY));
    }

    /** The VXLAN device of host {@code x}: on {@code underlayIndex} when it is not 0. */
    static VxlanSpec.Builder vxlan(Host x, int underlayIndex, int mtu) {
        VxlanSpec.Builder b = VxlanSpec.builder("vx-ov", VNI).local(x.underlay()).proxy().mtu(mtu).up();
        return underlayIndex > 0 ? b.underlay(underlayIndex) : b;
    }

    /** The two entries a host holds, on its VXLAN device {@code vx}, for the container of host {@code remote}. */
    static List<NeighbourSpec> entriesFor(int vx, Host remote) {
        List<NeighbourSpec> out = new ArrayList<>(List.of(NeighbourSpec.fdb(vx, remote.mac()).dst(remote.underlay()),
                NeighbourSpec.ip(vx, remote.ip(), remote.mac())));
        if (remote.ip6() != null) {
            out.add(NeighbourSpec.ip(vx, remote.ip6(), remote.mac()));
        }
        return out;
    }

    /** On every host, in one batch per host: the entries for every other host's container. */
    void program() {
        for (Host h : hosts) program(h);
    }

    /** One batch on {@code h}: replace (converge) the entries for every other host's container. */
    BatchResult program(Host h) {
        int vx = h.host().links().get("vx-ov").index();
        RtnlBatch b = h.host().rtnl.batch();
        for (Host r : hosts) {
            if (r == h) continue;
            for (NeighbourSpec s : entriesFor(vx, r)) b.neighbours().replace(s);
        }
        BatchResult result = b.execute();
        result.throwIfFailed();
        return result;
    }

    /** On every host but the container's own, one batch: the entries for {@code gone} are deleted if present. */
    void withdraw(Host gone) {
        for (Host h : hosts) {
            if (h == gone) continue;
            int vx = h.host().links().get("vx-ov").index();
            RtnlBatch b = h.host().rtnl.batch();
            for (NeighbourSpec s : entriesFor(vx, gone)) b.neighbours().deleteIfExists(s);
            b.execute().throwIfFailed();
        }
    }

    Host host(int n) {
        return hosts.get(n - 1);
    }

    @Override
    public void close() {
        for (Host h : hosts) {
            h.container().close();
            h.host().close();
        }
        underlay.close();
    }
}

package org.nlbridge.rtnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;

/**
 * The overlay's L2 data plane (docs/overlay-data-plane.md) proved by hand with rtnl, before any driver exists: three
 * hosts, one container each, FDB and ARP entries written by our batches ({@link ThreeHosts}), then real packets.
 * Figures (underlay bytes per packet, the path MTU) are printed as {@code overlay-figures:} lines.
 */
@ExtendWith(SandboxExtension.class)
class OverlayDataPlaneTest {

    /** The {@code self} FDB entries on {@code vx-ov} as "mac dst", and its permanent ARP entries as "ip mac". */
    private static List<String> entries(String ns) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : Oracle.bridge(ns, "fdb", "show", "dev", "vx-ov")) {
            boolean self = false;
            for (JsonNode f : e.path("flags")) self |= "self".equals(f.asText());
            if (self) out.add("fdb " + e.path("mac").asText() + " " + e.path("dst").asText());
        }
        for (JsonNode n : Oracle.ip(ns, "neigh", "show", "dev", "vx-ov")) {
            out.add("arp " + n.path("dst").asText() + " " + n.path("lladdr").asText() + " " + n.path("state").get(0).asText());
        }
        out.sort(null);
        return out;
    }

    private static List<String> expected(ThreeHosts w, ThreeHosts.Host on) {
        List<String> out = new ArrayList<>();
        for (ThreeHosts.Host r : w.hosts) {
            if (r == on) continue;
            out.add("fdb " + r.mac() + " " + r.underlay());
            out.add("arp " + r.ip() + " " + r.mac() + " PERMANENT");
        }
        out.sort(null);
        return out;
    }

    @Test
    void containersOnThreeHostsReachEachOtherWithTheirOwnAddressesAndRemovalWithdrawsIt(Sandbox sb) {
        Tcp.assumeAvailable();
        try (ThreeHosts w = ThreeHosts.build(sb)) {
            ThreeHosts.Host h1 = w.host(1);
            ThreeHosts.Host h2 = w.host(2);
            ThreeHosts.Host h3 = w.host(3);
            for (ThreeHosts.Host h : w.hosts) {
                Tcp.noPing(h1.containerNs(), h == h1 ? "10.60.99.99" : h.ip().toString()); // nothing before the entries
            }
            w.program();
            for (ThreeHosts.Host h : w.hosts) {
                assertEquals(expected(w, h), entries(h.hostNs()), "bridge -j fdb / ip -j neigh on " + h.hostNs());
            }
            JsonNode vx = Oracle.link(h1.hostNs(), "vx-ov").path("linkinfo").path("info_data");
            assertEquals(ThreeHosts.VNI, vx.path("id").asInt());
            assertEquals(false, vx.path("learning").asBoolean(true));
            assertEquals(true, vx.path("proxy").asBoolean());

            for (ThreeHosts.Host from : w.hosts) {
                for (ThreeHosts.Host to : w.hosts) {
                    if (from != to) Tcp.pings(from.containerNs(), to.ip().toString());
                }
            }
            for (ThreeHosts.Host h : w.hosts) Tcp.serve(sb, "c" + h.n(), "c" + h.n(), 7000);
            Tcp.reaches(h1.containerNs(), h2.ip().toString(), 7000, "c2 from " + h1.ip());
            Tcp.reaches(h2.containerNs(), h3.ip().toString(), 7000, "c3 from " + h2.ip());
            Tcp.reaches(h3.containerNs(), h1.ip().toString(), 7000, "c1 from " + h3.ip());

            // the gateway is the same address on every host and answered by the container's own host: the proxy
            // on vx-ov answers ARP only from its table, so the gateway's ARP never crosses the underlay
            Tcp.pings(h1.containerNs(), ThreeHosts.GATEWAY);
            String gw1 = Oracle.ip(h1.containerNs(), "neigh", "show", ThreeHosts.GATEWAY).get(0).path("lladdr").asText();
            assertEquals(Oracle.link(h1.hostNs(), "ov").path("address").asText(), gw1);
            assertNotEquals(Oracle.link(h2.hostNs(), "ov").path("address").asText(), gw1);

            // a rerun converges: the same batch again changes nothing and fails nothing
            assertEquals(4, w.program(h1).succeeded());
            assertEquals(expected(w, h1), entries(h1.hostNs()));

            // container 2 goes: every other host deletes its two entries in one batch, twice (already gone is done)
            w.withdraw(h2);
            w.withdraw(h2);
            List<String> left = entries(h1.hostNs());
            assertTrue(left.stream().noneMatch(e -> e.contains(h2.mac().toString())), left.toString());
            Tcp.noPing(h1.containerNs(), h2.ip().toString());
            Tcp.noPing(h3.containerNs(), h2.ip().toString());
            Tcp.blocked(h1.containerNs(), h2.ip().toString(), 7000);
            Tcp.pings(h1.containerNs(), h3.ip().toString());
            Tcp.reaches(h1.containerNs(), h3.ip().toString(), 7000, "c3 from " + h1.ip());
        }
    }

    @Test
    void ipv6ContainersReachEachOtherThroughTheProxysNdAnswers(Sandbox sb) {
        Tcp.assumeAvailable();
        try (ThreeHosts w = ThreeHosts.build(sb, true)) {
            ThreeHosts.Host h1 = w.host(1);
            ThreeHosts.Host h3 = w.host(3);
            Tcp.noPing(h1.containerNs(), h3.ip6().toString());
            w.program();
            List<String> nd = new ArrayList<>();
            for (JsonNode n : Oracle.ip(h1.hostNs(), "-6", "neigh", "show", "dev", "vx-ov")) {
                nd.add(n.path("dst").asText() + " " + n.path("lladdr").asText());
            }
            nd.sort(null);
            assertEquals(List.of(w.host(2).ip6() + " " + w.host(2).mac(), h3.ip6() + " " + h3.mac()), nd);
            Tcp.pings(h1.containerNs(), h3.ip6().toString());
            Tcp.start(sb, "c3", "c3", 7006, "::");
            Tcp.await(h3.containerNs(), "::1", 7006);
            assertEquals("c3 from " + h1.ip6(), Tcp.reach(h1.containerNs(), h3.ip6().toString(), 7006, 3000));
            w.withdraw(h3);
            Tcp.noPing(h1.containerNs(), h3.ip6().toString());
        }
    }

    /** tx bytes and packets of {@code dev} in {@code ns}, from {@code ip -s -j link}. */
    private static long[] tx(String ns, String dev) {
        JsonNode t = Oracle.ip(ns, "-s", "link", "show", "dev", dev).get(0).path("stats64").path("tx");
        return new long[] {t.path("bytes").asLong(), t.path("packets").asLong()};
    }

    /** Pings {@code to} from container namespace {@code ns} {@code count} times with {@code size} bytes of payload. */
    private static Cmd.Result ping(String ns, String to, int count, int size, boolean df) {
        return Cmd.exec(null, "ip", "netns", "exec", ns, "ping", "-n", "-c", Integer.toString(count), "-i",
                "0.2", "-W", "1", "-s", Integer.toString(size), "-M", df ? "do" : "dont", to);
    }

    @Test
    void vxlanAddsFiftyBytesPerPacketAndThePathMtuIsTheUnderlaysMinusFifty(Sandbox sb) {
        try (ThreeHosts w = ThreeHosts.build(sb)) {
            w.program();
            ThreeHosts.Host h1 = w.host(1);
            String to = w.host(2).ip().toString();
            Tcp.pings(h1.containerNs(), to); // resolves the container's ARP (locally) and the underlay's ARP

            // overhead: what h1's underlay link sends for the echo requests, against what the container sent
            long perPacket = -1;
            long inner = 0;
            for (int attempt = 0; attempt < 3 && perPacket < 0; attempt++) {
                long[] c0 = tx(h1.containerNs(), "eth0");
                long[] u0 = tx(h1.hostNs(), "eth0");
                assertEquals(0, ping(h1.containerNs(), to, 5, 56, true).exit());
                long[] c1 = tx(h1.containerNs(), "eth0");
                long[] u1 = tx(h1.hostNs(), "eth0");
                long packets = c1[1] - c0[1];
                if (packets == 5 && u1[1] - u0[1] == packets) { // else something else crossed meanwhile: again
                    inner = (c1[0] - c0[0]) / packets;
                    perPacket = ((u1[0] - u0[0]) - (c1[0] - c0[0])) / packets;
                }
            }
            assertEquals(98, inner, "a 56-byte ping: 14 Ethernet + 20 IPv4 + 8 ICMP + 56");
            assertEquals(VxlanSpec.OVERHEAD_IPV4, perPacket, "outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8");
            System.out.println("overlay-figures: a " + inner + "-byte frame from the container is " + (inner + perPacket)
                    + " bytes on the underlay (+" + perPacket + ")");

            // MTU 1450 = 1500 - 50: the largest ping that fits crosses with DF set; one byte more cannot leave
            assertEquals(0, ping(h1.containerNs(), to, 1, 1422, true).exit(), "1422 + 28 = 1450 crosses unfragmented");
            Cmd.Result tooBig = ping(h1.containerNs(), to, 1, 1423, true);
            assertNotEquals(0, tooBig.exit());

            // the same path with MTU 1500 inside (h1's VXLAN without its underlay device, which would cap the MTU):
            // a 1451-byte packet with DF set still does not cross, the kernel reports the tunnel's path MTU
            Links hl = h1.host().links();
            int ov = hl.get("ov").index();
            hl.delete("vx-ov");
            hl.add(ThreeHosts.vxlan(h1, 0, 1500).master(ov).build());
            w.program(h1);
            hl.setMtu("ov", 1500);
            hl.setMtu("vc1", 1500);
            h1.container().links().setMtu("eth0", 1500);
            assertEquals(1500, Oracle.link(h1.hostNs(), "vx-ov").path("mtu").asInt());
            assertEquals(0, ping(h1.containerNs(), to, 1, 1422, true).exit(), "what fits the tunnel still crosses");
            Cmd.Result over = ping(h1.containerNs(), to, 2, 1423, true);
            assertNotEquals(0, over.exit(), "1451 bytes inside need 1501 outside: " + over.out() + over.err());
            String why = (over.out() + over.err()).lines().filter(l -> l.contains("mtu")).findFirst().orElse("no reply");
            System.out.println("overlay-figures: overlay MTU " + ThreeHosts.MTU + " on a 1500 underlay: DF ping -s 1422"
                    + " crosses; with 1500 inside, -s 1423 does not: " + why.strip());
        }
    }
}

package org.nlbridge.rtnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netlink.BatchResult;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.NetlinkException;
import org.nlbridge.netlink.NlSocket;
import org.nlbridge.netlink.NoSuchObjectException;
import org.nlbridge.netlink.ObjectExistsException;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/** Neighbour (ARP/ND) and FDB verbs, checked against {@code ip -j neigh} and {@code bridge -j fdb}. */
@ExtendWith(SandboxExtension.class)
class NeighboursTest {

    /** The entry for {@code dst} in {@code ip -j neigh show dev LINK}, or null. */
    private static JsonNode neigh(String ns, String dev, String dst) {
        for (JsonNode n : Oracle.ip(ns, "neigh", "show", "dev", dev)) {
            if (dst.equals(n.path("dst").asText())) return n;
        }
        return null;
    }

    /** The {@code self} entries of {@code bridge -j fdb show dev LINK} as "mac dst" lines (dst "-" when none). */
    private static List<String> selfFdb(String ns, String dev) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : Oracle.bridge(ns, "fdb", "show", "dev", dev)) {
            boolean self = false;
            for (JsonNode f : e.path("flags")) self |= "self".equals(f.asText());
            if (self && !e.path("mac").asText().startsWith("33:33")) {
                out.add(e.path("mac").asText() + " " + e.path("dst").asText("-"));
            }
        }
        out.sort(null);
        return out;
    }

    /** An underlay veth {@code ul0} (198.51.100.1/24, up), bridge {@code br0}, and VXLAN {@code vx0} on both. */
    private static int vxlanHost(Ns h) {
        h.links().add(VethSpec.builder("ul0", "ul1").up().build());
        h.links().setUp("ul1");
        int ul0 = h.links().get("ul0").index();
        h.addresses().add(AddressSpec.of(ul0, "198.51.100.1/24").withBroadcast());
        h.links().add(BridgeSpec.builder("br0").up().build());
        h.links().add(VxlanSpec.builder("vx0", 42).local("198.51.100.1").underlay(ul0).proxy()
                .master(h.links().get("br0").index()).up().build());
        return h.links().get("vx0").index();
    }

    @Test
    void arpAndNdEntriesAgainstIpNeigh(Sandbox sb) throws InterruptedException {
        String ns = sb.netns("h");
        try (Ns h = Ns.open(ns)) {
            h.links().add(VethSpec.builder("va", "vb").up().build());
            h.links().setUp("vb");
            int va = h.links().get("va").index();
            Neighbours n = h.rtnl.neighbours();

            n.add(NeighbourSpec.ip(va, "10.0.0.5", "02:42:0a:00:00:05"));
            n.add(NeighbourSpec.ip(va, "fd00::5", "02:42:0a:00:00:05").router());
            JsonNode v4 = neigh(ns, "va", "10.0.0.5");
            assertNotNull(v4);
            assertEquals("02:42:0a:00:00:05", v4.path("lladdr").asText());
            assertEquals("PERMANENT", v4.path("state").get(0).asText());
            JsonNode v6 = neigh(ns, "va", "fd00::5");
            assertNotNull(v6);
            assertTrue(v6.has("router"), v6.toString());

            ObjectExistsException dup = assertThrows(ObjectExistsException.class,
                    () -> n.add(NeighbourSpec.ip(va, "10.0.0.5", "02:42:0a:00:00:06")));
            assertTrue(dup.getMessage().startsWith("RTM_NEWNEIGH neighbour 10.0.0.5 lladdr 02:42:0a:00:00:06 on ifindex "
                    + va + ": EEXIST"), dup.getMessage());

            n.replace(NeighbourSpec.ip(va, "10.0.0.5", "02:42:0a:00:00:06"));
            assertEquals("02:42:0a:00:00:06", neigh(ns, "va", "10.0.0.5").path("lladdr").asText());

            // ip hides NOARP entries (the multicast ones of IPv6) unless asked for all; the kernel adds those as the
            // fresh link joins its groups (DAD, MLD), so compare two listings taken while nothing was added between
            List<Neighbour> ours = n.list(va);
            int theirs = Oracle.ip(ns, "neigh", "show", "dev", "va", "nud", "all").size();
            for (int i = 0; i < 30 && theirs != ours.size(); i++) {
                Thread.sleep(100);
                ours = n.list(va);
                theirs = Oracle.ip(ns, "neigh", "show", "dev", "va", "nud", "all").size();
            }
            assertEquals(theirs, ours.size());
            Neighbour five = ours.stream().filter(x -> x.address().toString().equals("10.0.0.5")).findFirst().orElseThrow();
            assertEquals(new Neighbour(IpAddress.AF_INET, va, IpAddress.parse("t", "10.0.0.5"),
                    MacAddress.parse("t", "02:42:0a:00:00:06"), Nud.PERMANENT, 0, -1, 0, 0, 0, -1), five);
            assertEquals(1, n.list(IpAddress.AF_INET, va).size());

            n.delete(NeighbourSpec.ip(va, "10.0.0.5"));
            assertNull(neigh(ns, "va", "10.0.0.5"));
            NoSuchObjectException gone = assertThrows(NoSuchObjectException.class,
                    () -> n.delete(NeighbourSpec.ip(va, "10.0.0.5")));
            assertTrue(gone.getMessage().startsWith("RTM_DELNEIGH neighbour 10.0.0.5 on ifindex " + va + ": ENOENT"),
                    gone.getMessage());
            n.deleteIfExists(NeighbourSpec.ip(va, "10.0.0.5")); // already gone counts as done
            n.deleteIfExists(five.toSpec());
            n.deleteIfExists(NeighbourSpec.ip(va, "fd00::5"));
            assertNull(neigh(ns, "va", "fd00::5"));
        }
    }

    @Test
    void vxlanDeviceIsCreatedAsSpecified(Sandbox sb) {
        String ns = sb.netns("h");
        try (Ns h = Ns.open(ns)) {
            int vx = vxlanHost(h);
            JsonNode j = Oracle.link(ns, "vx0");
            assertEquals(1450, j.path("mtu").asInt(), "the kernel's default: underlay MTU - 50");
            assertEquals("br0", j.path("master").asText());
            JsonNode d = j.path("linkinfo").path("info_data");
            assertEquals("vxlan", j.path("linkinfo").path("info_kind").asText());
            assertEquals(42, d.path("id").asInt());
            assertEquals("198.51.100.1", d.path("local").asText());
            assertEquals("ul0", d.path("link").asText());
            assertEquals(4789, d.path("port").asInt());
            assertFalse(d.path("learning").asBoolean(true));
            assertTrue(d.path("proxy").asBoolean());
            assertTrue(d.path("group").isMissingNode() && d.path("remote").isMissingNode(), "no group, no remote: " + d);

            VxlanInfo[] info = new VxlanInfo[1];
            h.links().dump(new LinkVisitor() {
                @Override
                public void link(LinkView l) {
                    if (l.index() == vx) info[0] = l.vxlan();
                    else assertNull(l.vxlan(), "not a VXLAN: " + l.name());
                }
            });
            assertEquals(new VxlanInfo(42, IpAddress.parse("t", "198.51.100.1"), 4789, h.links().get("ul0").index(),
                    false, true, false, false, 0), info[0]);

            // every option, an IPv6 underlay, no underlay device: the kernel's MTU default is then 1500
            h.links().add(VxlanSpec.builder("vx6", 43).local("fd00::1").port(8472).l2miss().l3miss().ttl(32)
                    .udp6ZeroChecksumTx(true).udp6ZeroChecksumRx(true).learning(true).alias("nlbridge:ov").build());
            JsonNode j6 = Oracle.link(ns, "vx6");
            JsonNode d6 = j6.path("linkinfo").path("info_data");
            assertEquals(1500, j6.path("mtu").asInt());
            assertEquals("fd00::1", d6.path("local6").asText());
            assertEquals(8472, d6.path("port").asInt());
            assertTrue(d6.path("learning").asBoolean());
            assertTrue(d6.path("l2miss").asBoolean() && d6.path("l3miss").asBoolean(), d6.toString());
            assertEquals(32, d6.path("ttl").asInt());
            assertTrue(d6.path("udp_zero_csum6_tx").asBoolean() && d6.path("udp_zero_csum6_rx").asBoolean());
            assertEquals("nlbridge:ov", j6.path("ifalias").asText());

            // with an underlay device, a larger MTU is lowered at creation and refused afterwards
            h.links().add(VxlanSpec.builder("vxbig", 44).local("198.51.100.1").underlay(h.links().get("ul0").index())
                    .mtu(1500).build());
            assertEquals(1450, Oracle.link(ns, "vxbig").path("mtu").asInt());
            NetlinkException raise = assertThrows(NetlinkException.class, () -> h.links().setMtu("vxbig", 1451));
            assertEquals("EINVAL", raise.errnoName(), raise.getMessage());
            ObjectExistsException dup = assertThrows(ObjectExistsException.class,
                    () -> h.links().add(VxlanSpec.builder("vx0", 45).build()));
            assertTrue(dup.getMessage().contains("vxlan vx0 (vni 45)"), dup.getMessage());
        }
    }

    @Test
    void fdbEntriesAgainstBridgeFdb(Sandbox sb) {
        String ns = sb.netns("h");
        try (Ns h = Ns.open(ns)) {
            int vx = vxlanHost(h);
            int ul0 = h.links().get("ul0").index();
            Neighbours n = h.rtnl.neighbours();

            n.add(NeighbourSpec.fdb(vx, "02:42:0a:3c:00:0c").dst("198.51.100.2"));
            n.add(NeighbourSpec.fdb(vx, "02:42:0a:3c:00:0d").dst("198.51.100.3").vni(99).port(5555).via(ul0));
            n.append(NeighbourSpec.flood(vx, "198.51.100.2"));
            n.append(NeighbourSpec.flood(vx, "198.51.100.3"));
            n.append(NeighbourSpec.flood(vx, "198.51.100.3")); // present already: no change, no error
            assertEquals(List.of("00:00:00:00:00:00 198.51.100.2", "00:00:00:00:00:00 198.51.100.3",
                    "02:42:0a:3c:00:0c 198.51.100.2", "02:42:0a:3c:00:0d 198.51.100.3"), selfFdb(ns, "vx0"));
            JsonNode odd = null;
            for (JsonNode e : Oracle.bridge(ns, "fdb", "show", "dev", "vx0")) {
                if ("02:42:0a:3c:00:0d".equals(e.path("mac").asText())) odd = e;
            }
            assertNotNull(odd);
            assertEquals(99, odd.path("vni").asInt());
            assertEquals(5555, odd.path("port").asInt());
            assertEquals("ul0", odd.path("viaIf").asText());
            assertEquals("permanent", odd.path("state").asText());

            ObjectExistsException dup = assertThrows(ObjectExistsException.class,
                    () -> n.add(NeighbourSpec.fdb(vx, "02:42:0a:3c:00:0c").dst("198.51.100.3")));
            assertTrue(dup.getMessage().startsWith("RTM_NEWNEIGH fdb 02:42:0a:3c:00:0c dst 198.51.100.3 on ifindex " + vx
                    + " (self): EEXIST"), dup.getMessage());
            n.replace(NeighbourSpec.fdb(vx, "02:42:0a:3c:00:0c").dst("198.51.100.3")); // the container moved host
            assertTrue(selfFdb(ns, "vx0").contains("02:42:0a:3c:00:0c 198.51.100.3"));
            ValidationException unicastAppend = assertThrows(ValidationException.class,
                    () -> n.append(NeighbourSpec.fdb(vx, "02:42:0a:3c:00:0c").dst("198.51.100.4")));
            assertEquals("fdb.mac", unicastAppend.field());

            // what our dump sees is what bridge sees
            List<Neighbour> fdb = n.fdb(vx);
            List<String> seen = new ArrayList<>();
            for (Neighbour e : fdb) {
                assertTrue(e.isFdb() && e.ifindex() == vx);
                if (e.isSelf() && !e.mac().toString().startsWith("33:33")) seen.add(e.mac() + " " + e.address());
                if (e.isMaster()) assertEquals(h.links().get("br0").index(), e.master(), "the bridge's own entry for vx0");
            }
            seen.sort(null);
            assertEquals(selfFdb(ns, "vx0"), seen);
            Neighbour odd2 = fdb.stream().filter(e -> e.mac().toString().equals("02:42:0a:3c:00:0d")).findFirst().orElseThrow();
            assertEquals(99, odd2.vni());
            assertEquals(5555, odd2.port());
            assertEquals(ul0, odd2.via());
            assertTrue(fdb.stream().anyMatch(Neighbour::isFlood));

            // one flood destination goes, the other stays; then the rest
            n.delete(NeighbourSpec.flood(vx, "198.51.100.2"));
            assertEquals(List.of("00:00:00:00:00:00 198.51.100.3", "02:42:0a:3c:00:0c 198.51.100.3",
                    "02:42:0a:3c:00:0d 198.51.100.3"), selfFdb(ns, "vx0"));
            NoSuchObjectException gone = assertThrows(NoSuchObjectException.class,
                    () -> n.delete(NeighbourSpec.fdb(vx, "02:42:0a:3c:00:99")));
            assertEquals("ENOENT", gone.errnoName());
            for (Neighbour e : fdb) {
                if (e.isSelf()) n.deleteIfExists(e.toSpec());
            }
            assertEquals(List.of(), selfFdb(ns, "vx0"));

            // the bridge's own table: a static entry on a port (master), not a local one
            h.links().add(VethSpec.builder("va", "vb").master(h.links().get("br0").index()).build());
            int va = h.links().get("va").index();
            n.add(NeighbourSpec.fdb(va, "02:42:0a:3c:00:02").master());
            JsonNode st = null;
            for (JsonNode e : Oracle.bridge(ns, "fdb", "show", "dev", "va")) {
                if ("02:42:0a:3c:00:02".equals(e.path("mac").asText())) st = e;
            }
            assertNotNull(st);
            assertEquals("br0", st.path("master").asText());
            assertEquals("static", st.path("state").asText());
        }
    }

    @Test
    void oneBatchOfHundredsOfEntriesNamesItsFailuresAndConvergesOnDelete(Sandbox sb) {
        String ns = sb.netns("h");
        try (Ns h = Ns.open(ns)) {
            int vx = vxlanHost(h);
            RtnlBatch b = h.rtnl.batch();
            int n = 500;
            List<NeighbourSpec> specs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Ipv4Address ip = (Ipv4Address) Ipv4Address.of(10 << 24 | 60 << 16 | 1 << 8).plus(i + 2);
                MacAddress mac = MacAddress.fromIpv4(ip);
                IpAddress vtep = IpAddress.parse("t", "198.51.100." + (2 + i % 3));
                specs.add(NeighbourSpec.fdb(vx, mac).dst(vtep));
                specs.add(NeighbourSpec.ip(vx, ip, mac));
            }
            for (NeighbourSpec s : specs) b.neighbours().add(s);
            NeighbourSpec again = specs.get(250);
            b.neighbours().add(again);
            BatchResult r = b.execute();
            assertEquals(2 * n + 1, r.requests());
            assertEquals(2 * n, r.succeeded());
            assertEquals(1, r.failures().size());
            NetlinkException f = r.failures().getFirst();
            assertInstanceOf(ObjectExistsException.class, f);
            assertSame(again, f.object(), "the failure names the entry");
            assertEquals(n, selfFdb(ns, "vx0").size());
            assertEquals(n, Oracle.ip(ns, "-4", "neigh", "show", "dev", "vx0").size());

            for (NeighbourSpec s : specs) b.neighbours().deleteIfExists(s);
            for (int i = 0; i < 10; i++) {
                b.neighbours().deleteIfExists(NeighbourSpec.fdb(vx, MacAddress.of(0x0200_0000_0100L + i)));
            }
            b.neighbours().deleteIfExists(NeighbourSpec.ip(vx, "10.99.0.1"));
            BatchResult d = b.execute();
            assertTrue(d.ok(), d.toString());
            assertEquals(11, d.absent());
            assertEquals(List.of(), selfFdb(ns, "vx0"));
            assertEquals(0, Oracle.ip(ns, "-4", "neigh", "show", "dev", "vx0").size());
        }
    }

    @Test
    void dumpsAreFilteredByTheKernel(Sandbox sb) {
        String ns = sb.netns("h");
        try (Ns h = Ns.open(ns)) {
            int vx = vxlanHost(h);
            h.links().add(VxlanSpec.builder("vx1", 43).local("198.51.100.1").mtu(1450).build());
            int vx1 = h.links().get("vx1").index();
            RtnlBatch b = h.rtnl.batch();
            for (int i = 0; i < 20; i++) {
                b.neighbours().add(NeighbourSpec.fdb(vx1, MacAddress.of(0x0242_0a3d_0000L + i)).dst("198.51.100.2"));
                b.neighbours().add(NeighbourSpec.ip(vx1, IpAddress.parse("t", "10.61.0." + (i + 2)),
                        MacAddress.of(0x0242_0a3d_0000L + i)));
            }
            b.neighbours().add(NeighbourSpec.fdb(vx, "02:42:0a:3c:00:02").dst("198.51.100.2"));
            b.neighbours().add(NeighbourSpec.ip(vx, "10.60.0.2", "02:42:0a:3c:00:02"));
            b.execute().throwIfFailed();

            int[] seen = new int[1];
            int delivered = h.rtnl.neighbours().dump(NeighbourSpec.AF_BRIDGE, vx, e -> seen[0]++);
            assertEquals(selfFdb(ns, "vx0").size() + 1, seen[0], "vx0's entry and the bridge's entry for vx0's MAC");
            assertEquals(seen[0], delivered, "the kernel sent only vx0's entries: the filter was honoured, not ignored");
            delivered = h.rtnl.neighbours().dump(IpAddress.AF_INET, vx, e -> { });
            assertEquals(1, delivered);
            assertEquals(20, h.rtnl.neighbours().list(IpAddress.AF_INET, vx1).size());
            assertTrue(h.rtnl.neighbours().list(IpAddress.AF_INET, 0).size() >= 21);
        }
    }

    @Test
    void neighbourNotificationsAreDecoded(Sandbox sb) {
        String ns = sb.netns("h");
        try (Ns h = Ns.open(ns); NlSocket mon = h.netns.openSocket(Uapi.NETLINK_ROUTE())) {
            int vx = vxlanHost(h);
            for (int g : RtnlEvents.NEIGHBOUR_GROUPS) mon.joinGroup(g);
            mon.receiveTimeout(2000);
            h.rtnl.neighbours().add(NeighbourSpec.fdb(vx, "02:42:0a:3c:00:0c").dst("198.51.100.2"));
            h.rtnl.neighbours().delete(NeighbourSpec.fdb(vx, "02:42:0a:3c:00:0c").dst("198.51.100.2"));

            RtnlEvents decoder = new RtnlEvents();
            MemorySegment buf = mon.allocate(NlSocket.receiveDatagramSize());
            MsgCursor m = new MsgCursor();
            List<RtnlEvent.NeighbourEvent> events = new ArrayList<>();
            while (events.size() < 2) {
                long got = mon.receive(buf);
                assertTrue(got > 0, "a notification within 2 s, got " + got);
                m.reset(buf, got);
                while (m.next()) {
                    if (decoder.decode(m) instanceof RtnlEvent.NeighbourEvent e && e.neighbour().isSelf()) events.add(e);
                }
            }
            assertFalse(events.get(0).deleted());
            assertFalse(events.get(0).miss());
            assertEquals("02:42:0a:3c:00:0c", events.get(0).neighbour().mac().toString());
            assertEquals("198.51.100.2", events.get(0).neighbour().address().toString());
            assertEquals(vx, events.get(0).neighbour().ifindex());
            assertTrue(events.get(1).deleted());
        }
    }
}

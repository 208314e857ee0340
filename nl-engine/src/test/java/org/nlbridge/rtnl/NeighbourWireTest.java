package org.nlbridge.rtnl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netlink.Batch;
import org.nlbridge.netlink.BatchResult;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.MsgWriter;
import org.nlbridge.netlink.WireFormatException;

/** Neighbour/FDB and VXLAN requests byte for byte, their decoders, their validation; no kernel needed. */
class NeighbourWireTest {
    private final Wire.Recorder kernel = new Wire.Recorder();
    private final Batch batch = new Batch(kernel);
    private final RtnlBatch rtnl = new RtnlBatch(batch);

    @AfterEach
    void close() {
        batch.close();
    }

    private static String refused(Executable e) {
        return assertThrows(ValidationException.class, e).getMessage();
    }

    private static String field(Executable e) {
        return assertThrows(ValidationException.class, e).field();
    }

    @Test
    void fdbEntryOnVxlanCarriesDstVniPortAndVia() {
        rtnl.neighbours().add(NeighbourSpec.fdb(7, "02:42:0a:3c:00:0c").dst("198.51.100.12").vni(99).port(5555).via(3));
        rtnl.neighbours().append(NeighbourSpec.flood(7, "fd00::12"));
        rtnl.neighbours().deleteIfExists(NeighbourSpec.fdb(7, "02:42:0a:3c:00:0c"));
        rtnl.execute().throwIfFailed();

        Wire.Sent add = kernel.sent.get(0);
        assertEquals(Uapi.RTM_NEWNEIGH(), add.type());
        // in a batch an entry asks for no ack: only a refusal is answered, one barrier per send settles the rest
        assertEquals(Uapi.NLM_F_REQUEST() | Uapi.NLM_F_CREATE() | Uapi.NLM_F_EXCL(), add.flags());
        byte[] p = add.payload();
        assertEquals(LibC.AF_BRIDGE(), p[Nd.NDM_FAMILY]);
        assertEquals(7, Wire.u32(p, Nd.NDM_IFINDEX));
        assertEquals(Uapi.NUD_PERMANENT(), Wire.u32(p, Nd.NDM_STATE) & 0xffff);
        assertEquals(Uapi.NTF_SELF(), p[Nd.NDM_FLAGS]);
        Map<Integer, Wire.Attr> a = Wire.attrs(p, Nd.NDMSG);
        assertArrayEquals(new byte[] {(byte) 198, 51, 100, 12}, a.get(Uapi.NDA_DST()).payload());
        assertArrayEquals(new byte[] {2, 0x42, 10, 0x3c, 0, 12}, a.get(Uapi.NDA_LLADDR()).payload());
        assertEquals(99, a.get(Uapi.NDA_VNI()).u32());
        assertArrayEquals(new byte[] {0x15, (byte) 0xb3}, a.get(Uapi.NDA_PORT()).payload(), "port in network order");
        assertEquals(3, a.get(Uapi.NDA_IFINDEX()).u32());

        Wire.Sent append = kernel.sent.get(1);
        assertEquals(Uapi.NLM_F_REQUEST() | Uapi.NLM_F_CREATE() | Uapi.NLM_F_APPEND(), append.flags());
        Map<Integer, Wire.Attr> f = Wire.attrs(append.payload(), Nd.NDMSG);
        assertEquals(16, f.get(Uapi.NDA_DST()).payload().length);
        assertArrayEquals(new byte[6], f.get(Uapi.NDA_LLADDR()).payload());
        assertFalse(f.containsKey(Uapi.NDA_VNI()));
        assertFalse(f.containsKey(Uapi.NDA_PORT()));

        Wire.Sent del = kernel.sent.get(2);
        assertEquals(Uapi.RTM_DELNEIGH(), del.type());
        assertEquals(Uapi.NLM_F_REQUEST(), del.flags());
        assertEquals(Uapi.NLMSG_NOOP(), kernel.sent.get(3).type(), "the barrier");
        assertFalse(Wire.attrs(del.payload(), Nd.NDMSG).containsKey(Uapi.NDA_DST()));
    }

    @Test
    void arpEntryAndBridgeStaticEntry() {
        rtnl.neighbours().replace(NeighbourSpec.ip(9, "10.60.0.12", "02:42:0a:3c:00:0c"));
        rtnl.neighbours().add(NeighbourSpec.fdb(4, "02:42:0a:3c:00:02").master());
        rtnl.execute().throwIfFailed();
        Wire.Sent arp = kernel.sent.get(0);
        assertEquals(Uapi.NLM_F_REQUEST() | Uapi.NLM_F_CREATE() | Uapi.NLM_F_REPLACE(), arp.flags());
        assertEquals(LibC.AF_INET(), arp.payload()[Nd.NDM_FAMILY]);
        assertEquals(0, arp.payload()[Nd.NDM_FLAGS]);
        assertEquals(Uapi.NUD_PERMANENT(), Wire.u32(arp.payload(), Nd.NDM_STATE) & 0xffff);
        assertArrayEquals(new byte[] {10, 60, 0, 12}, Wire.attrs(arp.payload(), Nd.NDMSG).get(Uapi.NDA_DST()).payload());
        Wire.Sent st = kernel.sent.get(1);
        assertEquals(Uapi.NTF_MASTER(), st.payload()[Nd.NDM_FLAGS]);
        assertEquals(Uapi.NUD_NOARP(), Wire.u32(st.payload(), Nd.NDM_STATE) & 0xffff, "static, not local");
    }

    @Test
    void failuresNameTheEntryAndAConvergingDeleteCountsGoneAsDone() {
        kernel.refuse = s -> s.type() == Uapi.RTM_DELNEIGH() ? LibC.ENOENT() : LibC.EEXIST();
        NeighbourSpec e = NeighbourSpec.fdb(7, "02:42:0a:3c:00:0c").dst("198.51.100.12");
        rtnl.neighbours().add(e);
        rtnl.neighbours().deleteIfExists(e);
        rtnl.neighbours().delete(e);
        BatchResult r = rtnl.execute();
        assertEquals(1, r.succeeded());
        assertEquals(1, r.absent());
        assertEquals(2, r.failures().size());
        assertEquals("RTM_NEWNEIGH fdb 02:42:0a:3c:00:0c dst 198.51.100.12 on ifindex 7 (self): EEXIST (File exists)",
                r.failures().get(0).getMessage());
        assertEquals("RTM_DELNEIGH fdb 02:42:0a:3c:00:0c dst 198.51.100.12 on ifindex 7 (self): ENOENT (No such file or"
                + " directory)", r.failures().get(1).getMessage());
    }

    @Test
    void badEntriesAreRefusedBeforeAnythingIsEncoded() {
        assertEquals("invalid neighbour.address \"10.1\": 2 parts; an IPv4 address has exactly 4; expected an IP address like 10.0.0.1 or"
                + " fd00::1", refused(() -> NeighbourSpec.ip(3, "10.1", "02:00:00:00:00:01")));
        assertEquals("neighbour.mac", field(() -> NeighbourSpec.ip(3, "10.0.0.1", "ff:ff:ff:ff:ff:ff")));
        assertEquals("neighbour.ifindex", field(() -> NeighbourSpec.ip(0, "10.0.0.1", "02:00:00:00:00:01")));
        assertEquals("fdb.mac", field(() -> NeighbourSpec.fdb(3, "02-00-00-00-00-01")));
        assertEquals("invalid fdb.dst \"239.1.1.1\": not a unicast address; expected the unicast underlay address of a"
                + " remote VTEP (no multicast: the overlay has no groups)",
                refused(() -> NeighbourSpec.flood(3, "239.1.1.1")));
        assertEquals("fdb.vni", field(() -> NeighbourSpec.fdb(3, "02:00:00:00:00:01").vni(1 << 24)));
        assertEquals("fdb.vni", field(() -> NeighbourSpec.fdb(3, "02:00:00:00:00:01").vni(-1)));
        assertEquals("fdb.port", field(() -> NeighbourSpec.fdb(3, "02:00:00:00:00:01").port(0)));
        assertEquals("fdb.port", field(() -> NeighbourSpec.fdb(3, "02:00:00:00:00:01").port(65536)));
        assertEquals("fdb.via", field(() -> NeighbourSpec.fdb(3, "02:00:00:00:00:01").via(0)));
        assertEquals("fdb.dst", field(() -> NeighbourSpec.ip(3, "10.0.0.1", "02:00:00:00:00:01").dst("198.51.100.1")));
        assertEquals("fdb.flags", field(() -> NeighbourSpec.ip(3, "10.0.0.1", "02:00:00:00:00:01").master()));
        assertEquals("fdb.flags", field(() -> NeighbourSpec.fdb(3, "02:00:00:00:00:01").router()));
        assertEquals("neighbour.state", field(() -> NeighbourSpec.ip(3, "10.0.0.1", "02:00:00:00:00:01").state(0)));
        assertEquals("neighbour.family", field(() -> new NeighbourSpec(17, 3, null, null, Nud.PERMANENT, 0, -1, 0, 0)));
        assertEquals("neighbour.address", field(() -> new NeighbourSpec(IpAddress.AF_INET6, 3,
                IpAddress.parse("t", "10.0.0.1"), null, Nud.PERMANENT, 0, -1, 0, 0)));
        assertEquals("fdb.flags", field(() -> new NeighbourSpec(NeighbourSpec.AF_BRIDGE, 3, null,
                MacAddress.of(2), Nud.PERMANENT, 0, -1, 0, 0)));
        // verbs: a MAC for add/replace, a flood MAC for append; nothing was queued by any of these
        assertEquals("neighbour.mac", field(() -> rtnl.neighbours().add(NeighbourSpec.ip(3, "10.0.0.1"))));
        assertEquals("neighbour.mac", field(() -> rtnl.neighbours().replace(NeighbourSpec.ip(3, "10.0.0.1"))));
        assertTrue(refused(() -> rtnl.neighbours().append(NeighbourSpec.fdb(3, "02:00:00:00:00:01").dst("198.51.100.1")))
                .contains("for a unicast MAC use replace"));
        assertEquals("fdb.dst", field(() -> rtnl.neighbours().append(NeighbourSpec.fdb(3, NeighbourSpec.ZERO_MAC))));
        assertEquals(0, rtnl.size());
    }

    @Test
    void vxlanCreateCarriesItsInfoData() {
        rtnl.links().add(VxlanSpec.builder("vx-ov", 4096).local("198.51.100.11").underlay(2).proxy().ttl(64)
                .mtu(1450).master(5).up().build());
        rtnl.links().add(VxlanSpec.builder("vx6", 7).local("fd00::11").udp6ZeroChecksumRx(true).l2miss().build());
        rtnl.execute().throwIfFailed();
        Map<Integer, Wire.Attr> a = Wire.attrs(kernel.sent.get(0).payload(), Rt.IFINFOMSG);
        assertEquals("vx-ov", a.get(Rt.IFLA_IFNAME).string());
        assertEquals(1450, a.get(Rt.IFLA_MTU).u32());
        assertEquals(5, a.get(Rt.IFLA_MASTER).u32());
        Map<Integer, Wire.Attr> info = a.get(Rt.IFLA_LINKINFO).nested(0);
        assertEquals("vxlan", info.get(Rt.IFLA_INFO_KIND).string());
        Map<Integer, Wire.Attr> d = info.get(Rt.IFLA_INFO_DATA).nested(0);
        assertEquals(4096, d.get(VxlanWire.ID).u32());
        assertArrayEquals(new byte[] {(byte) 198, 51, 100, 11}, d.get(VxlanWire.LOCAL).payload());
        assertEquals(2, d.get(VxlanWire.LINK).u32());
        assertArrayEquals(new byte[] {0x12, (byte) 0xb5}, d.get(VxlanWire.PORT).payload(), "4789, network order");
        assertEquals(0, d.get(VxlanWire.LEARNING).u8(), "learning off, said explicitly: the kernel's default is on");
        assertEquals(1, d.get(VxlanWire.PROXY).u8());
        assertEquals(64, d.get(VxlanWire.TTL).u8());
        assertFalse(d.containsKey(VxlanWire.L2MISS));
        assertFalse(d.containsKey(VxlanWire.UDP_CSUM));
        Map<Integer, Wire.Attr> d6 = Wire.attrs(kernel.sent.get(1).payload(), Rt.IFINFOMSG).get(Rt.IFLA_LINKINFO)
                .nested(0).get(Rt.IFLA_INFO_DATA).nested(0);
        assertEquals(16, d6.get(VxlanWire.LOCAL6).payload().length);
        assertEquals(1, d6.get(VxlanWire.UDP_ZERO_CSUM6_RX).u8());
        assertEquals(1, d6.get(VxlanWire.L2MISS).u8());
        assertFalse(d6.containsKey(VxlanWire.LINK));
    }

    @Test
    void badVxlanSpecsAreRefused() {
        assertEquals("invalid vxlan.vni \"16777216\": outside 0..16777215; expected a VXLAN network identifier"
                + " 0..16777215 (24 bits)", refused(() -> VxlanSpec.builder("vx0", 1 << 24).build()));
        assertEquals("vxlan.port", field(() -> VxlanSpec.builder("vx0", 1).port(0).build()));
        assertEquals("vxlan.local", field(() -> VxlanSpec.builder("vx0", 1).local("239.0.0.1").build()));
        assertEquals("vxlan.local", field(() -> VxlanSpec.builder("vx0", 1).local("10.1")));
        assertEquals("vxlan.ttl", field(() -> VxlanSpec.builder("vx0", 1).ttl(256).build()));
        assertEquals("vxlan.udp6zerocsum", field(() -> VxlanSpec.builder("vx0", 1).local("10.0.0.1")
                .udp6ZeroChecksumTx(true).build()));
        assertEquals("vxlan.udpcsum", field(() -> VxlanSpec.builder("vx0", 1).local("fd00::1").udpChecksum(false).build()));
        assertEquals("vxlan.name", field(() -> VxlanSpec.builder("vx/0", 1)));
        assertEquals("vxlan.underlay", field(() -> VxlanSpec.builder("vx0", 1).underlay(0)));
        assertEquals("permanent|noarp", Nud.name(Nud.PERMANENT | Nud.NOARP));
        assertEquals("none", Nud.name(Nud.NONE));
        assertEquals("stale|0x100", Nud.name(Nud.STALE | 0x100));
        assertEquals(50, VxlanSpec.builder("vx0", 1).local("10.0.0.1").build().overhead());
        assertEquals(70, VxlanSpec.builder("vx0", 1).local("fd00::1").build().overhead());
    }

    /** An FDB entry of a VXLAN as the kernel dumps it, with an attribute from a newer kernel mixed in. */
    private static void fdbReply(MsgWriter w, int dstLength) {
        fdbReply(w, Nd.RTM_NEWNEIGH, dstLength);
    }

    private static void fdbReply(MsgWriter w, int type, int dstLength) {
        w.begin(type, Uapi.NLM_F_MULTI(), 1);
        long h = w.reserve(Nd.NDMSG);
        w.setU8(h + Nd.NDM_FAMILY, Nd.AF_BRIDGE);
        w.setU32(h + Nd.NDM_IFINDEX, 7);
        w.setU16(h + Nd.NDM_STATE, Uapi.NUD_PERMANENT());
        w.setU8(h + Nd.NDM_FLAGS, Uapi.NTF_SELF());
        w.putBytes(Nd.NDA_LLADDR, new byte[] {2, 0x42, 10, 0x3c, 0, 12});
        w.putU32(0x3ff, 1);
        w.putBytes(Nd.NDA_DST, dstLength == 4 ? new byte[] {(byte) 198, 51, 100, 12} : new byte[dstLength]);
        w.putBe16(Nd.NDA_PORT, 5555);
        w.putU32(Nd.NDA_VNI, 99);
        w.putU32(Nd.NDA_IFINDEX, 3);
        w.end();
    }

    @Test
    void neighbourViewReadsInPlaceAndRefusesBadAddresses() {
        MsgCursor m = Wire.messages(w -> fdbReply(w, 4));
        assertTrue(m.next());
        NeighbourView v = new NeighbourView();
        assertTrue(v.reset(m));
        assertTrue(v.isFdb() && v.isSelf() && !v.isMaster());
        assertEquals(0x02420a3c000cL, v.macBits());
        assertTrue(v.addressEquals(IpAddress.parse("t", "198.51.100.12")));
        assertFalse(v.addressEquals(IpAddress.parse("t", "198.51.100.13")));
        assertFalse(v.addressEquals(IpAddress.parse("t", "fd00::1")));
        Neighbour n = v.toNeighbour();
        assertEquals(new Neighbour(Nd.AF_BRIDGE, 7, IpAddress.parse("t", "198.51.100.12"),
                MacAddress.of(0x02420a3c000cL), Uapi.NUD_PERMANENT(), Uapi.NTF_SELF(), 99, 5555, 3, 0, -1), n);
        assertEquals(NeighbourSpec.fdb(7, "02:42:0a:3c:00:0c").dst("198.51.100.12").vni(99).port(5555).via(3), n.toSpec());

        MsgCursor bad = Wire.messages(w -> fdbReply(w, 5));
        assertTrue(bad.next());
        assertTrue(v.reset(bad));
        WireFormatException e = assertThrows(WireFormatException.class, v::toNeighbour);
        assertTrue(e.getMessage().contains("NDA_DST") && e.getMessage().contains("5 bytes"), e.getMessage());

        MsgCursor other = Wire.messages(w -> {
            w.begin(Nd.RTM_NEWNEIGH, 0, 1);
            long h = w.reserve(Nd.NDMSG);
            w.setU8(h + Nd.NDM_FAMILY, 28); // AF_MPLS
            w.end();
        });
        assertTrue(other.next());
        assertFalse(v.reset(other), "other families are skipped, not misread");
    }

    @Test
    void notificationsDecodeToNeighbourEvents() {
        RtnlEvents events = new RtnlEvents();
        MsgCursor m = Wire.messages(w -> {
            fdbReply(w, Nd.RTM_NEWNEIGH, 4);
            fdbReply(w, Nd.RTM_DELNEIGH, 4);
            fdbReply(w, Nd.RTM_GETNEIGH, 4);
        });
        boolean[][] expected = {{false, false}, {true, false}, {false, true}};
        for (boolean[] e : expected) {
            assertTrue(m.next());
            RtnlEvent.NeighbourEvent ev = (RtnlEvent.NeighbourEvent) events.decode(m);
            assertEquals(e[0], ev.deleted());
            assertEquals(e[1], ev.miss(), "RTM_GETNEIGH from the kernel is a VXLAN miss");
            assertEquals("02:42:0a:3c:00:0c", ev.neighbour().mac().toString());
        }
        assertEquals(java.util.List.of(Uapi.RTNLGRP_NEIGH()), RtnlEvents.NEIGHBOUR_GROUPS);
        assertFalse(RtnlEvents.GROUPS.contains(Uapi.RTNLGRP_NEIGH()), "a host monitor does not read every FDB change");
    }

    @Test
    void queueingAndScanningEntriesAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
        NeighbourSpec[] specs = new NeighbourSpec[64];
        for (int i = 0; i < specs.length; i += 2) {
            MacAddress mac = MacAddress.of(0x02420a3c0000L + i);
            specs[i] = NeighbourSpec.fdb(7, mac).dst("198.51.100.12");
            specs[i + 1] = NeighbourSpec.ip(7, IpAddress.parse("t", "10.60.0." + (i + 2)), mac);
        }
        int rounds = 2000;
        for (NeighbourSpec s : specs) rtnl.neighbours().replace(s); // warm up
        rtnl.execute();
        long allocated = 0;
        for (int r = 0; r < rounds; r++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (NeighbourSpec s : specs) rtnl.neighbours().replace(s);
            allocated += threads.getCurrentThreadAllocatedBytes() - before;
            rtnl.execute();
            kernel.sent.clear();
        }
        assertTrue(allocated < 64L * rounds, allocated + " bytes for " + 64 * rounds + " entries queued");

        byte[] dump = Wire.bytes(w -> {
            for (int i = 0; i < 100; i++) fdbReply(w, 4);
        });
        MemorySegment seg = MemorySegment.ofArray(dump);
        MsgCursor m = new MsgCursor();
        NeighbourView v = new NeighbourView();
        IpAddress vtep = IpAddress.parse("t", "198.51.100.12");
        scan(seg, dump.length, m, v, vtep);
        long before = threads.getCurrentThreadAllocatedBytes();
        long hits = 0;
        for (int r = 0; r < rounds; r++) hits += scan(seg, dump.length, m, v, vtep);
        long scanned = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(100L * rounds, hits);
        assertTrue(scanned < 100L * rounds, scanned + " bytes for " + 100 * rounds + " entries scanned");
    }

    private static int scan(MemorySegment seg, long length, MsgCursor m, NeighbourView v, IpAddress vtep) {
        int hits = 0;
        m.reset(seg, length);
        while (m.next()) {
            if (v.reset(m) && v.isSelf() && v.macBits() > 0 && v.addressEquals(vtep) && v.vni() == 99) hits++;
        }
        return hits;
    }
}

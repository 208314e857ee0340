package org.nlbridge.rtnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.MsgWriter;
import org.nlbridge.netlink.WireFormatException;

/** The decoders on hand-built replies: what they read, what they skip, what they refuse. */
class ViewsTest {
    private static final int UNKNOWN = 0x3ff; // far above every *_MAX of today's headers

    /** A veth as the kernel reports one, with attributes from a newer kernel mixed in. */
    private static void veth(MsgWriter w) {
        w.begin(Rt.RTM_NEWLINK, Uapi.NLM_F_MULTI(), 1);
        long h = w.reserve(Rt.IFINFOMSG);
        w.setU16(h + Rt.IFI_TYPE, 1);
        w.setU32(h + Rt.IFI_INDEX, 12);
        w.setU32(h + Rt.IFI_FLAGS, Rt.IFF_UP | Rt.IFF_LOWER_UP);
        w.putU32(UNKNOWN, 0xdead);
        w.putString(Rt.IFLA_IFNAME, "vethab12");
        w.putU32(Rt.IFLA_MTU, 1400);
        w.putBytes(Rt.IFLA_ADDRESS, new byte[] {2, 0x42, 10, 0, 0, 2});
        w.putU32(Rt.IFLA_MASTER, 3);
        w.putU32(Rt.IFLA_LINK, 2);
        w.putU32(Rt.IFLA_LINK_NETNSID, 0);
        w.putString(Rt.IFLA_IFALIAS, "nlbridge:ep-1");
        long info = w.nestStart(Rt.IFLA_LINKINFO);
        w.putU8(UNKNOWN, 1);
        w.putString(Rt.IFLA_INFO_KIND, "veth");
        w.putString(Rt.IFLA_INFO_SLAVE_KIND, "bridge");
        w.nestEnd(info);
        w.end();
    }

    @Test
    void linkViewReadsInPlaceAndSkipsUnknownAttributes() {
        MsgCursor m = Wire.messages(ViewsTest::veth);
        assertTrue(m.next());
        LinkView v = new LinkView().reset(m);
        assertEquals(12, v.index());
        assertTrue(v.isUp());
        assertEquals(1, v.hardwareType());
        assertTrue(v.nameEquals("vethab12"));
        assertFalse(v.nameEquals("vethab1"));
        assertTrue(v.kindEquals("veth"));
        assertEquals("bridge", v.portKind());
        assertTrue(v.aliasStartsWith("nlbridge:"));
        assertTrue(v.aliasEquals("nlbridge:ep-1"));
        assertFalse(v.aliasStartsWith("nlbridge:ep-12"));
        assertEquals(0x02420a000002L, v.macBits());
        Link l = v.toLink();
        assertEquals(new Link(12, "vethab12", "veth", 1400, org.nlbridge.net.MacAddress.of(0x02420a000002L),
                Rt.IFF_UP | Rt.IFF_LOWER_UP, 3, "nlbridge:ep-1", 0, 2), l);
        assertTrue(l.isLowerUp() && l.hasMaster());
    }

    @Test
    void absentAttributesHaveTheirNeutralValues() {
        MsgCursor m = Wire.messages(w -> {
            w.begin(Rt.RTM_NEWLINK, 0, 1);
            long h = w.reserve(Rt.IFINFOMSG);
            w.setU32(h + Rt.IFI_INDEX, 1);
            w.putString(Rt.IFLA_IFNAME, "lo");
            w.putBytes(Rt.IFLA_ADDRESS, new byte[4]); // not Ethernet-sized
            w.end();
        });
        assertTrue(m.next());
        Link l = new LinkView().reset(m).toLink();
        assertEquals(new Link(1, "lo", null, 0, null, 0, 0, null, -1, 0), l);
        assertFalse(l.isUp());
    }

    @Test
    void malformedLinksRaiseWireFormatException() {
        // a u32 attribute with two bytes
        MsgCursor m = Wire.messages(w -> {
            w.begin(Rt.RTM_NEWLINK, 0, 1);
            w.reserve(Rt.IFINFOMSG);
            w.putU16(Rt.IFLA_MTU, 1500);
            w.end();
        });
        assertTrue(m.next());
        LinkView v = new LinkView().reset(m);
        assertThrows(WireFormatException.class, v::mtu);
        assertThrows(WireFormatException.class, v::toLink);
        // a name without its NUL
        m = Wire.messages(w -> {
            w.begin(Rt.RTM_NEWLINK, 0, 1);
            w.reserve(Rt.IFINFOMSG);
            w.putBytes(Rt.IFLA_IFNAME, "eth0".getBytes());
            w.end();
        });
        assertTrue(m.next());
        assertThrows(WireFormatException.class, new LinkView().reset(m)::name);
        // shorter than ifinfomsg
        MsgCursor shortMsg = Wire.messages(w -> {
            w.begin(Rt.RTM_NEWLINK, 0, 1);
            w.reserve(8);
            w.end();
        });
        assertTrue(shortMsg.next());
        assertThrows(WireFormatException.class, () -> new LinkView().reset(shortMsg));
    }

    private static MsgCursor address(int family, int prefix, byte[] local, byte[] address) {
        return Wire.messages(w -> {
            w.begin(Rt.RTM_NEWADDR, 0, 1);
            long h = w.reserve(Rt.IFADDRMSG);
            w.setU8(h + Rt.IFA_FAMILY, family);
            w.setU8(h + Rt.IFA_PREFIXLEN, prefix);
            w.setU8(h + Rt.IFA_FLAGS_U8, Uapi.IFA_F_PERMANENT());
            w.setU8(h + Rt.IFA_SCOPE, Scope.UNIVERSE);
            w.setU32(h + Rt.IFA_INDEX, 4);
            w.putU32(UNKNOWN, 7);
            if (local != null) w.putBytes(Rt.IFA_LOCAL, local);
            if (address != null) w.putBytes(Rt.IFA_ADDRESS, address);
            w.end();
        });
    }

    @Test
    void addressViewPrefersLocalAndChecksSizes() {
        AddressView v = new AddressView();
        MsgCursor m = address(LibC.AF_INET(), 24, new byte[] {10, 0, 0, 2}, new byte[] {10, 0, 0, 9});
        assertTrue(m.next());
        assertTrue(v.reset(m));
        Address a = v.toAddress();
        assertEquals("10.0.0.2/24", a.address().toString());
        assertEquals(4, a.ifindex());
        assertTrue(a.hasFlag(Uapi.IFA_F_PERMANENT()));
        assertNull(a.label());

        byte[] v6 = new byte[16];
        v6[0] = (byte) 0xfd;
        v6[15] = 2;
        m = address(LibC.AF_INET6(), 64, null, v6);
        assertTrue(m.next());
        assertTrue(v.reset(m));
        assertEquals("fd00::2/64", v.toAddress().address().toString());

        MsgCursor wrongSize = address(LibC.AF_INET(), 24, new byte[5], null);
        assertTrue(wrongSize.next());
        assertTrue(v.reset(wrongSize));
        assertThrows(WireFormatException.class, v::toAddress);
        MsgCursor longPrefix = address(LibC.AF_INET(), 33, new byte[4], null);
        assertTrue(longPrefix.next());
        assertTrue(v.reset(longPrefix));
        assertThrows(WireFormatException.class, v::toAddress);
        MsgCursor none = address(LibC.AF_INET(), 24, null, null);
        assertTrue(none.next());
        assertTrue(v.reset(none));
        assertThrows(WireFormatException.class, v::toAddress);
        MsgCursor otherFamily = address(LibC.AF_PACKET(), 0, null, null);
        assertTrue(otherFamily.next());
        assertFalse(v.reset(otherFamily), "families other than IPv4/IPv6 are skipped");
    }

    @Test
    void routeViewDecodesTheDefaultRouteAndRefusesBadLengths() {
        MsgCursor m = Wire.messages(w -> {
            w.begin(Rt.RTM_NEWROUTE, 0, 1);
            long h = w.reserve(Rt.RTMSG);
            w.setU8(h + Rt.RTM_FAMILY, LibC.AF_INET());
            w.setU8(h + Rt.RTM_TABLE, Rt.RT_TABLE_MAIN);
            w.setU8(h + Rt.RTM_PROTOCOL, RouteProtocol.BOOT);
            w.setU8(h + Rt.RTM_TYPE, RouteType.UNICAST);
            w.putU32(Rt.RTA_TABLE, Rt.RT_TABLE_MAIN);
            w.putBe32(Rt.RTA_GATEWAY, 0x0a4d0001);
            w.putU32(Rt.RTA_OIF, 2);
            w.putU32(UNKNOWN, 1);
            w.end();
            w.begin(Rt.RTM_NEWROUTE, 0, 1);
            long h2 = w.reserve(Rt.RTMSG);
            w.setU8(h2 + Rt.RTM_FAMILY, LibC.AF_INET());
            w.setU8(h2 + Rt.RTM_DST_LEN, 24);
            w.putBytes(Rt.RTA_DST, new byte[16]);
            w.end();
        });
        RouteView v = new RouteView();
        assertTrue(m.next());
        assertTrue(v.reset(m));
        Route r = v.toRoute();
        assertTrue(r.isDefault());
        assertEquals("0.0.0.0/0", r.destination().toString());
        assertEquals("10.77.0.1", r.gateway().toString());
        assertEquals(2, r.oif());
        assertEquals(Rt.RT_TABLE_MAIN, r.table());
        assertNull(r.source());
        assertTrue(m.next());
        assertTrue(v.reset(m));
        assertThrows(WireFormatException.class, v::toRoute, "an IPv4 RTA_DST of 16 bytes");
    }
}

package org.nlbridge.rtnl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.netlink.Batch;
import org.nlbridge.netlink.BatchResult;
import org.nlbridge.netns.NetNs;

/** What the verbs put on the wire, byte for byte where it matters; no kernel needed. */
class RequestsTest {
    private final Wire.Recorder kernel = new Wire.Recorder();
    private final Batch batch = new Batch(kernel);
    private final RtnlBatch rtnl = new RtnlBatch(batch);

    @AfterEach
    void close() {
        batch.close();
    }

    private Wire.Sent only() {
        assertEquals(1, kernel.sent.size(), kernel.sent.toString());
        return kernel.sent.get(0);
    }

    private static int flags(Wire.Sent s) {
        return Wire.u32(s.payload(), Rt.IFI_FLAGS);
    }

    @Test
    void vethCreateCarriesThePeerWithItsNamespaceInItsOwnIfinfomsg() {
        try (NetNs here = NetNs.current()) {
            VethSpec v = VethSpec.builder("vethc0ffee", "eth0").peerNetns(here).mtu(1400).peerMtu(1300)
                    .mac("02:00:00:00:00:01").peerMac("02:42:ac:11:00:02").master(7).up().build();
            rtnl.links().add(v);
            rtnl.execute().throwIfFailed();

            Wire.Sent s = only();
            assertEquals(Uapi.RTM_NEWLINK(), s.type());
            int want = Uapi.NLM_F_REQUEST() | Uapi.NLM_F_ACK() | Uapi.NLM_F_CREATE() | Uapi.NLM_F_EXCL();
            assertEquals(want, s.flags());
            assertEquals(Rt.IFF_UP, flags(s));
            assertEquals(Rt.IFF_UP, Wire.u32(s.payload(), Rt.IFI_CHANGE));
            Map<Integer, Wire.Attr> a = Wire.attrs(s.payload(), Rt.IFINFOMSG);
            assertEquals("vethc0ffee", a.get(Rt.IFLA_IFNAME).string());
            assertEquals(1400, a.get(Rt.IFLA_MTU).u32());
            assertEquals(7, a.get(Rt.IFLA_MASTER).u32());
            assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 1}, a.get(Rt.IFLA_ADDRESS).payload());
            assertFalse(a.containsKey(Rt.IFLA_IFALIAS), "the kernel ignores an alias in a create");
            Map<Integer, Wire.Attr> info = a.get(Rt.IFLA_LINKINFO).nested(0);
            assertEquals("veth", info.get(Rt.IFLA_INFO_KIND).string());
            Wire.Attr peer = info.get(Rt.IFLA_INFO_DATA).nested(0).get(Rt.VETH_INFO_PEER);
            assertEquals(0, Wire.u32(peer.payload(), Rt.IFI_FLAGS), "no up flag: the kernel refuses it (ENOTCONN)");
            Map<Integer, Wire.Attr> p = peer.nested(Rt.IFINFOMSG);
            assertEquals("eth0", p.get(Rt.IFLA_IFNAME).string());
            assertEquals(1300, p.get(Rt.IFLA_MTU).u32());
            assertArrayEquals(new byte[] {2, 0x42, (byte) 0xac, 0x11, 0, 2}, p.get(Rt.IFLA_ADDRESS).payload());
            assertEquals(here.fd(), p.get(Rt.IFLA_NET_NS_FD).u32());
            assertFalse(a.containsKey(Rt.IFLA_NUM_TX_QUEUES) || p.containsKey(Rt.IFLA_NUM_RX_QUEUES),
                    "no queue count unless asked: the kernel's default");
        }
    }

    @Test
    void vethQueuesGoToBothEnds() {
        rtnl.links().add(VethSpec.builder("va", "vb").queues(1).build());
        rtnl.execute().throwIfFailed();
        Map<Integer, Wire.Attr> a = Wire.attrs(only().payload(), Rt.IFINFOMSG);
        Map<Integer, Wire.Attr> p = a.get(Rt.IFLA_LINKINFO).nested(0).get(Rt.IFLA_INFO_DATA).nested(0)
                .get(Rt.VETH_INFO_PEER).nested(Rt.IFINFOMSG);
        for (Map<Integer, Wire.Attr> end : List.of(a, p)) {
            assertEquals(1, end.get(Rt.IFLA_NUM_TX_QUEUES).u32());
            assertEquals(1, end.get(Rt.IFLA_NUM_RX_QUEUES).u32());
        }
    }

    @Test
    void bridgeOptionsGoInInfoData() {
        rtnl.links().add(BridgeSpec.builder("br0").stp(false).forwardDelay(Duration.ofMillis(250))
                .vlanFiltering(true).multicastSnooping(false).build());
        rtnl.links().add(BridgeSpec.named("plain"));
        rtnl.execute().throwIfFailed();
        Map<Integer, Wire.Attr> info = Wire.attrs(kernel.sent.get(0).payload(), Rt.IFINFOMSG).get(Rt.IFLA_LINKINFO).nested(0);
        assertEquals("bridge", info.get(Rt.IFLA_INFO_KIND).string());
        Map<Integer, Wire.Attr> data = info.get(Rt.IFLA_INFO_DATA).nested(0);
        assertEquals(0, data.get(Rt.IFLA_BR_STP_STATE).u32());
        assertEquals(25, data.get(Rt.IFLA_BR_FORWARD_DELAY).u32(), "centiseconds");
        assertEquals(1, data.get(Rt.IFLA_BR_VLAN_FILTERING).u8());
        assertEquals(0, data.get(Rt.IFLA_BR_MCAST_SNOOPING).u8());
        Map<Integer, Wire.Attr> plain = Wire.attrs(kernel.sent.get(1).payload(), Rt.IFINFOMSG).get(Rt.IFLA_LINKINFO).nested(0);
        assertFalse(plain.containsKey(Rt.IFLA_INFO_DATA), "no options, no IFLA_INFO_DATA");
        assertEquals(0, flags(kernel.sent.get(1)), "not up unless asked");
    }

    @Test
    void aliasFollowsOnlyTheCreatesThatWereAcknowledged() {
        kernel.refuse = s -> s.type() == Uapi.RTM_NEWLINK() && Wire.attrs(s.payload(), Rt.IFINFOMSG)
                .get(Rt.IFLA_IFNAME).string().equals("taken") && (s.flags() & Uapi.NLM_F_CREATE()) != 0
                ? LibC.EEXIST() : 0;
        BridgeSpec ok = BridgeSpec.builder("mine").alias("nlbridge:net-1").build();
        BridgeSpec taken = BridgeSpec.builder("taken").alias("nlbridge:net-2").build();
        rtnl.links().add(ok);
        rtnl.links().add(taken);
        BatchResult r = rtnl.execute();

        assertEquals(3, r.requests(), "two creates and one alias");
        assertEquals(2, r.succeeded());
        assertSame(taken, r.failures().get(0).object());
        assertEquals("RTM_NEWLINK bridge taken: EEXIST (File exists)", r.failures().get(0).getMessage());
        Wire.Sent alias = kernel.sent.get(2);
        assertEquals(Uapi.RTM_NEWLINK(), alias.type());
        assertEquals(0, alias.flags() & (Uapi.NLM_F_CREATE() | Uapi.NLM_F_EXCL()), "a change, not a create");
        Map<Integer, Wire.Attr> a = Wire.attrs(alias.payload(), Rt.IFINFOMSG);
        assertEquals("mine", a.get(Rt.IFLA_IFNAME).string());
        assertArrayEquals("nlbridge:net-1".getBytes(), a.get(Rt.IFLA_IFALIAS).payload(), "sent without its NUL");
        assertEquals(0, rtnl.size(), "execute empties the batch");
    }

    @Test
    void aBridgesMtuFollowsItsCreateSoTheKernelKeepsIt() {
        rtnl.links().add(BridgeSpec.builder("br0").mtu(1400).build());
        rtnl.execute().throwIfFailed();
        assertEquals(2, kernel.sent.size(), "the create, then the MTU once it is acknowledged");
        assertFalse(Wire.attrs(kernel.sent.get(0).payload(), Rt.IFINFOMSG).containsKey(Rt.IFLA_MTU));
        Map<Integer, Wire.Attr> set = Wire.attrs(kernel.sent.get(1).payload(), Rt.IFINFOMSG);
        assertEquals(0, kernel.sent.get(1).flags() & Uapi.NLM_F_CREATE(), "a change");
        assertEquals("br0", set.get(Rt.IFLA_IFNAME).string());
        assertEquals(1400, set.get(Rt.IFLA_MTU).u32());
    }

    @Test
    void bridgePortSettingsGoInSlaveDataAndOnlyTheOnesGiven() {
        rtnl.links().setBridgePort("veth1", BridgePortSpec.builder().hairpin(true).isolated(false).learning(true)
                .unicastFlood(false).multicastFlood(true).broadcastFlood(false).build());
        rtnl.links().setBridgePort(9, BridgePortSpec.HAIRPIN);
        rtnl.execute().throwIfFailed();
        Wire.Sent first = kernel.sent.get(0);
        assertEquals(Uapi.RTM_NEWLINK(), first.type());
        assertEquals(0, first.flags() & (Uapi.NLM_F_CREATE() | Uapi.NLM_F_EXCL()), "a change, not a create");
        Map<Integer, Wire.Attr> a = Wire.attrs(first.payload(), Rt.IFINFOMSG);
        assertEquals("veth1", a.get(Rt.IFLA_IFNAME).string());
        Map<Integer, Wire.Attr> info = a.get(Rt.IFLA_LINKINFO).nested(0);
        assertEquals("bridge", info.get(Rt.IFLA_INFO_SLAVE_KIND).string());
        assertFalse(info.containsKey(Rt.IFLA_INFO_KIND), "the link's own kind is not changed");
        Map<Integer, Wire.Attr> port = info.get(Rt.IFLA_INFO_SLAVE_DATA).nested(0);
        assertEquals(Map.of(Rt.IFLA_BRPORT_MODE, 1, Rt.IFLA_BRPORT_ISOLATED, 0, Rt.IFLA_BRPORT_LEARNING, 1,
                Rt.IFLA_BRPORT_UNICAST_FLOOD, 0, Rt.IFLA_BRPORT_MCAST_FLOOD, 1, Rt.IFLA_BRPORT_BCAST_FLOOD, 0),
                port.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                        e -> (int) e.getValue().payload()[0])));
        Wire.Sent second = kernel.sent.get(1);
        assertEquals(9, Wire.u32(second.payload(), Rt.IFI_INDEX));
        Map<Integer, Wire.Attr> only = Wire.attrs(second.payload(), Rt.IFINFOMSG).get(Rt.IFLA_LINKINFO).nested(0)
                .get(Rt.IFLA_INFO_SLAVE_DATA).nested(0);
        assertEquals(java.util.Set.of(Rt.IFLA_BRPORT_MODE), only.keySet(), "settings left null are not sent");
        assertEquals("hairpin on isolated off learning on flood off mcast_flood on bcast_flood off",
                BridgePortSpec.builder().hairpin(true).isolated(false).learning(true).unicastFlood(false)
                        .multicastFlood(true).broadcastFlood(false).build().toString());
        assertThrows(org.nlbridge.net.ValidationException.class, () -> BridgePortSpec.builder().build());
    }

    @Test
    void portSettingsOfACreateFollowItOnceAckedAndAFailureNamesTheCreate() {
        // the kernel refuses the first veth (its name is taken) and the port settings of the second
        kernel.refuse = s -> {
            Map<Integer, Wire.Attr> a = Wire.attrs(s.payload(), Rt.IFINFOMSG);
            String name = a.containsKey(Rt.IFLA_IFNAME) ? a.get(Rt.IFLA_IFNAME).string() : "";
            boolean create = (s.flags() & Uapi.NLM_F_CREATE()) != 0;
            if (create && name.equals("vtaken")) return LibC.EEXIST();
            return !create && name.equals("vbadport") && !a.containsKey(Rt.IFLA_IFALIAS) ? LibC.EOPNOTSUPP() : 0;
        };
        VethSpec taken = VethSpec.builder("vtaken", "eth0").master(3).port(BridgePortSpec.HAIRPIN).alias("nlbridge:a").build();
        VethSpec badPort = VethSpec.builder("vbadport", "eth0").master(3).port(BridgePortSpec.HAIRPIN).alias("nlbridge:b").build();
        VethSpec fine = VethSpec.builder("vfine", "eth0").master(3).port(BridgePortSpec.HAIRPIN).build();
        rtnl.links().add(taken);
        rtnl.links().add(badPort);
        rtnl.links().add(fine);
        BatchResult r = rtnl.execute();

        assertEquals(6, r.requests(), "three creates, then alias and port of vbadport and the port of vfine");
        assertEquals(2, r.failures().size(), r.toString());
        assertEquals(0, rtnl.origin(r.failedRequest(0)), "the create of vtaken");
        assertEquals(1, rtnl.origin(r.failedRequest(1)), "the port settings sent after the create of vbadport");
        assertTrue(r.failures().get(1).getMessage().contains("link vbadport (bridge port hairpin on)"),
                r.failures().get(1).getMessage());
        assertEquals(List.of("vtaken", "vbadport", "vfine", "vbadport", "vbadport", "vfine"), kernel.sent.stream()
                .map(x -> Wire.attrs(x.payload(), Rt.IFINFOMSG).get(Rt.IFLA_IFNAME).string()).toList());
        assertThrows(org.nlbridge.net.ValidationException.class,
                () -> VethSpec.builder("v", "eth0").port(BridgePortSpec.HAIRPIN).build(), "port settings need a master");
    }

    @Test
    void linkChangesNameTheirLinkByIndexOrName() {
        rtnl.links().setUp("br0");
        rtnl.links().setDown(5);
        rtnl.links().setMtu(5, 1280);
        rtnl.links().setMaster("va", 9);
        rtnl.links().noMaster(5);
        rtnl.links().rename(5, "eth1");
        rtnl.links().clearAlias("va");
        rtnl.links().delete(5);
        rtnl.execute().throwIfFailed();
        List<Wire.Sent> s = kernel.sent;

        assertEquals(0, Wire.u32(s.get(0).payload(), Rt.IFI_INDEX));
        assertEquals("br0", Wire.attrs(s.get(0).payload(), Rt.IFINFOMSG).get(Rt.IFLA_IFNAME).string());
        assertEquals(Rt.IFF_UP, flags(s.get(0)));
        assertEquals(Rt.IFF_UP, Wire.u32(s.get(0).payload(), Rt.IFI_CHANGE));

        assertEquals(5, Wire.u32(s.get(1).payload(), Rt.IFI_INDEX));
        assertEquals(0, flags(s.get(1)));
        assertEquals(Rt.IFF_UP, Wire.u32(s.get(1).payload(), Rt.IFI_CHANGE));
        assertFalse(Wire.attrs(s.get(1).payload(), Rt.IFINFOMSG).containsKey(Rt.IFLA_IFNAME));

        assertEquals(1280, Wire.attrs(s.get(2).payload(), Rt.IFINFOMSG).get(Rt.IFLA_MTU).u32());
        assertEquals(9, Wire.attrs(s.get(3).payload(), Rt.IFINFOMSG).get(Rt.IFLA_MASTER).u32());
        assertEquals(0, Wire.attrs(s.get(4).payload(), Rt.IFINFOMSG).get(Rt.IFLA_MASTER).u32());
        assertEquals("eth1", Wire.attrs(s.get(5).payload(), Rt.IFINFOMSG).get(Rt.IFLA_IFNAME).string());
        assertEquals(0, Wire.attrs(s.get(6).payload(), Rt.IFINFOMSG).get(Rt.IFLA_IFALIAS).payload().length,
                "an empty alias clears it");
        assertEquals(Uapi.RTM_DELLINK(), s.get(7).type());
        assertEquals(5, Wire.u32(s.get(7).payload(), Rt.IFI_INDEX));
    }

    @Test
    void addressesAsIproute2SendsThem() {
        rtnl.addresses().add(AddressSpec.of(7, "172.18.0.2/16").withBroadcast());
        rtnl.addresses().replace(AddressSpec.of(7, "fd00::2/64").withNoDad().withNoPrefixRoute());
        rtnl.addresses().delete(AddressSpec.of(7, "172.18.0.2/16").withBroadcast());
        rtnl.execute().throwIfFailed();
        List<Wire.Sent> s = kernel.sent;

        byte[] v4 = s.get(0).payload();
        assertEquals(Uapi.RTM_NEWADDR(), s.get(0).type());
        assertEquals(LibC.AF_INET(), v4[Rt.IFA_FAMILY]);
        assertEquals(16, v4[Rt.IFA_PREFIXLEN]);
        assertEquals(Scope.UNIVERSE, v4[Rt.IFA_SCOPE] & 0xff);
        assertEquals(7, Wire.u32(v4, Rt.IFA_INDEX));
        Map<Integer, Wire.Attr> a = Wire.attrs(v4, Rt.IFADDRMSG);
        assertArrayEquals(new byte[] {(byte) 172, 18, 0, 2}, a.get(Rt.IFA_LOCAL).payload());
        assertArrayEquals(new byte[] {(byte) 172, 18, 0, 2}, a.get(Rt.IFA_ADDRESS).payload());
        assertArrayEquals(new byte[] {(byte) 172, 18, (byte) 255, (byte) 255}, a.get(Rt.IFA_BROADCAST).payload());
        assertFalse(a.containsKey(Rt.IFA_FLAGS), "flags fit the header");

        byte[] v6 = s.get(1).payload();
        assertEquals(Uapi.NLM_F_CREATE() | Uapi.NLM_F_REPLACE(), s.get(1).flags() & ~(Uapi.NLM_F_REQUEST() | Uapi.NLM_F_ACK()));
        assertEquals(LibC.AF_INET6(), v6[Rt.IFA_FAMILY]);
        assertEquals(Rt.IFA_F_NODAD, v6[Rt.IFA_FLAGS_U8] & 0xff);
        Map<Integer, Wire.Attr> b = Wire.attrs(v6, Rt.IFADDRMSG);
        assertEquals(16, b.get(Rt.IFA_LOCAL).payload().length);
        assertEquals(Rt.IFA_F_NODAD | Rt.IFA_F_NOPREFIXROUTE, b.get(Rt.IFA_FLAGS).u32());

        assertEquals(Uapi.RTM_DELADDR(), s.get(2).type());
        assertFalse(Wire.attrs(s.get(2).payload(), Rt.IFADDRMSG).containsKey(Rt.IFA_BROADCAST));
    }

    @Test
    void routesTakeIproute2sDefaults() {
        rtnl.routes().add(RouteSpec.defaultVia("172.18.0.1"));
        rtnl.routes().add(RouteSpec.to("10.9.0.0/16").dev(3).metric(5).table(1000));
        rtnl.routes().delete(RouteSpec.defaultVia("172.18.0.1"));
        rtnl.routes().add(RouteSpec.to("fd00:9::/64").dev(3));
        rtnl.execute().throwIfFailed();
        List<Wire.Sent> s = kernel.sent;

        byte[] def = s.get(0).payload();
        assertEquals(LibC.AF_INET(), def[Rt.RTM_FAMILY]);
        assertEquals(0, def[Rt.RTM_DST_LEN]);
        assertEquals(Rt.RT_TABLE_MAIN, def[Rt.RTM_TABLE] & 0xff);
        assertEquals(RouteProtocol.BOOT, def[Rt.RTM_PROTOCOL]);
        assertEquals(Scope.UNIVERSE, def[Rt.RTM_SCOPE] & 0xff);
        assertEquals(RouteType.UNICAST, def[Rt.RTM_TYPE]);
        Map<Integer, Wire.Attr> a = Wire.attrs(def, Rt.RTMSG);
        assertFalse(a.containsKey(Rt.RTA_DST), "the default route has no RTA_DST");
        assertArrayEquals(new byte[] {(byte) 172, 18, 0, 1}, a.get(Rt.RTA_GATEWAY).payload());
        assertEquals(Rt.RT_TABLE_MAIN, a.get(Rt.RTA_TABLE).u32());

        byte[] sub = s.get(1).payload();
        assertEquals(16, sub[Rt.RTM_DST_LEN]);
        assertEquals(Scope.LINK, sub[Rt.RTM_SCOPE] & 0xff, "no gateway: scope link");
        assertEquals(Rt.RT_TABLE_UNSPEC, sub[Rt.RTM_TABLE] & 0xff, "table above 255: only in RTA_TABLE");
        Map<Integer, Wire.Attr> b = Wire.attrs(sub, Rt.RTMSG);
        assertArrayEquals(new byte[] {10, 9, 0, 0}, b.get(Rt.RTA_DST).payload());
        assertEquals(3, b.get(Rt.RTA_OIF).u32());
        assertEquals(5, b.get(Rt.RTA_PRIORITY).u32());
        assertEquals(1000, b.get(Rt.RTA_TABLE).u32());

        byte[] del = s.get(2).payload();
        assertEquals(Uapi.RTM_DELROUTE(), s.get(2).type());
        assertEquals(0, del[Rt.RTM_PROTOCOL], "a delete matches any protocol");
        assertEquals(0, del[Rt.RTM_TYPE], "and any type");
        assertEquals(Scope.NOWHERE, del[Rt.RTM_SCOPE] & 0xff, "and any scope");

        byte[] v6 = s.get(3).payload();
        assertEquals(Scope.UNIVERSE, v6[Rt.RTM_SCOPE] & 0xff, "IPv6 routes are always global");
        assertEquals(16, Wire.attrs(v6, Rt.RTMSG).get(Rt.RTA_DST).payload().length);
    }

    @Test
    void aClosedNamespaceIsRefusedBeforeAnythingIsQueued() {
        NetNs ns = NetNs.current();
        VethSpec v = VethSpec.builder("va", "eth0").peerNetns(ns).build();
        ns.close();
        assertThrows(IllegalStateException.class, () -> rtnl.links().add(v));
        assertEquals(0, rtnl.size());
        rtnl.links().add(BridgeSpec.named("next"));
        assertTrue(rtnl.execute().ok());
    }
}

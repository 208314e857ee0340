package org.nlbridge.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.netlink.AttrCursor;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.WireFormatException;
import org.nlbridge.nft.NftNotice;
import org.nlbridge.rtnl.RtnlEvent;
import org.nlbridge.rtnl.RtnlEvents;

/** The monitor's decoders on hand-built notifications, as the kernel sends them to the multicast groups. */
class NotificationsTest {

    /** One netlink message: header, family header, attributes (host order, except those given as big-endian). */
    private static final class Msg {
        final ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());

        Msg(int type, byte[] familyHeader) {
            this(type, familyHeader, 0);
        }

        /** {@code port}: the header's {@code nlmsg_pid}, the socket that caused a notification. */
        Msg(int type, byte[] familyHeader, int port) {
            b.putInt(0).putShort((short) type).putShort((short) 0).putInt(0).putInt(port);
            b.put(familyHeader);
            pad();
        }

        Msg attr(int type, byte[] payload) {
            b.putShort((short) (4 + payload.length)).putShort((short) type).put(payload);
            pad();
            return this;
        }

        Msg str(int type, String s) {
            byte[] t = s.getBytes(StandardCharsets.US_ASCII);
            byte[] z = new byte[t.length + 1];
            System.arraycopy(t, 0, z, 0, t.length);
            return attr(type, z);
        }

        Msg be32(int type, int v) {
            return attr(type, ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(v).array());
        }

        private void pad() {
            while (b.position() % 4 != 0) b.put((byte) 0);
        }

        MsgCursor cursor(Arena arena) {
            int len = b.position();
            b.putInt(0, len);
            MemorySegment seg = arena.allocate(len);
            MemorySegment.copy(b.array(), 0, seg, ValueLayout.JAVA_BYTE, 0, len);
            MsgCursor c = new MsgCursor().reset(seg, len);
            assertTrue(c.next());
            return c;
        }
    }

    private static byte[] ifinfomsg(int family, int index, int flags) {
        return ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).put((byte) family).put((byte) 0).putShort((short) 1)
                .putInt(index).putInt(flags).putInt(0).array();
    }

    @Test
    void linkDeletionWithOurAliasAndItsBridgePortTwin() {
        try (Arena a = Arena.ofConfined()) {
            RtnlEvents d = new RtnlEvents();
            RtnlEvent e = d.decode(new Msg(Uapi.RTM_DELLINK(), ifinfomsg(LibC.AF_UNSPEC(), 7, 0))
                    .str(Uapi.IFLA_IFNAME(), "veth1234567").str(Uapi.IFLA_IFALIAS(), "nlbridge:endpoint:bridge/web").cursor(a));
            RtnlEvent.LinkEvent l = (RtnlEvent.LinkEvent) e;
            assertTrue(l.deleted());
            assertFalse(l.bridgePort());
            assertEquals("veth1234567", l.link().name());
            assertEquals(7, l.link().index());
            assertEquals("nlbridge:endpoint:bridge/web", l.link().alias());
            RtnlEvent.LinkEvent port = (RtnlEvent.LinkEvent) d.decode(new Msg(Uapi.RTM_NEWLINK(),
                    ifinfomsg(LibC.AF_BRIDGE(), 7, Uapi.IFF_UP())).str(Uapi.IFLA_IFNAME(), "veth1234567").cursor(a));
            assertTrue(port.bridgePort());
            assertFalse(port.deleted());
            assertTrue(port.link().isUp());
        }
    }

    @Test
    void addressRemovedAndUnknownTypes() {
        try (Arena a = Arena.ofConfined()) {
            RtnlEvents d = new RtnlEvents();
            byte[] ifa = {(byte) LibC.AF_INET(), 16, 0, 0, 3, 0, 0, 0};
            ByteBuffer.wrap(ifa).order(ByteOrder.nativeOrder()).putInt(4, 3);
            RtnlEvent.AddressEvent e = (RtnlEvent.AddressEvent) d.decode(new Msg(Uapi.RTM_DELADDR(), ifa)
                    .attr(Uapi.IFA_LOCAL(), new byte[]{10, 123, 0, 1}).cursor(a));
            assertTrue(e.deleted());
            assertEquals("10.123.0.1/16", e.address().address().toString());
            assertEquals(3, e.address().ifindex());
            assertNull(d.decode(new Msg(Uapi.RTM_NEWNEIGH(), new byte[12]).cursor(a)), "not a group we decode");
            // a malformed one is an error, which the monitor reports as an overrun
            assertThrows(WireFormatException.class, () -> d.decode(new Msg(Uapi.RTM_DELADDR(), ifa)
                    .attr(Uapi.IFA_LOCAL(), new byte[]{10, 123, 0}).cursor(a)));
        }
    }

    @Test
    void nfTablesObjectsAndTheGenerationThatCommitsThem() {
        try (Arena a = Arena.ofConfined()) {
            AttrCursor attrs = new AttrCursor();
            int base = Uapi.NFNL_SUBSYS_NFTABLES() << 8;
            byte[] ip = {(byte) Uapi.NFPROTO_IPV4(), 0, 0, 0};
            NftNotice t = NftNotice.decode(new Msg(base | Uapi.NFT_MSG_DELTABLE(), ip)
                    .str(Uapi.NFTA_TABLE_NAME(), "nlbridge").cursor(a), attrs);
            assertEquals(new NftNotice(NftNotice.Kind.TABLE, true, "ip", "nlbridge", 0, 0, null, 0), t);
            NftNotice r = NftNotice.decode(new Msg(base | Uapi.NFT_MSG_NEWRULE(), new byte[]{(byte) Uapi.NFPROTO_INET(), 0, 0, 0})
                    .str(Uapi.NFTA_RULE_TABLE(), "foreign").str(Uapi.NFTA_RULE_CHAIN(), "input").cursor(a), attrs);
            assertEquals("new rule in inet foreign", r.toString());
            NftNotice g = NftNotice.decode(new Msg(base | Uapi.NFT_MSG_NEWGEN(), new byte[4], -4711)
                    .be32(Uapi.NFTA_GEN_ID(), 42).be32(Uapi.NFTA_GEN_PROC_PID(), 1234).str(Uapi.NFTA_GEN_PROC_NAME(), "nft")
                    .cursor(a), attrs);
            assertEquals("generation 42 by nft[1234]", g.toString());
            assertEquals(-4711, g.port(), "the committing socket's port, from the header");
            assertNull(NftNotice.decode(new Msg(Uapi.RTM_NEWLINK(), new byte[16]).cursor(a), attrs), "not nf_tables");
        }
    }
}

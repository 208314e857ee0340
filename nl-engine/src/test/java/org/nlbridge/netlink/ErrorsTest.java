package org.nlbridge.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;
import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.linux.Uapi;

class ErrorsTest {
    private static final FakeKernel.Request REQUEST = new FakeKernel.Request(Uapi.RTM_NEWLINK(), 0x605, 77, new byte[64]);

    private static NlErrorView view(byte[] datagram) {
        MsgCursor m = new MsgCursor().reset(MemorySegment.ofArray(datagram), datagram.length);
        assertTrue(m.next());
        return new NlErrorView().reset(m);
    }

    @Test
    void ackHasNoError() {
        NlErrorView v = view(FakeKernel.ackBytes(77, 1, 0, REQUEST, null, -1));
        assertTrue(v.isAck());
        assertEquals(77, v.requestSeq());
        assertEquals(Uapi.RTM_NEWLINK(), v.requestType());
        assertNull(v.extackMessage());
        assertEquals(-1, v.extackOffset());
    }

    @Test
    void cappedErrorWithExtendedAck() {
        NlErrorView v = view(FakeKernel.ackBytes(77, 1, -LibC.EEXIST(), REQUEST, "File exists here", 36));
        assertEquals(-LibC.EEXIST(), v.error());
        assertEquals("File exists here", v.extackMessage());
        assertEquals(36, v.extackOffset());
    }

    /** Without NETLINK_CAP_ACK the kernel echoes the whole request; the TLVs follow it. */
    @Test
    void uncappedErrorEchoesTheRequest() {
        ByteBuffer b = ByteBuffer.allocate(16 + 4 + 24 + 16).order(ByteOrder.nativeOrder());
        b.putInt(b.capacity()).putShort((short) Uapi.NLMSG_ERROR()).putShort((short) FakeKernel.ACK_TLVS).putInt(5)
                .putInt(0);
        b.putInt(-LibC.EINVAL());
        b.putInt(22).putShort((short) 16).putShort((short) 5).putInt(5).putInt(0).put(new byte[6]).put(new byte[2]);
        b.putShort((short) 7).putShort((short) Uapi.NLMSGERR_ATTR_MSG()).put(new byte[] {'b', 'a', 0}).put((byte) 0);
        b.putShort((short) 8).putShort((short) Uapi.NLMSGERR_ATTR_OFFS()).putInt(20);
        NlErrorView v = view(b.array());
        assertEquals("ba", v.extackMessage());
        assertEquals(20, v.extackOffset());
    }

    @Test
    void errorShorterThanNlmsgerr() {
        ByteBuffer b = ByteBuffer.allocate(16 + 19).order(ByteOrder.nativeOrder());
        b.putInt(35).putShort((short) Uapi.NLMSG_ERROR()).putShort((short) 0).putInt(1).putInt(0);
        assertThrows(WireFormatException.class, () -> view(b.array()));
    }

    @Test
    void echoedRequestOverrunningTheError() {
        ByteBuffer b = ByteBuffer.allocate(16 + 20).order(ByteOrder.nativeOrder());
        b.putInt(36).putShort((short) Uapi.NLMSG_ERROR()).putShort((short) FakeKernel.ACK_TLVS).putInt(1).putInt(0);
        b.putInt(-1).putInt(400);
        assertThrows(WireFormatException.class, () -> view(b.array()));
    }

    @Test
    void doneCarriesTheDumpError() {
        ByteBuffer b = ByteBuffer.allocate(16 + 4 + 8).order(ByteOrder.nativeOrder());
        b.putInt(28).putShort((short) Uapi.NLMSG_DONE()).putShort((short) (Uapi.NLM_F_MULTI() | FakeKernel.ACK_TLVS))
                .putInt(9).putInt(0);
        b.putInt(-LibC.EMSGSIZE());
        b.putShort((short) 7).putShort((short) Uapi.NLMSGERR_ATTR_MSG()).put(new byte[] {'t', 'o', 0, 0});
        NlErrorView v = view(b.array());
        assertEquals(-LibC.EMSGSIZE(), v.error());
        assertEquals(9, v.requestSeq());
        assertEquals("to", v.extackMessage());
    }

    @Test
    void factoryPicksTheSubclassCallersBranchOn() {
        assertInstanceOf(ObjectExistsException.class, NetlinkException.of(LibC.EEXIST(), "op", null, null, null));
        for (int e : new int[] {LibC.ENODEV(), LibC.ENOENT(), LibC.ESRCH(), LibC.EADDRNOTAVAIL()}) {
            assertInstanceOf(NoSuchObjectException.class, NetlinkException.of(e, "op", null, null, null));
        }
        assertInstanceOf(BusyException.class, NetlinkException.of(LibC.EBUSY(), "op", null, null, null));
        assertInstanceOf(PermissionException.class, NetlinkException.of(LibC.EPERM(), "op", null, null, null));
        assertInstanceOf(PermissionException.class, NetlinkException.of(-LibC.EACCES(), "op", null, null, null));
        assertInstanceOf(OutcomeUnknownException.class, NetlinkException.of(LibC.ENOBUFS(), "op", null, null, null));
        assertEquals(NetlinkException.class, NetlinkException.of(LibC.EINVAL(), "op", null, null, null).getClass());
        assertEquals(LibC.EINTR(), new DumpInterruptedException("RTM_GETLINK", "links", 5).errno());
    }

    @Test
    void messageNamesOperationObjectErrnoAndKernelText() {
        Object subject = new Object() {
            @Override
            public String toString() {
                return "bridge br0";
            }
        };
        NetlinkException e = NetlinkException.of(LibC.EEXIST(), MsgTypes.name(Uapi.RTM_NEWLINK()), subject,
                "Device already exists", null);
        assertEquals("RTM_NEWLINK bridge br0: EEXIST (File exists): kernel says \"Device already exists\"",
                e.getMessage());
        assertEquals("EEXIST", e.errnoName());
        assertEquals(LibC.EEXIST(), e.errno());
        assertEquals("RTM_NEWLINK", e.operation());
        assertSame(subject, e.object());
        assertEquals("Device already exists", e.extack());
        assertEquals("RTM_DELADDR: ENOENT (No such file or directory): gone",
                NetlinkException.of(LibC.ENOENT(), "RTM_DELADDR", null, null, "gone").getMessage());
    }

    @Test
    void typeNames() {
        assertEquals("RTM_NEWADDR", MsgTypes.name(Uapi.RTM_NEWADDR()));
        assertEquals("NFT_MSG_NEWRULE", MsgTypes.name(Uapi.NFNL_SUBSYS_NFTABLES() << 8 | Uapi.NFT_MSG_NEWRULE()));
        assertEquals("type 0x3ff", MsgTypes.name(0x3ff));
        assertEquals("type 0xffff", MsgTypes.name(0xffff));
    }
}

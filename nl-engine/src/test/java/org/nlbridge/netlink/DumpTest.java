package org.nlbridge.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.bindings.linux.ifinfomsg;

class DumpTest {
    private static final int IFINFOMSG = (int) ifinfomsg.sizeof();
    private static final int MULTI = Uapi.NLM_F_MULTI();
    private static final int INTR = Uapi.NLM_F_DUMP_INTR();

    private final FakeKernel kernel = new FakeKernel();
    private final Dump dump = new Dump(kernel);

    @AfterEach
    void close() {
        dump.close();
    }

    /** Collects link names the way an rtnl decoder would: family header, then attributes. */
    private static final class Names implements DumpVisitor {
        final List<String> names = new ArrayList<>();
        final AttrCursor attrs = new AttrCursor();
        int restarts;

        @Override
        public void message(MsgCursor msg) {
            assertEquals(Uapi.RTM_NEWLINK(), msg.type());
            msg.attributes(attrs, IFINFOMSG);
            while (attrs.next()) {
                if (attrs.type() == Uapi.IFLA_IFNAME()) {
                    names.add(attrs.string());
                }
            }
        }

        @Override
        public void restart() {
            restarts++;
            names.clear();
        }
    }

    /** {@code count} links, {@code perDatagram} to a datagram, then DONE; {@code intr} marks flagged messages. */
    private static List<byte[]> links(FakeKernel.Request r, int count, int perDatagram, IntPredicate intr) {
        List<byte[]> datagrams = new ArrayList<>();
        for (int first = 0; first < count; first += perDatagram) {
            int from = first;
            datagrams.add(FakeKernel.encode(w -> {
                for (int i = from; i < Math.min(count, from + perDatagram); i++) {
                    w.begin(Uapi.RTM_NEWLINK(), MULTI | (intr.test(i) ? INTR : 0), r.seq());
                    long h = w.reserve(IFINFOMSG);
                    w.setU32(h + ifinfomsg.ifi_index$offset(), i + 1);
                    w.putString(Uapi.IFLA_IFNAME(), "eth" + i).putU32(Uapi.IFLA_MTU(), 1500);
                    w.end();
                }
            }));
        }
        datagrams.add(done(r.seq(), 0, null));
        return datagrams;
    }

    private static byte[] done(int seq, int error, String extack) {
        return FakeKernel.encode(w -> {
            w.begin(Uapi.NLMSG_DONE(), MULTI | (extack != null ? FakeKernel.ACK_TLVS : 0), seq);
            w.setU32(w.reserve(4), error);
            if (extack != null) {
                w.putString(Uapi.NLMSGERR_ATTR_MSG(), extack);
            }
            w.end();
        });
    }

    private static final DumpRequest GETLINK = w -> w.reserve(IFINFOMSG);

    @Test
    void streamsEveryReplyAcrossDatagrams() {
        kernel.dumps = (r, attempt) -> {
            List<byte[]> d = new ArrayList<>(links(r, 50, 7, i -> false));
            d.add(0, FakeKernel.ackBytes(r.seq() + 1, FakeKernel.PORT, 0, r, null, -1)); // foreign seq
            d.add(1, FakeKernel.withPort(FakeKernel.encode(w -> { // a notification caused by another port's request
                w.begin(Uapi.RTM_NEWLINK(), 0, r.seq());
                w.reserve(IFINFOMSG);
                w.end();
            }), FakeKernel.PORT + 1));
            return d;
        };
        Names names = new Names();
        assertEquals(50, dump.run(Uapi.RTM_GETLINK(), "links", GETLINK, names));
        assertEquals(IntStream.range(0, 50).mapToObj(i -> "eth" + i).toList(), names.names);
        FakeKernel.Request sent = kernel.requests.get(0);
        assertEquals(Uapi.RTM_GETLINK(), sent.type());
        assertEquals(Uapi.NLM_F_REQUEST() | Uapi.NLM_F_DUMP(), sent.flags());
        assertEquals(16 + IFINFOMSG, sent.bytes().length);
    }

    @Test
    void foreignPortWithOurSeqIsSkipped() {
        kernel.dumps = (r, attempt) -> {
            byte[] forged = FakeKernel.ackBytes(r.seq(), FakeKernel.PORT + 7, -LibC.EPERM(), r, null, -1);
            List<byte[]> d = new ArrayList<>(links(r, 3, 3, i -> false));
            d.add(0, forged);
            return d;
        };
        Names names = new Names();
        assertEquals(3, dump.run(Uapi.RTM_GETLINK(), "links", GETLINK, names));
    }

    @Test
    void interruptedDumpIsRedone() {
        kernel.dumps = (r, attempt) -> links(r, 20, 6, i -> attempt <= 2 && i >= 10);
        Names names = new Names();
        assertEquals(20, dump.run(Uapi.RTM_GETLINK(), "links", GETLINK, names));
        assertEquals(2, names.restarts);
        assertEquals(20, names.names.size());
        assertEquals(3, kernel.requests.size());
        assertTrue(kernel.queue.isEmpty());
    }

    @Test
    void interruptionFlagOnDoneCounts() {
        kernel.dumps = (r, attempt) -> {
            List<byte[]> d = new ArrayList<>(links(r, 4, 4, i -> false));
            if (attempt == 1) {
                d.set(d.size() - 1, FakeKernel.encode(w -> {
                    w.begin(Uapi.NLMSG_DONE(), MULTI | INTR, r.seq());
                    w.reserve(4);
                    w.end();
                }));
            }
            return d;
        };
        Names names = new Names();
        assertEquals(4, dump.run(Uapi.RTM_GETLINK(), "links", GETLINK, names));
        assertEquals(1, names.restarts);
    }

    @Test
    void givesUpAfterMaxAttempts() {
        kernel.dumps = (r, attempt) -> links(r, 5, 2, i -> i == 0);
        try (Dump three = new Dump(kernel, Dump.MIN_RECEIVE_BUFFER, 3)) {
            Names names = new Names();
            DumpInterruptedException e = assertThrows(DumpInterruptedException.class,
                    () -> three.run(Uapi.RTM_GETLINK(), "links", GETLINK, names));
            assertEquals("RTM_GETLINK links: EINTR (Interrupted system call): the dump was interrupted by concurrent"
                    + " changes 3 times in a row", e.getMessage());
            assertEquals(3, kernel.dumpAttempts);
            assertEquals(2, names.restarts);
        }
        assertThrows(DumpInterruptedException.class, () -> dump.run(Uapi.RTM_GETLINK(), "links", GETLINK, new Names()));
        assertEquals(3 + Dump.DEFAULT_ATTEMPTS, kernel.dumpAttempts);
    }

    @Test
    void errorInsteadOfDumpNamesTheKernelText() {
        kernel.dumps = (r, attempt) -> List.of(
                FakeKernel.ackBytes(r.seq(), FakeKernel.PORT, -LibC.EPERM(), r, "no CAP_NET_ADMIN", -1));
        PermissionException e = assertThrows(PermissionException.class,
                () -> dump.run(Uapi.RTM_GETLINK(), "links", GETLINK, new Names()));
        assertEquals("RTM_GETLINK links: EPERM (Operation not permitted): kernel says \"no CAP_NET_ADMIN\"",
                e.getMessage());
    }

    @Test
    void doneCarryingAnErrorFails() {
        kernel.dumps = (r, attempt) -> {
            List<byte[]> d = new ArrayList<>(links(r, 2, 2, i -> false));
            d.set(d.size() - 1, done(r.seq(), -LibC.EMSGSIZE(), "object too big"));
            return d;
        };
        NetlinkException e = assertThrows(NetlinkException.class,
                () -> dump.run(Uapi.RTM_GETLINK(), "links", GETLINK, new Names()));
        assertEquals(LibC.EMSGSIZE(), e.errno());
        assertEquals("object too big", e.extack());
    }

    @Test
    void replyLargerThanTheBufferIsAnError() {
        kernel.dumps = (r, attempt) -> List.of(new byte[Dump.MIN_RECEIVE_BUFFER + 4]);
        NetlinkException e = assertThrows(NetlinkException.class,
                () -> dump.run(Uapi.RTM_GETLINK(), "links", GETLINK, new Names()));
        assertEquals("RTM_GETLINK links: EMSGSIZE (Message too long): a reply was larger than the 32768-byte receive"
                + " buffer", e.getMessage());
    }

    @Test
    void unfinishedDumpTimesOut() {
        kernel.dumps = (r, attempt) -> links(r, 2, 2, i -> false).subList(0, 1);
        NetlinkException e = assertThrows(NetlinkException.class,
                () -> dump.run(Uapi.RTM_GETLINK(), "links", GETLINK, new Names()));
        assertEquals(LibC.EAGAIN(), e.errno());
        assertTrue(e.getMessage().endsWith("the dump did not finish within the socket's receive timeout"));
    }

    @Test
    void enobufsWhileDumpingIsReadPast() {
        kernel.dumps = (r, attempt) -> links(r, 9, 3, i -> false);
        kernel.receiveErrno = LibC.ENOBUFS();
        Names names = new Names();
        assertEquals(9, dump.run(Uapi.RTM_GETLINK(), "links", GETLINK, names));
    }

    @Test
    void visitorFailureDrainsTheDumpFirst() {
        kernel.dumps = (r, attempt) -> links(r, 12, 4, i -> false);
        RuntimeException boom = new IllegalStateException("decoder bug");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> dump.run(Uapi.RTM_GETLINK(), "links",
                GETLINK, msg -> {
                    if (msg.u32At((int) ifinfomsg.ifi_index$offset()) == 3) {
                        throw boom;
                    }
                }));
        assertSame(boom, thrown);
        assertTrue(kernel.queue.isEmpty(), "the rest of the dump was read");
        kernel.dumps = (r, attempt) -> links(r, 1, 1, i -> false);
        assertEquals(1, dump.run(Uapi.RTM_GETLINK(), "links", GETLINK, new Names()));
    }

    @Test
    void sendFailureIsReported() {
        kernel.sendErrno = LibC.ECONNREFUSED();
        NetlinkException e = assertThrows(NetlinkException.class,
                () -> dump.run(Uapi.RTM_GETLINK(), "links", GETLINK, new Names()));
        assertInstanceOf(NetlinkException.class, e);
        assertEquals("RTM_GETLINK links: ECONNREFUSED (Connection refused): sendmsg failed", e.getMessage());
    }

    @Test
    void refusesBuffersThatCannotHoldADumpSkb() {
        assertThrows(IllegalArgumentException.class, () -> new Dump(kernel, 4096, 5));
        assertThrows(IllegalArgumentException.class, () -> new Dump(kernel, Dump.MIN_RECEIVE_BUFFER, 0));
    }

    /** One RTM_NEWLINK answering request {@code r}, as rtnl_getlink sends it (no NLM_F_MULTI). */
    private static byte[] reply(FakeKernel.Request r, String name) {
        return FakeKernel.encode(w -> {
            w.begin(Uapi.RTM_NEWLINK(), 0, r.seq());
            long h = w.reserve(IFINFOMSG);
            w.setU32(h + ifinfomsg.ifi_index$offset(), 7);
            w.putString(Uapi.IFLA_IFNAME(), name);
            w.end();
        });
    }

    private static final DumpRequest BY_NAME = w -> {
        w.reserve(IFINFOMSG);
        w.putString(Uapi.IFLA_IFNAME(), "br0");
    };

    @Test
    void callDeliversTheReplyThatPrecedesTheAck() {
        kernel.replies = r -> List.of(reply(r, "br0"));
        kernel.noise = true;
        Names names = new Names();
        assertEquals(1, dump.call(Uapi.RTM_GETLINK(), 0, "link br0", BY_NAME, names));
        assertEquals(List.of("br0"), names.names);
        FakeKernel.Request sent = kernel.requests.get(0);
        assertEquals(Uapi.NLM_F_REQUEST() | Uapi.NLM_F_ACK(), sent.flags());
        assertTrue(kernel.queue.isEmpty(), "nothing of ours is left to confuse the next request");
    }

    @Test
    void callOfARequestWithoutRepliesReturnsAtItsAck() {
        assertEquals(0, dump.call(Uapi.RTM_NEWLINK(), Uapi.NLM_F_CREATE(), "bridge br0", BY_NAME, null));
        assertEquals(Uapi.NLM_F_REQUEST() | Uapi.NLM_F_ACK() | Uapi.NLM_F_CREATE(), kernel.requests.get(0).flags());
    }

    @Test
    void callRefusalNamesTheRequestAndTheKernelText() {
        kernel.responder = r -> new FakeKernel.Verdict(LibC.ENODEV(), "no such link", 20);
        NoSuchObjectException e = assertThrows(NoSuchObjectException.class,
                () -> dump.call(Uapi.RTM_GETLINK(), 0, "link br0", BY_NAME, new Names()));
        assertEquals("RTM_GETLINK link br0: ENODEV (No such device): kernel says \"no such link\": the kernel points at"
                + " byte 20 of the request", e.getMessage());
    }

    @Test
    void callWithoutAckHasAnUnknownOutcome() {
        kernel.silent = true;
        OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class,
                () -> dump.call(Uapi.RTM_NEWLINK(), 0, "link br0", BY_NAME, null));
        assertEquals(LibC.EAGAIN(), e.errno());
        assertTrue(e.getMessage().endsWith("no ack arrived within the socket's receive timeout; the request may or may"
                + " not have been applied: re-dump and reconcile"), e.getMessage());

        kernel.silent = false;
        kernel.queueLimit = 0; // the ack is dropped: ENOBUFS, then nothing
        e = assertThrows(OutcomeUnknownException.class,
                () -> dump.call(Uapi.RTM_NEWLINK(), 0, "link br0", BY_NAME, null));
        assertEquals(LibC.ENOBUFS(), e.errno());
    }

    @Test
    void callVisitorFailureReadsUpToTheAckFirst() {
        kernel.replies = r -> List.of(reply(r, "a"), reply(r, "b"));
        RuntimeException boom = new IllegalStateException("decoder bug");
        RuntimeException thrown = assertThrows(RuntimeException.class,
                () -> dump.call(Uapi.RTM_GETLINK(), 0, "link br0", BY_NAME, msg -> {
                    throw boom;
                }));
        assertSame(boom, thrown);
        assertTrue(kernel.queue.isEmpty());
        kernel.replies = r -> List.of(reply(r, "c"));
        Names names = new Names();
        assertEquals(1, dump.call(Uapi.RTM_GETLINK(), 0, "link br0", BY_NAME, names));
        assertEquals(List.of("c"), names.names);
    }
}

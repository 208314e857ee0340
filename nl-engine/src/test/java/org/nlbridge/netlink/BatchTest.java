package org.nlbridge.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.bindings.linux.ifinfomsg;

class BatchTest {
    private static final int IFINFOMSG = (int) ifinfomsg.sizeof();
    private static final int CREATE = Uapi.NLM_F_CREATE() | Uapi.NLM_F_EXCL();

    private final FakeKernel kernel = new FakeKernel();

    record Link(String name) {
        @Override
        public String toString() {
            return "bridge " + name;
        }
    }

    private static void addLink(Batch batch, Link link, int padding) {
        MsgWriter w = batch.begin(Uapi.RTM_NEWLINK(), CREATE, link);
        w.reserve(IFINFOMSG);
        w.putString(Uapi.IFLA_IFNAME(), link.name());
        if (padding > 0) {
            w.putBytes(Uapi.IFLA_IFALIAS(), new byte[padding]);
        }
        batch.end();
    }

    private static List<Link> links(int n) {
        return IntStream.range(0, n).mapToObj(i -> new Link("br" + i)).toList();
    }

    /** The interface name in a request the fake received. */
    private static String name(FakeKernel.Request r) {
        MsgCursor m = new MsgCursor().reset(java.lang.foreign.MemorySegment.ofArray(r.bytes()), r.bytes().length);
        assertTrue(m.next());
        AttrCursor a = m.attributes(new AttrCursor(), IFINFOMSG);
        while (a.next()) {
            if (a.type() == Uapi.IFLA_IFNAME()) {
                return a.string();
            }
        }
        return null;
    }

    private static FakeKernel.Responder failing(String name, int errno, String extack) {
        return r -> name.equals(name(r)) ? new FakeKernel.Verdict(errno, extack, 20) : FakeKernel.Verdict.OK;
    }

    @Test
    void requestsShareOneSendAndAreAcked() {
        try (Batch batch = new Batch(kernel)) {
            links(10).forEach(l -> addLink(batch, l, 0));
            assertEquals(10, batch.size());
            BatchResult r = batch.execute();
            assertTrue(r.ok());
            assertEquals(10, r.requests());
            assertEquals(10, r.succeeded());
            r.throwIfFailed();
            assertEquals(1, kernel.sendSizes.size());
            int previous = 0;
            for (FakeKernel.Request q : kernel.requests) {
                assertEquals(Uapi.NLM_F_REQUEST() | Uapi.NLM_F_ACK() | CREATE, q.flags());
                assertTrue(q.seq() - previous > 0, "sequence numbers increase");
                previous = q.seq();
            }
            assertEquals(0, batch.size());
        }
    }

    @Test
    void failuresNameTheirRequestInRequestOrder() {
        List<Link> links = links(6);
        kernel.responder = r -> switch (name(r)) {
            case "br1" -> new FakeKernel.Verdict(LibC.EEXIST(), "Device already exists", -1);
            case "br4" -> new FakeKernel.Verdict(LibC.ENODEV(), null, 20);
            default -> FakeKernel.Verdict.OK;
        };
        try (Batch batch = new Batch(kernel)) {
            links.forEach(l -> addLink(batch, l, 0));
            BatchResult r = batch.execute();
            assertEquals(4, r.succeeded());
            assertEquals(2, r.failures().size());
            assertEquals(0, r.unknown());
            NetlinkException first = r.failures().get(0);
            assertInstanceOf(ObjectExistsException.class, first);
            assertSame(links.get(1), first.object());
            assertEquals("RTM_NEWLINK bridge br1: EEXIST (File exists): kernel says \"Device already exists\"",
                    first.getMessage());
            NetlinkException second = r.failures().get(1);
            assertInstanceOf(NoSuchObjectException.class, second);
            assertEquals("RTM_NEWLINK bridge br4: ENODEV (No such device): the kernel points at byte 20 of the request",
                    second.getMessage());
            NetlinkException thrown = assertThrows(NetlinkException.class, r::throwIfFailed);
            assertSame(first, thrown);
            assertArrayEquals(new Throwable[] {second}, thrown.getSuppressed());
            assertEquals("6 requests: 4 succeeded, 2 failed, 0 unknown", r.toString());
        }
    }

    @Test
    void aConvergingDeleteCountsAlreadyGoneAsDoneButNothingElse() {
        kernel.responder = r -> switch (name(r)) {
            case "br0", "br2" -> new FakeKernel.Verdict(LibC.ENOENT(), null, -1);
            case "br3" -> new FakeKernel.Verdict(LibC.EBUSY(), null, -1);
            default -> FakeKernel.Verdict.OK;
        };
        try (Batch batch = new Batch(kernel)) {
            int i = 0;
            for (Link l : links(4)) {
                MsgWriter w = batch.begin(Uapi.RTM_DELLINK(), 0, l);
                w.reserve(IFINFOMSG);
                w.putString(Uapi.IFLA_IFNAME(), l.name());
                if (i++ == 2) {
                    batch.end(); // a plain delete: ENOENT stays a failure
                } else {
                    batch.endAbsentOk();
                }
            }
            batch.flush();
            assertTrue(batch.acked(0), "already gone counts as acked");
            assertFalse(batch.acked(2));
            BatchResult r = batch.execute();
            assertEquals(2, r.succeeded());
            assertEquals(1, r.absent());
            assertEquals(2, r.failures().size());
            assertInstanceOf(NoSuchObjectException.class, r.failures().get(0));
            assertEquals("br2", ((Link) r.failures().get(0).object()).name());
            assertInstanceOf(BusyException.class, r.failures().get(1), "other refusals still fail");
            assertEquals("4 requests: 2 succeeded (1 already gone), 2 failed, 0 unknown", r.toString());
        }
    }

    @Test
    void foreignSequenceNumbersAndPortsAreSkipped() {
        kernel.noise = true;
        try (Batch batch = new Batch(kernel)) {
            links(5).forEach(l -> addLink(batch, l, 0));
            assertEquals(5, batch.execute().succeeded());
        }
    }

    @Test
    void sendsAreSplitByTheAckBudget() {
        kernel.receiveBudget = 4 * Batch.ACK_COST;
        try (Batch batch = new Batch(kernel)) {
            assertEquals(4, batch.ackBudget());
            links(10).forEach(l -> addLink(batch, l, 0));
            assertEquals(10, batch.execute().succeeded());
            assertEquals(3, kernel.sendSizes.size());
            assertEquals(List.of(4, 4, 2), perSend());
        }
    }

    private List<Integer> perSend() {
        List<Integer> counts = new ArrayList<>();
        int total = 0;
        for (int size : kernel.sendSizes) {
            int n = 0;
            for (int at = 0; at < size; n++) {
                at += (kernel.requests.get(total + n).bytes().length + 3) & ~3;
            }
            counts.add(n);
            total += n;
        }
        return counts;
    }

    /** The request crossing the byte limit is finished, the ones before it sent, and it is carried over. */
    @Test
    void sendsAreSplitByTheSendLimitCarryingTheOverflow() {
        kernel.sendLimit = 512;
        List<Link> links = links(9);
        try (Batch batch = new Batch(kernel)) {
            links.forEach(l -> addLink(batch, l, 100)); // 16 + 16 + 8 + 104 = 144 bytes each
            assertEquals(9, batch.execute().succeeded());
        }
        assertEquals(List.of(432, 432, 432), kernel.sendSizes);
        assertEquals(links.stream().map(Link::name).toList(), kernel.requests.stream().map(BatchTest::name).toList());
    }

    @Test
    void aRequestAboveTheSendLimitFailsAloneWithEmsgsize() {
        kernel.sendLimit = 256;
        try (Batch batch = new Batch(kernel)) {
            addLink(batch, new Link("a"), 0);
            addLink(batch, new Link("huge"), 300);
            addLink(batch, new Link("b"), 0);
            BatchResult r = batch.execute();
            assertEquals(2, r.succeeded());
            NetlinkException e = r.failures().get(0);
            assertEquals("RTM_NEWLINK bridge huge: EMSGSIZE (Message too long): sendmsg failed, the kernel did not see"
                    + " the request", e.getMessage());
        }
    }

    @Test
    void encodingPastTheBufferThrowsAndTheBatchGoesOn() {
        kernel.sendLimit = 256;
        try (Batch batch = new Batch(kernel)) {
            addLink(batch, new Link("a"), 0);
            assertThrows(BufferFullException.class, () -> addLink(batch, new Link("huge"), 600));
            addLink(batch, new Link("b"), 0);
            BatchResult r = batch.execute();
            assertEquals(2, r.requests());
            assertEquals(2, r.succeeded());
        }
    }

    @Test
    void enobufsLeavesTheLostAcksUnknownAndDrainsTheQueue() {
        kernel.queueLimit = 3;
        try (Batch batch = new Batch(kernel)) {
            links(10).forEach(l -> addLink(batch, l, 0));
            BatchResult r = batch.execute();
            assertEquals(3, r.succeeded());
            assertEquals(7, r.unknown());
            assertEquals(7, r.failures().size());
            NetlinkException e = r.failures().get(0);
            assertInstanceOf(OutcomeUnknownException.class, e);
            assertEquals(LibC.ENOBUFS(), e.errno());
            assertEquals("RTM_NEWLINK bridge br3: ENOBUFS (No buffer space available): the kernel dropped acks because"
                    + " the receive queue overflowed; the request may or may not have been applied: re-dump and"
                    + " reconcile", e.getMessage());
            FakeKernel.Request barrier = kernel.requests.get(kernel.requests.size() - 1);
            assertEquals(Uapi.NLMSG_NOOP(), barrier.type());
            assertTrue(kernel.queue.isEmpty(), "acks queued before the barrier were read");
            assertEquals(7, kernel.dropped, "the barrier went out once the queue was read empty, so its ack arrived");

            kernel.queueLimit = Integer.MAX_VALUE;
            links(4).forEach(l -> addLink(batch, l, 0));
            assertTrue(batch.execute().ok());
        }
    }

    private static void addQuiet(Batch batch, Link link, boolean absentOk) {
        MsgWriter w = batch.beginQuiet(Uapi.RTM_NEWLINK(), CREATE, link);
        w.reserve(IFINFOMSG);
        w.putString(Uapi.IFLA_IFNAME(), link.name());
        if (absentOk) {
            batch.endAbsentOk();
        } else {
            batch.end();
        }
    }

    @Test
    void quietRequestsAreAnsweredOnlyWhenRefusedAndSettledByOneBarrierPerSend() {
        kernel.responder = r -> switch (String.valueOf(name(r))) {
            case "br3" -> new FakeKernel.Verdict(LibC.EEXIST(), "Device already exists", -1);
            case "br5" -> new FakeKernel.Verdict(LibC.ENOENT(), null, -1);
            default -> FakeKernel.Verdict.OK;
        };
        List<Link> links = links(8);
        try (Batch batch = new Batch(kernel)) {
            for (int i = 0; i < links.size(); i++) {
                if (i == 6) {
                    addLink(batch, links.get(i), 0); // acked as usual, in the same send
                } else {
                    addQuiet(batch, links.get(i), i == 5);
                }
            }
            batch.flush();
            assertTrue(batch.acked(0) && batch.acked(5) && batch.acked(6) && batch.acked(7));
            assertFalse(batch.acked(3));
            BatchResult r = batch.execute();
            assertEquals(7, r.succeeded());
            assertEquals(1, r.absent());
            assertEquals(1, r.failures().size());
            assertSame(links.get(3), r.failures().get(0).object());
            assertEquals("RTM_NEWLINK bridge br3: EEXIST (File exists): kernel says \"Device already exists\"",
                    r.failures().get(0).getMessage());
        }
        assertEquals(2, kernel.sendSizes.size(), "the requests in one datagram, then the barrier");
        for (FakeKernel.Request q : kernel.requests.subList(0, 8)) {
            boolean acked = (q.flags() & Uapi.NLM_F_ACK()) != 0;
            assertEquals("br6".equals(name(q)), acked, name(q));
        }
        assertEquals(Uapi.NLMSG_NOOP(), kernel.requests.get(8).type());
        assertTrue(kernel.queue.isEmpty());
    }

    @Test
    void quietRequestsWhoseRefusalsOverflowTheQueueAreUnknownNotApplied() {
        kernel.queueLimit = 3;
        kernel.responder = r -> new FakeKernel.Verdict(LibC.EBUSY(), null, -1);
        try (Batch batch = new Batch(kernel)) {
            links(10).forEach(l -> addQuiet(batch, l, false));
            BatchResult r = batch.execute();
            assertEquals(0, r.succeeded());
            assertEquals(10, r.failures().size());
            assertEquals(3, r.failures().size() - r.unknown(), "the three refusals that were queued name their requests");
            assertEquals(7, r.unknown());
            assertInstanceOf(BusyException.class, r.failures().get(0));
            assertInstanceOf(OutcomeUnknownException.class, r.failures().get(3));
            assertTrue(kernel.queue.isEmpty());

            kernel.queueLimit = Integer.MAX_VALUE;
            kernel.responder = q -> FakeKernel.Verdict.OK;
            links(4).forEach(l -> addQuiet(batch, l, false));
            assertEquals(4, batch.execute().succeeded());
        }
    }

    @Test
    void receiveTimeoutLeavesOutcomeUnknown() {
        kernel.silent = true;
        try (Batch batch = new Batch(kernel)) {
            links(2).forEach(l -> addLink(batch, l, 0));
            BatchResult r = batch.execute();
            assertEquals(0, r.succeeded());
            assertEquals(2, r.unknown());
            assertEquals(LibC.EAGAIN(), r.failures().get(0).errno());
            assertTrue(r.failures().get(0).getMessage().contains("no ack arrived within the socket's receive timeout"));
            assertThrows(OutcomeUnknownException.class, r::throwIfFailed);
        }
    }

    @Test
    void malformedAckLeavesOutcomeUnknownWithTheCause() {
        kernel.responder = r -> {
            kernel.enqueue(new byte[] {1, 2, 3});
            return FakeKernel.Verdict.OK;
        };
        try (Batch batch = new Batch(kernel)) {
            addLink(batch, new Link("x"), 0);
            NetlinkException e = batch.execute().failures().get(0);
            assertInstanceOf(OutcomeUnknownException.class, e);
            assertEquals(LibC.EBADMSG(), e.errno());
            assertInstanceOf(WireFormatException.class, e.getCause());
        }
    }

    @Test
    void sendFailureFailsTheRequestsOfThatSend() {
        kernel.sendErrno = LibC.EPERM();
        try (Batch batch = new Batch(kernel)) {
            links(3).forEach(l -> addLink(batch, l, 0));
            BatchResult r = batch.execute();
            assertEquals(3, r.failures().size());
            assertInstanceOf(PermissionException.class, r.failures().get(2));
            assertEquals(0, r.unknown());
        }
    }

    @Test
    void cancelledAndUnfinishedRequests() {
        try (Batch batch = new Batch(kernel)) {
            batch.begin(Uapi.RTM_NEWLINK(), CREATE, "dropped").reserve(IFINFOMSG);
            batch.cancel();
            assertEquals(0, batch.size());
            batch.begin(Uapi.RTM_NEWLINK(), CREATE, "open");
            assertThrows(IllegalStateException.class, () -> batch.begin(Uapi.RTM_NEWLINK(), 0, "second"));
            assertThrows(IllegalStateException.class, batch::execute);
            batch.cancel();
            BatchResult r = batch.execute();
            assertEquals(0, r.requests());
            assertTrue(r.ok());
            assertFalse(kernel.sendSizes.iterator().hasNext(), "nothing was sent");
        }
    }

    @Test
    void flushSendsWhatIsQueuedAndTellsWhichWereApplied() {
        kernel.responder = failing("br1", LibC.EEXIST(), null);
        try (Batch batch = new Batch(kernel)) {
            links(2).forEach(l -> addLink(batch, l, 0));
            assertFalse(batch.acked(0), "not sent yet");
            batch.flush();
            assertEquals(1, kernel.sendSizes.size());
            assertTrue(batch.acked(0));
            assertFalse(batch.acked(1), "refused");
            assertFalse(batch.acked(2), "no such request");
            addLink(batch, new Link("br2"), 0);
            BatchResult r = batch.execute();
            assertEquals(3, r.requests());
            assertEquals(2, r.succeeded());
            assertEquals(1, r.failures().size());
            assertEquals(new Link("br1"), r.failures().get(0).object());
            assertEquals(2, kernel.sendSizes.size());
            assertFalse(batch.acked(0), "execute empties the batch");
        }
    }

    @Test
    void flushWithARequestOpenIsRefused() {
        try (Batch batch = new Batch(kernel)) {
            batch.begin(Uapi.RTM_NEWLINK(), CREATE, "open").reserve(IFINFOMSG);
            assertThrows(IllegalStateException.class, batch::flush);
            batch.cancel();
            batch.flush();
            assertTrue(kernel.sendSizes.isEmpty(), "nothing to send");
        }
    }
}

package org.nlbridge.netlink;

import java.lang.foreign.Arena;

/**
 * Independent requests (rtnetlink) sent back to back, many per {@code sendmsg}, each with its own sequence number
 * and {@code NLM_F_ACK} (or, begun with {@link #beginQuiet}, answered only when refused, a barrier per send settling
 * the rest); acks are matched by sequence number and every failure names its request.
 *
 * <pre>{@code
 * try (Batch batch = new Batch(socket)) {
 *     MsgWriter w = batch.begin(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, bridgeSpec);
 *     long h = w.reserve((int) ifinfomsg.sizeof());
 *     w.putString(IFLA_IFNAME, "br0").putU32(IFLA_MTU, 1400);
 *     long info = w.nestStart(IFLA_LINKINFO);
 *     w.putString(IFLA_INFO_KIND, "bridge");
 *     w.nestEnd(info);
 *     batch.end();
 *     batch.execute().throwIfFailed();
 * }
 * }</pre>
 *
 * <p>Sends happen on their own, libmnl style, when the next request would pass either limit:
 * <ul>
 * <li>bytes: {@link NlTransport#sendLimit()} (capped at 1 MiB, past which the ack budget binds first anyway). The
 *     buffer is twice that, so the message that crosses the limit is finished, the ones before it are sent, and it
 *     is carried to the front of the buffer for the next send;</li>
 * <li>acks: every ack is one skb in our receive queue, and the kernel drops acks (and we get {@code ENOBUFS}) once
 *     the queue's memory passes {@code SO_RCVBUF}. What counts is the skb's truesize, not the 36-byte message (an
 *     {@code nlmsgerr} under {@code NETLINK_CAP_ACK}): its head shares a 512–640-byte slab object with
 *     {@code skb_shared_info}, plus the 256-byte {@code sk_buff}, so 768–900 bytes on x86-64 depending on the
 *     kernel; extack text adds a few dozen. Hence {@value #ACK_COST} bytes per ack, {@code receiveBudget / 1024}
 *     acks outstanding per send.</li>
 * </ul>
 * Every send is followed by reading its acks, so the queue is empty before the next one. The socket must have
 * {@code NETLINK_CAP_ACK} set, or error acks echo the whole request and cost more than budgeted. If acks are lost
 * anyway ({@code ENOBUFS}), the acks that did arrive still count, the queue is drained, and the rest of that send
 * is reported as {@link OutcomeUnknownException}; a receive timeout likewise.
 *
 * <p>The kernel applies each request on its own: a failure does not stop the ones after it. Not thread-safe; no
 * allocation per request once the bookkeeping arrays have grown to the batch size.
 */
public final class Batch implements AutoCloseable {
    /** Receive-queue bytes budgeted per outstanding ack (see the class comment). */
    public static final int ACK_COST = 1024;
    private static final long MAX_CHUNK = 1 << 20;

    private final NlTransport transport;
    /** Shared, not confined: a batch may be built on one thread and executed on another, one at a time. */
    private final Arena arena = Arena.ofShared();
    private final MsgWriter writer;
    private final AckTracker acks;
    private final BatchResult result = new BatchResult();
    private final long chunkLimit;
    private final int ackBudget;
    /** First request not yet sent. */
    private int chunkStart;
    private long pendingStart;
    private int pendingSeq;
    private int pendingType;
    private Object pendingSubject;
    private boolean pendingQuiet;

    public Batch(NlTransport transport) {
        this.transport = transport;
        this.chunkLimit = Math.min(transport.sendLimit(), MAX_CHUNK);
        this.ackBudget = Math.max(1, transport.receiveBudget() / ACK_COST);
        this.writer = new MsgWriter(arena.allocate(2 * chunkLimit, 8));
        this.acks = new AckTracker(transport, arena);
    }

    /** Acks allowed outstanding per send: {@code receiveBudget / ACK_COST}. */
    public int ackBudget() {
        return ackBudget;
    }

    /**
     * Starts a request; encode its family header and attributes with the returned writer, then call {@link #end()}.
     * {@code NLM_F_REQUEST | NLM_F_ACK} are added to {@code flags}.
     *
     * @param subject what the request is about, named in its failure (only {@code toString} on failure)
     */
    public MsgWriter begin(int type, int flags, Object subject) {
        return begin(type, flags, subject, false);
    }

    /**
     * Starts a request that is acknowledged only if it fails: {@code NLM_F_ACK} is left out, so the kernel answers
     * a success with nothing, and the batch learns that everything before it was applied from one barrier per send
     * (an {@code NLMSG_NOOP} with {@code NLM_F_ACK}, answered after every request of the datagram was processed).
     * Saves the ack's allocation, queueing and {@code recvmsg} per request, which is most of what a small request
     * (a neighbour or FDB entry) costs beyond the kernel's own work. A refusal is reported exactly as for
     * {@link #begin}; if the receive queue overflows, the outcome of every such request of that send is unknown.
     */
    public MsgWriter beginQuiet(int type, int flags, Object subject) {
        return begin(type, flags, subject, true);
    }

    private MsgWriter begin(int type, int flags, Object subject, boolean quiet) {
        if (writer.inMessage()) {
            throw new IllegalStateException("the request for " + pendingSubject + " was begun but not ended");
        }
        if (acks.count() - chunkStart >= ackBudget || writer.position() >= chunkLimit) {
            sendPending();
        }
        pendingSeq = Seq.next();
        pendingType = type;
        pendingSubject = subject;
        pendingQuiet = quiet;
        pendingStart = writer.begin(type, flags | Wire.NLM_F_REQUEST | (quiet ? 0 : Wire.NLM_F_ACK), pendingSeq);
        return writer;
    }

    /** Completes the request begun last; may send the requests before it. */
    public void end() {
        finish(false);
    }

    /**
     * Completes the request begun last, a delete that converges: if the kernel refuses it because the object is not
     * there ({@link NoSuchObjectException}'s errnos), it counts as done, in {@link BatchResult#succeeded()} and
     * {@link BatchResult#absent()}, not as a failure. For teardown and reconcile, where already gone is the goal.
     */
    public void endAbsentOk() {
        finish(true);
    }

    private void finish(boolean absentOk) {
        writer.end();
        acks.add(pendingSeq, pendingType, pendingSubject, absentOk, pendingQuiet);
        pendingSubject = null;
        if (writer.position() > chunkLimit && pendingStart > 0) {
            // this request crossed the limit: send those before it, carry it over
            send(pendingStart, chunkStart, acks.count() - 1);
            writer.compact(pendingStart);
            chunkStart = acks.count() - 1;
        }
    }

    /** Drops the request begun last. */
    public void cancel() {
        writer.cancel();
        pendingSubject = null;
    }

    /** Requests added since the last {@link #execute()}. */
    public int size() {
        return acks.count();
    }

    /**
     * Sends the requests not yet sent, reads every ack, and reports. The batch is empty afterwards and ready for
     * reuse; the result is valid until the next execute.
     */
    public BatchResult execute() {
        if (writer.inMessage()) {
            throw new IllegalStateException("the request for " + pendingSubject + " was begun but not ended");
        }
        try {
            sendPending();
            int n = acks.count();
            result.reset(n);
            for (int i = 0; i < n; i++) {
                byte state = acks.state(i);
                if (state == AckTracker.OK) {
                    result.succeeded(1);
                } else if (state == AckTracker.ABSENT) {
                    result.alreadyGone();
                } else {
                    result.fail(i, acks.failure(i));
                }
            }
            return result;
        } finally {
            acks.clear();
            writer.reset();
            chunkStart = 0;
        }
    }

    /**
     * Sends the requests not yet sent and reads their acks without ending the batch: for requests that only make
     * sense once earlier ones were applied (set a link's alias only after its create was acked, see
     * {@link #acked(int)}). Their outcomes stay part of the next {@link #execute()}'s result.
     */
    public void flush() {
        if (writer.inMessage()) {
            throw new IllegalStateException("the request for " + pendingSubject + " was begun but not ended");
        }
        sendPending();
    }

    /**
     * Whether request {@code index} (0 is the first one begun since the last {@link #execute()}) has been acked as
     * applied (or, for {@link #endAbsentOk()}, found already gone); false while it is unsent or its ack has not been
     * read, and after a failure.
     */
    public boolean acked(int index) {
        if (index < 0 || index >= acks.count()) {
            return false;
        }
        byte state = acks.state(index);
        return state == AckTracker.OK || state == AckTracker.ABSENT;
    }

    private void sendPending() {
        if (acks.count() > chunkStart) {
            send(writer.position(), chunkStart, acks.count());
        }
        writer.reset();
        chunkStart = acks.count();
    }

    /** Sends the first {@code bytes} of the buffer, holding requests {@code [from, to)}, and reads their acks. */
    private void send(long bytes, int from, int to) {
        long n = transport.send(writer.segment(), bytes);
        if (n < 0) {
            acks.sendFailed(from, to, (int) -n);
        } else {
            acks.collect(from, to, 0);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}

package org.nlbridge.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import org.nlbridge.bindings.libc.LibC;

/**
 * The ack matching shared by {@link Batch} and {@link NfTransaction}: per-request bookkeeping in growable parallel
 * arrays (sequence number, type, subject, outcome), and the receive loop that matches {@code NLMSG_ERROR} replies to
 * requests by sequence number. Requests sent without {@code NLM_F_ACK} ("quiet") are answered only when refused; an
 * {@code NLMSG_NOOP} barrier sent after them is answered once the kernel has processed every request before it, and
 * settles those not refused as applied.
 *
 * <p>Skipped while matching: replies whose {@code nlmsg_pid} is neither 0 nor our port id (a notification caused by
 * another socket can carry a sequence number equal to ours), sequence numbers not ours (left over from an abandoned
 * batch on a shared socket), and non-error replies ({@code NLM_F_ECHO} copies, which precede their ack).
 *
 * <p>{@code ENOBUFS}: the kernel processes a whole datagram inside {@code sendmsg}, queueing acks in request order
 * and dropping them once the queue is full, so the acks that survived are a prefix. After an overflow the socket is
 * marked congested and the kernel drops every further message to it until its queue has been read empty
 * ({@code netlink_rcv_wake}), so the queue is first read without waiting until it is empty, and only then an
 * {@code NLMSG_NOOP} with {@code NLM_F_ACK} is sent as a barrier (netlink acks control messages without processing
 * them). Acks read before the barrier's settle their requests; the requests still pending when it arrives were
 * dropped, and their outcome is unknown. The same barrier marks the end of a failed nftables transaction's replies,
 * so no stale ack is left to crowd the next send's budget.
 */
final class AckTracker {
    static final byte PENDING = 0;
    static final byte OK = 1;
    static final byte FAILED = 2;
    static final byte UNKNOWN = 3;
    /** Refused as "not there" ({@link NoSuchObjectException#covers}) where the request said that counts as done. */
    static final byte ABSENT = 4;

    private static final int EINTR = LibC.EINTR();
    private static final int EAGAIN = LibC.EAGAIN();
    private static final int ENOBUFS = LibC.ENOBUFS();
    private static final int EMSGSIZE = LibC.EMSGSIZE();
    private static final int EBADMSG = LibC.EBADMSG();
    private static final String RECONCILE = "the request may or may not have been applied: re-dump and reconcile";

    private final NlTransport transport;
    private final MemorySegment rx;
    private final MsgWriter barrier;
    private final MsgCursor msg = new MsgCursor();
    private final NlErrorView err = new NlErrorView();

    private int[] seqs = new int[64];
    private int[] types = new int[64];
    private Object[] subjects = new Object[64];
    private NetlinkException[] failures = new NetlinkException[64];
    private byte[] states = new byte[64];
    private boolean[] absentOk = new boolean[64];
    /** Sent without {@code NLM_F_ACK}: only a failure is answered; a barrier settles the rest. */
    private boolean[] quiet = new boolean[64];
    private int count;
    private int hint;
    private int frameErrno;
    private String frameExtack;

    /** Allocates the receive buffer (large enough for any reply on the socket) and the barrier from {@code arena}. */
    AckTracker(NlTransport transport, Arena arena) {
        this.transport = transport;
        this.rx = arena.allocate(Dump.MIN_RECEIVE_BUFFER, 8);
        this.barrier = new MsgWriter(arena.allocate(Wire.NLMSG_HDRLEN, 8));
    }

    /** Records a request that was encoded with {@code NLM_F_ACK}; returns its index. */
    int add(int seq, int type, Object subject) {
        return add(seq, type, subject, false, false);
    }

    /**
     * Records a request; with {@code absentIsDone}, a refusal saying the object is not there settles it as
     * {@link #ABSENT} instead of {@link #FAILED} (a delete that converges: already gone counts as done); with
     * {@code quietRequest}, the request was sent without {@code NLM_F_ACK} (see {@link #collect}).
     */
    int add(int seq, int type, Object subject, boolean absentIsDone, boolean quietRequest) {
        if (count == seqs.length) {
            int n = count * 2;
            seqs = Arrays.copyOf(seqs, n);
            types = Arrays.copyOf(types, n);
            subjects = Arrays.copyOf(subjects, n);
            failures = Arrays.copyOf(failures, n);
            states = Arrays.copyOf(states, n);
            absentOk = Arrays.copyOf(absentOk, n);
            quiet = Arrays.copyOf(quiet, n);
        }
        seqs[count] = seq;
        types[count] = type;
        subjects[count] = subject;
        failures[count] = null;
        states[count] = PENDING;
        absentOk[count] = absentIsDone;
        quiet[count] = quietRequest;
        return count++;
    }

    int count() {
        return count;
    }

    byte state(int i) {
        return states[i];
    }

    NetlinkException failure(int i) {
        return failures[i];
    }

    /** errno of a transaction-level error reported against the frame sequence number, or 0. */
    int frameErrno() {
        return frameErrno;
    }

    String frameExtack() {
        return frameExtack;
    }

    /** Forgets every request and drops the references to their subjects. */
    void clear() {
        Arrays.fill(subjects, 0, count, null);
        Arrays.fill(failures, 0, count, null);
        count = 0;
        frameErrno = 0;
        frameExtack = null;
    }

    /** sendmsg refused requests {@code [from, to)}: the kernel processed none of them. */
    void sendFailed(int from, int to, int errno) {
        for (int i = from; i < to; i++) {
            fail(i, NetlinkException.of(errno, MsgTypes.name(types[i]), subjects[i], null,
                    "sendmsg failed, the kernel did not see the request"));
        }
    }

    /**
     * Receives until every pending request in {@code [from, to)} has its ack, or until acks can no longer arrive
     * (receive error, timeout, malformed reply), which leaves the rest {@link #UNKNOWN}. When {@code frameSeq} is not
     * 0, an error reported against it (nfnetlink reports transaction-level failures against the batch's first
     * message) is kept as {@link #frameErrno()}; whatever the kernel still sends for that batch is drained up to a
     * barrier, since after such an error it may send every ack or none.
     */
    void collect(int from, int to, int frameSeq) {
        int outstanding = 0;
        boolean anyQuiet = false;
        for (int i = from; i < to; i++) {
            if (states[i] == PENDING) {
                if (quiet[i]) {
                    anyQuiet = true;
                } else {
                    outstanding++;
                }
            }
        }
        hint = from;
        int ourPort = transport.portId();
        boolean overflowed = false;
        int barrierSeq = 0;
        // quiet requests are answered only when they fail; this barrier's ack comes after all of their answers
        int quietSeq = 0;
        if (anyQuiet && (quietSeq = sendBarrier()) == 0) {
            giveUp(from, to, EBADMSG, "the barrier after requests acknowledged only on failure could not be sent; "
                    + RECONCILE, null);
            return;
        }
        while (outstanding > 0 || barrierSeq != 0 || quietSeq != 0) {
            boolean draining = overflowed && barrierSeq == 0;
            long n = draining ? transport.receiveNow(rx) : transport.receive(rx);
            if (n == -EINTR) {
                continue;
            }
            if (n == -ENOBUFS && !overflowed) {
                overflowed = true;
                continue;
            }
            if (n == -EAGAIN && draining) {
                // read empty, so no longer congested: the barrier's ack will be queued
                if ((barrierSeq = sendBarrier()) == 0) {
                    giveUp(from, to, ENOBUFS, receiveFailure(ENOBUFS), null);
                    return;
                }
                continue;
            }
            if (n < 0) {
                int errno = overflowed ? ENOBUFS : (int) -n;
                giveUp(from, to, errno, receiveFailure(errno), null);
                return;
            }
            try {
                msg.reset(rx, n);
                while (msg.next()) {
                    int pid = msg.portId();
                    if (msg.type() != Wire.NLMSG_ERROR || (pid != 0 && pid != ourPort)) {
                        continue;
                    }
                    int seq = msg.seq();
                    if (quietSeq != 0 && seq == quietSeq) {
                        // every request of the send was processed before this; those not refused were applied,
                        // unless the queue overflowed and refusals may have been dropped (then the barrier below
                        // leaves them unknown)
                        if (!overflowed) {
                            settleQuiet(from, to);
                        }
                        quietSeq = 0;
                        continue;
                    }
                    if (barrierSeq != 0 && seq == barrierSeq) {
                        if (frameErrno == 0) {
                            giveUp(from, to, ENOBUFS, receiveFailure(ENOBUFS), null);
                        }
                        return;
                    }
                    if (frameSeq != 0 && seq == frameSeq) {
                        err.reset(msg);
                        if (!err.isAck() && frameErrno == 0) {
                            frameErrno = -err.error();
                            frameExtack = err.extackMessage();
                            if (barrierSeq == 0 && (barrierSeq = sendBarrier()) == 0) {
                                return;
                            }
                        }
                        continue;
                    }
                    int i = find(seq, from, to);
                    if (i < 0 || states[i] != PENDING) {
                        continue;
                    }
                    err.reset(msg);
                    if (err.isAck()) {
                        states[i] = OK;
                    } else if (absentOk[i] && NoSuchObjectException.covers(-err.error())) {
                        states[i] = ABSENT;
                    } else {
                        int offs = err.extackOffset();
                        fail(i, NetlinkException.of(-err.error(), MsgTypes.name(types[i]), subjects[i],
                                err.extackMessage(), offs >= 0 ? "the kernel points at byte " + offs + " of the request" : null));
                    }
                    if (!quiet[i]) {
                        outstanding--;
                    }
                }
            } catch (WireFormatException e) {
                giveUp(from, to, EBADMSG, "a malformed reply arrived while reading acks (" + e.getMessage() + "); "
                        + RECONCILE, e);
                return;
            }
        }
    }

    /** Quiet requests of {@code [from, to)} still pending once their barrier is acked: applied. */
    private void settleQuiet(int from, int to) {
        for (int i = from; i < to; i++) {
            if (quiet[i] && states[i] == PENDING) {
                states[i] = OK;
            }
        }
    }

    /** Sends the NOOP barrier; returns its sequence number, or 0 if it could not be sent. */
    private int sendBarrier() {
        int seq = Seq.next();
        barrier.reset();
        barrier.begin(Wire.NLMSG_NOOP, Wire.NLM_F_REQUEST | Wire.NLM_F_ACK, seq);
        barrier.end();
        return transport.send(barrier.segment(), barrier.position()) < 0 ? 0 : seq;
    }

    private String receiveFailure(int errno) {
        if (errno == ENOBUFS) {
            return "the kernel dropped acks because the receive queue overflowed; " + RECONCILE;
        }
        if (errno == EAGAIN) {
            return "no ack arrived within the socket's receive timeout; " + RECONCILE;
        }
        if (errno == EMSGSIZE) {
            return "a reply larger than the " + rx.byteSize() + "-byte receive buffer was discarded; " + RECONCILE;
        }
        return "receiving acks failed; " + RECONCILE;
    }

    private void giveUp(int from, int to, int errno, String detail, Throwable cause) {
        for (int i = from; i < to; i++) {
            if (states[i] == PENDING) {
                NetlinkException e = new OutcomeUnknownException(errno, MsgTypes.name(types[i]), subjects[i], null, detail);
                if (cause != null) {
                    e.initCause(cause);
                }
                failures[i] = e;
                states[i] = UNKNOWN;
            }
        }
    }

    private void fail(int i, NetlinkException e) {
        failures[i] = e;
        states[i] = FAILED;
    }

    /**
     * Index of the request with {@code seq} in {@code [from, to)}, or -1. Acks arrive in request order, so the
     * next expected index is tried first; otherwise a binary search over the offsets from the first sequence number,
     * which increase within a batch (the numbers come from one counter and may wrap, the offsets do not).
     */
    private int find(int seq, int from, int to) {
        if (hint >= from && hint < to && seqs[hint] == seq) {
            return hint++;
        }
        int base = seqs[from];
        int rel = seq - base;
        if (rel < 0 || rel > seqs[to - 1] - base) {
            return -1;
        }
        int lo = from;
        int hi = to - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int r = seqs[mid] - base;
            if (r < rel) {
                lo = mid + 1;
            } else if (r > rel) {
                hi = mid - 1;
            } else {
                hint = mid + 1;
                return mid;
            }
        }
        return -1;
    }
}

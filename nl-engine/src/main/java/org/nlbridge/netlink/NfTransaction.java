package org.nlbridge.netlink;

import java.lang.foreign.Arena;

import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.bindings.linux.nfgenmsg;

/**
 * One nftables transaction: the requests wrapped in {@code NFNL_MSG_BATCH_BEGIN … NFNL_MSG_BATCH_END} and sent as
 * one datagram, which the kernel applies all together or not at all.
 *
 * <pre>{@code
 * try (NfTransaction tx = new NfTransaction(nfSocket)) {
 *     MsgWriter w = tx.begin(NFT_MSG_NEWTABLE, NLM_F_CREATE, NFPROTO_INET, "table inet nlbridge");
 *     w.putString(NFTA_TABLE_NAME, "nlbridge");
 *     tx.end();
 *     tx.commit().throwIfFailed();
 * }
 * }</pre>
 *
 * <p>Never split, because two datagrams would be two transactions. A transaction that outgrows the socket's send
 * limit, or needs more acks than the receive budget holds ({@link Batch#ACK_COST} bytes each), raises them first
 * ({@code SO_SNDBUFFORCE}/{@code SO_RCVBUFFORCE}, doubling, as {@code nft} raises its send buffer to a large
 * ruleset's size), up to {@link #MAX_BYTES}; only one that still does not fit (a transport that cannot raise them,
 * no {@code CAP_NET_ADMIN}) throws {@link TransactionTooLargeException} from {@link #end()} and is discarded.
 *
 * <p>Outcome: every request carries {@code NLM_F_ACK}. The kernel processes the whole batch before answering and
 * answers every request, so errors are listed for all failing requests; acks of 0 in a batch that had a failure
 * mean nothing (the batch was aborted). A transaction-level failure (no {@code CAP_NET_ADMIN}, a failed commit) is
 * reported against {@code BATCH_BEGIN} and fails the whole transaction. Ack matching is shared with {@link Batch}.
 * Writer nests carry {@code NLA_F_NESTED}, which nftables requires.
 */
public final class NfTransaction implements AutoCloseable {
    private static final int SUBSYS_BASE = Uapi.NFNL_SUBSYS_NFTABLES() << 8;
    private static final int FRAME_SIZE = Wire.NLMSG_HDRLEN + Wire.NFGENMSG_SIZE;
    /** Room past the send limit, so that the request crossing it still encodes and end() can name the exact size. */
    private static final long SLACK = 64 * 1024;
    /** The buffer a transaction starts with; it doubles as needed. */
    private static final long INITIAL_BYTES = 64 * 1024;
    /** The largest transaction: 64 MiB (some 140,000 linear rules; the engine's maps need a few bytes per port). */
    public static final long MAX_BYTES = 64L << 20;
    private static final String OPERATION = "nftables transaction";

    private final NlTransport transport;
    private final Arena arena = Arena.ofShared();
    private final MsgWriter writer;
    private final AckTracker acks;
    private final BatchResult result = new BatchResult();
    private long sendLimit;
    private int ackBudget;
    private int beginSeq;
    private boolean stamped;
    private int genId;
    private int pendingSeq;
    private int pendingType;
    private Object pendingSubject;

    public NfTransaction(NlTransport transport) {
        this.transport = transport;
        this.sendLimit = transport.sendLimit();
        this.ackBudget = Math.max(1, transport.receiveBudget() / Batch.ACK_COST);
        // grows as the transaction does: a native buffer is zeroed when allocated, and the send limit's 2 MiB
        // (plus SLACK) cost every open a few ms of zeroing and page faults, most transactions being a few KiB
        this.writer = MsgWriter.growing(arena, Math.min(INITIAL_BYTES, sendLimit + SLACK), MAX_BYTES + SLACK)
                .nestedFlag(true);
        this.acks = new AckTracker(transport, arena);
    }

    /**
     * Starts a request and writes its {@code nfgenmsg}; encode the attributes with the returned writer, then call
     * {@link #end()}.
     *
     * @param msgType {@code NFT_MSG_*}; the nftables subsystem is added
     * @param flags   e.g. {@code NLM_F_CREATE}; {@code NLM_F_REQUEST | NLM_F_ACK} are added
     * @param family  {@code NFPROTO_*} of the table
     * @param subject what the request is about, named in its failure
     */
    public MsgWriter begin(int msgType, int flags, int family, Object subject) {
        if (writer.inMessage()) {
            throw new IllegalStateException("the request for " + pendingSubject + " was begun but not ended");
        }
        if (writer.position() == 0) {
            beginSeq = Seq.next();
            frame(Uapi.NFNL_MSG_BATCH_BEGIN(), beginSeq, stamped);
        }
        pendingSeq = Seq.next();
        pendingType = SUBSYS_BASE | msgType;
        pendingSubject = subject;
        writer.begin(pendingType, flags | Wire.NLM_F_REQUEST | Wire.NLM_F_ACK, pendingSeq);
        nfgen(family, 0);
        return writer;
    }

    /** Completes the request begun last. */
    public void end() {
        writer.end();
        acks.add(pendingSeq, pendingType, pendingSubject);
        long size = writer.position() + FRAME_SIZE;
        if (size > sendLimit && size <= MAX_BYTES) {
            sendLimit = transport.raiseSendLimit(Math.min(MAX_BYTES, Math.max(size, 2 * sendLimit)));
        }
        if (size > sendLimit) {
            String m = "nftables transaction of " + acks.count() + " requests needs at least " + size
                    + " bytes (the last added: " + pendingSubject + "), more than the socket's send limit of "
                    + sendLimit + " bytes; it was discarded";
            discard();
            throw new TransactionTooLargeException(m);
        }
        if (acks.count() > ackBudget) {
            long wanted = Math.max(acks.count(), 2L * ackBudget) * Batch.ACK_COST;
            ackBudget = Math.max(ackBudget, transport.raiseReceiveBudget(wanted) / Batch.ACK_COST);
        }
        if (acks.count() > ackBudget) {
            String m = "nftables transaction of " + acks.count() + " requests needs as many acks, more than the "
                    + transport.receiveBudget() + "-byte receive budget holds (" + ackBudget + " at "
                    + Batch.ACK_COST + " bytes each); it was discarded";
            discard();
            throw new TransactionTooLargeException(m);
        }
        pendingSubject = null;
    }

    /**
     * Stamps the transaction with the ruleset generation it was built against ({@code NFNL_BATCH_GENID} in
     * {@code BATCH_BEGIN}, from {@code NFT_MSG_GETGEN}): if the ruleset has changed since, the kernel refuses the
     * whole transaction with {@code ERESTART}, reported against {@code BATCH_BEGIN}. Kernels before 5.x ignore
     * it. Call before the first request; it applies to this transaction only (commit and discard clear it).
     */
    public void generation(int genId) {
        if (writer.position() != 0) {
            throw new IllegalStateException("the generation must be set before the first request");
        }
        this.genId = genId;
        this.stamped = true;
    }

    /** Drops the request begun last. */
    public void cancel() {
        writer.cancel();
        pendingSubject = null;
    }

    /** Drops the whole transaction. */
    public void discard() {
        acks.clear();
        writer.reset();
        stamped = false;
        pendingSubject = null;
    }

    /** Requests added so far. */
    public int size() {
        return acks.count();
    }

    /**
     * Sends the transaction as one datagram and reads the kernel's verdict. An empty transaction sends nothing. The
     * transaction is empty afterwards and ready for reuse; the result is valid until the next commit.
     */
    public BatchResult commit() {
        if (writer.inMessage()) {
            throw new IllegalStateException("the request for " + pendingSubject + " was begun but not ended");
        }
        int n = acks.count();
        result.reset(n);
        if (n == 0) {
            writer.reset();
            stamped = false;
            return result;
        }
        try {
            frame(Uapi.NFNL_MSG_BATCH_END(), Seq.next(), false);
            long sent = transport.send(writer.segment(), writer.position());
            if (sent < 0) {
                result.fail(NetlinkException.of((int) -sent, OPERATION, n + " requests", null,
                        "sendmsg failed, nothing was applied"));
                return result;
            }
            acks.collect(0, n, beginSeq);
            report(n);
            return result;
        } finally {
            acks.clear();
            writer.reset();
            stamped = false;
        }
    }

    private void report(int n) {
        if (acks.frameErrno() != 0) {
            result.fail(NetlinkException.of(acks.frameErrno(), OPERATION, n + " requests", acks.frameExtack(),
                    "nothing was applied"));
        }
        boolean refused = acks.frameErrno() != 0;
        for (int i = 0; i < n; i++) {
            if (acks.state(i) == AckTracker.FAILED) {
                result.fail(i, acks.failure(i));
                refused = true;
            }
        }
        if (refused) {
            return; // the kernel aborted the batch: acks of 0 and lost acks alike mean "not applied"
        }
        int unknown = 0;
        for (int i = 0; i < n; i++) {
            if (acks.state(i) == AckTracker.UNKNOWN) {
                result.fail(i, acks.failure(i));
                unknown++;
            }
        }
        if (unknown == 0) {
            result.succeeded(n);
        }
    }

    private void frame(int type, int seq, boolean withGenId) {
        writer.begin(type, Wire.NLM_F_REQUEST, seq);
        nfgen(LibC.AF_UNSPEC(), Uapi.NFNL_SUBSYS_NFTABLES());
        if (withGenId) {
            writer.putBe32(Uapi.NFNL_BATCH_GENID(), genId);
        }
        writer.end();
    }

    private void nfgen(int family, int resId) {
        long h = writer.reserve(Wire.NFGENMSG_SIZE);
        writer.setU8(h + nfgenmsg.nfgen_family$offset(), family);
        writer.setU8(h + nfgenmsg.version$offset(), Uapi.NFNETLINK_V0());
        writer.setBe16(h + nfgenmsg.res_id$offset(), resId);
    }

    @Override
    public void close() {
        arena.close();
    }
}

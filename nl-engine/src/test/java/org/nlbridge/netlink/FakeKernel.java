package org.nlbridge.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.linux.Uapi;

/**
 * An {@link NlTransport} that plays the kernel in memory: it parses each datagram it is sent, applies a scripted
 * verdict per request, and queues the replies the way the kernel does (one ack per datagram, errors for every failed
 * request, ENOBUFS reported before queued data when the queue overflows, -EMSGSIZE for a datagram larger than the
 * receive buffer, -EAGAIN when nothing is queued).
 */
final class FakeKernel implements NlTransport {
    static final int PORT = 4242;
    static final int CAPPED = Uapi.NLM_F_CAPPED();
    static final int ACK_TLVS = Uapi.NLM_F_ACK_TLVS();

    /** A request as the fake saw it. */
    record Request(int type, int flags, int seq, byte[] bytes) {
        String name() {
            return MsgTypes.name(type);
        }
    }

    /** The fake's verdict on one request. */
    record Verdict(int errno, String extack, int offset) {
        static final Verdict OK = new Verdict(0, null, -1);
    }

    interface Responder {
        Verdict answer(Request r);
    }

    /** Reply datagrams for a dump request; {@code attempt} counts from 1. */
    interface DumpResponder {
        List<byte[]> answer(Request r, int attempt);
    }

    /** Plays NETLINK_NETFILTER, where type 0x10 opens a batch (on NETLINK_ROUTE it is RTM_NEWLINK). */
    final boolean netfilter;
    final List<Request> requests = new ArrayList<>();
    final List<Integer> sendSizes = new ArrayList<>();
    final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    Responder responder = r -> Verdict.OK;
    /** Replies a request that succeeds gets before its ack (RTM_GETLINK by name answers with one RTM_NEWLINK). */
    java.util.function.Function<Request, List<byte[]>> replies = r -> List.of();
    DumpResponder dumps;
    int dumpAttempts;
    int sendLimit = 64 * 1024;
    int receiveBudget = 256 * 1024;
    /** How far raiseSendLimit / raiseReceiveBudget may go, as SO_*BUFFORCE would; 0: not at all (no CAP_NET_ADMIN). */
    int maxSendLimit;
    int maxReceiveBudget;
    /**
     * Queued datagrams beyond this are dropped with ENOBUFS, like a full receive queue. As in the kernel
     * ({@code netlink_overrun}, {@code netlink_rcv_wake}), the socket is then congested: everything sent to it is
     * dropped until its queue has been read empty.
     */
    int queueLimit = Integer.MAX_VALUE;
    boolean congested;
    /** Datagrams dropped because the queue was full or congested. */
    int dropped;
    /** Errno the next send fails with, once. */
    int sendErrno;
    /** Errno reported against BATCH_BEGIN before anything is processed (no CAP_NET_ADMIN), or 0. */
    int frameErrno;
    /** Errno of a failed commit, reported against BATCH_BEGIN before the per-request acks, or 0. */
    int commitErrno;
    /** Queue a foreign-seq ack and an ack from another port before every ack. */
    boolean noise;
    /** Process requests but queue no reply, as if every ack were lost. */
    boolean silent;
    /** Errno the next receive reports before any queued data (the kernel's sk_err), or 0. */
    int receiveErrno;

    FakeKernel() {
        this(false);
    }

    FakeKernel(boolean netfilter) {
        this.netfilter = netfilter;
    }

    @Override
    public long send(MemorySegment buffer, long length) {
        byte[] bytes = buffer.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
        if (sendErrno != 0) {
            int e = sendErrno;
            sendErrno = 0;
            return -e;
        }
        if (length > sendLimit) {
            return -LibC.EMSGSIZE();
        }
        sendSizes.add((int) length);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        List<Request> datagram = new ArrayList<>();
        for (int at = 0; at + 16 <= length; ) {
            int len = b.getInt(at);
            byte[] msg = new byte[len];
            System.arraycopy(bytes, at, msg, 0, len);
            datagram.add(new Request(Short.toUnsignedInt(b.getShort(at + 4)), Short.toUnsignedInt(b.getShort(at + 6)),
                    b.getInt(at + 8), msg));
            at += (len + 3) & ~3;
        }
        requests.addAll(datagram);
        if (netfilter && !datagram.isEmpty() && datagram.get(0).type() == Uapi.NFNL_MSG_BATCH_BEGIN()) {
            transaction(datagram);
        } else {
            for (Request r : datagram) {
                if ((r.flags() & Uapi.NLM_F_DUMP()) == Uapi.NLM_F_DUMP()) {
                    dumpAttempts++;
                    for (byte[] d : dumps.answer(r, dumpAttempts)) {
                        enqueue(d);
                    }
                } else if (r.type() < Uapi.NLMSG_MIN_TYPE()) {
                    ack(r, Verdict.OK); // control messages are acked unprocessed
                } else {
                    Verdict v = responder.answer(r);
                    if (v.errno() == 0) {
                        replies.apply(r).forEach(this::enqueue);
                    }
                    if (v.errno() != 0 || (r.flags() & Uapi.NLM_F_ACK()) != 0) {
                        ack(r, v);
                    }
                }
            }
        }
        return length;
    }

    /**
     * nfnetlink_rcv_batch: process every request, then (when none failed) commit, reporting a commit failure against
     * BATCH_BEGIN, and only then deliver the per-request answers.
     */
    private void transaction(List<Request> datagram) {
        Request begin = datagram.get(0);
        if (frameErrno != 0) {
            ack(begin, new Verdict(frameErrno, null, -1));
            return;
        }
        List<Runnable> answers = new ArrayList<>();
        boolean failed = false;
        for (Request r : datagram.subList(1, datagram.size())) {
            if (r.type() == Uapi.NFNL_MSG_BATCH_END()) {
                break;
            }
            Verdict v = responder.answer(r);
            failed |= v.errno() != 0;
            if (v.errno() != 0 || (r.flags() & Uapi.NLM_F_ACK()) != 0) {
                answers.add(() -> ack(r, v));
            }
        }
        if (!failed && commitErrno != 0) {
            ack(begin, new Verdict(commitErrno, null, -1));
        }
        answers.forEach(Runnable::run);
    }

    private void ack(Request r, Verdict v) {
        if (noise) {
            enqueue(ackBytes(r.seq() + 100_000, PORT, 0, r, null, -1));
            enqueue(ackBytes(r.seq(), PORT + 1, -LibC.EEXIST(), r, "not yours", -1));
        }
        enqueue(ackBytes(r.seq(), PORT, -v.errno(), r, v.extack(), v.offset()));
    }

    void enqueue(byte[] datagram) {
        if (silent) {
            return;
        }
        if (congested) {
            dropped++;
            return;
        }
        if (queue.size() >= queueLimit) {
            receiveErrno = LibC.ENOBUFS();
            congested = true;
            dropped++;
            return;
        }
        queue.add(datagram);
    }

    @Override
    public long receive(MemorySegment buffer) {
        if (receiveErrno != 0) {
            int e = receiveErrno;
            receiveErrno = 0;
            return -e;
        }
        byte[] d = queue.poll();
        if (queue.isEmpty()) {
            congested = false;
        }
        if (d == null) {
            return -LibC.EAGAIN();
        }
        if (d.length > buffer.byteSize()) {
            return -LibC.EMSGSIZE();
        }
        MemorySegment.copy(d, 0, buffer, ValueLayout.JAVA_BYTE, 0, d.length);
        return d.length;
    }

    @Override
    public int portId() {
        return PORT;
    }

    @Override
    public int sendLimit() {
        return sendLimit;
    }

    @Override
    public int receiveBudget() {
        return receiveBudget;
    }

    @Override
    public int raiseSendLimit(long length) {
        if (length > sendLimit && maxSendLimit > 0) sendLimit = (int) Math.min(maxSendLimit, length);
        return sendLimit;
    }

    @Override
    public int raiseReceiveBudget(long bytes) {
        if (bytes > receiveBudget && maxReceiveBudget > 0) receiveBudget = (int) Math.min(maxReceiveBudget, bytes);
        return receiveBudget;
    }

    /** An NLMSG_ERROR as netlink_ack builds it under NETLINK_CAP_ACK and NETLINK_EXT_ACK. */
    static byte[] ackBytes(int seq, int pid, int error, Request r, String extack, int offset) {
        byte[] msg = extack == null ? null : (extack + "\0").getBytes(StandardCharsets.UTF_8);
        int tlvs = (msg == null ? 0 : (4 + msg.length + 3) & ~3) + (offset >= 0 ? 8 : 0);
        int len = 16 + 20 + tlvs;
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        int flags = CAPPED | (tlvs > 0 ? ACK_TLVS : 0);
        b.putInt(len).putShort((short) Uapi.NLMSG_ERROR()).putShort((short) flags).putInt(seq).putInt(pid);
        b.putInt(error);
        b.putInt(r.bytes().length).putShort((short) r.type()).putShort((short) r.flags()).putInt(r.seq()).putInt(0);
        if (msg != null) {
            b.putShort((short) (4 + msg.length)).putShort((short) Uapi.NLMSGERR_ATTR_MSG()).put(msg);
            b.position((b.position() + 3) & ~3);
        }
        if (offset >= 0) {
            b.putShort((short) 8).putShort((short) Uapi.NLMSGERR_ATTR_OFFS()).putInt(offset);
        }
        return b.array();
    }

    /** Sets {@code nlmsg_pid} of the first message (the writer always writes 0). */
    static byte[] withPort(byte[] datagram, int port) {
        ByteBuffer.wrap(datagram).order(ByteOrder.nativeOrder()).putInt(12, port);
        return datagram;
    }

    /** Encodes messages with a writer over a scratch buffer and returns the bytes; for dump replies. */
    static byte[] encode(java.util.function.Consumer<MsgWriter> body) {
        try (Arena a = Arena.ofConfined()) {
            MsgWriter w = new MsgWriter(a.allocate(256 * 1024));
            body.accept(w);
            return w.segment().asSlice(0, w.position()).toArray(ValueLayout.JAVA_BYTE);
        }
    }
}

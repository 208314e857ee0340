package org.nlbridge.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.nlbridge.bindings.libc.LibC;

/**
 * Runs {@code NLM_F_DUMP} requests and streams each reply message to a {@link DumpVisitor} until
 * {@code NLMSG_DONE}, in place in a reused receive buffer: nothing is allocated per reply message.
 *
 * <pre>{@code
 * try (Dump dump = new Dump(socket)) {
 *     dump.run(RTM_GETLINK, "links", w -> w.reserve(16), links);   // links implements DumpVisitor
 * }
 * }</pre>
 *
 * <p>Consistency: a reply flagged {@code NLM_F_DUMP_INTR} means the table changed under the dump. The rest of that
 * attempt is read but not delivered (the kernel keeps one dump per socket running until its DONE, and a new dump
 * request before that would get {@code EBUSY}), then the visitor's {@link DumpVisitor#restart()} is called and the
 * dump is redone, at most {@code maxAttempts} times in all, then {@link DumpInterruptedException}.
 *
 * <p>Failures: {@code NLMSG_ERROR}, or a {@code NLMSG_DONE} carrying a negative error, throws the
 * {@link NetlinkException} for it. {@code ENOBUFS} while dumping is read past: the dump itself is flow-controlled
 * by the kernel (it waits for room in our queue instead of dropping), so only other traffic was lost. A receive
 * timeout, or a reply larger than the receive buffer, throws. If the visitor throws, the rest of the dump is read
 * and dropped before its exception propagates, so the socket is left ready for the next request.
 *
 * <p>The receive buffer is 32 KiB at least: the kernel sizes dump skbs up to 32 KiB from the largest read it has
 * seen, and a smaller buffer could not hold one. Not thread-safe.
 */
public final class Dump implements AutoCloseable {
    /** Smallest receive buffer that holds any dump skb the kernel builds. */
    public static final int MIN_RECEIVE_BUFFER = 32 * 1024;
    public static final int DEFAULT_ATTEMPTS = 5;
    private static final int REQUEST_BUFFER = 8 * 1024;

    private static final int EINTR = LibC.EINTR();
    private static final int EAGAIN = LibC.EAGAIN();
    private static final int ENOBUFS = LibC.ENOBUFS();
    private static final int EMSGSIZE = LibC.EMSGSIZE();

    private final NlTransport transport;
    private final Arena arena = Arena.ofShared();
    private final MsgWriter writer;
    private final MemorySegment rx;
    private final int maxAttempts;
    private final MsgCursor msg = new MsgCursor();
    private final NlErrorView err = new NlErrorView();

    public Dump(NlTransport transport) {
        this(transport, MIN_RECEIVE_BUFFER, DEFAULT_ATTEMPTS);
    }

    public Dump(NlTransport transport, int receiveBufferSize, int maxAttempts) {
        if (receiveBufferSize < MIN_RECEIVE_BUFFER) {
            throw new IllegalArgumentException("dump receive buffer of " + receiveBufferSize + " bytes is below the "
                    + MIN_RECEIVE_BUFFER + " bytes a dump skb can take");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        this.transport = transport;
        this.maxAttempts = maxAttempts;
        this.writer = new MsgWriter(arena.allocate(REQUEST_BUFFER, 8));
        this.rx = arena.allocate(receiveBufferSize, 8);
    }

    /**
     * Dumps: sends a {@code type} request with {@code NLM_F_REQUEST | NLM_F_DUMP} whose body {@code request}
     * encodes, and feeds every reply to {@code visitor}.
     *
     * @param subject what is being dumped, named in failures (e.g. {@code "links"})
     * @return the number of messages delivered by the attempt that completed
     */
    public int run(int type, Object subject, DumpRequest request, DumpVisitor visitor) {
        for (int attempt = 1; ; attempt++) {
            int seq = Seq.next();
            writer.reset();
            writer.begin(type, Wire.NLM_F_REQUEST | Wire.NLM_F_DUMP, seq);
            request.encode(writer);
            writer.end();
            long sent = transport.send(writer.segment(), writer.position());
            if (sent < 0) {
                throw NetlinkException.of((int) -sent, MsgTypes.name(type), subject, null, "sendmsg failed");
            }
            int delivered = receive(type, subject, seq, visitor);
            if (delivered >= 0) {
                return delivered;
            }
            if (attempt == maxAttempts) {
                throw new DumpInterruptedException(MsgTypes.name(type), subject, attempt);
            }
            visitor.restart();
        }
    }

    /** Reads one attempt to its end; returns the messages delivered, or -1 if the dump was interrupted. */
    private int receive(int type, Object subject, int seq, DumpVisitor visitor) {
        int ourPort = transport.portId();
        int delivered = 0;
        boolean interrupted = false;
        RuntimeException visitorFailure = null;
        while (true) {
            long n = transport.receive(rx);
            if (n == -EINTR || n == -ENOBUFS) {
                continue;
            }
            if (n < 0) {
                NetlinkException e = NetlinkException.of((int) -n, MsgTypes.name(type), subject, null,
                        receiveFailure((int) -n));
                if (visitorFailure != null) {
                    visitorFailure.addSuppressed(e);
                    throw visitorFailure;
                }
                throw e;
            }
            msg.reset(rx, n);
            while (msg.next()) {
                int pid = msg.portId();
                if (msg.seq() != seq || (pid != 0 && pid != ourPort)) {
                    continue;
                }
                interrupted |= (msg.flags() & Wire.NLM_F_DUMP_INTR) != 0;
                int t = msg.type();
                if (t == Wire.NLMSG_DONE || t == Wire.NLMSG_ERROR) {
                    err.reset(msg);
                    if (t == Wire.NLMSG_ERROR && err.isAck()) {
                        continue;
                    }
                    if (visitorFailure != null) {
                        throw visitorFailure;
                    }
                    if (!err.isAck()) {
                        throw NetlinkException.of(-err.error(), MsgTypes.name(type), subject, err.extackMessage(), null);
                    }
                    return interrupted ? -1 : delivered;
                }
                if (t == Wire.NLMSG_NOOP || interrupted || visitorFailure != null) {
                    continue;
                }
                try {
                    visitor.message(msg);
                    delivered++;
                } catch (RuntimeException e) {
                    visitorFailure = e;
                }
            }
        }
    }

    private String receiveFailure(int errno) {
        if (errno == EAGAIN) {
            return "the dump did not finish within the socket's receive timeout";
        }
        if (errno == EMSGSIZE) {
            return "a reply was larger than the " + rx.byteSize() + "-byte receive buffer";
        }
        return "recvmsg failed during the dump";
    }

    @Override
    public void close() {
        arena.close();
    }
}

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
 *
 * <p>{@link #call} runs a single request that is not a dump but is answered before its ack, such as
 * {@code RTM_GETLINK} by name ({@link Batch} skips such replies): same receive loop, finished by the ack.
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
    private static final String RECONCILE = "the request may or may not have been applied: re-dump and reconcile";

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
            int delivered = receive(type, subject, seq, visitor, true);
            if (delivered >= 0) {
                return delivered;
            }
            if (attempt == maxAttempts) {
                throw new DumpInterruptedException(MsgTypes.name(type), subject, attempt);
            }
            visitor.restart();
        }
    }

    /**
     * Sends one request that is not a dump, with {@code NLM_F_REQUEST | NLM_F_ACK} added to {@code flags}, and feeds
     * the replies that precede its ack to {@code visitor} (e.g. the {@code RTM_NEWLINK} that answers an
     * {@code RTM_GETLINK} by name). Returns once the ack arrives.
     *
     * <p>A refusal throws the {@link NetlinkException} for it, with the kernel's extended-ack text. If no ack can be
     * read (receive timeout, lost to {@code ENOBUFS}, a reply too large for the buffer), the request may have been
     * applied: {@link OutcomeUnknownException}. If the visitor throws, the replies are read up to the ack first, so
     * the socket is left ready for the next request.
     *
     * @param subject what the request is about, named in failures (only {@code toString} on failure)
     * @param visitor receives the replies; may be null when none are expected
     * @return the number of replies delivered
     */
    public int call(int type, int flags, Object subject, DumpRequest request, DumpVisitor visitor) {
        int seq = Seq.next();
        writer.reset();
        writer.begin(type, flags | Wire.NLM_F_REQUEST | Wire.NLM_F_ACK, seq);
        request.encode(writer);
        writer.end();
        long sent = transport.send(writer.segment(), writer.position());
        if (sent < 0) {
            throw NetlinkException.of((int) -sent, MsgTypes.name(type), subject, null,
                    "sendmsg failed, the kernel did not see the request");
        }
        return receive(type, subject, seq, visitor, false);
    }

    /**
     * Reads the replies to request {@code seq}: for a dump ({@code dump}), one attempt to its {@code NLMSG_DONE},
     * returning the messages delivered or -1 if the dump was interrupted; otherwise up to its ack.
     */
    private int receive(int type, Object subject, int seq, DumpVisitor visitor, boolean dump) {
        int ourPort = transport.portId();
        int delivered = 0;
        boolean interrupted = false;
        boolean overflowed = false;
        RuntimeException visitorFailure = null;
        while (true) {
            long n = transport.receive(rx);
            if (n == -EINTR) {
                continue;
            }
            if (n == -ENOBUFS) {
                // a dump is flow-controlled and loses nothing of its own; a single request's ack may be gone
                overflowed = true;
                continue;
            }
            if (n < 0) {
                NetlinkException e = dump
                        ? NetlinkException.of((int) -n, MsgTypes.name(type), subject, null, receiveFailure((int) -n))
                        : new OutcomeUnknownException(overflowed ? ENOBUFS : (int) -n, MsgTypes.name(type), subject,
                                null, ackFailure(overflowed ? ENOBUFS : (int) -n));
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
                int t = msg.type();
                if (!dump) {
                    if (t == Wire.NLMSG_ERROR) {
                        err.reset(msg);
                        if (visitorFailure != null) {
                            throw visitorFailure;
                        }
                        if (!err.isAck()) {
                            int offs = err.extackOffset();
                            throw NetlinkException.of(-err.error(), MsgTypes.name(type), subject, err.extackMessage(),
                                    offs >= 0 ? "the kernel points at byte " + offs + " of the request" : null);
                        }
                        return delivered;
                    }
                    // NLMSG_DONE ends a multipart answer; the ack still follows
                    if (t == Wire.NLMSG_DONE || t == Wire.NLMSG_NOOP || visitorFailure != null || visitor == null) {
                        continue;
                    }
                    try {
                        visitor.message(msg);
                        delivered++;
                    } catch (RuntimeException e) {
                        visitorFailure = e;
                    }
                    continue;
                }
                interrupted |= (msg.flags() & Wire.NLM_F_DUMP_INTR) != 0;
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

    private String ackFailure(int errno) {
        if (errno == ENOBUFS) {
            return "the kernel dropped replies because the receive queue overflowed; " + RECONCILE;
        }
        if (errno == EAGAIN) {
            return "no ack arrived within the socket's receive timeout; " + RECONCILE;
        }
        if (errno == EMSGSIZE) {
            return "a reply larger than the " + rx.byteSize() + "-byte receive buffer was discarded; " + RECONCILE;
        }
        return "receiving the ack failed; " + RECONCILE;
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

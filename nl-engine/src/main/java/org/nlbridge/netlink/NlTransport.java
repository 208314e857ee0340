package org.nlbridge.netlink;

import java.lang.foreign.MemorySegment;

/**
 * What the batch and dump machinery needs from a netlink socket: send one datagram, receive one datagram.
 * {@link NlSocket} is the real one; tests use an in-memory fake that plays the kernel.
 *
 * <p>Both calls follow the kernel convention: a non-negative byte count, or {@code -errno}
 * ({@code -EAGAIN} when a receive timed out, {@code -ENOBUFS} when the kernel dropped messages for us).
 */
public interface NlTransport {

    /** Sends bytes {@code [0, length)} of {@code buffer} as one datagram to the kernel. */
    long send(MemorySegment buffer, long length);

    /**
     * Receives one datagram into {@code buffer}. A datagram longer than the buffer is never returned truncated:
     * the implementation reports it as {@code -EMSGSIZE}.
     */
    long receive(MemorySegment buffer);

    /**
     * Like {@link #receive}, but returns {@code -EAGAIN} at once when nothing is queued ({@code MSG_DONTWAIT}): how the
     * ack reader learns that an overflowed queue is empty again. The default suits transports whose receive never
     * blocks.
     */
    default long receiveNow(MemorySegment buffer) {
        return receive(buffer);
    }

    /** Our netlink port id (the {@code nl_pid} the kernel assigned at bind). */
    int portId();

    /** Largest datagram {@link #send} accepts (the kernel refuses more than {@code SO_SNDBUF - 32}). */
    int sendLimit();

    /** The receive queue budget in bytes ({@code SO_RCVBUF} as the kernel reports it). */
    int receiveBudget();

    /**
     * Makes room for a datagram of {@code length} bytes if it can ({@code SO_SNDBUFFORCE}, as {@code nft} does
     * before sending a large ruleset) and returns the send limit afterwards, which may still be smaller. The default
     * cannot.
     */
    default int raiseSendLimit(long length) {
        return sendLimit();
    }

    /** Makes the receive budget at least {@code bytes} if it can and returns it afterwards. The default cannot. */
    default int raiseReceiveBudget(long bytes) {
        return receiveBudget();
    }
}

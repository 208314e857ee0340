package org.nlbridge.netlink;

import java.lang.foreign.MemorySegment;

/**
 * A transport that sends and receives through a socket chosen by the subclass, and may say its own send limit and
 * receive budget: e.g. a smaller limit so a {@link Batch} sizes its buffers for a few requests, or one batch
 * (one set of buffers, one ack table) serving several namespaces' sockets in turn.
 */
public abstract class ForwardingTransport implements NlTransport {

    /** The socket the next call goes to. */
    protected abstract NlSocket socket();

    @Override
    public long send(MemorySegment buffer, long length) {
        return socket().send(buffer, length);
    }

    @Override
    public long receive(MemorySegment buffer) {
        return socket().receive(buffer);
    }

    @Override
    public long receiveNow(MemorySegment buffer) {
        return socket().receiveNow(buffer);
    }

    @Override
    public int portId() {
        return socket().portId();
    }

    @Override
    public int sendLimit() {
        return socket().sendLimit();
    }

    @Override
    public int raiseSendLimit(long length) {
        return socket().raiseSendLimit(length);
    }

    @Override
    public int raiseReceiveBudget(long bytes) {
        return socket().raiseReceiveBudget(bytes);
    }

    @Override
    public int receiveBudget() {
        return socket().receiveBudget();
    }
}

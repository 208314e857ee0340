package org.nlbridge.rtnl;

import java.lang.foreign.MemorySegment;

import org.nlbridge.netlink.NlSocket;
import org.nlbridge.netlink.NlTransport;

/**
 * A socket seen through a smaller send limit, so a {@link org.nlbridge.netlink.Batch} over it sizes its buffer (twice
 * the limit) for what rtnetlink requests need rather than the socket's megabyte: a handle per container namespace
 * must stay cheap.
 */
final class Limited implements NlTransport {
    private final NlSocket socket;
    private final int sendLimit;

    Limited(NlSocket socket, int sendLimit) {
        this.socket = socket;
        this.sendLimit = Math.min(sendLimit, socket.sendLimit());
    }

    @Override
    public long send(MemorySegment buffer, long length) {
        return socket.send(buffer, length);
    }

    @Override
    public long receive(MemorySegment buffer) {
        return socket.receive(buffer);
    }

    @Override
    public long receiveNow(MemorySegment buffer) {
        return socket.receiveNow(buffer);
    }

    @Override
    public int portId() {
        return socket.portId();
    }

    @Override
    public int sendLimit() {
        return sendLimit;
    }

    @Override
    public int receiveBudget() {
        return socket.receiveBudget();
    }
}

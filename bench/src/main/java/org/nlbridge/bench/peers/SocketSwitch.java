package org.nlbridge.bench.peers;

import java.lang.foreign.MemorySegment;

import org.nlbridge.netlink.NlSocket;
import org.nlbridge.netlink.NlTransport;

/**
 * A transport that forwards to whichever socket is selected, so one {@link org.nlbridge.netlink.Batch} (one send
 * buffer, one receive buffer, one ack table) serves every container namespace in turn instead of a handle with its
 * own buffers per container. The send limit is small because a container's batch is a handful of requests.
 */
final class SocketSwitch implements NlTransport {
    private final int sendLimit;
    private final int receiveBudget;
    private NlSocket socket;

    SocketSwitch(int sendLimit, int receiveBudget) {
        this.sendLimit = sendLimit;
        this.receiveBudget = receiveBudget;
    }

    SocketSwitch select(NlSocket s) {
        socket = s;
        return this;
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
        return receiveBudget;
    }
}

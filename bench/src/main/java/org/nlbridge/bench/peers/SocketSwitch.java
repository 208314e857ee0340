package org.nlbridge.bench.peers;

import org.nlbridge.netlink.ForwardingTransport;
import org.nlbridge.netlink.NlSocket;

/**
 * A transport that forwards to whichever socket is selected, so one {@link org.nlbridge.netlink.Batch} (one send
 * buffer, one receive buffer, one ack table) serves every container namespace in turn instead of a handle with its
 * own buffers per container. The send limit is small because a container's batch is a handful of requests.
 */
final class SocketSwitch extends ForwardingTransport {
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
    protected NlSocket socket() {
        return socket;
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

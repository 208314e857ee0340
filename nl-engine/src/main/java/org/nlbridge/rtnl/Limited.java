package org.nlbridge.rtnl;

import org.nlbridge.netlink.ForwardingTransport;
import org.nlbridge.netlink.NlSocket;

/**
 * A socket seen through a smaller send limit, so a {@link org.nlbridge.netlink.Batch} over it sizes its buffer (twice
 * the limit) for what rtnetlink requests need rather than the socket's megabyte: a handle per container namespace
 * must stay cheap.
 */
final class Limited extends ForwardingTransport {
    private final NlSocket socket;
    private final int sendLimit;

    Limited(NlSocket socket, int sendLimit) {
        this.socket = socket;
        this.sendLimit = Math.min(sendLimit, socket.sendLimit());
    }

    @Override
    protected NlSocket socket() {
        return socket;
    }

    @Override
    public int sendLimit() {
        return sendLimit;
    }
}

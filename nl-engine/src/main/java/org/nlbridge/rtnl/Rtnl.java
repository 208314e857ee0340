package org.nlbridge.rtnl;

import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.netlink.Batch;
import org.nlbridge.netlink.Dump;
import org.nlbridge.netlink.NlSocket;
import org.nlbridge.netns.NetNs;

/**
 * A handle on the links, addresses, routes and neighbour/FDB entries of one network namespace: it owns a {@code NETLINK_ROUTE} socket
 * opened inside that namespace (a socket keeps its namespace for life, so no thread ever has to enter it again) and
 * the reusable native buffers its requests, acks and dumps go through. Closing it releases all of them.
 *
 * <pre>{@code
 * try (Rtnl host = Rtnl.open(hostNs)) {
 *     host.links().add(BridgeSpec.builder("nlb0").mtu(1400).up().build());
 *     Link br = host.links().get("nlb0");
 *     host.addresses().add(AddressSpec.of(br.index(), "172.18.0.1/16").withBroadcast());
 * }
 * }</pre>
 *
 * <p>{@link #links()}, {@link #addresses()} and {@link #routes()} send each request at once and throw its refusal;
 * {@link #batch()} queues many and sends them together. vishvananda/netlink's {@code Handle}, in Java: not
 * thread-safe, one owner at a time.
 */
public final class Rtnl implements AutoCloseable {
    /** Send limit of the direct path: any single rtnetlink request fits many times over (buffer: twice this). */
    private static final int DIRECT_SEND_LIMIT = 16 * 1024;
    /** Send limit of {@link #batch()}: some 400 veth creates per datagram, in a 128 KiB buffer. */
    private static final int BATCH_SEND_LIMIT = 64 * 1024;

    private final NlSocket socket;
    private final String where;
    private final Dump dump;
    private final Batch direct;
    private final Links links;
    private final Addresses addresses;
    private final Routes routes;
    private final Neighbours neighbours;
    private Batch batchRequests;
    private RtnlBatch batch;

    private Rtnl(NlSocket socket, String where) {
        this.socket = socket;
        this.where = where;
        Dump d = null;
        Batch b = null;
        try {
            d = new Dump(socket);
            b = new Batch(new Limited(socket, DIRECT_SEND_LIMIT));
        } catch (RuntimeException e) {
            if (d != null) {
                d.close();
            }
            socket.close();
            throw e;
        }
        this.dump = d;
        this.direct = b;
        this.links = new Links(this);
        this.addresses = new Addresses(this);
        this.routes = new Routes(this);
        this.neighbours = new Neighbours(this);
    }

    /** A handle on the namespace {@code ns}; the socket is opened inside it, {@code ns} itself is not kept. */
    public static Rtnl open(NetNs ns) {
        return new Rtnl(ns.openSocket(Uapi.NETLINK_ROUTE()), ns.toString());
    }

    /** A handle on the namespace the calling thread is in. */
    public static Rtnl current() {
        return new Rtnl(NlSocket.route(), "the current netns");
    }

    /**
     * A handle over a {@code NETLINK_ROUTE} socket the caller opened (e.g. after {@link NlSocket#receiveBuffer});
     * the handle owns it from now on and closes it.
     */
    public static Rtnl over(NlSocket socket) {
        if (socket.protocol() != Uapi.NETLINK_ROUTE()) {
            throw new IllegalArgumentException(socket + " is not a NETLINK_ROUTE socket");
        }
        return new Rtnl(socket, "netns of " + socket);
    }

    /** Links: create, change, delete (one request each, sent at once), get, list, dump. */
    public Links links() {
        return links;
    }

    /** Addresses: add, replace, delete (one request each, sent at once), list. */
    public Addresses addresses() {
        return addresses;
    }

    /** Routes: add, replace, delete (one request each, sent at once), list. */
    public Routes routes() {
        return routes;
    }

    /** Neighbour (ARP/ND) and FDB entries: add, replace, append, delete (one request each, sent at once), list, dump. */
    public Neighbours neighbours() {
        return neighbours;
    }

    /**
     * This handle's batch: the same verbs, queued and sent together by {@link RtnlBatch#execute()}. Always the same
     * object; its buffers are allocated on first use.
     */
    public RtnlBatch batch() {
        if (batch == null) {
            batchRequests = new Batch(new Limited(socket, BATCH_SEND_LIMIT));
            batch = new RtnlBatch(batchRequests);
        }
        return batch;
    }

    Dump dump() {
        return dump;
    }

    Batch direct() {
        return direct;
    }

    @Override
    public void close() {
        try {
            dump.close();
            direct.close();
            if (batchRequests != null) {
                batchRequests.close();
            }
        } finally {
            socket.close();
        }
    }

    @Override
    public String toString() {
        return "Rtnl[" + where + "]";
    }
}

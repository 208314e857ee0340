package org.nlbridge.rtnl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.nlbridge.netlink.Batch;
import org.nlbridge.netlink.BatchResult;
import org.nlbridge.netlink.MsgWriter;

/**
 * Many requests to one namespace, queued with the same verbs as the direct handle and sent back to back, many per
 * {@code sendmsg}, each acknowledged on its own (a {@link Batch}): attaching 100 containers' host sides is 100 veth
 * creates in one or two datagrams, not 100 round trips.
 *
 * <pre>{@code
 * RtnlBatch b = host.batch();
 * for (Container c : containers) {
 *     b.links().add(VethSpec.builder(c.hostName(), "eth0").peerNetns(c.netns()).master(br).up().build());
 * }
 * BatchResult r = b.execute();          // every failure names its request: r.failures().get(i).object() is the spec
 * }</pre>
 *
 * <p>The kernel applies each request on its own: a failure does not stop the ones after it, and rtnetlink has no
 * transactions, so the caller undoes what succeeded if it needs all or nothing. An ack lost to a receive queue
 * overflow is reported as {@link org.nlbridge.netlink.OutcomeUnknownException}, never as success.
 *
 * <p>The batch belongs to its {@link Rtnl} and is reused: requests queue until {@link #execute()}, which sends what
 * is left, waits for every ack and empties the batch. Requests may go out before {@code execute} when the batch
 * passes its send or ack budget. Not thread-safe.
 */
public final class RtnlBatch {
    private final Batch batch;
    private final BatchLinks links;
    private final BatchAddresses addresses;
    private final BatchRoutes routes;
    private final BatchNeighbours neighbours;
    /** Creates whose alias, port settings or bridge MTU go out once they are acknowledged: request index, spec. */
    private final List<LinkSpec> aliased = new ArrayList<>();
    private int[] aliasedRequests = new int[16];
    /** Of the last execute: the follow-ups sent after the creates (from {@link #aliasStart}) and their creates. */
    private int aliasStart = Integer.MAX_VALUE;
    private int[] aliasOrigins = new int[0];

    RtnlBatch(Batch batch) {
        this.batch = batch;
        this.links = new BatchLinks(this);
        this.addresses = new BatchAddresses(batch);
        this.routes = new BatchRoutes(batch);
        this.neighbours = new BatchNeighbours(batch);
    }

    /** Queues link requests. */
    public LinkRequests links() {
        return links;
    }

    /** Queues address requests. */
    public AddressRequests addresses() {
        return addresses;
    }

    /** Queues route requests. */
    public RouteRequests routes() {
        return routes;
    }

    /**
     * Queues neighbour and FDB requests: a watch event's worth of remote containers (an FDB and an ARP entry each)
     * goes out in one batch, hundreds per {@code sendmsg}.
     */
    public NeighbourRequests neighbours() {
        return neighbours;
    }

    /** Requests queued since the last {@link #execute()}. */
    public int size() {
        return batch.size();
    }

    /**
     * Sends every queued request, reads every ack and reports, in request order; the batch is then empty. Aliases,
     * bridge-port settings and bridge MTUs of links created in this batch go out in a second round, only for the
     * creates that were acknowledged, and are part of the result. The result is valid until the next {@code execute} of any batch of
     * this handle.
     */
    public BatchResult execute() {
        aliasStart = batch.size();
        int sent = 0;
        if (!aliased.isEmpty()) {
            batch.flush();
            if (aliasOrigins.length < 3 * aliased.size()) aliasOrigins = new int[3 * aliased.size()];
            for (int i = 0; i < aliased.size(); i++) {
                if (batch.acked(aliasedRequests[i])) {
                    LinkSpec spec = aliased.get(i);
                    if (spec.alias() != null) {
                        aliasOrigins[sent++] = aliasedRequests[i];
                        links.alias(spec.name(), 0, spec.alias());
                    }
                    if (spec.bridgePort() != null) {
                        aliasOrigins[sent++] = aliasedRequests[i];
                        links.setBridgePort(spec.name().toString(), spec.bridgePort());
                    }
                    if (LinkRequests.mtuAfterCreate(spec)) {
                        aliasOrigins[sent++] = aliasedRequests[i];
                        links.setMtu(spec.name().toString(), spec.mtu().value());
                    }
                }
            }
            aliased.clear();
        }
        return batch.execute();
    }

    /**
     * The request a failure of the last {@link #execute()} belongs to, as the caller queued it: a request's own
     * index, or for the alias or port settings that execute sent after a create, the create's index ({@link BatchResult#failedRequest}
     * gives the index to ask about).
     */
    public int origin(int request) {
        return request >= aliasStart ? aliasOrigins[request - aliasStart] : request;
    }

    private void followUp(LinkSpec spec, int request) {
        if (aliased.size() == aliasedRequests.length) {
            aliasedRequests = Arrays.copyOf(aliasedRequests, aliasedRequests.length * 2);
        }
        aliasedRequests[aliased.size()] = request;
        aliased.add(spec);
    }

    static final class BatchLinks extends LinkRequests {
        private final RtnlBatch owner;

        BatchLinks(RtnlBatch owner) {
            super(owner.batch);
            this.owner = owner;
        }

        @Override
        void commit() {}

        @Override
        void created(LinkSpec spec, int request) {
            if (spec.alias() != null || spec.bridgePort() != null || mtuAfterCreate(spec)) {
                owner.followUp(spec, request);
            }
        }
    }

    static final class BatchAddresses extends AddressRequests {
        BatchAddresses(Batch batch) {
            super(batch);
        }

        @Override
        void commit() {}
    }

    static final class BatchRoutes extends RouteRequests {
        BatchRoutes(Batch batch) {
            super(batch);
        }

        @Override
        void commit() {}
    }

    static final class BatchNeighbours extends NeighbourRequests {
        BatchNeighbours(Batch batch) {
            super(batch);
        }

        @Override
        void commit() {}

        @Override
        MsgWriter begin(int type, int flags, NeighbourSpec spec) {
            return batch.beginQuiet(type, flags, spec);
        }
    }
}

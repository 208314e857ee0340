package org.nlbridge.netlink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Outcome of {@link Batch#execute()} or {@link NfTransaction#commit()}. Owned and reused by the batch: read it
 * before the next execute.
 *
 * <p>{@link #failures()} lists refusals (with errno, extack and the request's subject) and, as
 * {@link OutcomeUnknownException}, requests whose ack was lost; in request order.
 */
public final class BatchResult {
    private final ArrayList<NetlinkException> failures = new ArrayList<>();
    private final List<NetlinkException> view = Collections.unmodifiableList(failures);
    /** The request index of each failure, where known (-1 for a failure of the whole transaction). */
    private int[] failedRequests = new int[8];
    private int requests;
    private int succeeded;
    private int unknown;
    private int absent;

    void reset(int requests) {
        this.requests = requests;
        this.succeeded = 0;
        this.unknown = 0;
        this.absent = 0;
        failures.clear();
    }

    void succeeded(int n) {
        succeeded += n;
    }

    /** A converging delete whose object was already gone: done. */
    void alreadyGone() {
        succeeded++;
        absent++;
    }

    void fail(NetlinkException e) {
        fail(-1, e);
    }

    void fail(int request, NetlinkException e) {
        if (failures.size() == failedRequests.length) failedRequests = Arrays.copyOf(failedRequests, failedRequests.length * 2);
        failedRequests[failures.size()] = request;
        failures.add(e);
        if (e instanceof OutcomeUnknownException) {
            unknown++;
        }
    }

    /** Requests in the batch. */
    public int requests() {
        return requests;
    }

    /** Requests the kernel acknowledged as applied. */
    public int succeeded() {
        return succeeded;
    }

    /**
     * Deletes queued with {@link Batch#endAbsentOk()} whose object was already gone; counted in {@link #succeeded()}
     * too.
     */
    public int absent() {
        return absent;
    }

    /** Failures whose outcome is unknown (also in {@link #failures()}). */
    public int unknown() {
        return unknown;
    }

    public boolean ok() {
        return failures.isEmpty();
    }

    public List<NetlinkException> failures() {
        return view;
    }

    /**
     * The index of the request that {@code failures().get(i)} is about (0 is the first request since the batch was
     * last executed), so a caller that queued requests for several owners can tell whose request failed; -1 where the
     * failure is not one request's (a whole nf_tables transaction refused).
     */
    public int failedRequest(int i) {
        if (i < 0 || i >= failures.size()) throw new IndexOutOfBoundsException(i);
        return failedRequests[i];
    }

    /** Throws the first failure, with the others attached as suppressed; returns if there was none. */
    public void throwIfFailed() {
        if (failures.isEmpty()) {
            return;
        }
        NetlinkException first = failures.get(0);
        if (first.getSuppressed().length == 0) {
            for (int i = 1; i < failures.size(); i++) {
                first.addSuppressed(failures.get(i));
            }
        }
        throw first;
    }

    @Override
    public String toString() {
        return requests + " requests: " + succeeded + " succeeded" + (absent > 0 ? " (" + absent + " already gone)" : "")
                + ", " + (failures.size() - unknown) + " failed, " + unknown + " unknown";
    }
}

package org.nlbridge.cluster.etcd;

import java.util.List;

/**
 * A transaction's reply: whether its comparisons held ({@link #succeeded()}), the store's revision after it, and
 * one result per operation of the branch that ran, in order.
 */
public record TxnResult(boolean succeeded, long revision, List<OpResult> results) {

    /** The result of one {@link Op}: a {@link RangeResult}, {@link PutResult} or {@link DeleteResult}. */
    public sealed interface OpResult permits RangeResult, PutResult, DeleteResult {}

    /** A put's result: the revision it was written at. */
    public record PutResult(long revision) implements OpResult {}

    /** A delete's result: how many keys went. */
    public record DeleteResult(long deleted) implements OpResult {}

    public TxnResult {
        results = List.copyOf(results);
    }

    /** The {@code i}-th result, which must be a range (a {@link Op.Get}). */
    public RangeResult range(int i) {
        if (results.get(i) instanceof RangeResult r) return r;
        throw new IllegalArgumentException("result " + i + " is " + results.get(i) + ", not a range");
    }

    /** This result if the comparisons held; else a {@link CompareFailedException} naming {@code what}. */
    public TxnResult orThrow(String what) {
        if (!succeeded) throw new CompareFailedException(what, this);
        return this;
    }
}

package org.nlbridge.cluster.etcd;

/** A transaction's comparison did not hold, so its success branch was not applied (see {@link TxnResult#orThrow}). */
public final class CompareFailedException extends EtcdException {

    private final TxnResult result;

    CompareFailedException(String what, TxnResult result) {
        super(what + ": the store changed underneath (compare failed at revision " + result.revision() + ")");
        this.result = result;
    }

    /** The failed transaction's reply: the revision and the else branch's results. */
    public TxnResult result() {
        return result;
    }
}

package org.nlbridge.cluster.etcd;

/**
 * The revision asked for has been compacted away: the history before {@link #compactRevision()} is gone, so the
 * caller must read the current state again (a full resync) instead of replaying changes.
 */
public final class CompactedException extends EtcdException {

    private final long compactRevision;

    CompactedException(String operation, long compactRevision) {
        super(operation + ": the requested revision has been compacted"
                + (compactRevision > 0 ? " (history starts after revision " + compactRevision + ")" : "")
                + "; read the current state again");
        this.compactRevision = compactRevision;
    }

    /** The compaction revision when etcd said it, else 0. */
    public long compactRevision() {
        return compactRevision;
    }
}

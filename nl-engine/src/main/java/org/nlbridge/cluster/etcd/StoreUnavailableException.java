package org.nlbridge.cluster.etcd;

import java.util.List;

/**
 * No member of the cluster answered within the call's timeout: every endpoint was tried (each failure is in
 * {@link #attempts()}). For a write, {@link #outcomeUnknown()} says whether a member may have applied it anyway
 * (the request was sent and the reply was lost); a write that was never sent is retried on the next member.
 */
public final class StoreUnavailableException extends EtcdException {

    private final List<String> attempts;
    private final boolean outcomeUnknown;

    StoreUnavailableException(String operation, List<String> attempts, boolean outcomeUnknown, Throwable cause) {
        super("the cluster store is unreachable: " + operation + " failed on every endpoint ("
                + String.join("; ", attempts) + ")" + (outcomeUnknown ? "; the write may have been applied" : ""), cause);
        this.attempts = List.copyOf(attempts);
        this.outcomeUnknown = outcomeUnknown;
    }

    /** One line per endpoint tried: {@code http://10.0.0.1:2379: connection refused}. */
    public List<String> attempts() {
        return attempts;
    }

    /** True when a write was sent but no reply came back, so it may or may not have been applied. */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}

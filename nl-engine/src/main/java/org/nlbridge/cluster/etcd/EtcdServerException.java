package org.nlbridge.cluster.etcd;

/**
 * etcd refused a request with a gRPC status (e.g. 3 invalid argument, 7 permission denied, 9 too many operations
 * in a transaction); {@link #code()} is that status and the message is etcd's text.
 */
public final class EtcdServerException extends EtcdException {

    /** gRPC {@code UNAVAILABLE}: the member cannot serve now (no leader, stopping); another member may. */
    public static final int UNAVAILABLE = 14;
    /** gRPC {@code OUT_OF_RANGE}: a compacted or future revision. */
    public static final int OUT_OF_RANGE = 11;
    /** gRPC {@code NOT_FOUND}: e.g. a lease that does not exist. */
    public static final int NOT_FOUND = 5;

    private final int code;

    EtcdServerException(String operation, int code, String message) {
        super(operation + ": etcd refused it: " + message + " (gRPC status " + code + ")");
        this.code = code;
    }

    public int code() {
        return code;
    }
}

package org.nlbridge.cluster.etcd;

/**
 * A lease is gone or may be gone: etcd says it does not exist (expired or revoked), or no keep-alive reached the
 * store before its time to live ran out. Every key attached to it is (or will shortly be) deleted by etcd.
 */
public final class LeaseLostException extends EtcdException {

    private final long leaseId;

    LeaseLostException(long leaseId, String why, Throwable cause) {
        super("lease " + Long.toHexString(leaseId) + " lost: " + why, cause);
        this.leaseId = leaseId;
    }

    public long leaseId() {
        return leaseId;
    }
}

package org.nlbridge.cluster.etcd;

/**
 * Everything the etcd client throws. Callers branch on the subclasses: {@link StoreUnavailableException} (no
 * member answered in time), {@link CompactedException} (history asked for is gone), {@link LeaseLostException},
 * {@link CompareFailedException}, {@link MalformedReplyException} and {@link EtcdServerException} (etcd refused
 * the request). Unchecked, like the engine's other errors.
 */
public sealed class EtcdException extends RuntimeException
        permits StoreUnavailableException, CompactedException, LeaseLostException, CompareFailedException,
        MalformedReplyException, EtcdServerException {

    EtcdException(String message) {
        super(message);
    }

    EtcdException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.nlbridge.cluster.etcd;

/** A reply that is not what etcd's v3 JSON gateway sends: not JSON, a field of the wrong type, bad base64. */
public final class MalformedReplyException extends EtcdException {

    MalformedReplyException(String message) {
        super(message);
    }

    MalformedReplyException(String message, Throwable cause) {
        super(message, cause);
    }
}

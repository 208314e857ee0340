package org.nlbridge.netlink;

/**
 * The request was sent but its ack never arrived (receive queue overflow, {@code ENOBUFS}; or the receive timed
 * out): the kernel may or may not have applied it. Never a success: the caller must re-dump and reconcile.
 */
public class OutcomeUnknownException extends NetlinkException {
    public OutcomeUnknownException(int errno, String operation, Object object, String extack, String detail) {
        super(errno, operation, object, extack, detail);
    }
}

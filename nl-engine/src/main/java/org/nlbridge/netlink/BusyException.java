package org.nlbridge.netlink;

/** The object is in use ({@code EBUSY}): e.g. an up link being renamed, a chain still referenced. Reported, never retried in a loop. */
public class BusyException extends NetlinkException {
    public BusyException(int errno, String operation, Object object, String extack, String detail) {
        super(errno, operation, object, extack, detail);
    }
}

package org.nlbridge.netlink;

/** The object is not there ({@code ENODEV}, {@code ENOENT}, {@code ESRCH}, {@code EADDRNOTAVAIL}): for teardown, already gone counts as done. */
public class NoSuchObjectException extends NetlinkException {
    public NoSuchObjectException(int errno, String operation, Object object, String extack, String detail) {
        super(errno, operation, object, extack, detail);
    }
}

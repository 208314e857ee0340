package org.nlbridge.netlink;

import org.nlbridge.bindings.libc.LibC;

/** The object is not there ({@code ENODEV}, {@code ENOENT}, {@code ESRCH}, {@code EADDRNOTAVAIL}): for teardown, already gone counts as done. */
public class NoSuchObjectException extends NetlinkException {
    private static final int ENODEV = LibC.ENODEV();
    private static final int ENOENT = LibC.ENOENT();
    private static final int ESRCH = LibC.ESRCH();
    private static final int EADDRNOTAVAIL = LibC.EADDRNOTAVAIL();

    public NoSuchObjectException(int errno, String operation, Object object, String extack, String detail) {
        super(errno, operation, object, extack, detail);
    }

    /** Whether {@code errno} (positive) says "not there": the errnos this exception stands for. */
    public static boolean covers(int errno) {
        return errno == ENODEV || errno == ENOENT || errno == ESRCH || errno == EADDRNOTAVAIL;
    }
}

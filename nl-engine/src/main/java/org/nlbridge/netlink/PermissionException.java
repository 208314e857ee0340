package org.nlbridge.netlink;

/** The caller lacks the capability ({@code EPERM}, {@code EACCES}), usually {@code CAP_NET_ADMIN} in the target namespace. */
public class PermissionException extends NetlinkException {
    public PermissionException(int errno, String operation, Object object, String extack, String detail) {
        super(errno, operation, object, extack, detail);
    }
}

package org.nlbridge.netlink;

/** The object to create already exists ({@code EEXIST}). Create paths validate and reuse it, or report it. */
public class ObjectExistsException extends NetlinkException {
    public ObjectExistsException(int errno, String operation, Object object, String extack, String detail) {
        super(errno, operation, object, extack, detail);
    }
}

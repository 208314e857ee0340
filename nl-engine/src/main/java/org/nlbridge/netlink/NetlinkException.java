package org.nlbridge.netlink;

import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.sys.Errno;

/**
 * The kernel refused a request, or its outcome could not be learned. Names the request, e.g.
 * {@code RTM_NEWLINK bridge br0: EEXIST (File exists): kernel says "..."}.
 *
 * <p>{@link #of} picks the subclass callers branch on: {@link ObjectExistsException}, {@link NoSuchObjectException},
 * {@link BusyException}, {@link PermissionException}, {@link OutcomeUnknownException}; {@link DumpInterruptedException}
 * comes from {@link Dump}. Malformed bytes are a separate family, {@link WireFormatException}.
 */
public class NetlinkException extends RuntimeException {
    private static final int EEXIST = LibC.EEXIST();
    private static final int EBUSY = LibC.EBUSY();
    private static final int EPERM = LibC.EPERM();
    private static final int EACCES = LibC.EACCES();
    private static final int ENOBUFS = LibC.ENOBUFS();

    private final int errno;
    private final String operation;
    private final transient Object object;
    private final String extack;

    /**
     * @param errno     positive errno
     * @param operation what was asked, e.g. {@code RTM_NEWLINK}
     * @param object    what it was about; only its {@code toString} is used, once, here; may be null
     * @param extack    the kernel's extended-ack message, or null
     * @param detail    what else the reader needs (e.g. why the outcome is unknown), or null
     */
    public NetlinkException(int errno, String operation, Object object, String extack, String detail) {
        super(message(errno, operation, object, extack, detail));
        this.errno = errno;
        this.operation = operation;
        this.object = object;
        this.extack = extack;
    }

    /** The exception for {@code errno}, as the subclass callers branch on. */
    public static NetlinkException of(int errno, String operation, Object object, String extack, String detail) {
        int e = Math.abs(errno);
        if (e == EEXIST) {
            return new ObjectExistsException(e, operation, object, extack, detail);
        }
        if (NoSuchObjectException.covers(e)) {
            return new NoSuchObjectException(e, operation, object, extack, detail);
        }
        if (e == EBUSY) {
            return new BusyException(e, operation, object, extack, detail);
        }
        if (e == EPERM || e == EACCES) {
            return new PermissionException(e, operation, object, extack, detail);
        }
        if (e == ENOBUFS) {
            return new OutcomeUnknownException(e, operation, object, extack, detail);
        }
        return new NetlinkException(e, operation, object, extack, detail);
    }

    private static String message(int errno, String operation, Object object, String extack, String detail) {
        StringBuilder b = new StringBuilder(operation);
        if (object != null) {
            b.append(' ').append(object);
        }
        b.append(": ").append(Errno.describe(errno));
        if (extack != null) {
            b.append(": kernel says \"").append(extack).append('"');
        }
        if (detail != null) {
            b.append(": ").append(detail);
        }
        return b.toString();
    }

    /** Positive errno. */
    public int errno() {
        return errno;
    }

    /** e.g. {@code EEXIST}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    public String operation() {
        return operation;
    }

    /** The subject the caller attached to the request (the same object), or null. */
    public Object object() {
        return object;
    }

    /** The kernel's extended-ack message, or null. */
    public String extack() {
        return extack;
    }
}

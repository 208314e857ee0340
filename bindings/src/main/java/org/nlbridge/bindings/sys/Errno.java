package org.nlbridge.bindings.sys;

import org.nlbridge.bindings.libc.LibC;

/**
 * errno names and messages (what {@code strerrorname_np} and {@code strerror} give), for error reports.
 * Values come from the jextract-generated {@code <errno.h>} constants, so the table follows the headers.
 */
public final class Errno {
    private Errno() {}

    private static final String[] NAMES = new String[160];
    private static final String[] MESSAGES = new String[160];

    private static void put(int errno, String name, String message) {
        NAMES[errno] = name;
        MESSAGES[errno] = message;
    }

    static {
        put(LibC.EPERM(), "EPERM", "Operation not permitted");
        put(LibC.ENOENT(), "ENOENT", "No such file or directory");
        put(LibC.ESRCH(), "ESRCH", "No such process");
        put(LibC.EINTR(), "EINTR", "Interrupted system call");
        put(LibC.EIO(), "EIO", "Input/output error");
        put(LibC.ENXIO(), "ENXIO", "No such device or address");
        put(LibC.E2BIG(), "E2BIG", "Argument list too long");
        put(LibC.EBADF(), "EBADF", "Bad file descriptor");
        put(LibC.EAGAIN(), "EAGAIN", "Resource temporarily unavailable");
        put(LibC.ENOMEM(), "ENOMEM", "Cannot allocate memory");
        put(LibC.EACCES(), "EACCES", "Permission denied");
        put(LibC.EFAULT(), "EFAULT", "Bad address");
        put(LibC.EBUSY(), "EBUSY", "Device or resource busy");
        put(LibC.EEXIST(), "EEXIST", "File exists");
        put(LibC.EXDEV(), "EXDEV", "Invalid cross-device link");
        put(LibC.ENODEV(), "ENODEV", "No such device");
        put(LibC.ENOTDIR(), "ENOTDIR", "Not a directory");
        put(LibC.EISDIR(), "EISDIR", "Is a directory");
        put(LibC.EINVAL(), "EINVAL", "Invalid argument");
        put(LibC.ENFILE(), "ENFILE", "Too many open files in system");
        put(LibC.EMFILE(), "EMFILE", "Too many open files");
        put(LibC.ENOSPC(), "ENOSPC", "No space left on device");
        put(LibC.EROFS(), "EROFS", "Read-only file system");
        put(LibC.EMLINK(), "EMLINK", "Too many links");
        put(LibC.EPIPE(), "EPIPE", "Broken pipe");
        put(LibC.ERANGE(), "ERANGE", "Numerical result out of range");
        put(LibC.ENAMETOOLONG(), "ENAMETOOLONG", "File name too long");
        put(LibC.ENOSYS(), "ENOSYS", "Function not implemented");
        put(LibC.ENOTEMPTY(), "ENOTEMPTY", "Directory not empty");
        put(LibC.ELOOP(), "ELOOP", "Too many levels of symbolic links");
        put(LibC.ENOMSG(), "ENOMSG", "No message of desired type");
        put(LibC.ENODATA(), "ENODATA", "No data available");
        put(LibC.ENOLINK(), "ENOLINK", "Link has been severed");
        put(LibC.EPROTO(), "EPROTO", "Protocol error");
        put(LibC.EBADMSG(), "EBADMSG", "Bad message");
        put(LibC.EOVERFLOW(), "EOVERFLOW", "Value too large for defined data type");
        put(LibC.ERESTART(), "ERESTART", "Interrupted system call should be restarted");
        put(LibC.ENOTSOCK(), "ENOTSOCK", "Socket operation on non-socket");
        put(LibC.EMSGSIZE(), "EMSGSIZE", "Message too long");
        put(LibC.EPROTONOSUPPORT(), "EPROTONOSUPPORT", "Protocol not supported");
        put(LibC.EOPNOTSUPP(), "EOPNOTSUPP", "Operation not supported");
        put(LibC.EAFNOSUPPORT(), "EAFNOSUPPORT", "Address family not supported by protocol");
        put(LibC.EADDRINUSE(), "EADDRINUSE", "Address already in use");
        put(LibC.EADDRNOTAVAIL(), "EADDRNOTAVAIL", "Cannot assign requested address");
        put(LibC.ENETDOWN(), "ENETDOWN", "Network is down");
        put(LibC.ENETUNREACH(), "ENETUNREACH", "Network is unreachable");
        put(LibC.ENOBUFS(), "ENOBUFS", "No buffer space available");
        put(LibC.ENOTCONN(), "ENOTCONN", "Transport endpoint is not connected");
        put(LibC.ETIMEDOUT(), "ETIMEDOUT", "Connection timed out");
        put(LibC.ECONNREFUSED(), "ECONNREFUSED", "Connection refused");
        put(LibC.EHOSTUNREACH(), "EHOSTUNREACH", "No route to host");
        put(LibC.EALREADY(), "EALREADY", "Operation already in progress");
        put(LibC.EINPROGRESS(), "EINPROGRESS", "Operation now in progress");
        put(LibC.ENOTSUP(), "ENOTSUP", "Operation not supported");
        put(LibC.ENOPKG(), "ENOPKG", "Package not installed");
        put(LibC.ENOKEY(), "ENOKEY", "Required key not available");
        put(LibC.EOWNERDEAD(), "EOWNERDEAD", "Owner died");
    }

    /** The symbolic name, e.g. {@code EEXIST}, or {@code errno N} for a value this table lacks. */
    public static String name(int errno) {
        int e = Math.abs(errno);
        String n = e < NAMES.length ? NAMES[e] : null;
        return n != null ? n : "errno " + e;
    }

    /** The C library's message, e.g. {@code File exists}, or {@code Unknown error N}. */
    public static String message(int errno) {
        int e = Math.abs(errno);
        String m = e < MESSAGES.length ? MESSAGES[e] : null;
        return m != null ? m : "Unknown error " + e;
    }

    /** {@code EEXIST (File exists)}. */
    public static String describe(int errno) {
        return name(errno) + " (" + message(errno) + ")";
    }
}

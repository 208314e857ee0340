package org.nlbridge.bindings.sys;

/** A system call failed; carries the call and errno, e.g. {@code setns: EPERM (Operation not permitted)}. */
public class ErrnoException extends RuntimeException {
    private final String call;
    private final int errno;

    public ErrnoException(String call, int errno) {
        super(call + ": " + Errno.describe(errno));
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }
}

package org.nlbridge.netlink;

import org.nlbridge.bindings.libc.LibC;

/**
 * Every attempt at a dump came back flagged {@code NLM_F_DUMP_INTR}: the kernel's table changed while it was being
 * read, so no consistent snapshot was obtained (errno {@code EINTR}, as libmnl reports it).
 */
public class DumpInterruptedException extends NetlinkException {
    public DumpInterruptedException(String operation, Object object, int attempts) {
        super(LibC.EINTR(), operation, object, null,
                "the dump was interrupted by concurrent changes " + attempts + " times in a row");
    }
}

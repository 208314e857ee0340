package org.nlbridge.bindings.sys;

import org.nlbridge.bindings.libc.LibC;

/** Run in a JVM of its own by {@link SysTest}: makes two calls, prints what Sys linked, sorted, one per line. */
public final class LinkProbe {
    private LinkProbe() {}

    public static void main(String[] args) {
        int fd = Sys.socket(LibC.AF_NETLINK(), LibC.SOCK_RAW() | LibC.SOCK_CLOEXEC(), 0);
        if (fd >= 0) Sys.close(fd);
        Sys.linked().stream().sorted().forEach(System.out::println);
    }
}

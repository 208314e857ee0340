package org.nlbridge.netlink;

/**
 * Encodes the body of a dump request (family header and filter attributes) after the {@code nlmsghdr} that
 * {@link Dump} has begun. Called again for each retry of an interrupted dump, so it must not depend on being called
 * once. A non-capturing lambda costs no allocation per dump.
 */
@FunctionalInterface
public interface DumpRequest {
    void encode(MsgWriter w);
}

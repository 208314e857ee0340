package org.nlbridge.net;

import java.lang.foreign.MemorySegment;

/**
 * An IPv4 or IPv6 address, parsed from literals only (see {@link IpLiterals} for what is refused and why).
 * Ordered IPv4 before IPv6, then numerically, which is the order IPAM hands addresses out in.
 */
public sealed interface IpAddress extends Comparable<IpAddress> permits Ipv4Address, Ipv6Address {

    /** {@code AF_INET} from {@code <sys/socket.h>}, as netlink messages carry it. */
    int AF_INET = 2;
    /** {@code AF_INET6} from {@code <sys/socket.h>}. */
    int AF_INET6 = 10;

    String ACCEPTED = "an IP address like 10.0.0.1 or fd00::1";

    /** Either family, chosen by the presence of ':'. */
    static IpAddress parse(String field, String text) {
        ValidationException.requireValue(field, text, ACCEPTED);
        try {
            return IpLiterals.parseAny(text);
        } catch (Invalid e) {
            throw ValidationException.of(field, text, e, ACCEPTED);
        }
    }

    /** From 4 or 16 bytes in network order. */
    static IpAddress of(byte[] bytes) {
        return switch (bytes.length) {
            case 4 -> Ipv4Address.of(bytes);
            case 16 -> Ipv6Address.of(bytes);
            default -> throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length);
        };
    }

    /** Reads {@link #byteLength()} bytes of the given family at {@code offset}, network order. */
    static IpAddress readFrom(int family, MemorySegment segment, long offset) {
        return switch (family) {
            case AF_INET -> Ipv4Address.readFrom(segment, offset);
            case AF_INET6 -> Ipv6Address.readFrom(segment, offset);
            default -> throw new IllegalArgumentException("unknown address family " + family);
        };
    }

    /** {@link #AF_INET} or {@link #AF_INET6}. */
    int family();

    /** 32 or 128. */
    int bitLength();

    /** 4 or 16: the bytes {@link #writeTo} writes. */
    int byteLength();

    /** A fresh copy in network order. */
    byte[] bytes();

    /** Writes {@link #byteLength()} bytes in network order at {@code offset}; allocates nothing. */
    void writeTo(MemorySegment segment, long offset);

    /**
     * The address {@code n} further on (or back, if negative), for walking a subnet.
     *
     * @throws ArithmeticException if the result leaves the address space of the family
     */
    IpAddress plus(long n);

    default IpAddress next() {
        return plus(1);
    }

    default IpAddress previous() {
        return plus(-1);
    }

    /** 127.0.0.0/8 or ::1. */
    boolean isLoopback();

    /** 224.0.0.0/4 or ff00::/8. */
    boolean isMulticast();

    /** 169.254.0.0/16 or fe80::/10. */
    boolean isLinkLocal();

    /** 0.0.0.0 or ::. */
    boolean isUnspecified();
}

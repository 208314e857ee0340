package org.nlbridge.resolver;

import java.net.InetSocketAddress;
import java.util.Objects;

import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;

/**
 * A name server queries are forwarded to, reached from the host's namespace: an address from the host's
 * resolv.conf or from a network's or container's {@code dns} block. Loopback addresses are fine (systemd-resolved's
 * 127.0.0.53 of the host), as in Docker, because the query leaves from the host and not from the container.
 */
public record Upstream(IpAddress address, int port) {

    public static final int DNS_PORT = 53;

    public Upstream {
        Objects.requireNonNull(address, "address");
        if (port < 1 || port > 65535) {
            throw new ValidationException("upstream port", Integer.toString(port), "outside 1..65535", "a port 1..65535");
        }
        if (address.isUnspecified() || address.isMulticast()) {
            throw new ValidationException("upstream", address.toString(), "not a unicast address",
                    "the unicast address of a name server, like 192.0.2.53 or 2001:db8::53");
        }
    }

    /** A server on the standard port 53. */
    public static Upstream of(IpAddress address) {
        return new Upstream(address, DNS_PORT);
    }

    /** The socket address, built from the address bytes (never a name lookup). */
    InetSocketAddress socketAddress() {
        return new InetSocketAddress(Wire.inet(address), port);
    }

    @Override
    public String toString() {
        return port == DNS_PORT ? address.toString()
                : address.family() == IpAddress.AF_INET6 ? "[" + address + "]:" + port : address + ":" + port;
    }
}

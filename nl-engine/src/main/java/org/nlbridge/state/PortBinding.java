package org.nlbridge.state;

import java.util.Objects;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.PortMapping;

/**
 * A published port as stored: the mapping as the user wrote it, and where it leads (the endpoint of
 * {@code container} on {@code network}, whose address is {@code containerIp}).
 */
public record PortBinding(PortMapping mapping, String container, String network, IpAddress containerIp) {

    public PortBinding {
        Objects.requireNonNull(mapping, "mapping");
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(containerIp, "containerIp");
        IpAddress hostIp = mapping.hostIp();
        if (hostIp != null && hostIp.family() != containerIp.family()) {
            throw new IllegalArgumentException("port " + mapping + " leads from one address family to another ("
                    + containerIp + ")");
        }
    }

    /**
     * Both would receive the same packets: same protocol and host port, and host addresses that overlap.
     * No host address means every address of both families; 0.0.0.0 and :: mean every address of theirs.
     * So a binding on all addresses conflicts with one on 127.0.0.1 in either order, while 127.0.0.1 and
     * ::1 can share a port.
     */
    public boolean conflictsWith(PortBinding other) {
        PortMapping a = mapping;
        PortMapping b = other.mapping;
        return a.protocol() == b.protocol() && a.hostPort() == b.hostPort() && hostsOverlap(a.hostIp(), b.hostIp());
    }

    private static boolean hostsOverlap(IpAddress a, IpAddress b) {
        if (a == null || b == null) {
            return true;
        }
        return a.family() == b.family() && (a.isUnspecified() || b.isUnspecified() || a.equals(b));
    }

    /** "on all host addresses", "on 127.0.0.1", for messages. */
    String describeHost() {
        IpAddress hostIp = mapping.hostIp();
        return hostIp == null ? "on all host addresses" : "on " + hostIp;
    }
}

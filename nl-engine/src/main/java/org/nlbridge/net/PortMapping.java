package org.nlbridge.net;

import java.util.Objects;

/**
 * One published port: traffic to {@code hostPort} on {@code hostIp} goes to {@code containerPort}.
 * {@code hostIp} is null for all host addresses. {@link PortSpec#mappings()} expands ranges into these.
 */
public record PortMapping(IpProtocol protocol, IpAddress hostIp, int hostPort, int containerPort) {

    public PortMapping {
        Objects.requireNonNull(protocol, "protocol");
        PortSpec.checkPort(hostPort);
        PortSpec.checkPort(containerPort);
    }

    /** The {@code -p} text of this single mapping, e.g. {@code 127.0.0.1:8080:80/tcp}. */
    @Override
    public String toString() {
        return PortSpec.hostPrefix(hostIp) + hostPort + ":" + containerPort + "/" + protocol;
    }
}

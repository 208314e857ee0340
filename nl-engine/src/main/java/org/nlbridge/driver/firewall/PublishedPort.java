package org.nlbridge.driver.firewall;

import java.util.Objects;

import org.nlbridge.net.IpAddress;
import org.nlbridge.net.IpProtocol;

/**
 * One published port of one address family, as installed.
 *
 * @param endpointId    the endpoint that publishes it
 * @param family        {@link IpAddress#AF_INET} or {@link IpAddress#AF_INET6}
 * @param hostIp        the host address, or null for every local address of the family
 * @param connections   connections the kernel has translated to it since the rule was installed (the DNAT map
 *                      element's counter: NAT sees the first packet of each connection), or -1 if not known
 */
public record PublishedPort(String endpointId, int family, IpProtocol protocol, IpAddress hostIp, int hostPort,
                            IpAddress containerIp, int containerPort, long connections) {

    public PublishedPort {
        Objects.requireNonNull(endpointId, "endpointId");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(containerIp, "containerIp");
        if (containerIp.family() != family || hostIp != null && hostIp.family() != family) {
            throw new IllegalArgumentException("addresses of another family than " + family);
        }
    }

    /** The same port with a connection count. */
    public PublishedPort withConnections(long count) {
        return new PublishedPort(endpointId, family, protocol, hostIp, hostPort, containerIp, containerPort, count);
    }

    /** {@code 0.0.0.0:5000 -> 172.18.0.2:22/tcp}, {@code [::]:5000 -> [fd00::2]:22/tcp}. */
    @Override
    public String toString() {
        boolean v6 = family == IpAddress.AF_INET6;
        String host = hostIp != null ? hostIp.toString() : v6 ? "::" : "0.0.0.0";
        return (v6 ? "[" + host + "]" : host) + ":" + hostPort + " -> "
                + (v6 ? "[" + containerIp + "]" : containerIp.toString()) + ":" + containerPort + "/" + protocol
                + (connections >= 0 ? " (" + connections + " connections)" : "");
    }
}

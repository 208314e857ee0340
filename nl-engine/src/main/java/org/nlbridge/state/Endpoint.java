package org.nlbridge.state;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.nlbridge.net.DnsName;
import org.nlbridge.net.Hostname;
import org.nlbridge.net.IfName;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.MacAddress;

/**
 * One container attached to one network. The row is also the address allocation: an address is taken
 * exactly while an endpoint holds it, so no allocation can outlive its owner.
 *
 * @param netns    the container's network namespace, as the runtime gave it; null for an endpoint handed over: its
 *                 container end was made in the host namespace under {@code ifName} for a runtime to move into a
 *                 namespace of its own ({@code ContainerSpec.handover}, Docker's remote drivers)
 * @param ifName   the interface inside the container, e.g. {@code eth0}; for an endpoint handed over, the name it was
 *                 handed over under (the runtime renames it)
 * @param hostVeth the veth end on the bridge, unique on the host
 * @param ipv6     null on an IPv4-only network
 * @param aliases      more names the container answers to on this network
 * @param defaultRoute whether the container's default route goes through this network's gateway
 * @param spoofCheck   anti-spoofing on its bridge port (the attachment's {@code spoofCheck}, default true)
 */
public record Endpoint(String container, String network, Path netns, IfName ifName, IfName hostVeth,
                       Hostname hostname, Ipv4Address ipv4, Ipv6Address ipv6, MacAddress mac, Phase phase,
                       List<DnsName> aliases, boolean defaultRoute, boolean spoofCheck) {

    public Endpoint {
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(ifName, "ifName");
        Objects.requireNonNull(hostVeth, "hostVeth");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(ipv4, "ipv4");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(phase, "phase");
        aliases = List.copyOf(aliases);
        if (container.isEmpty()) {
            throw new IllegalArgumentException("empty container name");
        }
    }

    /**
     * An endpoint without aliases that carries the default route (a container's only network), anti-spoofing on.
     */
    public Endpoint(String container, String network, Path netns, IfName ifName, IfName hostVeth, Hostname hostname,
                    Ipv4Address ipv4, Ipv6Address ipv6, MacAddress mac, Phase phase) {
        this(container, network, netns, ifName, hostVeth, hostname, ipv4, ipv6, mac, phase, List.of(), true, true);
    }

    /** Whether the container end was handed over to a runtime in the host namespace (no namespace of ours). */
    public boolean handedOver() {
        return netns == null;
    }

    public Endpoint withPhase(Phase next) {
        return new Endpoint(container, network, netns, ifName, hostVeth, hostname, ipv4, ipv6, mac, next, aliases,
                defaultRoute, spoofCheck);
    }

    /** "container web on network bridge", for messages. */
    String describe() {
        return "container " + container + " on network " + network;
    }
}

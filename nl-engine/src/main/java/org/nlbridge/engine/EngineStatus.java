package org.nlbridge.engine;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A snapshot for {@code nlbridge status}: plain records so they print as text or JSON. {@code overlays} lists the
 * networks shared with other hosts (empty on a host in no cluster).
 *
 * @param warnings what keeps the networks from working as asked or what an operator should know about the host, one
 *                 sentence each (IP forwarding off; an iptables-legacy firewall nlbridge cannot coexist with)
 */
public record EngineStatus(List<NetworkStatus> networks, List<ContainerStatus> containers, List<PortStatus> ports,
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) List<OverlayStatus> overlays,
                           List<String> warnings) {

    public EngineStatus {
        networks = List.copyOf(networks);
        containers = List.copyOf(containers);
        ports = List.copyOf(ports);
        overlays = overlays == null ? List.of() : List.copyOf(overlays);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** A host in no cluster, with overlays but no warnings. */
    public EngineStatus(List<NetworkStatus> networks, List<ContainerStatus> containers, List<PortStatus> ports,
                        List<OverlayStatus> overlays) {
        this(networks, containers, ports, overlays, List.of());
    }

    /** A host in no cluster. */
    public EngineStatus(List<NetworkStatus> networks, List<ContainerStatus> containers, List<PortStatus> ports) {
        this(networks, containers, ports, List.of());
    }

    public record NetworkStatus(String name, String bridge, String subnet, String gateway, String fixedCidr,
                                String subnetV6, int mtu, boolean icc, boolean ipMasq, boolean internal,
                                String firewall, boolean bridgeOwned) {}

    /**
     * A container; {@code network} to {@code mac} describe its first network, {@code attachments} every network it
     * is on (the first one first), {@code labels} what a runtime says of it (a pod's namespace and name).
     */
    public record ContainerStatus(String name, String network, String netns, String ifname, String hostVeth,
                                  String ipv4, String ipv6, String mac, String hostname, List<String> files,
                                  List<AttachmentStatus> attachments, java.util.Map<String, String> labels) {
        public ContainerStatus {
            files = List.copyOf(files);
            attachments = attachments == null ? List.of() : List.copyOf(attachments);
            labels = labels == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(labels));
        }

        /** A container on one network at most, without labels. */
        public ContainerStatus(String name, String network, String netns, String ifname, String hostVeth, String ipv4,
                               String ipv6, String mac, String hostname, List<String> files) {
            this(name, network, netns, ifname, hostVeth, ipv4, ipv6, mac, hostname, files,
                    ifname == null ? List.of() : List.of(new AttachmentStatus(network, ifname, hostVeth, ipv4, ipv6, mac,
                            true, List.of())), java.util.Map.of());
        }
    }

    /** One network a container is on: its interface, host veth, addresses, MAC, default route, aliases. */
    public record AttachmentStatus(String network, String ifname, String hostVeth, String ipv4, String ipv6, String mac,
                                   boolean defaultRoute, List<String> aliases) {
        public AttachmentStatus {
            aliases = aliases == null ? List.of() : List.copyOf(aliases);
        }
    }

    /** {@code packets} and {@code bytes} are the kernel's counters for the port, or -1 where it keeps none. */
    public record PortStatus(String container, String protocol, String hostIp, int hostPort, String containerIp,
                             int containerPort, long packets, long bytes) {}

    /**
     * An overlay network as this host sees the cluster: its VXLAN identifier and device, this host's underlay
     * address, the cluster store's reachability ({@code reachable} or why not) and the other hosts on it.
     */
    public record OverlayStatus(String network, int vni, String vxlan, String underlay, String store,
                                List<PeerStatus> peers) {
        public OverlayStatus {
            peers = peers == null ? List.of() : List.copyOf(peers);
        }
    }

    /**
     * Another host of an overlay network: its cluster ID and host name, underlay address (the VTEP), containers, and
     * milliseconds since its last keep-alive reached the store ({@code -1}: unknown, e.g. the store is unreachable).
     */
    public record PeerStatus(String host, String name, String underlay, List<String> containers, long lastSeenMs) {
        public PeerStatus {
            containers = containers == null ? List.of() : List.copyOf(containers);
        }
    }
}

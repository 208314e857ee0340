package org.nlbridge.engine;

import java.util.List;

/**
 * A snapshot for {@code nlbridge status}: plain records so they print as text or JSON.
 *
 * @param warnings what keeps the networks from working as asked, one sentence each (IP forwarding off, say)
 */
public record EngineStatus(List<NetworkStatus> networks, List<ContainerStatus> containers, List<PortStatus> ports,
                           List<String> warnings) {

    public EngineStatus {
        networks = List.copyOf(networks);
        containers = List.copyOf(containers);
        ports = List.copyOf(ports);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** A snapshot without warnings. */
    public EngineStatus(List<NetworkStatus> networks, List<ContainerStatus> containers, List<PortStatus> ports) {
        this(networks, containers, ports, List.of());
    }

    public record NetworkStatus(String name, String bridge, String subnet, String gateway, String fixedCidr,
                                String subnetV6, int mtu, boolean icc, boolean ipMasq, boolean internal,
                                String firewall, boolean bridgeOwned) {}

    public record ContainerStatus(String name, String network, String netns, String ifname, String hostVeth,
                                  String ipv4, String ipv6, String mac, String hostname, List<String> files) {
        public ContainerStatus {
            files = List.copyOf(files);
        }
    }

    /** {@code packets} and {@code bytes} are the kernel's counters for the port, or -1 where it keeps none. */
    public record PortStatus(String container, String protocol, String hostIp, int hostPort, String containerIp,
                             int containerPort, long packets, long bytes) {}
}

package org.nlbridge.driver;

import java.util.List;

/**
 * A network shared with other hosts, as this host sees it (for status): its VXLAN identifier and device, this host's
 * underlay address, whether the cluster store answers, and the other hosts on it.
 *
 * @param vni       the VXLAN network identifier, or 0 while the cluster store has not given one
 * @param device    the VXLAN device on this host
 * @param underlay  this host's advertise address
 * @param store     {@code reachable}, or why not ({@code unreachable since ...})
 * @param peers     the other hosts with containers (or a membership) on the network, by host
 */
public record Peers(int vni, String device, String underlay, String store, List<Peer> peers) {

    public Peers {
        peers = List.copyOf(peers);
    }

    /**
     * One other host on the network.
     *
     * @param host       its cluster host ID
     * @param name       its host name as it reported it
     * @param underlay   its advertise address (the VTEP frames to its containers go to)
     * @param containers its containers on the network, by name, in name order
     * @param lastSeenMs milliseconds since its last keep-alive reached the store, or -1 when unknown
     */
    public record Peer(String host, String name, String underlay, List<String> containers, long lastSeenMs) {
        public Peer {
            containers = List.copyOf(containers);
        }
    }
}

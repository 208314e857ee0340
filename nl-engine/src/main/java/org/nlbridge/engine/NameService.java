package org.nlbridge.engine;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.nlbridge.resolver.NetworkNames;
import org.nlbridge.resolver.Upstream;

/**
 * What an embedded name server should answer, as the engine's state says now (Docker's 127.0.0.11): a table of names
 * per user network (every network but the default one, {@code bridge}, which has no name resolution in Docker either)
 * and one listener per container with a namespace of its own on at least one of them. The engine only reports it
 * ({@link Engine#names}); the process that lives as long as the networks (the daemon) runs the server, which the
 * engine is told about with {@link EngineOptions#nameServer()} so that the containers' resolv.conf points at it.
 *
 * @param networks  the tables, by network name; each holds the network's attached containers with their aliases
 * @param listeners one per container, in name order
 */
public record NameService(Map<String, NetworkNames> networks, List<Listener> listeners) {

    /** The default network, which Docker leaves without name resolution. */
    public static final String DEFAULT_NETWORK = "bridge";

    public NameService {
        networks = Map.copyOf(networks);
        listeners = List.copyOf(listeners);
    }

    /** Nothing to serve. */
    public static final NameService NONE = new NameService(Map.of(), List.of());

    /**
     * One container's name server.
     *
     * @param container the container's name
     * @param netns     its namespace, a name under {@code /run/netns} (where 127.0.0.11:53 is bound)
     * @param networks  the user networks it is on, primary first: their tables answer its queries, in that order
     * @param upstreams where other names go: its {@code dns} nameservers (its own, else its network's), else the
     *                  host's resolv.conf servers, loopback ones included (they are asked from the host)
     * @param internal  every one of its networks is internal: nothing is forwarded (no DNS leaves an internal network)
     * @param ndotsSet  its resolv.conf sets {@code ndots}, so bare names it does not know are answered empty
     */
    public record Listener(String container, String netns, List<String> networks, List<Upstream> upstreams,
                           boolean internal, boolean ndotsSet) {
        public Listener {
            Objects.requireNonNull(container, "container");
            Objects.requireNonNull(netns, "netns");
            networks = List.copyOf(networks);
            upstreams = List.copyOf(upstreams);
        }
    }
}

package org.nlbridge.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nlbridge.net.PortMapping;
import org.nlbridge.state.ContainerRecord;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Network;
import org.nlbridge.state.Phase;
import org.nlbridge.state.PortBinding;

/**
 * The store's view, read once per request in one transaction: networks, endpoints, their published ports, the
 * container records, and the endpoints a dead process left in flight ({@code stuck}). A request's steps and its
 * checks are computed from it.
 */
record Stored(Map<String, Network> networks, List<Endpoint> endpoints, Map<String, List<PortMapping>> ports,
              Map<String, ContainerRecord> containers, List<Endpoint> stuck) {

    static Stored read(Parts p) {
        return p.store.read(tx -> {
            Map<String, Network> nets = new LinkedHashMap<>();
            tx.networks().all().forEach(n -> nets.put(n.name(), n));
            Map<String, List<PortMapping>> ports = new LinkedHashMap<>();
            for (PortBinding b : tx.ports().all()) {
                ports.computeIfAbsent(key(b.container(), b.network()), k -> new ArrayList<>()).add(b.mapping());
            }
            Map<String, ContainerRecord> ctrs = new LinkedHashMap<>();
            tx.containers().all().forEach(c -> ctrs.put(c.name(), c));
            return new Stored(nets, tx.endpoints().all(), ports, ctrs, tx.endpoints().stuck());
        });
    }

    /**
     * This view with the ATTACHED endpoints only: what the request works from once the repairs are done. Endpoints
     * in flight are either {@link #stuck} (a dead process left them; the repair phase removes them) or another live
     * engine's, mid-request, which this one leaves alone.
     */
    Stored settled() {
        List<Endpoint> attached = endpoints.stream().filter(e -> e.phase() == Phase.ATTACHED).toList();
        return attached.size() == endpoints.size() ? this : new Stored(networks, attached, ports, containers, List.of());
    }

    /** The ports an endpoint publishes. */
    List<PortMapping> ports(Endpoint e) {
        return ports.getOrDefault(key(e.container(), e.network()), List.of());
    }

    private static String key(String container, String network) {
        return network + "/" + container;
    }
}

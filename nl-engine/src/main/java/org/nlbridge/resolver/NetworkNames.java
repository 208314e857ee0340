package org.nlbridge.resolver;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.nlbridge.net.DnsName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.SafeName;

/**
 * The names of one network, as an immutable snapshot: each container's name and aliases mapped to its addresses on
 * this network, and each address mapped back to {@code container.network} for PTR queries (Docker answers
 * {@code web.backend.} for the address of {@code web} on {@code backend}). A change builds a new snapshot
 * ({@link #toBuilder()}, {@link #with}, {@link #without}) and {@link DnsServer#network} swaps it in whole, so a
 * query sees either the old table or the new one, never half of an edit.
 *
 * <p>Several containers may share an alias: a query for it gets all their addresses, as in Docker.
 */
public final class NetworkNames {

    /** The addresses a name stands for on one network. */
    record Addresses(List<Ipv4Address> ipv4, List<Ipv6Address> ipv6) {}

    private final String network;
    private final String networkKey; // lower case, or null if the network's name is not a DNS name
    private final Map<DnsName, Endpoint> endpoints; // in insertion order: the order of addresses in answers
    private final Map<String, Addresses> byName;
    private final Map<IpAddress, String> byAddress;

    private NetworkNames(String network, Map<DnsName, Endpoint> endpoints) {
        this.network = network;
        this.networkKey = DnsName.isValid(network) ? network.toLowerCase(Locale.ROOT) : null;
        this.endpoints = endpoints;
        Map<String, List<Ipv4Address>> v4 = new HashMap<>();
        Map<String, List<Ipv6Address>> v6 = new HashMap<>();
        Map<IpAddress, String> reverse = new HashMap<>();
        for (Endpoint e : endpoints.values()) {
            List<DnsName> names = new ArrayList<>(e.aliases().size() + 1);
            names.add(e.container());
            names.addAll(e.aliases());
            for (DnsName n : names) {
                if (e.ipv4() != null) v4.computeIfAbsent(n.key(), k -> new ArrayList<>(1)).add(e.ipv4());
                if (e.ipv6() != null) v6.computeIfAbsent(n.key(), k -> new ArrayList<>(1)).add(e.ipv6());
                v4.putIfAbsent(n.key(), new ArrayList<>(0));
                v6.putIfAbsent(n.key(), new ArrayList<>(0));
            }
            String ptr = networkKey == null ? e.container().toString() : e.container() + "." + network;
            if (e.ipv4() != null) reverse.put(e.ipv4(), ptr);
            if (e.ipv6() != null) reverse.put(e.ipv6(), ptr);
        }
        Map<String, Addresses> names = HashMap.newHashMap(v4.size());
        v4.forEach((k, a) -> names.put(k, new Addresses(List.copyOf(a), List.copyOf(v6.get(k)))));
        this.byName = Map.copyOf(names);
        this.byAddress = Map.copyOf(reverse);
    }

    /** An empty table for {@code network} (a name {@link SafeName} accepts). */
    public static Builder builder(String network) {
        return new Builder(SafeName.check("network", network), new LinkedHashMap<>());
    }

    /** A builder holding this table's endpoints, for a changed copy. */
    public Builder toBuilder() {
        return new Builder(network, new LinkedHashMap<>(endpoints));
    }

    /** A copy with {@code endpoint} added, or replacing the container's earlier endpoint. */
    public NetworkNames with(Endpoint endpoint) {
        return toBuilder().add(endpoint).build();
    }

    /** A copy without the container (and so without its aliases and addresses). */
    public NetworkNames without(DnsName container) {
        return toBuilder().remove(container).build();
    }

    public String network() {
        return network;
    }

    /** The network's name in lower case if it can end a query name ({@code web.backend}), else null. */
    String networkKey() {
        return networkKey;
    }

    public Collection<Endpoint> endpoints() {
        return endpoints.values();
    }

    /** The addresses of a lower-case name, or null if the name is not on this network. */
    Addresses find(String key) {
        return byName.get(key);
    }

    /** The PTR target of an address, {@code container.network}, or null if no container here has it. */
    String reverse(IpAddress address) {
        return byAddress.get(address);
    }

    /** Collects endpoints; {@link #build()} makes the immutable table. Not thread-safe. */
    public static final class Builder {
        private final String network;
        private final Map<DnsName, Endpoint> endpoints;

        private Builder(String network, Map<DnsName, Endpoint> endpoints) {
            this.network = network;
            this.endpoints = endpoints;
        }

        /** Adds an endpoint; a container added twice keeps the later one. */
        public Builder add(Endpoint endpoint) {
            endpoints.put(endpoint.container(), endpoint);
            return this;
        }

        public Builder remove(DnsName container) {
            endpoints.remove(container);
            return this;
        }

        public NetworkNames build() {
            return new NetworkNames(network, Collections.unmodifiableMap(new LinkedHashMap<>(endpoints)));
        }
    }

    @Override
    public String toString() {
        return "NetworkNames[" + network + ": " + endpoints.size() + " containers]";
    }
}

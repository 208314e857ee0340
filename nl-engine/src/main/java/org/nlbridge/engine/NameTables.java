package org.nlbridge.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nlbridge.driver.dns.ResolvConf;
import org.nlbridge.net.DnsName;
import org.nlbridge.netns.NetNs;
import org.nlbridge.resolver.Endpoint;
import org.nlbridge.resolver.HostsEntries;
import org.nlbridge.resolver.NetworkNames;
import org.nlbridge.resolver.Upstream;
import org.nlbridge.spec.DnsSpec;
import org.nlbridge.spec.NetworkMode;
import org.nlbridge.state.ContainerRecord;
import org.nlbridge.state.Network;
import org.nlbridge.state.Phase;

/**
 * The names of the engine's containers as the store has them, from one read: a {@link NetworkNames} table per user
 * network (every network but {@link NameService#DEFAULT_NETWORK}) with its attached containers and their aliases,
 * and which user networks each container is on. The same tables feed the name server ({@link #service}) and, when
 * none runs, the other containers' lines of each /etc/hosts ({@link #neighbours}), so both ways answer alike.
 */
final class NameTables {
    private final Map<String, Network> networks;
    private final Map<String, NetworkNames> tables;
    /** container -> the user networks it is attached to, its primary network first. */
    private final Map<String, List<String>> networksOf;
    private final Map<String, ContainerRecord> records;

    private NameTables(Map<String, Network> networks, Map<String, NetworkNames> tables,
                       Map<String, List<String>> networksOf, Map<String, ContainerRecord> records) {
        this.networks = networks;
        this.tables = tables;
        this.networksOf = networksOf;
        this.records = records;
    }

    /** Whether containers on this network resolve each other by name (Docker: every network but the default). */
    static boolean userNetwork(String network) {
        return !network.equals(NameService.DEFAULT_NETWORK);
    }

    static NameTables read(Parts p) {
        return p.store.read(tx -> {
            Map<String, Network> nets = new LinkedHashMap<>();
            Map<String, NetworkNames.Builder> builders = new LinkedHashMap<>();
            for (Network n : tx.networks().all()) {
                nets.put(n.name(), n);
                if (userNetwork(n.name())) builders.put(n.name(), NetworkNames.builder(n.name()));
            }
            Map<String, ContainerRecord> records = new HashMap<>();
            tx.containers().all().forEach(r -> records.put(r.name(), r));
            Map<String, List<String>> of = new HashMap<>();
            for (org.nlbridge.state.Endpoint e : tx.endpoints().all()) {
                NetworkNames.Builder b = builders.get(e.network());
                if (b == null || e.phase() != Phase.ATTACHED || !DnsName.isValid(e.container())) continue;
                b.add(new Endpoint(DnsName.parse("container", e.container()), e.ipv4(), e.ipv6(), e.aliases()));
                of.computeIfAbsent(e.container(), k -> new ArrayList<>()).add(e.network());
            }
            Map<String, NetworkNames> tables = new LinkedHashMap<>();
            builders.forEach((n, b) -> tables.put(n, b.build()));
            of.forEach((c, list) -> list.sort(Comparator.comparing((String n) -> !primary(records.get(c), n))
                    .thenComparing(n -> n)));
            return new NameTables(nets, tables, of, records);
        });
    }

    private static boolean primary(ContainerRecord r, String network) {
        return r != null && r.mode() instanceof NetworkMode.Bridge b && b.network().equals(network);
    }

    /** The user networks a container is attached to, primary first; empty when it is on none. */
    List<String> networksOf(String container) {
        return networksOf.getOrDefault(container, List.of());
    }

    /** Whether every user network of the container is internal (its name server then forwards nothing). */
    boolean internalOnly(String container) {
        List<String> nets = networksOf(container);
        return !nets.isEmpty() && nets.stream().allMatch(n -> networks.get(n).options().internal());
    }

    /** The /etc/hosts lines for the other containers of its user networks (the legacy way, without a name server). */
    String neighbours(String container) {
        List<NetworkNames> mine = networksOf(container).stream().map(tables::get).toList();
        if (mine.isEmpty()) return "";
        return HostsEntries.lines(mine, DnsName.isValid(container) ? DnsName.parse("container", container) : null);
    }

    /**
     * What a name server should answer: the tables, and a listener per container with a namespace of its own on a
     * user network; its upstreams from the DNS its files were written with ({@code container_dns}), else the host's.
     */
    NameService service(Parts p) {
        ResolvConf host = p.overlay.hostResolvConf();
        List<NameService.Listener> listeners = new ArrayList<>();
        List<String> names = new ArrayList<>(networksOf.keySet());
        names.sort(null);
        for (String c : names) {
            ContainerRecord r = records.get(c);
            // a runtime's namespace by path (CNI) has the runtime's resolv.conf, not 127.0.0.11: no listener there
            if (r == null || r.netns() == null || NetNs.isPath(r.netns())) continue;
            DnsSpec dns = p.store.read(tx -> tx.names().dns(c)).orElse(DnsSpec.HOST);
            List<Upstream> up = host.upstreams(dns).stream().map(Upstream::of).toList();
            boolean ndots = (dns.options().isEmpty() ? host.options() : dns.options()).stream()
                    .anyMatch(ResolvConf::isNdots);
            listeners.add(new NameService.Listener(c, r.netns(), networksOf(c), up, internalOnly(c), ndots));
        }
        return new NameService(tables, listeners);
    }
}

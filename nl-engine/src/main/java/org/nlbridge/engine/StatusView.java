package org.nlbridge.engine;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;

import org.nlbridge.driver.Peers;
import org.nlbridge.driver.dns.Mount;
import org.nlbridge.driver.firewall.Firewalls;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.IpProtocol;
import org.nlbridge.net.PortMapping;
import org.nlbridge.spec.NetworkMode;
import org.nlbridge.spec.NotFoundException;
import org.nlbridge.state.BridgeOrigin;
import org.nlbridge.state.ContainerRecord;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Network;
import org.nlbridge.state.PortBinding;

/** {@code status} and {@code runtime}: the store's records as the engine API shows them. */
final class StatusView {
    private final Parts p;

    StatusView(Parts p) {
        this.p = p;
    }

    EngineStatus status() {
        return live(rows(null));
    }

    /**
     * The store's part of {@link #status} for {@code names} (null: every container, with the networks): their rows
     * and published ports, without the kernel's counters (-1) or warnings. One store read per container named.
     */
    EngineStatus rows(java.util.Set<String> names) {
        if (names == null) {
            List<EngineStatus.NetworkStatus> nets = p.networks().stream().map(StatusView::network).toList();
            Map<String, List<Endpoint>> eps = new HashMap<>();
            p.endpoints().forEach(e -> eps.computeIfAbsent(e.container(), k -> new ArrayList<>()).add(e));
            List<EngineStatus.ContainerStatus> ctrs = new ArrayList<>();
            for (ContainerRecord r : p.store.read(tx -> tx.containers().all())) {
                ctrs.add(container(r, eps.getOrDefault(r.name(), List.of())));
            }
            return new EngineStatus(nets, ctrs, uncounted(p.store.read(tx -> tx.ports().all())));
        }
        List<EngineStatus.ContainerStatus> ctrs = new ArrayList<>();
        List<PortBinding> bindings = new ArrayList<>();
        p.store.read(tx -> {
            for (String name : new java.util.TreeSet<>(names)) {
                List<Endpoint> eps = tx.endpoints().ofContainer(name);
                tx.containers().find(name).ifPresent(r -> ctrs.add(container(r, eps)));
                for (Endpoint e : eps) bindings.addAll(tx.ports().ofEndpoint(name, e.network()));
            }
            return null;
        });
        return new EngineStatus(List.of(), ctrs, uncounted(bindings));
    }

    /**
     * {@link #status} with the store's rows taken from {@code kept} (what {@link #rows} gave, kept up to date by its
     * caller) and what the kernel says read now: the ports' counters (one dump of the port maps), the warnings and
     * the overlays' peers. Reads no container, endpoint or port from the store.
     */
    EngineStatus live(EngineStatus kept) {
        List<EngineStatus.PortStatus> ports = kept.ports();
        if (!ports.isEmpty()) {
            Map<String, Long> counters = p.firewalls.connections();
            ports = ports.stream().map(s -> new EngineStatus.PortStatus(s.container(), s.protocol(), s.hostIp(),
                    s.hostPort(), s.containerIp(), s.containerPort(), counters.getOrDefault(Firewalls.portKey(
                    IpProtocol.valueOf(s.protocol().toUpperCase(Locale.ROOT)), s.hostPort(),
                    IpAddress.parse("containerIp", s.containerIp()), s.containerPort()), -1L), s.bytes())).toList();
        }
        List<String> warnings = new ArrayList<>(forwardingWarnings(kept.networks()));
        warnings.addAll(p.firewalls.hostFirewallWarnings());
        // only a host in a cluster has overlay networks with peers: no store read for the others
        List<EngineStatus.OverlayStatus> overlays = p.options.cluster() == null ? List.of() : overlays();
        return new EngineStatus(kept.networks(), kept.containers(), ports, overlays, warnings);
    }

    /**
     * The host forwarding a family's packets is what lets containers reach beyond the host and the outside reach
     * published ports. The engine turns it on for a network unless told not to ({@code ipForward false}, Docker's
     * {@code --ip-forward=false}), and someone may turn it off afterwards: either way it says so here, as dockerd
     * warns "IPv4 forwarding is disabled".
     */
    private List<String> forwardingWarnings(List<EngineStatus.NetworkStatus> networks) {
        Map<String, List<String>> off = new TreeMap<>();
        for (EngineStatus.NetworkStatus n : networks) {
            if (n.internal()) continue; // goes nowhere in any case
            forwarding(off, "net/ipv4/ip_forward", n.name());
            if (n.subnetV6() != null) forwarding(off, "net/ipv6/conf/all/forwarding", n.name());
        }
        List<String> out = new ArrayList<>();
        off.forEach((key, nets) -> {
            String dotted = key.replace('/', '.');
            out.add(dotted + " is 0 in the host namespace: containers of " + String.join(", ", nets) + " reach the"
                    + " host only, and published ports are not reachable from outside (turn it on: sysctl -w "
                    + dotted + "=1)");
        });
        return out;
    }

    private void forwarding(Map<String, List<String>> off, String key, String network) {
        String v;
        try {
            v = p.host.sysctl(key);
        } catch (RuntimeException unreadable) {
            return;
        }
        if ("0".equals(v)) off.computeIfAbsent(key, k -> new ArrayList<>()).add("network " + network);
    }

    /** The networks shared with other hosts, as their drivers see the cluster. */
    private List<EngineStatus.OverlayStatus> overlays() {
        List<EngineStatus.OverlayStatus> out = new ArrayList<>();
        for (Network n : p.networks()) {
            Peers peers = p.driver(n).peers(n);
            if (peers == null) continue;
            out.add(new EngineStatus.OverlayStatus(n.name(), peers.vni(), peers.device(), peers.underlay(), peers.store(),
                    peers.peers().stream().map(x -> new EngineStatus.PeerStatus(x.host(), x.name(), x.underlay(),
                            x.containers(), x.lastSeenMs())).toList()));
        }
        return out;
    }

    /** The namespace column of a container whose runtime has its namespace (its IFNAME: the name it was handed over as). */
    static final String HANDED_OVER = "(runtime's)";
    /** One container, read by itself (a CNI ADD's answer, without the whole status). */
    Optional<EngineStatus.ContainerStatus> container(String name) {
        return p.store.read(tx -> tx.containers().find(name).map(r -> container(r, tx.endpoints().ofContainer(name))));
    }

    Optional<EngineStatus.NetworkStatus> network(String name) {
        return p.store.read(tx -> tx.networks().find(name)).map(StatusView::network);
    }

    private static EngineStatus.NetworkStatus network(Network n) {
        return new EngineStatus.NetworkStatus(n.name(), n.bridge().toString(), n.ipv4().subnet().toString(),
                n.ipv4().gateway().toString(), n.ipv4().range() == null ? null : n.ipv4().range().toString(),
                n.ipv6() == null ? null : n.ipv6().subnet().toString(), n.mtu().value(), n.options().icc(),
                n.options().ipMasq(), n.options().internal(), n.options().firewall().label(),
                n.bridgeOrigin() == BridgeOrigin.CREATED);
    }

    private EngineStatus.ContainerStatus container(ContainerRecord r, List<Endpoint> endpoints) {
        List<Endpoint> mine = new ArrayList<>(endpoints);
        // its first network first
        mine.sort(java.util.Comparator.comparing(x -> !(r.mode() instanceof NetworkMode.Bridge b
                && b.network().equals(x.network()))));
        Endpoint e = mine.isEmpty() ? null : mine.getFirst();
        List<String> files = Files.isDirectory(p.overlay.directory(r.name()))
                ? p.overlay.mounts(r.name(), false).stream().map(Mount::source).toList() : List.of();
        // a bridge container without an endpoint is one whose attach failed: it has only lo, as with none
        String network = e != null ? e.network() : r.mode() instanceof NetworkMode.Bridge ? "none" : r.mode().toString();
        return new EngineStatus.ContainerStatus(r.name(), network, e != null && e.handedOver() ? HANDED_OVER : netnsColumn(r),
                e != null ? e.ifName().toString() : null, e != null ? e.hostVeth().toString() : null,
                e != null ? e.ipv4().toString() : null, e != null && e.ipv6() != null ? e.ipv6().toString() : null,
                e != null ? e.mac().toString() : null, r.hostname().toString(), files,
                mine.stream().map(StatusView::attachment).toList(), r.labels());
    }

    private static EngineStatus.AttachmentStatus attachment(Endpoint e) {
        return new EngineStatus.AttachmentStatus(e.network(), e.ifName().toString(), e.hostVeth().toString(),
                e.ipv4().toString(), e.ipv6() == null ? null : e.ipv6().toString(), e.mac().toString(), e.defaultRoute(),
                e.aliases().stream().map(Object::toString).toList());
    }

    /** The namespace column: the container's own, {@code container:NAME}, or {@code -} for host mode. */
    private static String netnsColumn(ContainerRecord r) {
        return r.netns() != null ? r.netns() : r.mode() instanceof NetworkMode.Container o ? o.toString() : "-";
    }

    /** Published ports from the store, without the kernel's counters (-1: {@link #live} adds them). */
    private static List<EngineStatus.PortStatus> uncounted(List<PortBinding> bindings) {
        List<EngineStatus.PortStatus> out = new ArrayList<>();
        for (PortBinding b : bindings) {
            PortMapping m = b.mapping();
            out.add(new EngineStatus.PortStatus(b.container(), m.protocol().toString().toLowerCase(Locale.ROOT),
                    m.hostIp() == null ? null : m.hostIp().toString(), m.hostPort(), b.containerIp().toString(),
                    m.containerPort(), -1, -1)); // the firewall counts connections, not bytes
        }
        return out;
    }

    Engine.ContainerRuntime runtime(String container) {
        ContainerRecord r = p.store.read(tx -> tx.containers().find(container)).orElseThrow(() -> new NotFoundException(
                "container", container, "no such container in the state " + p.options.stateDir(),
                "the name of a container applied from a script"));
        String netns = r.netns();
        String filesOf = container;
        if (r.mode() instanceof NetworkMode.Container o) {
            // shares another container's namespace and, as in Docker, its resolv.conf and hosts
            filesOf = o.container();
            netns = p.store.read(tx -> tx.containers().find(o.container())).map(ContainerRecord::netns).orElse(null);
        }
        if (netns == null) return new Engine.ContainerRuntime(null, r.hostname(), List.of());
        return new Engine.ContainerRuntime(netns, r.hostname(), p.overlay.mounts(filesOf, false));
    }
}

package org.nlbridge.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.nlbridge.driver.CrashPoint;
import org.nlbridge.driver.Step;
import org.nlbridge.driver.Unit;
import org.nlbridge.driver.dns.HostsFile;
import org.nlbridge.driver.dns.OverlaySpec;
import org.nlbridge.net.IpAddress;
import org.nlbridge.netns.NetNs;
import org.nlbridge.resolver.ListenerSpec;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.Change.Action;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DnsSpec;
import org.nlbridge.spec.ExtraHost;
import org.nlbridge.spec.GatewayMode;
import org.nlbridge.spec.NetworkMode;
import org.nlbridge.state.ContainerRecord;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Network;

/**
 * The engine's steps for containers known by name, whatever their network mode: the record in the store, the
 * namespace the engine creates (and may therefore delete), {@code lo} of a {@code --network none} container, and
 * the resolv.conf / hosts / hostname overlay. Each step that changes something registers with its unit what puts it
 * back, for a request that is undone.
 */
final class ContainerSteps {
    private final Parts p;

    ContainerSteps(Parts p) {
        this.p = p;
    }

    /** Host and container:NAME modes: no namespace of their own. */
    static boolean ownNetns(NetworkMode mode) {
        return !(mode instanceof NetworkMode.Host) && !(mode instanceof NetworkMode.Container);
    }

    /**
     * Whether the engine keeps a namespace for the container: not in host or container:NAME mode, and not for a
     * container whose runtime brings its own namespace ({@link ContainerSpec#handover()}).
     */
    static boolean ownNetns(ContainerSpec c) {
        return ownNetns(c.network()) && c.handover() == null;
    }

    /**
     * The container's record, if it is new or changed. Written before anything is made for the container, so destroy
     * finds it even if this process dies next; a namespace the engine created for it before stays the engine's, and
     * so does one it created for a container this request removes ({@code handedOver}: the namespaces of leaving
     * containers that the engine created).
     */
    Optional<Step> record(ContainerSpec c, Optional<ContainerRecord> old, Set<String> handedOver, Unit unit) {
        String netns = ownNetns(c) ? c.netns() : null;
        boolean created = netns != null && (old.isPresent() && netns.equals(old.get().netns()) && old.get().createdNetns()
                || handedOver.contains(netns));
        ContainerRecord want = new ContainerRecord(c.name(), c.network(), c.hostname(), netns, created, c.labels());
        if (old.isPresent() && old.get().equals(want)) return Optional.empty();
        String detail = "network " + c.network() + (netns != null ? ", netns " + netns : "")
                + (c.handover() != null ? ", handed over as " + c.handover() : ", hostname " + c.hostname());
        return Optional.of(Step.call(new Change(old.isPresent() ? Action.UPDATE : Action.CREATE, "container", c.name(),
                detail), unit, () -> {
            unit.onUndo(errors -> putBack(c.name(), old.orElse(null)));
            p.store.update(tx -> tx.containers().put(want));
        }));
    }

    private void putBack(String name, ContainerRecord old) {
        p.store.update(tx -> {
            if (old != null) tx.containers().put(old);
            else tx.containers().delete(name);
        });
    }

    /**
     * Creates the container's namespace. The record says first that the engine creates it (the journal: a process
     * killed right after the create leaves a namespace its record owns, which destroy deletes), and says so no
     * longer if the create fails (someone else's namespace of that name appeared meanwhile).
     */
    Step createNetns(ContainerSpec c, Unit unit) {
        return Step.call(new Change(Action.CREATE, "netns", c.netns(), "container " + c.name()), unit, () -> {
            ContainerRecord before = p.store.read(tx -> tx.containers().find(c.name())).orElse(null);
            if (before != null) p.store.update(tx -> tx.containers().put(before.withCreatedNetns(true)));
            CrashPoint.at(CrashPoint.NETNS_JOURNALLED);
            try {
                NetNs.create(c.netns()).close();
            } catch (RuntimeException e) {
                if (before != null) putBack(c.name(), before);
                throw e;
            }
            unit.onUndo(errors -> {
                try {
                    NetNs.delete(c.netns());
                } catch (RuntimeException ex) {
                    errors.add("netns " + c.netns() + ": " + ex.getMessage());
                }
                if (before != null) putBack(c.name(), before);
            });
        });
    }

    /** {@code lo} up in a namespace with no other networking (Docker {@code --network none}). */
    static Step loopback(ContainerSpec c, Unit unit) {
        return Step.netlink(new Change(Action.UPDATE, "link", c.netns() + ":lo", "up"), unit, c.netns(),
                r -> r.batch().links().setUp("lo"));
    }

    /**
     * What a container's files are made from: its spec, its network (null unless on a bridge network) and that
     * network's DNS defaults.
     */
    record FilesOf(ContainerSpec container, Network network, DnsSpec networkDns) {}

    /**
     * The overlay files, if they should be written: the container is being attached, they differ from what it should
     * have now, or ({@code namesChanged}) the other containers of its networks change in this apply and no name server
     * runs, so its /etc/hosts lists them. Written at apply time from the store, then: the addresses, and the other
     * containers as attached by then ({@code names}, read once for all the files steps of an apply). {@code stored}:
     * the container's endpoints in the store's view the plan is made from (what its files should show now).
     */
    Optional<Step> files(FilesOf f, boolean attaching, boolean namesChanged, NameTables now,
                         Supplier<NameTables> names, List<Endpoint> stored, Unit unit) {
        ContainerSpec c = f.container();
        Path dir = p.overlay.directory(c.name());
        boolean exists = Files.isDirectory(dir);
        boolean neighbours = namesChanged && !p.options.nameServer() && usesNames(f);
        if (!attaching && !neighbours && !filesDiffer(f, firstNetworkFirst(c, stored), now)) return Optional.empty();
        String detail = "resolv.conf" + (usesNames(f) && p.options.nameServer() ? " (nameserver "
                + ListenerSpec.DOCKER_ADDRESS + ", the name server)" : "") + ", hosts" + (usesNames(f)
                && !p.options.nameServer() ? " (with the containers of its networks)" : "")
                + ", hostname";
        return Optional.of(Step.call(new Change(exists && !attaching ? Action.UPDATE : Action.CREATE, "files",
                dir.toString(), detail), unit, () -> {
            DnsSpec dns = dns(f);
            Map<String, String> old = read(dir);
            Optional<DnsSpec> oldDns = p.store.read(tx -> tx.names().dns(c.name()));
            unit.onUndo(errors -> {
                putBack(c.name(), dir, old, errors);
                oldDns.ifPresent(d -> p.store.update(tx -> tx.containers().find(c.name())
                        .ifPresent(r -> tx.names().setDns(c.name(), d))));
            });
            p.overlay.write(c.name(), overlaySpec(f, endpoints(c), names.get()));
            p.store.update(tx -> tx.containers().find(c.name()).ifPresent(r -> tx.names().setDns(c.name(), dns)));
        }));
    }

    /**
     * The other containers' lines of a container's /etc/hosts rewritten in place (no name server runs), for a
     * container outside the script being destroyed, whose spec the engine does not have: only that section changes.
     */
    Step neighbours(String container, Supplier<NameTables> names) {
        Path dir = p.overlay.directory(container);
        return Step.call(new Change(Action.UPDATE, "files", dir.toString(), "hosts (the containers of its networks)"),
                Unit.bestEffort("container " + container),
                () -> p.overlay.writeNeighbours(container, names.get().neighbours(container)));
    }

    /** A container with a namespace of its own on a user network (any of its networks): names are resolved for it. */
    static boolean usesNames(FilesOf f) {
        return f.network() != null && f.container().network() instanceof NetworkMode.Bridge
                && f.container().attachments().stream().anyMatch(a -> NameTables.userNetwork(a.network()));
    }

    /** The overlay files there are, by name (null: no directory). */
    private static Map<String, String> read(Path dir) {
        if (!Files.isDirectory(dir)) return null;
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                out.put(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the overlay files in " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    private void putBack(String container, Path dir, Map<String, String> old, List<String> errors) {
        try {
            if (old == null) {
                p.overlay.remove(container);
                return;
            }
            for (Map.Entry<String, String> f : old.entrySet()) {
                Files.writeString(dir.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
            }
        } catch (IOException | RuntimeException e) {
            errors.add("files in " + dir + ": " + e.getMessage());
        }
    }

    /** A container's endpoints, its first network's first (the addresses its hosts file lists, in that order). */
    private List<Endpoint> endpoints(ContainerSpec c) {
        if (!(c.network() instanceof NetworkMode.Bridge)) return List.of();
        return firstNetworkFirst(c, p.store.read(tx -> tx.endpoints().ofContainer(c.name())));
    }

    /** {@code stored} (ordered by network) with the container's first network's first. */
    private static List<Endpoint> firstNetworkFirst(ContainerSpec c, List<Endpoint> stored) {
        if (!(c.network() instanceof NetworkMode.Bridge b)) return List.of();
        List<Endpoint> all = new ArrayList<>(stored);
        all.sort(java.util.Comparator.comparing(e -> !e.network().equals(b.network())));
        return all;
    }

    /** Whether the files differ from what they should hold now (no store transaction: a plan checks every container). */
    private boolean filesDiffer(FilesOf f, List<Endpoint> endpoints, NameTables now) {
        ContainerSpec c = f.container();
        Map<String, String> want = p.overlay.render(overlaySpec(f, endpoints, now));
        Path dir = p.overlay.directory(c.name());
        for (Map.Entry<String, String> file : want.entrySet()) {
            try {
                if (!Files.readString(dir.resolve(file.getKey()), StandardCharsets.UTF_8).equals(file.getValue())) return true;
            } catch (IOException missing) {
                return true;
            }
        }
        return false;
    }

    /**
     * The files of a container: its host name, its addresses and {@code --add-host} lines in /etc/hosts, the DNS of
     * its network and its own; on a user network either the name server in resolv.conf or, without one, the other
     * containers of its networks in /etc/hosts.
     */
    private OverlaySpec overlaySpec(FilesOf f, List<Endpoint> endpoints, NameTables names) {
        ContainerSpec c = f.container();
        OverlaySpec.Builder b = OverlaySpec.builder().hostname(c.hostname());
        for (Endpoint e : endpoints) {
            b.address(e.ipv4());
            if (e.ipv6() != null) b.address(e.ipv6());
        }
        b.ipv6Disabled(endpoints.stream().allMatch(e -> e.ipv6() == null));
        for (ExtraHost x : c.addHosts()) {
            for (IpAddress a : x.hostGateway() ? gateways(f.network()) : List.of(x.address())) {
                b.extraHost(new HostsFile.Entry(a, List.of(x.name())));
            }
        }
        if (usesNames(f)) {
            if (p.options.nameServer()) b.nameServer(ListenerSpec.DOCKER_ADDRESS, names.internalOnly(c.name()));
            else b.neighbours(names.neighbours(c.name()));
        }
        return b.dns(dns(f)).build();
    }

    private static DnsSpec dns(FilesOf f) {
        return f.networkDns() == null ? f.container().dns() : mergeDns(f.networkDns(), f.container().dns());
    }

    /** {@code host-gateway}: the network's gateway addresses, of each family whose gateway mode gives it one. */
    static List<IpAddress> gateways(Network n) {
        List<IpAddress> out = new ArrayList<>(2);
        if (n == null) return out;
        if (n.options().gatewayMode4() != GatewayMode.ISOLATED) out.add(n.ipv4().gateway());
        if (n.ipv6() != null && n.options().gatewayMode6() != GatewayMode.ISOLATED) out.add(n.ipv6().gateway());
        return out;
    }

    /** The container's DNS: each part it sets replaces the network's, as --dns* on docker run override dockerd's. */
    static DnsSpec mergeDns(DnsSpec network, DnsSpec container) {
        DnsSpec.Builder b = DnsSpec.builder();
        (container.nameservers().isEmpty() ? network.nameservers() : container.nameservers()).forEach(b::nameserver);
        (container.search().isEmpty() ? network.search() : container.search()).forEach(b::search);
        (container.options().isEmpty() ? network.options() : container.options()).forEach(b::option);
        return b.build();
    }

    /**
     * A container no longer wanted: its files, its namespace if the engine created it and no container that stays
     * uses it ({@code inUse}), its record. Comes after everything else of a request: it cannot be undone.
     */
    List<Step> forget(ContainerRecord r, Set<String> inUse) {
        Unit unit = Unit.bestEffort("container " + r.name());
        Path dir = p.overlay.directory(r.name());
        Step files = Files.exists(dir) ? Step.call(new Change(Action.DELETE, "files", dir.toString(), ""), unit, () -> {
            p.overlay.remove(r.name());
            CrashPoint.at(CrashPoint.FORGETTING);
        }) : null;
        Step netns = r.createdNetns() && !inUse.contains(r.netns()) ? deleteNetns(r.netns(), r.name(), unit) : null;
        Step record = Step.call(new Change(Action.DELETE, "container", r.name(), "network " + r.mode()), unit,
                () -> p.store.update(tx -> tx.containers().delete(r.name())));
        return Stream.of(files, netns, record).filter(Objects::nonNull).toList();
    }

    /**
     * The namespace the engine created for a container that now lives elsewhere, if no container uses it any more
     * (at the end of the request, like {@link #forget}).
     */
    Optional<Step> leftNetns(ContainerRecord old, ContainerSpec now, Set<String> inUse) {
        if (!old.createdNetns() || old.netns().equals(ownNetns(now) ? now.netns() : null)
                || inUse.contains(old.netns())) {
            return Optional.empty();
        }
        return Optional.ofNullable(deleteNetns(old.netns(), old.name(), Unit.bestEffort("container " + old.name())));
    }

    private static Step deleteNetns(String netns, String container, Unit unit) {
        if (!NetNs.exists(netns)) return null;
        return Step.call(new Change(Action.DELETE, "netns", netns, "container " + container), unit,
                () -> NetNs.delete(netns));
    }
}

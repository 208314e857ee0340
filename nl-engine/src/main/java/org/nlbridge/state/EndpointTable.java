package org.nlbridge.state;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.nlbridge.net.DnsName;
import org.nlbridge.net.Hostname;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.ValidationException;

/**
 * The {@code endpoints} table: one row per container per network, which is at the same time the intent
 * journal of the attach/detach ({@link Phase}) and the allocation of its addresses. An in-flight row
 * records which process wrote it ({@link Owner}), so reconcile in one engine never tears down what another
 * live engine is in the middle of.
 */
public final class EndpointTable {

    /** The {@code netns} of an endpoint handed over to a runtime ({@link Endpoint#handedOver}): no path. */
    static final String HANDED_OVER = "";

    static final List<String> DDL = List.of("""
            CREATE TABLE endpoints (
                container     TEXT NOT NULL,
                network       TEXT NOT NULL REFERENCES networks (name),
                netns         TEXT NOT NULL,
                if_name       TEXT NOT NULL,
                host_veth     TEXT NOT NULL UNIQUE,
                hostname      TEXT NOT NULL,
                ipv4          TEXT NOT NULL,
                ipv6          TEXT,
                mac           TEXT NOT NULL,
                phase         TEXT NOT NULL CHECK (phase IN ('attaching', 'attached', 'detaching')),
                owner_pid     INTEGER,          -- the writer of an in-flight row; NULL once attached
                owner_started INTEGER,
                PRIMARY KEY (container, network),
                -- the allocation itself: a second holder of an address cannot be stored
                UNIQUE (network, ipv4),
                UNIQUE (network, ipv6),
                UNIQUE (network, mac),
                CHECK ((phase = 'attached') = (owner_pid IS NULL)),
                CHECK ((owner_pid IS NULL) = (owner_started IS NULL))
            ) STRICT""");

    /** Schema version 3: the endpoint's anti-spoofing switch ({@code spoofCheck}), on for every older endpoint. */
    static final List<String> DDL_V3 = List.of(
            "ALTER TABLE endpoints ADD COLUMN spoof_check INTEGER NOT NULL DEFAULT 1 CHECK (spoof_check IN (0, 1))");

    /**
     * Version 4: what a container on several networks needs per attachment, its aliases (names separated by
     * spaces) and whether it carries the default route; one interface name per container.
     */
    static final List<String> DDL_V4 = List.of(
            "ALTER TABLE endpoints ADD COLUMN aliases TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE endpoints ADD COLUMN default_route INTEGER NOT NULL DEFAULT 1 CHECK (default_route IN (0, 1))",
            "CREATE UNIQUE INDEX endpoints_if_name ON endpoints (container, if_name)");

    /** The order of {@link #all}: by network, then container. */
    private static final Comparator<Endpoint> ORDER = Comparator.comparing(Endpoint::network).thenComparing(Endpoint::container);
    private static final char KEY_SEPARATOR = '\n'; // in no name

    /** An endpoint's key in the store's cache of {@link #all} (and the key of its port bindings, {@link PortTable}). */
    static String key(String container, String network) {
        return container + KEY_SEPARATOR + network;
    }

    /** {@code read(container, network)} of the endpoint a {@link #key} names. */
    static <T> List<T> ofKey(String key, java.util.function.BiFunction<String, String, List<T>> read) {
        int cut = key.indexOf(KEY_SEPARATOR);
        return read.apply(key.substring(0, cut), key.substring(cut + 1));
    }

    private static final String COLUMNS =
            "container, network, netns, if_name, host_veth, hostname, ipv4, ipv6, mac, phase, aliases, default_route,"
                    + " spoof_check";

    private final Tx tx;

    EndpointTable(Tx tx) {
        this.tx = tx;
    }

    /**
     * Journals a new endpoint in {@link Phase#ATTACHING}, owned by this process, before any syscall of the
     * attach. Its addresses count as used from here on. The way in is {@code Ipam.attach}, which picks the
     * addresses in the same transaction; this method only refuses duplicates.
     *
     * @throws ValidationException if the container is already on the network, or the host veth name or
     *                             the MAC is taken
     */
    public void insert(Endpoint e) {
        insert(e, Owner.current());
    }

    void insert(Endpoint e, Owner owner) {
        if (e.phase() != Phase.ATTACHING) {
            throw new IllegalArgumentException("an endpoint is journalled as ATTACHING first, not " + e.phase());
        }
        requireNotAttached(e.container(), e.network());
        Optional<String> vethUser = tx.queryOne("SELECT container || ' on network ' || network FROM endpoints"
                + " WHERE host_veth = ?", rs -> rs.getString(1), e.hostVeth().toString());
        if (vethUser.isPresent()) {
            throw new ValidationException("container " + e.container() + ": host veth", e.hostVeth().toString(),
                    "already used by container " + vethUser.get(), "an interface name no other endpoint uses");
        }
        Optional<String> macUser = macOwner(e.network(), e.mac());
        if (macUser.isPresent()) {
            throw new ValidationException("container " + e.container() + ": mac", e.mac().toString(),
                    "in use by container " + macUser.get() + " on network " + e.network(),
                    "a MAC address no other container on " + e.network() + " uses");
        }
        Optional<String> ifUser = tx.queryOne("SELECT network FROM endpoints WHERE container = ? AND if_name = ?",
                rs -> rs.getString(1), e.container(), e.ifName().toString());
        if (ifUser.isPresent()) {
            throw new ValidationException("container " + e.container() + ": ifname", e.ifName().toString(),
                    "already its interface on network " + ifUser.get(), "an interface name of its own per network");
        }
        tx.updateRow(key(e.container(), e.network()), "INSERT INTO endpoints (" + COLUMNS + ", owner_pid, owner_started)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                e.container(), e.network(), e.handedOver() ? HANDED_OVER : e.netns().toString(), e.ifName().toString(),
                e.hostVeth().toString(),
                e.hostname().toString(), e.ipv4().toString(), e.ipv6() == null ? null : e.ipv6().toString(),
                e.mac().toString(), e.phase().column(), aliases(e.aliases()), e.defaultRoute(), e.spoofCheck() ? 1 : 0,
                owner.pid(), owner.started());
    }

    /** @throws ValidationException if the container already has an endpoint (in any phase) on the network */
    public void requireNotAttached(String container, String network) {
        if (find(container, network).isPresent()) {
            throw new ValidationException("container", container, "already attached to network " + network,
                    "a container not yet attached to " + network);
        }
    }

    public Optional<Endpoint> find(String container, String network) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM endpoints WHERE container = ? AND network = ?",
                EndpointTable::endpoint, container, network);
    }

    /** The endpoints on a network, by container name. */
    public List<Endpoint> ofNetwork(String network) {
        return tx.query("SELECT " + COLUMNS + " FROM endpoints WHERE network = ? ORDER BY container",
                EndpointTable::endpoint, network);
    }

    /** A container's endpoints, by network name. */
    public List<Endpoint> ofContainer(String container) {
        return tx.query("SELECT " + COLUMNS + " FROM endpoints WHERE container = ? ORDER BY network",
                EndpointTable::endpoint, container);
    }

    /** Every endpoint, by network then container. */
    public List<Endpoint> all() {
        return tx.cached("endpoints", () -> tx.query("SELECT " + COLUMNS + " FROM endpoints ORDER BY network, container",
                EndpointTable::endpoint), e -> key(e.container(), e.network()),
                k -> ofKey(k, (c, n) -> find(c, n).stream().toList()), ORDER);
    }

    /**
     * The addresses of one family in use on a network, in address order, each with the container that holds
     * it. This is the allocator's whole view of the pool: no more rows than endpoints, however large the
     * subnet (an IPv6 /64 is never enumerated).
     */
    public NavigableMap<IpAddress, String> addressOwners(String network, int family) {
        String column = switch (family) {
            case IpAddress.AF_INET -> "ipv4";
            case IpAddress.AF_INET6 -> "ipv6";
            default -> throw new IllegalArgumentException("unknown address family " + family);
        };
        NavigableMap<IpAddress, String> owners = new TreeMap<>();
        tx.query("SELECT " + column + ", container FROM endpoints WHERE network = ? AND " + column + " IS NOT NULL",
                rs -> Map.entry(IpAddress.parse("endpoints." + column, rs.getString(1)), rs.getString(2)), network)
                .forEach(e -> owners.put(e.getKey(), e.getValue()));
        return owners;
    }

    /** The container on {@code network} whose interface has this MAC, if any. */
    public Optional<String> macOwner(String network, MacAddress mac) {
        return tx.queryOne("SELECT container FROM endpoints WHERE network = ? AND mac = ?",
                rs -> rs.getString(1), network, mac.toString());
    }

    /**
     * Moves an endpoint along the journal ({@link Phase#canMoveTo}). Moving to an in-flight phase makes this
     * process its owner; reaching {@link Phase#ATTACHED} clears the owner.
     *
     * @return the endpoint in its new phase
     * @throws IllegalStateException if there is no such endpoint or the move is not an edge of the journal
     */
    public Endpoint setPhase(String container, String network, Phase next) {
        Endpoint e = find(container, network).orElseThrow(() -> new IllegalStateException(
                "no endpoint of container " + container + " on network " + network + " to move to " + next));
        if (!e.phase().canMoveTo(next)) {
            throw new IllegalStateException("endpoint of " + e.describe() + " is " + e.phase() + "; it cannot move to "
                    + next);
        }
        write(e.withPhase(next), next.inFlight() ? Owner.current() : null);
        return e.withPhase(next);
    }

    /**
     * Claims, for this process's reconcile, every endpoint left in flight by a process that is gone (it
     * crashed between journalling and finishing). Each comes back in {@link Phase#DETACHING}, owned by this
     * process, so a second engine reconciling at the same time leaves it alone. The caller tears each one
     * down (idempotently: any part may or may not exist) and then {@link #delete}s it, which frees its
     * addresses and its ports.
     */
    public List<Endpoint> claimStuck() {
        List<InFlight> inFlight = tx.query("SELECT " + COLUMNS + ", owner_pid, owner_started FROM endpoints"
                + " WHERE phase <> 'attached' ORDER BY network, container",
                rs -> new InFlight(endpoint(rs), new Owner(rs.getLong("owner_pid"), rs.getLong("owner_started"))));
        Owner self = Owner.current();
        List<Endpoint> claimed = new ArrayList<>();
        for (InFlight f : inFlight) {
            if (!f.owner().isAlive()) {
                Endpoint e = f.endpoint().withPhase(Phase.DETACHING);
                write(e, self);
                claimed.add(e);
            }
        }
        return claimed;
    }

    private record InFlight(Endpoint endpoint, Owner owner) {}

    /** The endpoints {@link #claimStuck} would claim, read only: what a plan shows as left by a dead process. */
    public List<Endpoint> stuck() {
        return tx.query("SELECT " + COLUMNS + ", owner_pid, owner_started FROM endpoints WHERE phase <> 'attached'"
                        + " ORDER BY network, container",
                rs -> new InFlight(endpoint(rs), new Owner(rs.getLong("owner_pid"), rs.getLong("owner_started"))))
                .stream().filter(f -> !f.owner().isAlive()).map(InFlight::endpoint).toList();
    }

    /**
     * Claims one endpoint that {@link #stuck} found, if it is still left by a dead process (not claimed meanwhile
     * by another engine): it comes back in {@link Phase#DETACHING}, owned by this process, for the caller to tear
     * down and {@link #delete}.
     */
    public Optional<Endpoint> claim(String container, String network) {
        Optional<InFlight> f = tx.queryOne("SELECT " + COLUMNS + ", owner_pid, owner_started FROM endpoints"
                        + " WHERE container = ? AND network = ? AND phase <> 'attached'",
                rs -> new InFlight(endpoint(rs), new Owner(rs.getLong("owner_pid"), rs.getLong("owner_started"))),
                container, network);
        if (f.isEmpty() || f.get().owner().isAlive() && !f.get().owner().equals(Owner.current())) return Optional.empty();
        Endpoint e = f.get().endpoint().withPhase(Phase.DETACHING);
        write(e, Owner.current());
        return Optional.of(e);
    }

    /**
     * Deletes an endpoint after its teardown, or after the rollback of a failed attach, which releases its
     * addresses and removes its port bindings. Deleting one that is already gone is not an error, so
     * teardown can be repeated.
     *
     * @return the deleted endpoint, or empty if there was none
     * @throws IllegalStateException if it is still {@link Phase#ATTACHED}: mark it DETACHING before its
     *                               teardown starts, so a crash during the teardown stays visible
     */
    public Optional<Endpoint> delete(String container, String network) {
        Optional<Endpoint> found = find(container, network);
        found.ifPresent(e -> {
            if (!e.phase().inFlight()) {
                throw new IllegalStateException("endpoint of " + e.describe() + " is ATTACHED;"
                        + " mark it DETACHING before tearing it down");
            }
            tx.updateRow(key(container, network), "DELETE FROM endpoints WHERE container = ? AND network = ?", container, network);
        });
        return found;
    }

    /**
     * Records an attached endpoint's aliases and whether it carries the default route (what can change without
     * re-making it).
     */
    public void setOptions(String container, String network, List<DnsName> aliases, boolean defaultRoute) {
        if (tx.updateRow(key(container, network), "UPDATE endpoints SET aliases = ?, default_route = ? WHERE container = ? AND network = ?",
                aliases(aliases), defaultRoute, container, network) != 1) {
            throw new IllegalStateException("no endpoint of container " + container + " on network " + network);
        }
    }

    private static String aliases(List<DnsName> names) {
        return String.join(" ", names.stream().map(DnsName::toString).toList());
    }

    private void write(Endpoint e, Owner owner) {
        tx.updateRow(key(e.container(), e.network()), "UPDATE endpoints SET phase = ?, owner_pid = ?, owner_started = ?"
                        + " WHERE container = ? AND network = ?",
                e.phase().column(), owner == null ? null : owner.pid(), owner == null ? null : owner.started(),
                e.container(), e.network());
    }

    private static Endpoint endpoint(ResultSet rs) throws SQLException {
        String ipv6 = rs.getString("ipv6");
        return new Endpoint(
                rs.getString("container"),
                rs.getString("network"),
                rs.getString("netns").equals(HANDED_OVER) ? null : Path.of(rs.getString("netns")),
                IfName.parse("endpoints.if_name", rs.getString("if_name")),
                IfName.parse("endpoints.host_veth", rs.getString("host_veth")),
                Hostname.parse("endpoints.hostname", rs.getString("hostname")),
                Ipv4Address.parse("endpoints.ipv4", rs.getString("ipv4")),
                ipv6 == null ? null : Ipv6Address.parse("endpoints.ipv6", ipv6),
                MacAddress.parse("endpoints.mac", rs.getString("mac")),
                Phase.ofColumn(rs.getString("phase")),
                rs.getString("aliases").isEmpty() ? List.of() : java.util.Arrays.stream(rs.getString("aliases").split(" "))
                        .map(a -> DnsName.parse("endpoints.aliases", a)).toList(),
                rs.getBoolean("default_route"),
                rs.getInt("spoof_check") != 0);
    }
}

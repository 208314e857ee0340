package org.nlbridge.state;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Mtu;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.FirewallBackend;
import org.nlbridge.spec.GatewayMode;
import org.nlbridge.spec.NotFoundException;

/**
 * The {@code networks} table. Values are stored as their canonical text (what {@code toString()} of the
 * strict types prints), so the file reads plainly in {@code sqlite3} and parses back through the same
 * strict parsers as user input.
 */
public final class NetworkTable {

    static final List<String> DDL = List.of("""
            CREATE TABLE networks (
                name          TEXT PRIMARY KEY,
                bridge        TEXT NOT NULL UNIQUE,
                bridge_origin TEXT NOT NULL CHECK (bridge_origin IN ('created', 'given')),
                subnet        TEXT NOT NULL,
                gateway       TEXT NOT NULL,
                ip_range      TEXT,              -- NULL: allocate from the whole subnet
                subnet6       TEXT,              -- NULL: IPv4 only
                gateway6      TEXT,
                ip_range6     TEXT,
                mtu           INTEGER NOT NULL,
                icc           INTEGER NOT NULL CHECK (icc IN (0, 1)),
                ip_masq       INTEGER NOT NULL CHECK (ip_masq IN (0, 1)),
                ip_forward    INTEGER NOT NULL CHECK (ip_forward IN (0, 1)),
                internal      INTEGER NOT NULL CHECK (internal IN (0, 1)),
                firewall      TEXT NOT NULL,
                mac_from_ip   INTEGER NOT NULL CHECK (mac_from_ip IN (0, 1)),
                last_ipv4     TEXT,              -- Ipam's round-robin cursor: the last address it picked
                last_ipv6     TEXT,
                CHECK ((subnet6 IS NULL) = (gateway6 IS NULL)),
                CHECK (subnet6 IS NOT NULL OR ip_range6 IS NULL)
            ) STRICT""");

    /** Version 2: the driver that made the network (every network of version 1 is a bridge network). */
    static final List<String> DDL_V2 = List.of(
            "ALTER TABLE networks ADD COLUMN driver TEXT NOT NULL DEFAULT 'bridge'");

    /** Version 5: the gateway mode of each family (Docker's gateway_mode_ipv4/ipv6); every older network is nat. */
    static final List<String> DDL_V5 = List.of(
            "ALTER TABLE networks ADD COLUMN gateway_mode TEXT NOT NULL DEFAULT 'nat'",
            "ALTER TABLE networks ADD COLUMN gateway_mode6 TEXT NOT NULL DEFAULT 'nat'");

    private static final String COLUMNS = "name, driver, bridge, bridge_origin, subnet, gateway, ip_range, subnet6, gateway6,"
            + " ip_range6, mtu, icc, ip_masq, ip_forward, internal, firewall, mac_from_ip, gateway_mode, gateway_mode6";

    private final Tx tx;

    NetworkTable(Tx tx) {
        this.tx = tx;
    }

    /**
     * Stores a new network. The caller has validated its addresses (Ipam does, together with the overlap
     * check against the other networks, in the same transaction).
     *
     * @throws ValidationException if the name or the bridge is already taken
     */
    public void insert(Network n) {
        requireNew(n);
        SubnetConfig v6 = n.ipv6();
        NetworkOptions o = n.options();
        tx.update("INSERT INTO networks (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                n.name(), n.driver(), n.bridge().toString(), n.bridgeOrigin().column(),
                n.ipv4().subnet().toString(), n.ipv4().gateway().toString(), text(n.ipv4().range()),
                v6 == null ? null : v6.subnet().toString(), v6 == null ? null : v6.gateway().toString(),
                v6 == null ? null : text(v6.range()),
                n.mtu().value(), o.icc(), o.ipMasq(), o.ipForward(), o.internal(), o.firewall().label(), o.macFromIp(),
                o.gatewayMode4().label(), o.gatewayMode6().label());
    }

    /** @throws ValidationException if another network has the name or the bridge of {@code n} */
    public void requireNew(Network n) {
        if (find(n.name()).isPresent()) {
            throw new ValidationException("network", n.name(), "a network with this name already exists",
                    "a name no other network uses");
        }
        Optional<String> bridgeOwner = tx.queryOne("SELECT name FROM networks WHERE bridge = ?",
                rs -> rs.getString(1), n.bridge().toString());
        if (bridgeOwner.isPresent()) {
            throw new ValidationException("network " + n.name() + ": bridge", n.bridge().toString(),
                    "already used by network " + bridgeOwner.get(), "a bridge no other network uses");
        }
    }

    public Optional<Network> find(String name) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM networks WHERE name = ?", NetworkTable::network, name);
    }

    /** @throws ValidationException naming the network if there is none by that name */
    public Network get(String name) {
        return find(name).orElseThrow(() -> new NotFoundException("network", name, "no such network",
                "the name of an existing network"));
    }

    /** Every network, by name. */
    public List<Network> all() {
        return tx.cached("networks", () -> tx.query("SELECT " + COLUMNS + " FROM networks ORDER BY name", NetworkTable::network));
    }

    /**
     * Removes a network that no endpoint uses any more; a missing one is not an error, so teardown can be
     * repeated.
     *
     * @return false if there was no such network
     * @throws ValidationException if containers are still attached, naming them
     */
    public boolean delete(String name) {
        List<String> containers = tx.query("SELECT container FROM endpoints WHERE network = ? ORDER BY container",
                rs -> rs.getString(1), name);
        if (!containers.isEmpty()) {
            throw new ValidationException("network", name, "still has " + containers.size()
                    + (containers.size() == 1 ? " endpoint (container " : " endpoints (containers ")
                    + String.join(", ", containers) + ")", "a network without endpoints; detach them first");
        }
        return tx.update("DELETE FROM networks WHERE name = ?", name) == 1;
    }

    /** Ipam's round-robin cursor for the family ({@link IpAddress#AF_INET} or {@code AF_INET6}). */
    public Optional<IpAddress> lastAllocated(String network, int family) {
        String column = cursorColumn(family);
        return tx.queryOne("SELECT " + column + " FROM networks WHERE name = ? AND " + column + " IS NOT NULL",
                rs -> IpAddress.parse("networks." + column, rs.getString(1)), network);
    }

    public void setLastAllocated(String network, IpAddress address) {
        int changed = tx.update("UPDATE networks SET " + cursorColumn(address.family()) + " = ? WHERE name = ?",
                address.toString(), network);
        if (changed != 1) {
            throw new IllegalStateException("no network " + network + " to record the allocation of " + address);
        }
    }

    private static String cursorColumn(int family) {
        return switch (family) {
            case IpAddress.AF_INET -> "last_ipv4";
            case IpAddress.AF_INET6 -> "last_ipv6";
            default -> throw new IllegalArgumentException("unknown address family " + family);
        };
    }

    private static Network network(ResultSet rs) throws SQLException {
        String subnet6 = rs.getString("subnet6");
        SubnetConfig v6 = subnet6 == null ? null : new SubnetConfig(
                Cidr.parseSubnet("networks.subnet6", subnet6),
                IpAddress.parse("networks.gateway6", rs.getString("gateway6")),
                subnet(rs, "ip_range6"));
        return new Network(
                rs.getString("name"),
                rs.getString("driver"),
                IfName.parse("networks.bridge", rs.getString("bridge")),
                BridgeOrigin.ofColumn(rs.getString("bridge_origin")),
                new SubnetConfig(Cidr.parseSubnet("networks.subnet", rs.getString("subnet")),
                        IpAddress.parse("networks.gateway", rs.getString("gateway")),
                        subnet(rs, "ip_range")),
                v6,
                Mtu.of(rs.getInt("mtu")),
                new NetworkOptions(rs.getBoolean("icc"), rs.getBoolean("ip_masq"), rs.getBoolean("ip_forward"),
                        rs.getBoolean("internal"), FirewallBackend.parse("networks.firewall", rs.getString("firewall")),
                        rs.getBoolean("mac_from_ip"),
                        GatewayMode.parse("networks.gateway_mode", rs.getString("gateway_mode")),
                        GatewayMode.parse("networks.gateway_mode6", rs.getString("gateway_mode6"))));
    }

    private static Cidr subnet(ResultSet rs, String column) throws SQLException {
        String text = rs.getString(column);
        return text == null ? null : Cidr.parseSubnet("networks." + column, text);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}

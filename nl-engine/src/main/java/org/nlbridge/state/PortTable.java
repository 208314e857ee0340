package org.nlbridge.state;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.IpProtocol;
import org.nlbridge.net.PortMapping;
import org.nlbridge.net.ValidationException;

/**
 * The {@code port_bindings} table: published ports, each tied to the endpoint it leads to (deleting the
 * endpoint deletes its bindings). A host port is held by one binding per address it listens on; see
 * {@link PortBinding#conflictsWith} for why "all addresses" and a specific one clash.
 */
public final class PortTable {

    static final List<String> DDL = List.of("""
            CREATE TABLE port_bindings (
                protocol       TEXT NOT NULL CHECK (protocol IN ('tcp', 'udp')),
                host_ip        TEXT,             -- NULL: every host address, both families
                host_port      INTEGER NOT NULL CHECK (host_port BETWEEN 1 AND 65535),
                container      TEXT NOT NULL,
                network        TEXT NOT NULL,
                container_ip   TEXT NOT NULL,
                container_port INTEGER NOT NULL CHECK (container_port BETWEEN 1 AND 65535),
                FOREIGN KEY (container, network) REFERENCES endpoints (container, network) ON DELETE CASCADE
            ) STRICT""",
            // exact duplicates only; the wildcard overlaps are checked in publish(), under the write lock
            "CREATE UNIQUE INDEX port_bindings_host ON port_bindings (protocol, host_port, ifnull(host_ip, '*'))",
            // the cascade looks bindings up by endpoint
            "CREATE INDEX port_bindings_endpoint ON port_bindings (container, network)");

    private static final String COLUMNS =
            "protocol, host_ip, host_port, container, network, container_ip, container_port";
    private static final String ORDER = " ORDER BY protocol, host_port, ifnull(host_ip, '')";
    /** {@link #ORDER} in Java, for the store's cache of {@link #all}. */
    private static final java.util.Comparator<PortBinding> BY_ORDER = java.util.Comparator
            .comparing((PortBinding b) -> b.mapping().protocol().toString())
            .thenComparingInt(b -> b.mapping().hostPort())
            .thenComparing(b -> b.mapping().hostIp() == null ? "" : b.mapping().hostIp().toString());

    private final Tx tx;

    PortTable(Tx tx) {
        this.tx = tx;
    }

    /**
     * Records a published port for an existing endpoint. To publish several all-or-nothing, call this for
     * each inside one {@link StateStore#write}: the first conflict rolls back the whole transaction.
     *
     * @throws ValidationException if the host port is already published on an overlapping address, naming
     *                             the container that has it
     */
    public void publish(PortBinding b) {
        Endpoint e = tx.endpoints().find(b.container(), b.network()).orElseThrow(() -> new IllegalStateException(
                "no endpoint of container " + b.container() + " on network " + b.network() + " to publish "
                        + b.mapping() + " to"));
        if (!b.containerIp().equals(e.ipv4()) && !b.containerIp().equals(e.ipv6())) {
            throw new IllegalArgumentException("port " + b.mapping() + " leads to " + b.containerIp()
                    + ", which is not an address of " + e.describe());
        }
        PortMapping m = b.mapping();
        String protocol = m.protocol().toString();
        List<PortBinding> samePort = tx.query("SELECT " + COLUMNS + " FROM port_bindings"
                + " WHERE protocol = ? AND host_port = ?", PortTable::binding, protocol, m.hostPort());
        for (PortBinding held : samePort) {
            if (held.conflictsWith(b)) {
                throw new ValidationException("container " + b.container() + ": publish", m.toString(),
                        "host port " + protocol + "/" + m.hostPort() + " is already published by container "
                                + held.container() + " " + held.describeHost(),
                        "a host port that no other published port uses on the same host address");
            }
        }
        tx.updateRow(EndpointTable.key(b.container(), b.network()), "INSERT INTO port_bindings (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                protocol, m.hostIp() == null ? null : m.hostIp().toString(), m.hostPort(), b.container(), b.network(),
                b.containerIp().toString(), m.containerPort());
    }

    /** The ports published to one endpoint. */
    public List<PortBinding> ofEndpoint(String container, String network) {
        return tx.query("SELECT " + COLUMNS + " FROM port_bindings WHERE container = ? AND network = ?" + ORDER,
                PortTable::binding, container, network);
    }

    /** Every published port. */
    public List<PortBinding> all() {
        return tx.cached("port_bindings", () -> tx.query("SELECT " + COLUMNS + " FROM port_bindings" + ORDER, PortTable::binding),
                b -> EndpointTable.key(b.container(), b.network()), k -> EndpointTable.ofKey(k, this::ofEndpoint), BY_ORDER);
    }

    /** Removes the ports published to one endpoint and returns them, so their rules can be removed too. */
    public List<PortBinding> unpublish(String container, String network) {
        List<PortBinding> removed = ofEndpoint(container, network);
        tx.updateRow(EndpointTable.key(container, network), "DELETE FROM port_bindings WHERE container = ? AND network = ?", container, network);
        return removed;
    }

    private static PortBinding binding(ResultSet rs) throws SQLException {
        String hostIp = rs.getString("host_ip");
        PortMapping mapping = new PortMapping(
                IpProtocol.valueOf(rs.getString("protocol").toUpperCase(Locale.ROOT)),
                hostIp == null ? null : IpAddress.parse("port_bindings.host_ip", hostIp),
                rs.getInt("host_port"),
                rs.getInt("container_port"));
        return new PortBinding(mapping, rs.getString("container"), rs.getString("network"),
                IpAddress.parse("port_bindings.container_ip", rs.getString("container_ip")));
    }
}

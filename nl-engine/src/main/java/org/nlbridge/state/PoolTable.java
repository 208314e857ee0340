package org.nlbridge.state;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;

/**
 * The {@code ipam_pools} and {@code ipam_addresses} tables (schema version 3): the pools handed to a runtime's own IPAM
 * requests (Docker's {@code --ipam-driver nlbridge}) and the addresses reserved in each, the gateway marked. A pool's
 * subnet is unique; its addresses go with it. Values are canonical text, as in the other tables.
 */
public final class PoolTable {

    static final List<String> DDL = List.of("""
            CREATE TABLE ipam_pools (
                id        TEXT PRIMARY KEY,
                space     TEXT NOT NULL,
                subnet    TEXT NOT NULL UNIQUE,
                ip_range  TEXT,              -- NULL: addresses from the whole subnet
                last      TEXT               -- the round-robin cursor: the last address picked
            ) STRICT""", """
            CREATE TABLE ipam_addresses (
                pool      TEXT NOT NULL,
                address   TEXT NOT NULL,
                gateway   INTEGER NOT NULL CHECK (gateway IN (0, 1)),
                PRIMARY KEY (pool, address)
            ) STRICT""");

    private final Tx tx;

    PoolTable(Tx tx) {
        this.tx = tx;
    }

    public void insert(PoolRecord p) {
        tx.update("INSERT INTO ipam_pools (id, space, subnet, ip_range, last) VALUES (?, ?, ?, ?, ?)", p.id(), p.space(),
                p.subnet().toString(), p.range() == null ? null : p.range().toString(), p.last() == null ? null : p.last().toString());
    }

    public Optional<PoolRecord> find(String id) {
        return tx.queryOne("SELECT * FROM ipam_pools WHERE id = ?", PoolTable::pool, id);
    }

    public List<PoolRecord> all() {
        return tx.query("SELECT * FROM ipam_pools ORDER BY id", PoolTable::pool);
    }

    /** Deletes a pool and its addresses; an unknown one is no error. */
    public void delete(String id) {
        tx.update("DELETE FROM ipam_addresses WHERE pool = ?", id);
        tx.update("DELETE FROM ipam_pools WHERE id = ?", id);
    }

    public void setLast(String id, IpAddress last) {
        tx.update("UPDATE ipam_pools SET last = ? WHERE id = ?", last.toString(), id);
    }

    /** The addresses reserved in a pool (in no particular order). */
    public List<IpAddress> addresses(String id) {
        return tx.query("SELECT address FROM ipam_addresses WHERE pool = ?",
                rs -> IpAddress.parse("ipam_addresses.address", rs.getString(1)), id);
    }

    public void reserve(String id, IpAddress address, boolean gateway) {
        tx.update("INSERT INTO ipam_addresses (pool, address, gateway) VALUES (?, ?, ?)", id, address.toString(), gateway);
    }

    /** Releases an address; an unknown one is no error. */
    public void release(String id, IpAddress address) {
        tx.update("DELETE FROM ipam_addresses WHERE pool = ? AND address = ?", id, address.toString());
    }

    private static PoolRecord pool(ResultSet rs) throws SQLException {
        String range = rs.getString("ip_range");
        String last = rs.getString("last");
        return new PoolRecord(rs.getString("id"), rs.getString("space"),
                Cidr.parseSubnet("ipam_pools.subnet", rs.getString("subnet")),
                range == null ? null : Cidr.parseSubnet("ipam_pools.ip_range", range),
                last == null ? null : IpAddress.parse("ipam_pools.last", last));
    }
}

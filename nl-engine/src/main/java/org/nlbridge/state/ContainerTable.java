package org.nlbridge.state;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.nlbridge.net.Hostname;
import org.nlbridge.spec.NetworkMode;

/**
 * The {@code containers} table (schema version 2): one row per container the engine knows by name, see
 * {@link ContainerRecord}. Version 1 kept these as tab-separated text in {@code meta}; {@link Schema} moves them.
 */
public final class ContainerTable {

    static final List<String> DDL = List.of("""
            CREATE TABLE containers (
                name          TEXT PRIMARY KEY,
                mode          TEXT NOT NULL,     -- a network's name, 'host', 'none' or 'container:NAME'
                hostname      TEXT NOT NULL,
                netns         TEXT,              -- NULL: no namespace of its own (host, container:NAME)
                created_netns INTEGER NOT NULL CHECK (created_netns IN (0, 1)),
                CHECK (netns IS NOT NULL OR created_netns = 0)
            ) STRICT""");

    /** Version 4: what a runtime says about the container, {@code key=value} lines (see {@link #labels}). */
    static final List<String> DDL_V4 = List.of("ALTER TABLE containers ADD COLUMN labels TEXT NOT NULL DEFAULT ''");

    private static final String COLUMNS = "name, mode, hostname, netns, created_netns, labels";

    private final Tx tx;

    ContainerTable(Tx tx) {
        this.tx = tx;
    }

    /** Stores a container's record, replacing the one of its name. */
    public void put(ContainerRecord c) {
        StringBuilder labels = new StringBuilder();
        new java.util.TreeMap<>(c.labels()).forEach((k, v) -> labels.append(k).append('=').append(v).append('\n'));
        tx.updateRow(c.name(), "INSERT INTO containers (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                        + " mode = excluded.mode, hostname = excluded.hostname, netns = excluded.netns,"
                        + " created_netns = excluded.created_netns, labels = excluded.labels",
                c.name(), c.mode().toString(), c.hostname().toString(), c.netns(), c.createdNetns(), labels.toString());
    }

    public Optional<ContainerRecord> find(String name) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM containers WHERE name = ?", ContainerTable::record, name);
    }

    /** Every container, by name. */
    public List<ContainerRecord> all() {
        return tx.cached("containers", () -> tx.query("SELECT " + COLUMNS + " FROM containers ORDER BY name", ContainerTable::record),
                ContainerRecord::name, name -> find(name).stream().toList(), java.util.Comparator.comparing(ContainerRecord::name));
    }

    /** @return false if there was no such container */
    public boolean delete(String name) {
        return tx.updateRow(name, "DELETE FROM containers WHERE name = ?", name) == 1;
    }

    private static ContainerRecord record(ResultSet rs) throws SQLException {
        String name = rs.getString("name");
        return new ContainerRecord(name, NetworkMode.parse("containers.mode", rs.getString("mode")),
                Hostname.parse("containers.hostname", rs.getString("hostname")), rs.getString("netns"),
                rs.getBoolean("created_netns"), labels(rs.getString("labels")));
    }

    /** Labels as stored: one {@code key=value} per line (keys hold no '=', neither holds a line break). */
    private static java.util.Map<String, String> labels(String text) {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) out.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return out;
    }
}

package org.nlbridge.state;

import java.util.List;
import java.util.Optional;

/**
 * The {@code meta} table: small facts that belong to no table of their own, by key, such as the desired state a
 * daemon keeps beside the engine. Containers and user-hook rules have their own tables since schema version 2.
 */
public final class MetaTable {

    static final List<String> DDL = List.of("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT");

    private final Tx tx;

    MetaTable(Tx tx) {
        this.tx = tx;
    }

    public Optional<String> get(String key) {
        return tx.queryOne("SELECT value FROM meta WHERE key = ?", rs -> rs.getString(1), key);
    }

    /** Sets or replaces the value. */
    public void put(String key, String value) {
        tx.update("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                key, value);
    }

    /** Every key starting with {@code prefix}, in key order. */
    public List<String> keys(String prefix) {
        // range scan on the primary key instead of LIKE, whose wildcards the prefix could contain
        return tx.query("SELECT key FROM meta WHERE key >= ? AND key < ? ORDER BY key", rs -> rs.getString(1),
                prefix, prefix + Character.MAX_VALUE);
    }

    /** @return false if the key was not set */
    public boolean remove(String key) {
        return tx.update("DELETE FROM meta WHERE key = ?", key) == 1;
    }
}

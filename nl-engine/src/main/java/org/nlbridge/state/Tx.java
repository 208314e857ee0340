package org.nlbridge.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One transaction, handed to the work passed to {@link StateStore#read} or {@link StateStore#write} and
 * valid only inside it. The tables hold the SQL; this class runs it, so the checks that every statement
 * needs (still open, writable) live in one place.
 */
public final class Tx {

    /** Maps the current row of a result set. */
    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final StateStore store;
    private final Connection connection;
    private final boolean writable;
    private boolean open = true;

    private final NetworkTable networks = new NetworkTable(this);
    private final EndpointTable endpoints = new EndpointTable(this);
    private final PortTable ports = new PortTable(this);
    private final MetaTable meta = new MetaTable(this);
    private final ContainerTable containers = new ContainerTable(this);
    private final UserRuleTable userRules = new UserRuleTable(this);
    private final PoolTable pools = new PoolTable(this);
    private final NameTable names = new NameTable(this);

    Tx(StateStore store, Connection connection, boolean writable) {
        this.store = store;
        this.connection = connection;
        this.writable = writable;
    }

    public NetworkTable networks() {
        return networks;
    }

    public EndpointTable endpoints() {
        return endpoints;
    }

    public PortTable ports() {
        return ports;
    }

    public MetaTable meta() {
        return meta;
    }

    public ContainerTable containers() {
        return containers;
    }

    public UserRuleTable userRules() {
        return userRules;
    }

    public PoolTable pools() {
        return pools;
    }

    /** Aliases and DNS settings, for name resolution. */
    public NameTable names() {
        return names;
    }

    <T> List<T> query(String sql, Row<T> row, Object... args) {
        checkOpen();
        try (PreparedStatement st = prepare(sql, args); ResultSet rs = st.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.map(rs));
            }
            return out;
        } catch (SQLException e) {
            throw store.failure(operation(sql), e);
        }
    }

    /**
     * {@code read} (a whole table, immutable rows), from the store's cache in a read transaction when nothing committed
     * since it was made; in a write transaction, read every time (it sees its own changes).
     */
    <T> List<T> cached(String key, java.util.function.Supplier<List<T>> read) {
        checkOpen();
        return writable ? read.get() : store.cachedRead(key, read);
    }

    <T> Optional<T> queryOne(String sql, Row<T> row, Object... args) {
        List<T> rows = query(sql, row, args);
        if (rows.size() > 1) {
            throw new StateException("state store " + store.file() + ": " + operation(sql) + ": " + rows.size()
                    + " rows where at most one was expected");
        }
        return rows.stream().findFirst();
    }

    /** Runs an INSERT, UPDATE or DELETE; returns the number of rows changed. */
    int update(String sql, Object... args) {
        checkOpen();
        if (!writable) {
            throw new IllegalStateException("a read transaction cannot write (" + operation(sql)
                    + "); use StateStore.write or update");
        }
        try (PreparedStatement st = prepare(sql, args)) {
            return st.executeUpdate();
        } catch (SQLException e) {
            throw store.failure(operation(sql), e);
        }
    }

    void end() {
        open = false;
    }

    private PreparedStatement prepare(String sql, Object[] args) throws SQLException {
        PreparedStatement st = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                // SQLite has no boolean type; the schema's CHECK (x IN (0, 1)) wants integers
                Object arg = args[i] instanceof Boolean b ? (b ? 1 : 0) : args[i];
                st.setObject(i + 1, arg);
            }
            return st;
        } catch (SQLException | RuntimeException e) {
            st.close();
            throw e;
        }
    }

    private void checkOpen() {
        if (!open) {
            throw new IllegalStateException("transaction on " + store.file()
                    + " already ended; use the Tx only inside its work");
        }
    }

    /** The statement's first words, enough to say what failed without a page of SQL. */
    private static String operation(String sql) {
        String flat = sql.strip().replaceAll("\\s+", " ");
        return flat.length() <= 60 ? flat : flat.substring(0, 57) + "...";
    }
}

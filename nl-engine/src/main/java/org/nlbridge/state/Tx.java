package org.nlbridge.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    /**
     * What this write transaction changed in the tables the store caches ({@link #cached}): the keys of the rows,
     * by table, or null for the whole table. Told to the store at commit ({@link StateStore#committed}).
     */
    private final Map<String, Set<String>> changed = new HashMap<>();
    private static final Pattern WRITTEN = Pattern.compile("^(?:INSERT(?: OR \\w+)? INTO|UPDATE|DELETE FROM) (\\w+)");
    /** Rows deleted with a row of another table, by the schema's ON DELETE CASCADE (same key). */
    private static final Map<String, String> CASCADES = Map.of("endpoints", "port_bindings");

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
    <T> List<T> cached(String key, Supplier<List<T>> read) {
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

    /**
     * A whole-table read that {@link StateStore#cachedRead} can bring up to date row by row after a commit of ours:
     * the rows of each changed {@code key} read again ({@code reread}, in this transaction), the rest kept.
     *
     * @param key    a row's key, as the table's writes name it in {@link #updateRow}
     * @param order  the order of {@code read}'s ORDER BY
     */
    <T> List<T> cached(String table, Supplier<List<T>> read, Function<T, String> key,
                       Function<String, List<T>> reread, Comparator<T> order) {
        checkOpen();
        return writable ? read.get() : store.cachedRead(table, read, new StateStore.Rows<>(key, reread, order));
    }

    /** {@link #update} of the rows of one key (see {@link #cached(String, Supplier, Function, Function, Comparator)}). */
    int updateRow(String key, String sql, Object... args) {
        int n = execute(sql, args);
        String table = table(sql);
        for (String t = table; t != null; t = CASCADES.get(t)) {
            if (!changed.containsKey(t) || changed.get(t) != null) changed.computeIfAbsent(t, k -> new HashSet<>()).add(key);
        }
        return n;
    }

    /** Runs an INSERT, UPDATE or DELETE; returns the number of rows changed. The whole table counts as changed. */
    int update(String sql, Object... args) {
        int n = execute(sql, args);
        for (String t = table(sql); t != null; t = CASCADES.get(t)) changed.put(t, null);
        return n;
    }

    /** What this transaction changed in cached tables (see {@link #changed}); read by the store at commit. */
    Map<String, Set<String>> changed() {
        return changed;
    }

    /** The table a statement writes; {@link StateStore#EVERY_TABLE} when it cannot tell. */
    private static String table(String sql) {
        Matcher m = WRITTEN.matcher(sql);
        return m.find() ? m.group(1) : StateStore.EVERY_TABLE;
    }

    private int execute(String sql, Object... args) {
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

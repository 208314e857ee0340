package org.nlbridge.state;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

import org.nlbridge.os.PrivateDirectory;
import org.nlbridge.os.ProcessIdentity;

/**
 * The engine's durable state: networks, endpoints (which are also the address allocations), published ports,
 * containers and the user-hook rules inserted, in SQLite at {@code <stateDir>/state.db}.
 *
 * <p>Why this shape:
 * <ul>
 *   <li><b>WAL</b>: readers never block the writer nor the other way round, and a commit is one append.</li>
 *   <li><b>{@code BEGIN IMMEDIATE}</b> for every write: the write lock is taken at the start, before
 *       anything is read, so two engine processes on one host serialise their read-decide-write sequences
 *       (an allocation reads the used addresses, then inserts) and never hand out one address twice. A
 *       deferred transaction would read first and fail with SQLITE_BUSY on its first write instead of
 *       waiting.</li>
 *   <li><b>{@code busy_timeout}</b>: a writer waits for the other process's transaction rather than failing;
 *       transactions are short (the driver journals intent, commits, then does its syscalls).</li>
 *   <li><b>{@code synchronous = FULL}</b>: a commit reported to the caller survives power loss too; the
 *       network definitions are configuration, not just cache.</li>
 * </ul>
 * One connection per store, used by one thread at a time (a lock serialises threads); open a store per
 * process, not per operation. Work passed to {@link #read}, {@link #write} and {@link #update} runs inside
 * one transaction: an exception from it rolls everything back.
 */
public final class StateStore implements AutoCloseable {

    public static final String FILE_NAME = "state.db";

    /** Far longer than any of our transactions; only a hung process holds the lock that long. */
    static final Duration BUSY_TIMEOUT = Duration.ofSeconds(10);

    private final Path file;
    private final Duration busyTimeout;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    /** Set while work runs; the connection has one transaction at a time. */
    private boolean transactionOpen;
    private boolean closed;
    /**
     * Whole-table reads of read transactions ({@link Tx#cached}), kept while nothing commits: a commit of ours clears
     * them, one of another connection changes SQLite's {@code data_version}. A daemon request reads the same tables
     * several times (its plan, the names, the ownership of links); at 1,000 containers parsing the rows again was most
     * of a request's time.
     */
    private final Map<String, List<?>> reads = new HashMap<>();
    /**
     * The rows of cached tables our own commits changed since they were read, by key ({@link Tx#updateRow}): the
     * next read of the table reads those rows again and keeps the rest, so one more container does not cost a parse
     * of every row (issue 14).
     */
    private final Map<String, Set<String>> stale = new HashMap<>();
    private long readsVersion = Long.MIN_VALUE;
    /** {@link Tx}'s name for a write whose table it cannot tell: every cached read is dropped. */
    static final String EVERY_TABLE = "*";

    private StateStore(Path file, Duration busyTimeout, Connection connection) {
        this.file = file;
        this.busyTimeout = busyTimeout;
        this.connection = connection;
    }

    /**
     * Opens (creating if needed) {@code <stateDir>/state.db}. A missing state directory is created
     * accessible to the owner only: whoever can write the store can steer the engine. A directory that someone else
     * could write (its owner, its files, a directory above it) is refused ({@link StateDirectory}).
     *
     * @throws StateException if the file cannot be opened, cannot use WAL, or was written by a newer nlbridge
     */
    /**
     * Does what the first open pays for once per process (the JDBC driver, SQLite's native library, a connection) on
     * an in-memory database, touching no file: for a thread with time to spare before the real open.
     */
    public static void warmUp() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            c.createStatement().execute("PRAGMA user_version");
        }
    }

    public static StateStore open(Path stateDir) {
        return open(stateDir, BUSY_TIMEOUT);
    }

    /** With another busy timeout, so tests need not wait for the real one. */
    static StateStore open(Path stateDir, Duration busyTimeout) {
        return open(stateDir, Schema.VERSION, busyTimeout);
    }

    private static StateStore open(Path stateDir, int version, Duration busyTimeout) {
        Path dir = stateDir.toAbsolutePath();
        StateDirectory.check(dir, ProcessIdentity.effectiveUid());
        createDirectory(dir);
        Path file = dir.resolve(FILE_NAME);
        Connection connection;
        try {
            // a URI, so that '?' or '%' in the path cannot be taken for connection parameters
            connection = DriverManager.getConnection("jdbc:sqlite:" + file.toUri());
        } catch (SQLException e) {
            throw StateException.of(file, busyTimeout, "open", e);
        }
        StateStore store = new StateStore(file, busyTimeout, connection);
        try {
            store.configure();
            store.migrate(version);
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static void createDirectory(Path dir) {
        try {
            PrivateDirectory.ensure(dir);
        } catch (IOException e) {
            throw new StateException("state directory " + dir + ": cannot create it: " + e, e);
        }
    }

    private void configure() {
        // busy_timeout first: every later pragma may have to wait for another process
        pragma("busy_timeout = " + busyTimeout.toMillis());
        String mode = pragma("journal_mode = WAL");
        if (!"wal".equalsIgnoreCase(mode)) {
            // e.g. a file system without shared memory; without WAL readers and writers block each other
            throw new StateException("state store " + file + ": cannot use write-ahead logging (journal mode stays "
                    + mode + ")");
        }
        pragma("synchronous = FULL");
        pragma("foreign_keys = ON");
    }

    /**
     * Brings a state directory to schema version {@code target} only and closes it: the file an older release
     * (which stopped at that version) would have left, so tests can start from any earlier version.
     */
    static void migrateTo(Path stateDir, int target) {
        open(stateDir, target, BUSY_TIMEOUT).close();
    }

    /**
     * Brings the schema to {@code target} ({@link Schema#VERSION} but in tests), inside one write transaction so two
     * first opens do not race.
     */
    private void migrate(int target) {
        // read first: a store at the version (every open but the first) takes no write lock, so an open neither
        // waits for nor blocks a writer
        if (schemaVersion() >= target) return;
        update(tx -> {
            int version = schemaVersion();
            for (int step = version; step < target; step++) {
                Schema.STEPS.get(step).apply(tx);
            }
            if (version < target) {
                pragma("user_version = " + target);
            }
        });
    }

    /** The schema version the file is at; a newer one than this nlbridge knows is refused. */
    private int schemaVersion() {
        int version = Integer.parseInt(pragma("user_version"));
        if (version > Schema.VERSION) {
            throw new StateException("state store " + file + " has schema version " + version
                    + ", newer than this nlbridge understands (" + Schema.VERSION + "); refusing to touch it");
        }
        return version;
    }

    private String pragma(String text) {
        try (Statement st = connection.createStatement()) {
            // only pragmas that set a value return no row
            if (!st.execute("PRAGMA " + text)) {
                return "";
            }
            try (ResultSet rs = st.getResultSet()) {
                return rs.next() ? rs.getString(1) : "";
            }
        } catch (SQLException e) {
            throw failure("PRAGMA " + text, e);
        }
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /** Runs {@code work} in a read transaction: one consistent snapshot, never blocked by a writer. */
    public <T> T read(Function<Tx, T> work) {
        return inTransaction("BEGIN", false, work);
    }

    /**
     * Runs {@code work} in a write transaction that holds the store's write lock from its first statement
     * ({@code BEGIN IMMEDIATE}), waiting up to the busy timeout for another process to finish. It commits
     * when {@code work} returns and rolls back when it throws.
     */
    public <T> T write(Function<Tx, T> work) {
        return inTransaction("BEGIN IMMEDIATE", true, work);
    }

    /**
     * Runs {@code work} in a write transaction that is always rolled back: what a change would do or refuse,
     * without doing it (a request's checks try its allocations this way). The write lock is held meanwhile.
     */
    public <T> T trial(Function<Tx, T> work) {
        return inTransaction("BEGIN IMMEDIATE", true, work, false);
    }

    /** {@link #write} for work without a result. */
    public void update(Consumer<Tx> work) {
        write(tx -> {
            work.accept(tx);
            return null;
        });
    }

    private <T> T inTransaction(String begin, boolean writable, Function<Tx, T> work) {
        return inTransaction(begin, writable, work, true);
    }

    private <T> T inTransaction(String begin, boolean writable, Function<Tx, T> work, boolean commit) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("state store " + file + " is closed");
            }
            if (transactionOpen) {
                throw new IllegalStateException("state store " + file + ": transactions do not nest;"
                        + " pass the open Tx down instead");
            }
            execute(begin);
            if (!writable) checkReads();
            Tx tx = new Tx(this, connection, writable);
            transactionOpen = true;
            try {
                T result = work.apply(tx);
                if (commit) {
                    if (writable) committed(tx.changed());
                    execute("COMMIT");
                } else {
                    execute("ROLLBACK");
                }
                return result;
            } catch (RuntimeException | Error e) {
                if (writable) forgetReads();
                rollback(e);
                throw e;
            } finally {
                tx.end();
                transactionOpen = false;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * In a read transaction: forgets the cached reads if another connection committed since they were made. The
     * snapshot is taken first (a read), so {@code data_version} is that of the rows this transaction sees.
     */
    private void checkReads() {
        try (Statement st = connection.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM sqlite_master LIMIT 1")) {
                rs.next();
            }
            long v;
            try (ResultSet rs = st.executeQuery("PRAGMA data_version")) {
                v = rs.next() ? rs.getLong(1) : Long.MIN_VALUE + 1;
            }
            if (v != readsVersion) {
                forgetReads();
                readsVersion = v;
            }
        } catch (SQLException e) {
            throw failure("PRAGMA data_version", e);
        }
    }

    private void forgetReads() {
        reads.clear();
        stale.clear();
    }

    /**
     * A write transaction of ours is about to commit what it {@code changed} (by table, row keys or null for all):
     * the cached reads of those tables are dropped, or told which rows to read again.
     */
    private void committed(Map<String, Set<String>> changed) {
        if (changed.containsKey(EVERY_TABLE)) {
            forgetReads();
            return;
        }
        changed.forEach((table, keys) -> {
            if (keys == null) {
                reads.remove(table);
                stale.remove(table);
            } else if (reads.containsKey(table)) {
                stale.computeIfAbsent(table, k -> new HashSet<>()).addAll(keys);
            }
        });
    }

    /** How a cached table is brought up to date row by row (see {@link Tx#cached(String, java.util.function.Supplier,
     * Function, Function, java.util.Comparator)}). */
    record Rows<T>(Function<T, String> key, Function<String, List<T>> reread, java.util.Comparator<T> order) {}

    /**
     * {@link #cachedRead(String, java.util.function.Supplier)} for a table whose changed rows can be read again
     * alone: after a commit of ours, the rows of the keys it changed are read again and merged in order; the rest
     * are kept. Many changed keys (a quarter of the rows or more) read the whole table again.
     */
    @SuppressWarnings("unchecked")
    <T> List<T> cachedRead(String table, java.util.function.Supplier<List<T>> read, Rows<T> rows) {
        Set<String> keys = stale.remove(table);
        List<T> hit = (List<T>) reads.get(table);
        if (hit == null || keys == null) return cachedRead(table, read);
        if (keys.size() * 4 >= hit.size()) {
            reads.remove(table);
            return cachedRead(table, read);
        }
        List<T> merged = new ArrayList<>(hit.size() + keys.size());
        for (T row : hit) if (!keys.contains(rows.key().apply(row))) merged.add(row);
        for (String k : keys) merged.addAll(rows.reread().apply(k));
        merged.sort(rows.order());
        List<T> out = List.copyOf(merged);
        reads.put(table, out);
        return out;
    }

    /** A whole-table read, cached until something commits (read transactions only; see {@link Tx#cached}). */
    @SuppressWarnings("unchecked")
    <T> List<T> cachedRead(String key, java.util.function.Supplier<List<T>> read) {
        if (stale.remove(key) != null) reads.remove(key);
        List<?> hit = reads.get(key);
        if (hit != null) return (List<T>) hit;
        List<T> rows = List.copyOf(read.get());
        reads.put(key, rows);
        return rows;
    }

    private void rollback(Throwable cause) {
        try (Statement st = connection.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException e) {
            // SQLite may have rolled back on its own already (e.g. after a failed COMMIT)
            cause.addSuppressed(e);
        }
    }

    private void execute(String sql) {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    StateException failure(String operation, SQLException e) {
        return StateException.of(file, busyTimeout, operation, e);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            connection.close();
        } catch (SQLException e) {
            throw failure("close", e);
        } finally {
            lock.unlock();
        }
    }
}

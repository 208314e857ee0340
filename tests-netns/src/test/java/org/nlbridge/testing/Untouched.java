package org.nlbridge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Everything a request could change, read by independent means: the kernel of the host and of the given
 * namespaces ({@link KernelState}: {@code ip -j}, {@code nft -j}, {@code /proc/sys}), every row of every table of
 * the state store (read-only JDBC, not the engine's store classes) and every file under the state directory but the
 * store's own. Taken before a request that must fail and compared after it: "nothing of a failed request is
 * applied".
 */
public final class Untouched {
    private final Map<String, String> state;

    private Untouched(Map<String, String> state) {
        this.state = state;
    }

    /** The snapshot of {@code namespaces} (the host first) and {@code stateDir}. */
    public static Untouched of(Path stateDir, List<String> namespaces) {
        Map<String, String> out = new TreeMap<>();
        for (String ns : namespaces) KernelState.of(ns).forEach((k, v) -> out.put(ns + " " + k, v));
        store(stateDir).forEach((k, v) -> out.put("store " + k, v));
        files(stateDir).forEach((k, v) -> out.put("file " + k, v));
        return new Untouched(out);
    }

    public Map<String, String> state() {
        return state;
    }

    /** Asserts that {@code after} is this snapshot, naming every difference. */
    public void assertSameAs(Untouched after, String what) {
        List<String> diff = new ArrayList<>();
        Map<String, String> all = new TreeMap<>(state);
        all.putAll(after.state);
        for (String k : all.keySet()) {
            String a = state.get(k);
            String b = after.state.get(k);
            if (a == null) diff.add("+ " + k + " = " + b);
            else if (b == null) diff.add("- " + k + " = " + a);
            else if (!a.equals(b)) diff.add("~ " + k + ": " + a + " -> " + b);
        }
        assertEquals(List.of(), diff, what + ": changed");
    }

    /** Every row of every table of {@code state.db}, by table and row, read-only. */
    public static Map<String, String> store(Path stateDir) {
        Map<String, String> out = new TreeMap<>();
        Path db = stateDir.resolve("state.db");
        if (!Files.exists(db)) return out;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toUri() + "?mode=ro");
             Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
                while (rs.next()) tables.add(rs.getString(1));
            }
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT * FROM \"" + t + "\"")) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            row.append(md.getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
                        }
                        out.put(t + " " + row, "");
                    }
                }
            }
        } catch (SQLException e) {
            throw new AssertionError("reading " + db + ": " + e, e);
        }
        return out;
    }

    /** The files under the state directory (but the store's), by path, with their content. */
    public static Map<String, String> files(Path stateDir) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isDirectory(stateDir)) return out;
        try (Stream<Path> s = Files.walk(stateDir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String name = stateDir.relativize(p).toString();
                if (name.startsWith("state.db") || name.endsWith(".lock")) continue;
                out.put(name, Files.readString(p, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}

package org.nlbridge.cli;

import java.sql.Connection;
import java.sql.DriverManager;

import org.nlbridge.bindings.sys.Sys;

/**
 * First-use work a command that opens the engine will need, started on a background thread so that it overlaps
 * what the command does first: the state store's SQLite (its JDBC driver, its native library, an in-memory
 * database: no file is touched) while the main thread links native calls and opens sockets; and, for a command that
 * compiles a script first, the native calls too. Nothing here changes the kernel or the state; a failure is left to
 * the real use to report.
 */
final class Warmup {
    private Warmup() {}

    static void start(boolean nativeCalls) {
        Thread.ofPlatform().daemon().name("nlbridge-warmup").start(() -> {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
                c.createStatement().execute("PRAGMA user_version");
            } catch (Exception | LinkageError e) {
                // the state store reports it, where it matters
            }
            if (nativeCalls) {
                try {
                    Sys.prelink();
                } catch (RuntimeException | LinkageError e) {
                    // the first real call reports it
                }
            }
        });
    }
}

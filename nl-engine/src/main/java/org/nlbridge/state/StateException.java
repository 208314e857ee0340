package org.nlbridge.state;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

/** The store itself failed (I/O, corruption, a lock held too long), as opposed to a refused request. */
public final class StateException extends RuntimeException {

    /** SQLITE_BUSY; extended codes (SQLITE_BUSY_SNAPSHOT, ...) keep it in the low byte. */
    private static final int SQLITE_BUSY = 5;

    StateException(String message) {
        super(message);
    }

    StateException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Names the file and, for a lock another process holds, says so instead of SQLite's "database is locked". */
    static StateException of(Path file, Duration busyTimeout, String operation, SQLException e) {
        if ((e.getErrorCode() & 0xFF) == SQLITE_BUSY) {
            return new StateException("state store " + file + ": " + operation + ": another process holds the lock"
                    + " (waited up to " + busyTimeout.toMillis() + " ms)", e);
        }
        return new StateException("state store " + file + ": " + operation + ": " + e.getMessage(), e);
    }
}

package org.nlbridge.driver.state;

import java.nio.file.Path;
import java.sql.SQLException;

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

    /** Names the file and, for a lock held past the busy timeout, says so instead of SQLite's "database is locked". */
    static StateException of(Path file, String operation, SQLException e) {
        if ((e.getErrorCode() & 0xFF) == SQLITE_BUSY) {
            return new StateException("state store " + file + ": " + operation + ": locked by another process for more"
                    + " than " + StateStore.BUSY_TIMEOUT.toSeconds() + " s", e);
        }
        return new StateException("state store " + file + ": " + operation + ": " + e.getMessage(), e);
    }
}

package org.nlbridge.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who this process runs as, for the checks that decide what it may trust: a state directory (the state store's
 * {@code StateDirectory}) and a script ({@code ScriptTrust}). One place for both, in the lowest layer, since the
 * state store and the front ends may not use each other (ArchitectureTest).
 */
public final class ProcessIdentity {
    private ProcessIdentity() {}

    /** The effective uid, from {@code /proc/self/status}; when that cannot be read, root's 0 (so the checks apply). */
    public static int effectiveUid() {
        return effectiveUid(Path.of("/proc/self/status"));
    }

    /** The effective uid of a {@code status} file: its {@code Uid:} line's second number (real, effective, ...). */
    static int effectiveUid(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Uid:")) return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
            }
        } catch (IOException | RuntimeException e) {
            // fall through: unreadable or malformed
        }
        return 0;
    }
}

package org.nlbridge.os;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A directory only its owner may enter (mode 0700 from its creation, never widened afterwards), as the state
 * directory is made by whichever of the store, the daemon's lock and the command line's lock comes first: whoever
 * can write the state can steer the engine.
 */
public final class PrivateDirectory {
    private PrivateDirectory() {}

    /** Makes {@code dir} (and its missing parents, with the usual mode) unless it exists; a concurrent maker is fine. */
    public static void ensure(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException raced) {
            // made by another process in the meantime
        }
    }
}

package org.nlbridge.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Where the Docker plugin listens: Docker's plugin directory is made when missing, since dockerd may start later. */
final class PluginSockets {
    private PluginSockets() {}

    /**
     * Creates the missing directories above {@code socket} (0755, as root makes them), below an existing one that
     * only root can write to; the listener's own checks then apply to the socket's directory as to any socket's.
     *
     * @return {@code socket}
     */
    static Path prepare(Path socket) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        if (dir == null || Files.isDirectory(dir)) return socket;
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null || !Files.isDirectory(existing)) return socket; // the listener refuses it with the reason
        int uid = (Integer) Files.getAttribute(existing, "unix:uid");
        int mode = (Integer) Files.getAttribute(existing, "unix:mode");
        if (uid != UnixListener.myUid() || (mode & 0022) != 0 && (mode & 01000) == 0) {
            return socket; // someone else's directory: the listener refuses it with the reason
        }
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        return socket;
    }
}

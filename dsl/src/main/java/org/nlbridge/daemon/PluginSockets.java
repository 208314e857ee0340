package org.nlbridge.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.nlbridge.daemon.http.HttpServer;
import org.nlbridge.daemon.http.RequestKind;
import org.nlbridge.dockerplugin.DockerPlugin;

/** Where the Docker plugin listens: Docker's plugin directory is made when missing, since dockerd may start later. */
public final class PluginSockets {
    /** Docker's default plugin socket, in the directory dockerd searches ({@code --docker-plugin} without a path). */
    public static final String DEFAULT = "/run/docker/plugins/nlbridge.sock";

    private PluginSockets() {}

    /**
     * Serves Docker's network and IPAM plugin protocol ({@code nlbridge} for {@code docker network create -d} and
     * {@code --ipam-driver}) on one more Unix socket of the API's server, made like the API's (0660, root and
     * {@code group}), under the API's budgets: {@code Plugin.Activate} (dockerd's handshake) waits for nothing, every
     * other call is a request.
     */
    static void serve(HttpServer http, PluginBackend backend, Path socket, String group) throws IOException {
        DockerPlugin p = new DockerPlugin(backend);
        http.serve(UnixListener.open(socket, group, http.limits().backlog()), new HttpServer.Routes(p::handle,
                (method, s) -> s.size() == 1 && s.get(0).equals("Plugin.Activate") ? RequestKind.IMMEDIATE
                        : RequestKind.REQUEST, DockerPlugin::error));
    }

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

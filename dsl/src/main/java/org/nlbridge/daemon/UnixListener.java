package org.nlbridge.daemon;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Set;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import org.nlbridge.daemon.http.Conn;
import org.nlbridge.daemon.http.ConnListener;

/**
 * The daemon's Unix socket, made so that only root (and a chosen group) can ever connect: the socket is bound inside
 * a private 0700 directory, given mode 0660 and its owner and group there, and only then renamed into place, so no
 * other user can connect during the window in which a plain bind would leave it open to the umask. Refuses a path
 * that is a symbolic link, that exists and is not a socket, or is owned by someone else; a directory that another
 * user could write to (without the sticky bit); and a path another daemon still listens on. A stale socket of a
 * dead daemon is replaced. On close the socket file is removed if it is still ours.
 */
final class UnixListener implements ConnListener {

    private static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-rw----");

    private final Path path;
    private final ServerSocketChannel server;
    private final Object fileKey;

    private UnixListener(Path path, ServerSocketChannel server, Object fileKey) {
        this.path = path;
        this.server = server;
        this.fileKey = fileKey;
    }

    /** A refusal to listen: the message says why, for the daemon's one-line error. */
    static final class RefusedException extends RuntimeException {
        RefusedException(String message) {
            super(message);
        }
    }

    /**
     * @param group   the socket's group (null: root's, i.e. the daemon's own group)
     * @param backlog the listen backlog (connections the kernel queues before the daemon accepts them)
     */
    static UnixListener open(Path path, String group, int backlog) throws IOException {
        Path dir = path.getParent();
        check(path);
        GroupPrincipal gp = group == null ? null : group(group);
        Path priv = Files.createTempDirectory(dir, ".nlbridge-sock-"); // 0700: nobody else can reach the socket yet
        Path tmp = priv.resolve("s");
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(tmp), backlog);
            // by path (a socket cannot be opened for fchmod); safe: nobody else can reach the private directory
            PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
            view.setPermissions(MODE);
            if (gp != null) view.setGroup(gp);
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE); // rename(2): replaces a stale socket, never follows a link
            Object key = Files.readAttributes(path, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).fileKey();
            return new UnixListener(path, ch, key);
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(tmp);
            throw e;
        } finally {
            Files.deleteIfExists(priv);
        }
    }

    /** The group {@code --group} names, or a refusal. */
    static GroupPrincipal group(String name) throws IOException {
        try {
            return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(name);
        } catch (UserPrincipalNotFoundException e) {
            throw new RefusedException("--group " + name + ": no such group");
        }
    }

    /** Every refusal {@link #open} would make, without creating anything (the daemon checks before it starts). */
    static void check(Path path) throws IOException {
        checkDirectory(path, path.getParent());
        checkExisting(path);
    }

    private static void checkDirectory(Path path, Path dir) throws IOException {
        if (dir == null || !Files.isDirectory(dir)) {
            throw new RefusedException("cannot listen on " + path + ": its directory " + dir + " does not exist");
        }
        Path real = dir.toRealPath();
        var a = Files.readAttributes(real, PosixFileAttributes.class);
        int uid = (Integer) Files.getAttribute(real, "unix:uid");
        int gid = (Integer) Files.getAttribute(real, "unix:gid");
        int myUid = myUid();
        boolean sticky = ((Integer) Files.getAttribute(real, "unix:mode") & 01000) != 0;
        if (uid != 0 && uid != myUid) {
            throw new RefusedException("refusing to listen on " + path + ": its directory " + real + " is owned by uid "
                    + uid + ", who could replace the socket");
        }
        if (!sticky && (a.permissions().contains(PosixFilePermission.OTHERS_WRITE)
                || a.permissions().contains(PosixFilePermission.GROUP_WRITE) && gid != 0)) {
            throw new RefusedException("refusing to listen on " + path + ": its directory " + real + " is writable by "
                    + (a.permissions().contains(PosixFilePermission.OTHERS_WRITE) ? "everyone" : "group " + a.group().getName())
                    + ", who could replace the socket");
        }
    }

    private static void checkExisting(Path path) throws IOException {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (a.isSymbolicLink()) {
            String target;
            try {
                target = Files.readSymbolicLink(path).toString();
            } catch (IOException e) {
                target = "?";
            }
            throw new RefusedException("refusing to listen on " + path + ": it is a symbolic link (to " + target + ")");
        }
        if (!a.isOther()) { // sockets are "other" to java.nio
            throw new RefusedException("refusing to listen on " + path + ": it exists and is not a socket");
        }
        int uid = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (uid != myUid()) {
            throw new RefusedException("refusing to listen on " + path + ": the socket there is owned by uid " + uid);
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new RefusedException("cannot listen on " + path + ": another daemon is listening there");
        } catch (IOException stale) {
            // nobody listens: a leftover of a daemon that was killed; it is replaced by rename
        }
    }

    static int myUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    @Override
    public Conn accept() throws IOException {
        SocketChannel c = server.accept();
        String peer;
        String client;
        try {
            // the credentials the peer had when it connected (SO_PEERCRED); the JDK gives the user and group, not the pid
            UnixDomainPrincipal p = c.getOption(ExtendedSocketOptions.SO_PEERCRED);
            peer = "user " + p.user().getName() + ", group " + p.group().getName();
            client = "user " + p.user().getName();
        } catch (IOException | UnsupportedOperationException e) {
            peer = "unknown peer";
            client = "an unknown user";
        }
        return new UnixConn(c, peer, client);
    }

    @Override
    public String address() {
        return "unix://" + path;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            Object now = Files.readAttributes(path, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).fileKey();
            if (now != null && now.equals(fileKey)) Files.delete(path);
        } catch (IOException ignored) {
            // gone already, or replaced by someone else: not ours to remove
        }
    }

    private record UnixConn(SocketChannel ch, String peer, String client, InputStream in, OutputStream out) implements Conn {
        UnixConn(SocketChannel ch, String peer, String client) {
            this(ch, peer, client, new BufferedInputStream(Channels.newInputStream(ch), 16384),
                    new BufferedOutputStream(Channels.newOutputStream(ch), 16384));
        }

        @Override
        public void stopReading() {
            try {
                ch.shutdownInput(); // a blocked read returns the end of the stream; the answer can still be written
            } catch (IOException e) {
                close();
            }
        }

        @Override
        public void close() {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}

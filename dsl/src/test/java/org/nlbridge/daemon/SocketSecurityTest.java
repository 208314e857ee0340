package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nlbridge.client.DaemonAddress;
import org.nlbridge.dsl.ScriptTraits;
import org.nlbridge.testing.MemoryEngine;

/**
 * The control socket is root's: created 0660 root:root (or a chosen group), a non-root uid cannot connect, and the
 * daemon refuses paths an attacker could have prepared (a symbolic link, a file, someone else's socket, a directory
 * others can write to).
 */
class SocketSecurityTest {

    private Path dir;
    private Daemon daemon;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("nlbridge-sock-");
        // traversable by everyone, writable by root only: the socket's own mode is what keeps others out
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        daemon = Daemon.withoutMonitor(new MemoryEngine());
    }

    @AfterEach
    void tearDown() throws IOException {
        if (daemon != null) daemon.close();
        if (dir != null) Raw.deleteTree(dir);
    }

    private void listen(Path sock, String group) throws IOException {
        daemon.listen(DaemonAddress.parse("-H", "unix://" + sock), group, null);
    }

    /** curl as uid/gid 65534 (nobody/nogroup) without supplementary groups: the exit code and its stderr. */
    private static String[] asNobody(Path sock) throws Exception {
        Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "curl", "-sS", "--max-time", "5", "--unix-socket", sock.toString(), "http://nlbridge/_ping")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return new String[]{Integer.toString(p.exitValue()), out};
    }

    private static void assumeRoot(String why) {
        Assumptions.assumeTrue(ScriptTraits.root(), "needs root to " + why);
    }

    /** Root, to run curl as another user. */
    private static void assumeTools() {
        assumeRoot("run curl as nobody");
        for (String t : List.of("setpriv", "curl")) {
            Assumptions.assumeTrue(List.of("/usr/bin/", "/bin/", "/usr/sbin/").stream().anyMatch(d -> Files.isExecutable(Path.of(d + t))),
                    "needs " + t);
        }
    }

    @Test
    void rootOnly0660AndNobodyCannotConnect() throws Exception {
        assumeTools();
        Path sock = dir.resolve("nlbridge.sock");
        listen(sock, null);
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock, LinkOption.NOFOLLOW_LINKS)));
        assertEquals(0, Files.getAttribute(sock, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(0, Files.getAttribute(sock, "unix:gid", LinkOption.NOFOLLOW_LINKS));
        String[] r = asNobody(sock);
        assertEquals("7", r[0], "curl cannot connect: " + r[1]);
        assertTrue(r[1].contains("Permission denied") || r[1].contains("Couldn't connect"), r[1]);
        // root can
        assertTrue(Raw.exchange(sock, "GET /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").endsWith("OK"));
        // no leftover of the private directory the socket was made in
        try (var s = Files.list(dir)) {
            assertEquals(List.of("nlbridge.sock"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aGroupLetsItsMembersIn() throws Exception {
        assumeTools();
        Path sock = dir.resolve("g.sock");
        listen(sock, "nogroup"); // gid 65534 on Debian
        assertEquals(65534, Files.getAttribute(sock, "unix:gid", LinkOption.NOFOLLOW_LINKS));
        String[] r = asNobody(sock);
        assertEquals("0", r[0], r[1]);
        assertEquals("OK", r[1]);
    }

    @Test
    void refusesPathsThatCouldBeATrap() throws IOException {
        Path target = dir.resolve("elsewhere.sock");
        Path link = Files.createSymbolicLink(dir.resolve("link.sock"), target);
        var e = assertThrows(UnixListener.RefusedException.class, () -> listen(link, null));
        assertEquals("refusing to listen on " + link + ": it is a symbolic link (to " + target + ")", e.getMessage());
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), "nothing was created where the link points");

        Path file = Files.writeString(dir.resolve("file.sock"), "x");
        e = assertThrows(UnixListener.RefusedException.class, () -> listen(file, null));
        assertEquals("refusing to listen on " + file + ": it exists and is not a socket", e.getMessage());

        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path inOpen = open.resolve("x.sock");
        e = assertThrows(UnixListener.RefusedException.class, () -> listen(inOpen, null));
        assertEquals("refusing to listen on " + inOpen + ": its directory " + open + " is writable by everyone, who could"
                + " replace the socket", e.getMessage());
    }

    @Test
    void someoneElsesSocketIsRefused() throws IOException {
        assumeRoot("give a socket away");
        Path foreign = dir.resolve("foreign.sock");
        leaveSocket(foreign);
        Files.setAttribute(foreign, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
        var e = assertThrows(UnixListener.RefusedException.class, () -> listen(foreign, null));
        assertEquals("refusing to listen on " + foreign + ": the socket there is owned by uid 65534", e.getMessage());
    }

    /** A socket file nobody listens on, as a daemon that was killed leaves it. */
    private static void leaveSocket(Path path) throws IOException {
        try (var ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(path));
        }
    }

    @Test
    void aStaleSocketIsReplacedALiveOneIsNot() throws IOException {
        Path sock = dir.resolve("s.sock");
        leaveSocket(sock);
        listen(sock, null);
        assertTrue(Raw.exchange(sock, "GET /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").endsWith("OK"));
        Daemon second = Daemon.withoutMonitor(new MemoryEngine());
        try {
            var e = assertThrows(UnixListener.RefusedException.class,
                    () -> second.listen(DaemonAddress.parse("-H", "unix://" + sock), null, null));
            assertEquals("cannot listen on " + sock + ": another daemon is listening there", e.getMessage());
        } finally {
            second.close();
        }
        daemon.close();
        daemon = null;
        assertFalse(Files.exists(sock, LinkOption.NOFOLLOW_LINKS), "a clean stop removes its socket");
    }
}

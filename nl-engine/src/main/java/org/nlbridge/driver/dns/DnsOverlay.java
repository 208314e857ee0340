package org.nlbridge.driver.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;

import org.nlbridge.net.SafeName;

/**
 * The {@code resolv.conf}, {@code hosts} and {@code hostname} files of each container, kept in
 * {@code <stateDir>/containers/<container>/}, and the bind mounts that put them over {@code /etc} inside it.
 *
 * <p>The engine cannot do the mounting itself: a mount namespace cannot be entered by a multithreaded process such
 * as the JVM. So it writes the files and hands back the mount list in OCI shape, for a runtime or for
 * {@link org.nlbridge.driver.run.NetnsLauncher}.
 *
 * <p>A new file is created atomically (written aside, then renamed). A file that exists is rewritten in place, the
 * same inode, because a running container's bind mount holds the inode and not the name: that is how a running
 * container sees its hosts file change (other containers, without a name server) and its resolv.conf move to or from
 * the name server when a daemon takes over or stops serving. A reader may then see the new text with the tail of the
 * old for the moment between the write and the truncate of one small file (Docker's rewrite empties it first).
 */
public final class DnsOverlay {

    public static final String RESOLV_CONF = "resolv.conf";
    public static final String HOSTS = "hosts";
    public static final String HOSTNAME = "hostname";

    /** OCI mount options: rbind as runc spells a bind mount; rprivate so nothing propagates back to the host. */
    private static final List<String> BIND_OPTIONS = List.of("rbind", "rprivate");

    private final Path containersDir;
    private final Path hostResolvConf;
    private final Path resolvedResolvConf;

    /** An overlay under {@code stateDir}, reading the host's real resolver configuration. */
    public DnsOverlay(Path stateDir) {
        this(stateDir, ResolvConf.HOST_PATH, ResolvConf.SYSTEMD_RESOLVED_PATH);
    }

    /** An overlay reading the host configuration from other paths (see {@link ResolvConf#readHost(Path, Path)}). */
    public DnsOverlay(Path stateDir, Path hostResolvConf, Path resolvedResolvConf) {
        // absolute, because mount sources are
        this.containersDir = stateDir.toAbsolutePath().resolve("containers");
        this.hostResolvConf = hostResolvConf;
        this.resolvedResolvConf = resolvedResolvConf;
    }

    /** The host's resolver configuration, as the files are made from it (read afresh each time). */
    public ResolvConf hostResolvConf() {
        return ResolvConf.readHost(hostResolvConf, resolvedResolvConf);
    }

    /** Where the files of {@code container} live (whether or not they exist yet). */
    public Path directory(String container) {
        return containersDir.resolve(SafeName.check("container", container));
    }

    /**
     * Writes (or rewrites) the three files of a container and returns their mounts, in the order resolv.conf,
     * hosts, hostname. Names and the host file are all checked before anything is written.
     *
     * @throws org.nlbridge.net.ValidationException for a bad container name, nothing written
     * @throws ResolvConfException if the host's resolv.conf is unusable, nothing written
     * @throws UncheckedIOException if writing fails; a directory this call created is removed again
     */
    public List<Mount> write(String container, OverlaySpec spec) {
        Path dir = directory(container);
        SequencedMap<String, String> files = render(spec);

        boolean created = false;
        try {
            Files.createDirectories(containersDir.getParent());
            AtomicFiles.ensureDirectory(containersDir);
            created = AtomicFiles.ensureDirectory(dir);
            AtomicFiles.replace(dir, files);
        } catch (IOException e) {
            UncheckedIOException failure = new UncheckedIOException(
                    "cannot write the DNS overlay of container " + container + " in " + dir + ": " + e, e);
            if (created) {
                deleteQuietly(dir, failure);
            }
            throw failure;
        }

        return mounts(container, spec.readOnly());
    }

    /** The three files' contents for {@code spec}, by file name, without writing anything. */
    public SequencedMap<String, String> render(OverlaySpec spec) {
        SequencedMap<String, String> files = new LinkedHashMap<>();
        ResolvConf host = hostResolvConf();
        files.put(RESOLV_CONF, spec.nameServer() != null ? host.forNameServer(spec.dns(), spec.nameServer(),
                spec.internal()) : host.forContainer(spec.dns(), spec.hasIpv6()));
        files.put(HOSTS, HostsFile.hosts(spec.hostname(), spec.addresses(), spec.ipv6Disabled(), spec.extraHosts(),
                spec.neighbours()));
        files.put(HOSTNAME, HostsFile.hostname(spec.hostname()));
        return files;
    }

    /**
     * Replaces the other containers' section of a container's /etc/hosts ({@link HostsFile#NEIGHBOURS}), in place, so
     * a running container sees it. Returns false (and writes nothing) if the file is missing or already says so.
     */
    public boolean writeNeighbours(String container, String lines) {
        Path file = directory(container).resolve(HOSTS);
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) return false;
            String old = Files.readString(file, StandardCharsets.UTF_8);
            String now = HostsFile.withNeighbours(old, lines);
            if (now.equals(old)) return false;
            AtomicFiles.rewrite(file, now);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite the hosts file of container " + container + " in " + file
                    + ": " + e, e);
        }
    }

    /** The bind mounts of a container's overlay (whether or not the files exist yet). */
    public List<Mount> mounts(String container, boolean readOnly) {
        Path dir = directory(container);
        List<String> options = new ArrayList<>(BIND_OPTIONS);
        if (readOnly) {
            options.add("ro");
        }
        return List.of(RESOLV_CONF, HOSTS, HOSTNAME).stream()
                .map(name -> new Mount("/etc/" + name, "bind", dir.resolve(name).toString(), options))
                .toList();
    }

    /**
     * Deletes the container's directory and everything in it. Idempotent: returns false if there was nothing.
     * Symbolic links are removed, never followed.
     */
    public boolean remove(String container) {
        Path dir = directory(container);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the DNS overlay of container " + container + " in " + dir
                    + ": " + e, e);
        }
        return true;
    }

    private static void deleteQuietly(Path dir, Exception failure) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** Best effort, as teardown must be: deletes what it can, then throws the first failure, the rest suppressed. */
    private static void deleteTree(Path dir) throws IOException {
        List<IOException> failures = new ArrayList<>();
        // walkFileTree does not follow links: a link is visited as a file and deleted as the link itself
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                failures.add(e);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) {
                if (e != null) {
                    failures.add(e);
                }
                delete(d);
                return FileVisitResult.CONTINUE;
            }

            private void delete(Path p) {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    failures.add(e);
                }
            }
        });
        if (!failures.isEmpty()) {
            IOException first = failures.getFirst();
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }
}

package org.nlbridge.driver.dns;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;

/**
 * Replaces files so that a reader, or a crash, only ever sees a whole old or a whole new file: each is written to a
 * temporary file in the same directory (a rename across file systems would not be atomic), flushed to disk, given
 * its final mode, then renamed over the target; the directory is flushed last so the renames survive a power loss.
 */
final class AtomicFiles {

    /** World-readable: the process in the container may run as any user and must read its resolv.conf. */
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");
    static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwxr-xr-x");

    private AtomicFiles() {}

    /**
     * Creates {@code dir} with {@link #DIR_MODE} if it is missing (the mode is set explicitly, the umask would
     * change it). Returns whether it was created; fails if the path exists as anything but a directory, a symbolic
     * link included, so that nothing is written where a link points.
     */
    static boolean ensureDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " exists and is not a directory");
        }
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, DIR_MODE);
        return true;
    }

    /**
     * Writes every file, in order, then renames them all into place, so a failure while writing changes none of
     * them; temporary files are removed on failure. A file that exists already is rewritten in place instead
     * ({@link #rewrite}), after the new ones are in place, and only if its text changes.
     */
    static void replace(Path dir, SequencedMap<String, String> files) throws IOException {
        List<Path> temps = new ArrayList<>(files.size());
        SequencedMap<String, String> fresh = new java.util.LinkedHashMap<>();
        List<Map.Entry<String, String>> existing = new ArrayList<>();
        for (Map.Entry<String, String> f : files.entrySet()) {
            if (Files.isRegularFile(dir.resolve(f.getKey()), LinkOption.NOFOLLOW_LINKS)) existing.add(f);
            else fresh.put(f.getKey(), f.getValue());
        }
        files = fresh;
        try {
            for (Map.Entry<String, String> f : files.entrySet()) {
                // a dot name, so a directory listing or glob in between shows only finished files
                Path temp = Files.createTempFile(dir, "." + f.getKey() + ".", ".tmp");
                temps.add(temp);
                write(temp, f.getValue());
            }
            int i = 0;
            for (String name : files.keySet()) {
                Files.move(temps.get(i++), dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            }
            sync(dir);
        } finally {
            for (Path temp : temps) {
                Files.deleteIfExists(temp); // gone already after a successful rename
            }
        }
        for (Map.Entry<String, String> f : existing) {
            Path file = dir.resolve(f.getKey());
            if (!Files.readString(file, StandardCharsets.UTF_8).equals(f.getValue())) rewrite(file, f.getValue());
        }
    }

    /**
     * Rewrites an existing regular file in place (same inode: a bind mount of it sees the new text), never through a
     * symbolic link: the new bytes over the old from the start, then the length cut, then flushed to disk.
     */
    static void rewrite(Path file, String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            long at = 0;
            while (bytes.hasRemaining()) at += ch.write(bytes, at);
            ch.truncate(at);
            ch.force(true);
        }
    }

    private static void write(Path file, String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true);
        }
        // createTempFile made it 0600; set the final mode before the rename, so it is never visible with another
        Files.setPosixFilePermissions(file, FILE_MODE);
    }

    /** fsync on the directory: makes its new entries durable (Linux allows opening a directory read-only for it). */
    static void sync(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}

package org.nlbridge.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** The daemon's own documents are read whole and replaced whole: a crash leaves the old one or the new one, never a mix. */
final class AtomicFile {
    private AtomicFile() {}

    /**
     * Reads and decodes a document: nothing when there is none; {@code what} names it in the errors (a document that
     * cannot be decoded is refused, never guessed at: the message says to move it away).
     */
    static <T> Optional<T> read(Path file, String what, Function<byte[], T> decode) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
        try {
            return Optional.of(decode.apply(bytes));
        } catch (RuntimeException e) {
            throw new IllegalStateException(what + " " + file + " cannot be read: " + e.getMessage()
                    + " (move it away to start with none)", e);
        }
    }

    /**
     * Writes {@code bytes} to a temporary file (mode 0600), flushes it to the disk, renames it over {@code file} and
     * flushes the directory, so a write that returned survives power loss.
     */
    static void write(Path file, byte[] bytes) throws IOException {
        write(file, bytes, true);
    }

    /** {@link #write}, flushed to the disk only if {@code durable}: still old or new after a crash, maybe old. */
    static void write(Path file, byte[] bytes, boolean durable) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
            if (durable) ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (!durable) return;
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true); // the rename itself
        }
    }
}

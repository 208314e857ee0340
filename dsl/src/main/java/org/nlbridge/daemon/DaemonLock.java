package org.nlbridge.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import org.nlbridge.os.PrivateDirectory;

/**
 * One daemon per state directory: an exclusive {@code flock}-style lock on {@code <state>/daemon.lock}, which the
 * kernel releases when the process dies (kill -9 included), holding the daemon's pid for messages. The embedded CLI
 * asks {@link #heldBy} so that it does not change a state a daemon is converging (the daemon would undo it).
 */
public final class DaemonLock implements AutoCloseable {
    public static final String FILE = "daemon.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DaemonLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DaemonLock acquire(Path stateDir) throws IOException {
        PrivateDirectory.ensure(stateDir); // as the state store makes it
        Path f = stateDir.resolve(FILE);
        FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            String pid = read(ch);
            ch.close();
            throw new UnixListener.RefusedException("another nlbridge daemon" + (pid.isEmpty() ? "" : " (pid " + pid + ")")
                    + " manages the state in " + stateDir);
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        ch.force(false);
        return new DaemonLock(ch, l);
    }

    private static String read(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(32);
        ch.read(b, 0);
        return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
    }

    /** The pid of the daemon that holds the state directory's lock, if one does. */
    public static Optional<String> heldBy(Path stateDir) {
        Path f = stateDir.resolve(FILE);
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) return Optional.empty();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            FileLock l;
            try {
                l = ch.tryLock(0, Long.MAX_VALUE, true);
            } catch (OverlappingFileLockException e) {
                return Optional.of(Long.toString(ProcessHandle.current().pid()));
            }
            if (l != null) {
                l.release();
                return Optional.empty();
            }
            String pid = read(ch);
            return Optional.of(pid.isEmpty() ? "?" : pid);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the kernel releases it with the process anyway
        }
    }
}

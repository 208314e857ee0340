package org.nlbridge.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.function.Function;

import org.nlbridge.daemon.DaemonLock;
import org.nlbridge.os.PrivateDirectory;

/**
 * One embedded engine at a time per state directory, across processes: a {@code flock}-style lock on
 * {@code <state>/engine.lock}, exclusive for the commands that change the host ({@code apply}, {@code destroy}),
 * shared for those that read it ({@code plan}, {@code status}, {@code run}). It is taken before the engine opens, so
 * a command that waited for another reads the state that one left (two {@code apply} started together: the second
 * finds nothing to do); the kernel drops it with the process, kill -9 included. A reader never creates the file (a
 * read-only command changes nothing): without it, no command has changed this state yet and there is nothing to
 * wait for. While it waits, the command says for whom once, and gives up if a daemon takes the state meanwhile.
 */
final class StateLock implements AutoCloseable {
    static final String FILE = "engine.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private StateLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Waits for the lock of {@code stateDir} ({@code changes}: exclusive, making the directory and the file when
     * missing) and returns it; empty for a reader of a state no command has changed. A daemon that takes the state
     * meanwhile ends the wait with {@code managedByDaemon}'s exception for its pid.
     */
    static Optional<StateLock> acquire(Path stateDir, boolean changes, PrintWriter err,
                                       Function<String, RuntimeException> managedByDaemon) {
        Path f = stateDir.resolve(FILE);
        FileChannel ch;
        try {
            if (changes) {
                PrivateDirectory.ensure(stateDir); // as the state store makes it
                ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS);
            } else {
                ch = FileChannel.open(f, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            }
        } catch (NoSuchFileException none) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the state's lock " + f + ": " + e.getMessage(), e);
        }
        boolean told = false;
        try {
            while (true) {
                FileLock l;
                try {
                    l = ch.tryLock(0, Long.MAX_VALUE, !changes);
                } catch (OverlappingFileLockException sameProcess) {
                    l = null; // another engine of this process holds it: wait as for any other
                }
                if (l != null) return Optional.of(new StateLock(ch, l));
                Optional<String> daemon = DaemonLock.heldBy(stateDir);
                if (daemon.isPresent()) throw managedByDaemon.apply(daemon.get());
                if (!told) {
                    err.println("nlbridge: waiting for another nlbridge command using the state in " + stateDir);
                    err.flush();
                    told = true;
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot lock " + f + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            closeQuietly(ch);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the lock of " + stateDir, e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // released with the channel anyway
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // released with the channel below
        }
        closeQuietly(channel);
    }
}

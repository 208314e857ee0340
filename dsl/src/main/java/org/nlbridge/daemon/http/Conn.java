package org.nlbridge.daemon.http;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

/** One accepted connection, whatever carries it (a Unix socket, TLS over TCP): buffered streams and who is at the other end. */
public interface Conn extends Closeable {

    InputStream in();

    /** Buffered: the server flushes after each response or chunk. */
    OutputStream out();

    /** Who connected, for the log and the audit events: {@code uid 0 (root)}, a certificate subject, ... */
    String peer();

    /**
     * The client whose per-client budgets of {@link Limits} this connection counts against: {@code user NAME} for a
     * Unix peer (SO_PEERCRED), {@code address IP} for a TCP peer. Known at accept, before anything is read.
     */
    String client();

    /**
     * Ends reading (a reader sees the end of the stream) but keeps the connection open for an answer; closes the
     * connection where the transport cannot do that. Never throws.
     */
    default void stopReading() {
        close();
    }

    /** Closes the connection; unblocks a thread reading it. Never throws. */
    @Override
    void close();
}

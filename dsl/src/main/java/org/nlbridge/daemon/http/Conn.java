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

    /** Closes the connection; unblocks a thread reading it. Never throws. */
    @Override
    void close();
}

package org.nlbridge.daemon.http;

import java.io.Closeable;
import java.io.IOException;

/** A listening socket the server accepts connections from. */
public interface ConnListener extends Closeable {

    /** Blocks until a client connects; throws once closed. */
    Conn accept() throws IOException;

    /** As given with {@code -H}: {@code unix:///run/nlbridge.sock}, {@code tcp://0.0.0.0:2376}. */
    String address();

    /** Stops listening and removes what the listener created (a socket file). Never throws. */
    @Override
    void close();
}

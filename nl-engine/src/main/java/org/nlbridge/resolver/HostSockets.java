package org.nlbridge.resolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Callable;

import org.nlbridge.netns.NetNs;

/**
 * Opens the sockets forwarded queries leave from, in the host's namespace: directly when the host is the
 * namespace this process runs in (every thread but {@link NetNs#call}'s is there), else on a dedicated thread inside
 * it. A socket keeps the namespace it was opened in, so it may be used from any thread afterwards.
 */
final class HostSockets {

    interface Opener<T> {
        T open() throws IOException;
    }

    private final NetNs host; // null: this process's own namespace

    HostSockets(NetNs host) {
        this.host = host;
    }

    static <T> T in(NetNs ns, Opener<T> opener) {
        Callable<T> task = () -> {
            try {
                return opener.open();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        try {
            return ns == null ? task.call() : ns.call(task);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code n} UDP sockets, each on a random ephemeral port, reaching IPv4 and IPv6 servers alike. */
    DatagramChannel[] udp(int n) {
        return in(host, () -> {
            DatagramChannel[] out = new DatagramChannel[n];
            try {
                for (int i = 0; i < n; i++) out[i] = DatagramChannel.open().bind(null);
                return out;
            } catch (IOException | RuntimeException e) {
                for (DatagramChannel c : out) {
                    if (c != null) Listener.quietly(c);
                }
                throw e;
            }
        });
    }

    /** An unconnected TCP socket, blocking. */
    SocketChannel tcp() {
        return in(host, SocketChannel::open);
    }
}

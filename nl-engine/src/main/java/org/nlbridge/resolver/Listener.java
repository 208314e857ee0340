package org.nlbridge.resolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/** One container's sockets (UDP and TCP on the same address) and the state the server keeps for them. */
final class Listener {

    final String key;
    volatile ListenerSpec spec;
    final DatagramChannel udp;
    final ServerSocketChannel tcp;
    final TokenBucket bucket;
    final Semaphore tcpSlots;
    final AtomicInteger inFlight = new AtomicInteger();
    final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    volatile boolean closed;
    volatile Thread acceptor; // the virtual thread accepting TCP connections

    private Listener(ListenerSpec spec, DatagramChannel udp, ServerSocketChannel tcp, DnsServerOptions options) {
        this.key = spec.key();
        this.spec = spec;
        this.udp = udp;
        this.tcp = tcp;
        this.bucket = new TokenBucket(options.queriesPerSecond(), options.burst(), System.nanoTime());
        this.tcpSlots = new Semaphore(options.tcpConnectionsPerListener());
    }

    /**
     * Opens and binds both sockets inside the spec's namespace (one dedicated thread for both).
     *
     * @throws ResolverException naming the container, the namespace and the address if either cannot be bound
     */
    static Listener open(ListenerSpec spec, DnsServerOptions options) {
        InetSocketAddress at = new InetSocketAddress(Wire.inet(spec.address()), spec.port());
        String where = spec.address() + ":" + spec.port() + " in "
                + (spec.netns() == null ? "this process's namespace" : spec.netns().toString());
        try {
            return HostSockets.in(spec.netns(), () -> {
                DatagramChannel udp = DatagramChannel.open(StandardProtocolFamily.INET);
                ServerSocketChannel tcp = null;
                try {
                    udp.bind(at);
                    tcp = ServerSocketChannel.open(StandardProtocolFamily.INET);
                    tcp.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                    tcp.bind(at, 64);
                    return new Listener(spec, udp, tcp, options);
                } catch (IOException | RuntimeException e) {
                    udp.close();
                    if (tcp != null) tcp.close();
                    throw e;
                }
            });
        } catch (UncheckedIOException e) {
            throw new ResolverException("cannot listen for DNS queries of " + spec.key() + " on " + where + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Whether a client address may talk to us: loopback only (the server is private to its container). */
    static boolean fromLoopback(SocketAddress a) {
        return a instanceof InetSocketAddress i && i.getAddress() != null && i.getAddress().isLoopbackAddress();
    }

    /** Closes the sockets and every open connection; queries in flight are answered into nothing. */
    void close() {
        closed = true;
        quietly(udp);
        quietly(tcp);
        connections.forEach(Listener::quietly);
    }

    /**
     * Waits (a little) for the accepting thread to end: a channel closed while a thread blocks in it is released to
     * the kernel only when that thread wakes, and only then is 127.0.0.11:53 free again in the container.
     */
    void awaitClosed() {
        Thread t = acceptor;
        if (t == null) return;
        try {
            t.join(java.time.Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void quietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
    }
}

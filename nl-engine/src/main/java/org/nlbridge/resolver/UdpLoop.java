package org.nlbridge.resolver;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.xbill.DNS.Rcode;

/**
 * The one thread that serves UDP for every listener: a selector over the listeners' sockets and the upstream
 * sockets. Queries answered from the tables are answered right here (a table lookup and a render, microseconds);
 * forwarded ones wait in {@link UdpForwarder} without holding the thread. Listeners come and go through tasks run
 * on this thread. No failure while handling one datagram ends the loop: it is counted and the loop goes on.
 */
final class UdpLoop implements Runnable {

    /** Datagrams read from one socket before the others get a turn. */
    private static final int BATCH = 64;

    private final Selector selector;
    private final Answerer answerer;
    private final Supplier<Map<String, NetworkNames>> tables;
    private final DnsServerOptions options;
    private final Counters counters;
    private final UdpForwarder forwarder;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer in;
    private final Thread thread;
    private volatile boolean running = true;

    UdpLoop(DatagramChannel[] upstream, Answerer answerer, Supplier<Map<String, NetworkNames>> tables,
            DnsServerOptions options, Counters counters, AtomicInteger inFlight) throws IOException {
        this.selector = Selector.open();
        this.answerer = answerer;
        this.tables = tables;
        this.options = options;
        this.counters = counters;
        this.in = ByteBuffer.allocate(options.maxQueryBytes() + 1); // one more: a datagram that fills it is too long
        this.forwarder = new UdpForwarder(upstream, options, counters, inFlight, this::send);
        for (int i = 0; i < upstream.length; i++) {
            upstream[i].configureBlocking(false);
            upstream[i].register(selector, SelectionKey.OP_READ, i);
        }
        this.thread = Thread.ofPlatform().name("nlbridge-dns").daemon(true).unstarted(this);
    }

    void start() {
        thread.start();
    }

    /** Runs {@code task} on the loop thread; the future completes when it has run. */
    CompletableFuture<Void> submit(Runnable task) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                task.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        selector.wakeup();
        if (!running) done.completeExceptionally(new ResolverException("the DNS server is closed"));
        return done;
    }

    CompletableFuture<Void> add(Listener l) {
        return submit(() -> {
            try {
                l.udp.configureBlocking(false);
                l.udp.register(selector, SelectionKey.OP_READ, l);
            } catch (IOException e) {
                throw new ResolverException("cannot serve " + l.key + ": " + e.getMessage(), e);
            }
        });
    }

    CompletableFuture<Void> remove(Listener l) {
        return submit(() -> {
            SelectionKey k = l.udp.keyFor(selector);
            if (k != null) {
                k.cancel();
                try {
                    selector.selectNow(); // deregisters the key, so close() below releases the socket at once
                } catch (IOException e) {
                    counters.internalErrors.increment();
                }
            }
            forwarder.forget(l);
            l.close();
        });
    }

    int inFlight() {
        return forwarder.pendingCount();
    }

    @Override
    public void run() {
        while (running) {
            try {
                long wait = forwarder.expire(System.nanoTime());
                if (wait < 0) selector.select();
                else selector.select(Math.max(1, (wait + 999_999) / 1_000_000));
                Runnable task;
                while ((task = tasks.poll()) != null) task.run();
                var selected = selector.selectedKeys();
                for (SelectionKey k : selected) serve(k);
                selected.clear();
            } catch (ClosedSelectorException e) {
                return;
            } catch (Throwable e) { // never let one bad moment end the server
                counters.internalErrors.increment();
            }
        }
    }

    private void serve(SelectionKey k) {
        try {
            if (!k.isValid()) return;
            if (k.attachment() instanceof Listener l) {
                readQueries(l);
            } else if (k.attachment() instanceof Integer upstream) {
                forwarder.readable(upstream, System.nanoTime());
            }
        } catch (IOException | RuntimeException e) {
            counters.internalErrors.increment();
        }
    }

    private void readQueries(Listener l) throws IOException {
        for (int n = 0; n < BATCH && !l.closed; n++) {
            in.clear();
            SocketAddress from = l.udp.receive(in);
            if (from == null) return;
            try {
                handle(l, from, in.position());
            } catch (RuntimeException e) {
                counters.internalErrors.increment();
            }
        }
    }

    private void handle(Listener l, SocketAddress from, int len) {
        if (!Listener.fromLoopback(from)) {
            counters.dropped.increment(); // only the container's own processes may ask (route_localnet is off)
            return;
        }
        if (len > options.maxQueryBytes()) {
            counters.queries.increment();
            counters.malformed.increment();
            return;
        }
        long now = System.nanoTime();
        if (!l.bucket.tryTake(now)) {
            counters.queries.increment();
            counters.rateLimited.increment();
            return;
        }
        Answerer.Outcome o = answerer.answer(in.array(), len, false, l.spec, tables.get());
        switch (o) {
            case Answerer.Reply r -> send(l, from, r.wire());
            case Answerer.Forward f -> {
                if (!forwarder.start(l, from, f, now)) {
                    counters.refused.increment();
                    send(l, from, Wire.fail(f.query(), Rcode.REFUSED, options.udpPayloadLimit()));
                }
            }
            case Answerer.Drop d -> { }
        }
    }

    private void send(Listener l, SocketAddress client, byte[] wire) {
        if (l.closed) return;
        try {
            if (l.udp.send(ByteBuffer.wrap(wire), client) == 0) counters.dropped.increment();
        } catch (IOException | RuntimeException e) {
            counters.dropped.increment();
        }
    }

    /** Stops the loop; listeners and upstream sockets are closed by the caller. */
    void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // best effort
        }
        Runnable task;
        while ((task = tasks.poll()) != null) task.run();
    }
}

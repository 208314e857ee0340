package org.nlbridge.resolver;

import java.io.IOException;
import java.nio.channels.DatagramChannel;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.nlbridge.netns.NetNs;

/**
 * The embedded name server, Docker's 127.0.0.11 in nlbridge: one server per daemon, one listener per container,
 * listening inside the container's network namespace; names answered from per-network tables, the rest forwarded
 * to upstream servers from the host's namespace.
 *
 * <pre>{@code
 * try (DnsServer dns = DnsServer.start(DnsServerOptions.DEFAULTS, null)) {     // null: the host is our namespace
 *     dns.network(NetworkNames.builder("backend")
 *             .add(new Endpoint(DnsName.parse("container", "db"), Ipv4Address.parse("ip", "172.18.0.2"), null,
 *                     List.of(DnsName.parse("alias", "database"))))
 *             .build());
 *     try (NetNs ns = NetNs.open("db-netns")) {
 *         dns.attach(ListenerSpec.builder("db-netns").netns(ns).network("backend")
 *                 .upstreams(List.of(Upstream.of(IpAddress.parse("dns", "192.0.2.53")))).build());
 *     }
 *     ...
 *     dns.network(table.without(DnsName.parse("container", "db")));   // db stops resolving at once
 *     dns.detach("db-netns");
 * }
 * }</pre>
 *
 * <p>Threads: one platform thread serves UDP for every listener; TCP runs on virtual threads; sockets are opened in
 * their namespace by {@link NetNs#call} (one short-lived platform thread per {@link #attach}). All methods are
 * thread-safe. Tables are immutable snapshots swapped in whole: a query sees the tables as they were when it
 * arrived, and the next query sees the new ones.
 */
public final class DnsServer implements AutoCloseable {

    private static final long TASK_TIMEOUT_SECONDS = 30;

    private final DnsServerOptions options;
    private final NetNs host;
    private final Counters counters = new Counters();
    private final AtomicReference<Map<String, NetworkNames>> tables = new AtomicReference<>(Map.of());
    private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
    private final DatagramChannel[] upstream;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ScheduledExecutorService watchdog;
    private final UdpLoop loop;
    private final TcpService tcp;
    private volatile boolean closed;

    private DnsServer(DnsServerOptions options, NetNs host) throws IOException {
        this.options = options;
        // a handle of our own on the host namespace: TCP forwards open their sockets there for as long as we run
        this.host = host == null ? null : NetNs.openPath(java.nio.file.Path.of("/proc/self/fd/" + host.fd()));
        HostSockets hostSockets = new HostSockets(this.host);
        try {
            this.upstream = hostSockets.udp(options.upstreamSockets());
        } catch (RuntimeException e) {
            if (this.host != null) this.host.close();
            throw new ResolverException("cannot open the sockets queries are forwarded from: " + e.getMessage(), e);
        }
        Answerer answerer = new Answerer(options, counters);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("nlbridge-dns-watchdog").daemon(true).factory());
        try {
            this.loop = new UdpLoop(upstream, answerer, tables::get, options, counters, inFlight);
        } catch (IOException | RuntimeException e) {
            closeAll(upstream);
            watchdog.shutdownNow();
            if (this.host != null) this.host.close();
            throw e;
        }
        this.tcp = new TcpService(answerer, tables::get, options, counters, hostSockets, inFlight, watchdog);
        loop.start();
    }

    /**
     * Starts a server with no listeners and no tables.
     *
     * @param host the namespace that plays the host, where forwarded queries leave from (the daemon's
     *             {@code --host-netns}); null for this process's own namespace. The server keeps a handle of its own,
     *             so the caller may close {@code host} afterwards.
     */
    public static DnsServer start(DnsServerOptions options, NetNs host) {
        Objects.requireNonNull(options, "options");
        try {
            return new DnsServer(options, host);
        } catch (IOException e) {
            throw new ResolverException("cannot start the DNS server: " + e.getMessage(), e);
        }
    }

    /** Adds or replaces the table of {@code table.network()}, at once for every listener. */
    public void network(NetworkNames table) {
        Objects.requireNonNull(table, "table");
        tables.updateAndGet(old -> {
            Map<String, NetworkNames> m = new HashMap<>(old);
            m.put(table.network(), table);
            return Map.copyOf(m);
        });
    }

    /** Removes a network's table; its names stop resolving. Returns false if there was none. */
    public boolean removeNetwork(String network) {
        Map<String, NetworkNames> before = tables.getAndUpdate(old -> {
            if (!old.containsKey(network)) return old;
            Map<String, NetworkNames> m = new HashMap<>(old);
            m.remove(network);
            return Map.copyOf(m);
        });
        return before.containsKey(network);
    }

    /** Replaces every table at once (what a daemon does at start, from the engine's state). */
    public void networks(Collection<NetworkNames> all) {
        Map<String, NetworkNames> m = new HashMap<>();
        for (NetworkNames t : all) m.put(t.network(), t);
        tables.set(Map.copyOf(m));
    }

    /** The tables now served, by network name. */
    public Map<String, NetworkNames> networks() {
        return tables.get();
    }

    /**
     * Opens the listener's UDP and TCP sockets inside its namespace and starts answering there.
     *
     * @throws ResolverException if a socket cannot be bound (say, something else listens on 127.0.0.11:53 there)
     * @throws IllegalStateException if a listener with this key exists, or the server is closed
     */
    public void attach(ListenerSpec spec) {
        checkOpen();
        if (listeners.containsKey(spec.key())) {
            throw new IllegalStateException("a DNS listener for " + spec.key() + " exists already (use update)");
        }
        Listener l = Listener.open(spec, options);
        if (listeners.putIfAbsent(spec.key(), l) != null) {
            l.close();
            throw new IllegalStateException("a DNS listener for " + spec.key() + " exists already (use update)");
        }
        try {
            await(loop.add(l));
            tcp.start(l);
        } catch (RuntimeException e) {
            listeners.remove(spec.key(), l);
            l.close();
            throw e;
        }
    }

    /**
     * Changes what a listener answers (its networks, upstreams, internal flag), keeping its sockets: for a
     * container that connects to or disconnects from a network. The address and port must stay the same.
     */
    public void update(ListenerSpec spec) {
        checkOpen();
        Listener l = listeners.get(spec.key());
        if (l == null) throw new IllegalStateException("no DNS listener for " + spec.key());
        if (!l.spec.sameSocket(spec)) {
            throw new IllegalStateException("the DNS listener for " + spec.key() + " listens on " + l.spec.address()
                    + ":" + l.spec.port() + "; detach and attach to move it");
        }
        l.spec = spec;
    }

    /** Closes a listener's sockets; its container gets no more answers. Returns false if there was none. */
    public boolean detach(String key) {
        Listener l = listeners.remove(key);
        if (l == null) return false;
        if (closed) {
            l.close();
        } else {
            try {
                await(loop.remove(l));
            } catch (RuntimeException e) {
                l.close();
            }
        }
        l.awaitClosed();
        return true;
    }

    /** The keys of the listeners now open. */
    public Set<String> listeners() {
        return Set.copyOf(listeners.keySet());
    }

    /** The listener's current spec, or null. */
    public ListenerSpec listener(String key) {
        Listener l = listeners.get(key);
        return l == null ? null : l.spec;
    }

    public DnsServerOptions options() {
        return options;
    }

    public DnsStats stats() {
        return counters.snapshot(listeners.size(), inFlight.get());
    }

    /** Stops serving: every listener's sockets, the upstream sockets and the threads. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        loop.close();
        listeners.values().forEach(Listener::close);
        listeners.values().forEach(Listener::awaitClosed);
        listeners.clear();
        closeAll(upstream);
        watchdog.shutdownNow();
        if (host != null) host.close();
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("the DNS server is closed");
    }

    private static void closeAll(DatagramChannel[] channels) {
        for (DatagramChannel c : channels) {
            if (c != null) Listener.quietly(c);
        }
    }

    private static void await(CompletableFuture<Void> f) {
        try {
            f.get(TASK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new ResolverException("DNS server task failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new ResolverException("the DNS server loop did not respond in " + TASK_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResolverException("interrupted", e);
        }
    }
}

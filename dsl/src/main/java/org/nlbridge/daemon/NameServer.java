package org.nlbridge.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nlbridge.engine.NameService;
import org.nlbridge.netns.NetNs;
import org.nlbridge.resolver.DnsServer;
import org.nlbridge.resolver.DnsServerOptions;
import org.nlbridge.resolver.DnsStats;
import org.nlbridge.resolver.ListenerSpec;

/**
 * The daemon's name server: one {@link DnsServer} for the daemon's life, kept equal to what the engine reports
 * ({@link org.nlbridge.engine.Engine#names}) by {@link #sync}, which the daemon calls after everything that can
 * change it (adopting the stored state, each request, each drift repair). A sync swaps every network's table at once
 * (a removed or renamed container stops resolving at the next query), attaches a listener at 127.0.0.11:53 in each
 * new container's namespace, updates those whose networks or upstreams changed, and detaches the rest, so no socket
 * keeps a deleted namespace alive. A namespace deleted and made again under the same name is a new listener.
 */
final class NameServer implements AutoCloseable {

    /** A listener as attached: its spec (without the namespace handle) and the namespace's identity. */
    private record Attached(ListenerSpec spec, String netns, String identity) {}

    private final DnsServer dns;
    private final Map<String, Attached> attached = new HashMap<>();

    private NameServer(DnsServer dns) {
        this.dns = dns;
    }

    /** Starts the server; forwarded queries leave from {@code host} (null: this process's namespace). */
    static NameServer start(NetNs host) {
        return new NameServer(DnsServer.start(DnsServerOptions.DEFAULTS, host));
    }

    /**
     * Makes the server answer what {@code want} says. Returns what could not be done (a container whose 127.0.0.11:53
     * is taken, a namespace gone), one line each; those are tried again at the next sync.
     */
    synchronized List<String> sync(NameService want) {
        dns.networks(want.networks().values());
        List<String> problems = new ArrayList<>();
        Set<String> keep = new HashSet<>();
        for (NameService.Listener l : want.listeners()) {
            keep.add(l.container());
            ListenerSpec spec = ListenerSpec.builder(l.container()).networks(l.networks())
                    .upstreams(l.upstreams()).internal(l.internal()).ndotsSet(l.ndotsSet()).build();
            Attached old = attached.get(l.container());
            try (NetNs ns = NetNs.open(l.netns())) {
                String identity = identity(ns);
                if (old != null && old.netns().equals(l.netns()) && old.identity().equals(identity)) {
                    if (!old.spec().equals(spec)) {
                        dns.update(spec);
                        attached.put(l.container(), new Attached(spec, l.netns(), identity));
                    }
                    continue;
                }
                if (old != null) {
                    dns.detach(l.container());
                    attached.remove(l.container());
                }
                dns.attach(spec.toBuilder().netns(ns).build());
                attached.put(l.container(), new Attached(spec, l.netns(), identity));
            } catch (RuntimeException e) {
                problems.add("container " + l.container() + ": " + e.getMessage());
            }
        }
        for (String gone : new ArrayList<>(attached.keySet())) {
            if (!keep.contains(gone)) {
                dns.detach(gone);
                attached.remove(gone);
            }
        }
        return problems;
    }

    /**
     * {@link #sync} to what {@code engine} reports now, the problems published as {@code dns} events: a container
     * whose listener cannot be attached is tried again at the next sync; a failed sync leaves the old answers.
     */
    void sync(org.nlbridge.engine.Engine engine, EventBus events) {
        try {
            for (String problem : sync(engine.names())) events.publish("dns", "attach-failed", problem, "");
        } catch (RuntimeException e) {
            events.publish("dns", "sync-failed", "name server", Api.message(e));
        }
    }

    /** The namespace's inode ({@code net:[4026532...]}), which tells a namespace made again apart from the old one. */
    private static String identity(NetNs ns) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + ns.fd())).toString();
        } catch (IOException e) {
            return "fd " + ns.fd();
        }
    }

    /** The containers answered now. */
    synchronized Set<String> listeners() {
        return dns.listeners();
    }

    DnsStats stats() {
        return dns.stats();
    }

    @Override
    public synchronized void close() {
        attached.clear();
        dns.close();
    }
}

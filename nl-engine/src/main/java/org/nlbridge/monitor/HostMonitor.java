package org.nlbridge.monitor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.bindings.sys.Errno;
import org.nlbridge.netlink.AttrCursor;
import org.nlbridge.netlink.MsgCursor;
import org.nlbridge.netlink.NlSocket;
import org.nlbridge.netns.NetNs;
import org.nlbridge.nft.NftNotice;
import org.nlbridge.rtnl.Address;
import org.nlbridge.rtnl.Link;
import org.nlbridge.rtnl.Route;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.rtnl.RtnlEvent;
import org.nlbridge.rtnl.RtnlEvents;

/**
 * Watches one host namespace the way {@code ip monitor link address route} and {@code nft monitor} do: two netlink
 * sockets opened inside it and subscribed to the rtnetlink groups ({@link RtnlEvents#GROUPS}) and to
 * {@code NFNLGRP_NFTABLES}, each read by a platform thread of its own, and turned into {@link HostEvent}s for a
 * {@link Listener}.
 *
 * <p>Multicast delivery is not reliable: when a socket's receive queue is full the kernel drops notifications and the
 * next {@code recvmsg} fails with {@code ENOBUFS}. That is reported as {@link HostEvent.Overrun} (never hidden with
 * {@code NETLINK_NO_ENOBUFS}), after which the monitor discards what is still queued and re-reads the links it names
 * events by, after every overrun; the listener must re-read whatever it derives from events too. A notification that cannot be decoded is reported the same way.
 *
 * <p>nf_tables notifications are gathered per transaction and reported once, when the kernel announces the new
 * generation, together with the thread that committed it, so a listener can tell its own changes from others'.
 */
public final class HostMonitor implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("nlbridge.monitor");
    private static final int POLL_MILLIS = 200;
    private static final int ENOBUFS = LibC.ENOBUFS();
    private static final int EAGAIN = LibC.EAGAIN();

    /** What the monitor reports. */
    public sealed interface HostEvent {

        /**
         * A link was created ({@code NEW}), changed ({@code CHANGE}) or deleted ({@code DELETE}); or, with
         * {@code bridgePort}, a bridge reported on one of its ports ({@code CHANGE}: joined or changed,
         * {@code DELETE}: left the bridge or went away).
         */
        record LinkChanged(Action action, Link link, boolean bridgePort) implements HostEvent {}

        /** An address was added or removed; {@code ifname} is the link's name when the monitor knows it. */
        record AddressChanged(boolean deleted, Address address, String ifname) implements HostEvent {}

        /** A route was added, changed or removed; {@code ifname} names its output interface when known. */
        record RouteChanged(boolean deleted, Route route, String ifname) implements HostEvent {}

        /**
         * One committed nf_tables transaction: the tables it touched, and who committed it.
         *
         * @param own whether this process committed it: the notification names the committing socket's netlink port,
         *            one of our open sockets' in this namespace (thread ids would not do: the kernel gives them as
         *            the initial PID namespace sees them, which inside a container's PID namespace are not ours)
         */
        record NftCommitted(long generation, int pid, String process, boolean own, List<TableChange> tables)
                implements HostEvent {}

        /** Notifications were lost ({@code ENOBUFS}) or could not be read: whatever was derived from them is stale. */
        record Overrun(String source, String reason) implements HostEvent {}
    }

    /** {@code NEW}, {@code CHANGE} or {@code DELETE}. */
    public enum Action { NEW, CHANGE, DELETE }

    /**
     * What one transaction did to one table.
     *
     * @param created  the table itself was added
     * @param deleted  the table itself was deleted
     * @param added    objects (chains, rules, sets, elements, ...) added
     * @param removed  objects deleted
     */
    public record TableChange(String family, String table, boolean created, boolean deleted, int added, int removed) {
        /** {@code ip nlbridge}. */
        public String name() {
            return family + " " + table;
        }

        @Override
        public String toString() {
            if (deleted) return name() + " deleted" + (removed > 1 ? " (" + (removed - 1) + " objects in it)" : "");
            if (created) return name() + " created" + (added > 1 ? " (" + (added - 1) + " objects in it)" : "");
            return name() + ": " + added + " added, " + removed + " deleted";
        }
    }

    /** Receives events on the monitor's threads: must return quickly (queue the work elsewhere). */
    @FunctionalInterface
    public interface Listener {
        void event(HostEvent event);
    }

    /**
     * @param receiveBuffer the monitor sockets' receive queue in bytes (0: the netlink default of 8 MiB); tests use
     *                      a tiny one to provoke {@code ENOBUFS}
     */
    public record Options(int receiveBuffer) {
        public static final Options DEFAULT = new Options(0);
    }

    private final NetNs host;
    private final Listener listener;
    private final NlSocket route;
    private final NlSocket netfilter;
    private final Map<Integer, String> names = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    private HostMonitor(NetNs host, Listener listener, NlSocket route, NlSocket netfilter) {
        this.host = host;
        this.listener = listener;
        this.route = route;
        this.netfilter = netfilter;
    }

    /**
     * Subscribes in {@code host} and starts reading. Subscribes before it reads the link names, so no change
     * between the two is missed. {@code host} stays the caller's.
     */
    public static HostMonitor start(NetNs host, Options options, Listener listener) {
        Objects.requireNonNull(listener, "listener");
        NlSocket route = null;
        NlSocket nf = null;
        try {
            route = host.openSocket(Uapi.NETLINK_ROUTE());
            nf = host.openSocket(Uapi.NETLINK_NETFILTER());
            for (NlSocket s : List.of(route, nf)) {
                if (options.receiveBuffer() > 0) s.receiveBuffer(options.receiveBuffer());
                s.receiveTimeout(POLL_MILLIS);
            }
            for (int g : RtnlEvents.GROUPS) route.joinGroup(g);
            nf.joinGroup(Uapi.NFNLGRP_NFTABLES());
        } catch (RuntimeException e) {
            if (route != null) route.close();
            if (nf != null) nf.close();
            throw e;
        }
        HostMonitor m = new HostMonitor(host, listener, route, nf);
        m.reloadNames();
        m.threads.add(Thread.ofPlatform().name("nlbridge-monitor-rtnl").daemon().start(m::readRoute));
        m.threads.add(Thread.ofPlatform().name("nlbridge-monitor-nft").daemon().start(m::readNetfilter));
        return m;
    }

    /** The name of a link of the host namespace by index, as last seen; null if unknown. */
    public String linkName(int index) {
        return names.get(index);
    }

    /** Re-reads every link's name (at start and after an overrun, when link events may have been lost). */
    private void reloadNames() {
        try (Rtnl rtnl = Rtnl.open(host)) {
            Map<Integer, String> now = new HashMap<>();
            for (Link l : rtnl.links().list()) now.put(l.index(), l.name());
            names.keySet().retainAll(now.keySet());
            names.putAll(now);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot list the links of " + host + ": " + e.getMessage());
        }
    }

    private void readRoute() {
        MemorySegment buf = route.allocate(NlSocket.receiveDatagramSize());
        MsgCursor msg = new MsgCursor();
        RtnlEvents decoder = new RtnlEvents();
        while (!closed) {
            long n = route.receive(buf);
            if (n == -EAGAIN) continue;
            if (n < 0) {
                if (closed) return;
                String reason = n == -ENOBUFS ? "ENOBUFS: the kernel dropped notifications (receive queue full)"
                        : "recvmsg failed: " + Errno.name((int) -n);
                drain(route, buf);
                overrun("rtnetlink", reason);
                continue;
            }
            try {
                msg.reset(buf, n);
                while (msg.next()) {
                    RtnlEvent e = decoder.decode(msg);
                    HostEvent h = e != null ? translate(e) : null;
                    if (h != null) deliver(h);
                }
            } catch (RuntimeException e) {
                overrun("rtnetlink", "undecodable notification: " + e.getMessage());
            }
        }
    }

    private HostEvent translate(RtnlEvent e) {
        return switch (e) {
            case RtnlEvent.LinkEvent l when l.bridgePort() ->
                    new HostEvent.LinkChanged(l.deleted() ? Action.DELETE : Action.CHANGE, l.link(), true);
            case RtnlEvent.LinkEvent l -> {
                Link link = l.link();
                Action a;
                if (l.deleted()) {
                    names.remove(link.index());
                    a = Action.DELETE;
                } else {
                    a = names.put(link.index(), link.name()) == null ? Action.NEW : Action.CHANGE;
                }
                yield new HostEvent.LinkChanged(a, link, false);
            }
            case RtnlEvent.AddressEvent a -> new HostEvent.AddressChanged(a.deleted(), a.address(),
                    names.get(a.address().ifindex()));
            case RtnlEvent.RouteEvent r -> new HostEvent.RouteChanged(r.deleted(), r.route(),
                    r.route().oif() > 0 ? names.get(r.route().oif()) : null);
            case RtnlEvent.NeighbourEvent n -> null; // not subscribed (RtnlEvents.NEIGHBOUR_GROUPS)
        };
    }

    private void readNetfilter() {
        MemorySegment buf = netfilter.allocate(NlSocket.receiveDatagramSize());
        MsgCursor msg = new MsgCursor();
        AttrCursor attrs = new AttrCursor();
        Map<String, int[]> pending = new LinkedHashMap<>(); // "family table" -> created, deleted, added, removed
        while (!closed) {
            long n = netfilter.receive(buf);
            if (n == -EAGAIN) continue;
            if (n < 0) {
                if (closed) return;
                pending.clear(); // part of a transaction is lost: the overrun stands for all of it
                overrun("nftables", n == -ENOBUFS ? "ENOBUFS: the kernel dropped notifications (receive queue full)"
                        : "recvmsg failed: " + Errno.name((int) -n));
                continue;
            }
            try {
                msg.reset(buf, n);
                while (msg.next()) {
                    NftNotice notice = NftNotice.decode(msg, attrs);
                    if (notice == null) continue;
                    if (notice.kind() == NftNotice.Kind.GENERATION) {
                        List<TableChange> tables = new ArrayList<>();
                        pending.forEach((k, c) -> {
                            String[] ft = k.split(" ", 2);
                            tables.add(new TableChange(ft[0], ft[1], c[0] > 0, c[1] > 0, c[2], c[3]));
                        });
                        pending.clear();
                        deliver(new HostEvent.NftCommitted(notice.gen(), notice.pid(), notice.process(),
                                netfilter.isOurs(notice.port()), tables));
                        continue;
                    }
                    int[] c = pending.computeIfAbsent(notice.family() + " " + notice.table(), k -> new int[4]);
                    if (notice.kind() == NftNotice.Kind.TABLE) c[notice.deleted() ? 1 : 0]++;
                    c[notice.deleted() ? 3 : 2]++;
                }
            } catch (RuntimeException e) {
                pending.clear();
                overrun("nftables", "undecodable notification: " + e.getMessage());
            }
        }
    }

    /**
     * Discards what is queued: notifications older than the re-read that follows (applied after it, a link's old NEW
     * would bring back a name whose DELETE was among the lost ones). Bounded, in case the storm goes on: whatever
     * is dropped after that is another overrun, with a re-read of its own.
     */
    private static void drain(NlSocket socket, MemorySegment buf) {
        for (int i = 0; i < 100_000; i++) {
            long n = socket.receiveNow(buf);
            if (n == -EAGAIN || n < 0 && n != -ENOBUFS) return;
        }
    }

    private void overrun(String source, String reason) {
        LOG.log(System.Logger.Level.WARNING, source + " monitor: " + reason + "; re-reading the state");
        if (source.equals("rtnetlink")) reloadNames();
        deliver(new HostEvent.Overrun(source, reason));
    }

    private void deliver(HostEvent e) {
        try {
            listener.event(e);
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.ERROR, "event listener failed on " + e, ex);
        }
    }

    /** Stops both threads (within {@value #POLL_MILLIS} ms) and closes the sockets. */
    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        route.close();
        netfilter.close();
    }
}

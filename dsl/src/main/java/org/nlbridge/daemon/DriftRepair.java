package org.nlbridge.daemon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.nlbridge.engine.Engine;
import org.nlbridge.engine.Ownership;
import org.nlbridge.monitor.HostMonitor;
import org.nlbridge.monitor.HostMonitor.HostEvent;
import org.nlbridge.rtnl.Route;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.Plan;

/**
 * Turns what the host monitor reports into events, and repairs drift: when one of our links goes away or our
 * bridge goes down, an address leaves one of our bridges, another process commits a change to one of our
 * nf_tables tables (an {@code nft flush ruleset}), or notifications were lost ({@code ENOBUFS}), the daemon
 * gathers the triggers for a short debounce, then on the engine thread (after any request in progress):
 * <ol>
 *   <li>drops triggers the store explains (a veth that a request just removed on purpose is no longer ours);</li>
 *   <li>runs the engine's reconcile (half-done endpoints, orphan links, the firewall rebuilt from the store in one
 *       transaction if it differs);</li>
 *   <li>plans the desired state against the kernel and applies the plan if it is not empty (a veth re-created, an
 *       address re-added, the bridge set up again).</li>
 * </ol>
 * Each repair is reported as {@code drift detected} then {@code drift repaired} (or {@code drift failed}). An
 * overrun is reported as {@code monitor overrun} and always leads to this full check ({@code monitor resync}): a
 * lost event is never a silent gap. The user hook tables ({@code nlbridge-user}) and tables of other owners are
 * not ours: changes there are reported, never repaired. A repair that fails backs off (0.5 s, doubling, at most
 * 30 s) so that a broken host does not make the daemon spin.
 */
final class DriftRepair implements AutoCloseable {

    /** Our nf_tables tables, in every family: {@code NftLayout.TABLE}. */

    private final Daemon daemon;
    private final long debounceMillis;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("nlbridge-drift").daemon().unstarted(r));
    private final Set<Trigger> pending = new LinkedHashSet<>();
    private boolean scheduled;
    private int failures;
    private long notBefore;
    private volatile Ownership owned = Ownership.NONE;

    /**
     * The links of ours in the host namespace by name, with their index, as the link events since the start say (the
     * monitor's thread writes, the engine thread reads): a deleted link that stands again under the same name (a
     * container removed and added again at once, by the daemon's own requests) is no drift, although the store
     * names it as before. Links that were there at the start are not in it: their deletion is checked as ever.
     */
    private final java.util.Map<String, Integer> standing = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Why a check is needed; {@code link} names the link it is about (re-checked against the store), if any, and
     * {@code index} is its interface index (two deletions of links of the same name are two triggers).
     */
    record Trigger(String reason, String link, boolean bridgeOnly, boolean always, int index) {
        Trigger(String reason, String link, boolean bridgeOnly, boolean always) {
            this(reason, link, bridgeOnly, always, 0);
        }
    }

    DriftRepair(Daemon daemon, Duration debounce) {
        this.daemon = daemon;
        this.debounceMillis = Math.max(0, debounce.toMillis());
    }

    /**
     * Re-reads which links are ours and has the name server answer what the engine's state says now (engine thread,
     * after every request and repair).
     */
    void refreshOwned() {
        try {
            owned = daemon.engine().ownership();
        } catch (RuntimeException e) {
            // the store is closing: keep the old view
        }
        daemon.syncNames();
    }

    // ------------------------------------------------------------------------------------ host events

    /** From the monitor's threads: publish, and trigger a check when it may be drift. */
    void onHostEvent(HostEvent e) {
        EventBus bus = daemon.events();
        switch (e) {
            case HostEvent.LinkChanged l when l.bridgePort() -> {
                var link = l.link();
                String master = l.link().master() > 0 ? "bridge index " + l.link().master() : "a bridge";
                bus.publish("link", l.action() == HostMonitor.Action.DELETE ? "unport" : "port", link.name(),
                        owned.links().containsKey(link.name()), (l.action() == HostMonitor.Action.DELETE ? "left " : "port of ")
                                + master + ", index " + link.index() + (link.isUp() ? ", up" : ", down"), List.of());
            }
            case HostEvent.LinkChanged l -> {
                var link = l.link();
                String ours = owned.links().get(link.name());
                boolean mine = owned.ownsLink(link.name(), link.alias());
                String detail = (link.kind() != null ? link.kind() : "link") + ", index " + link.index()
                        + (link.isUp() ? ", up" : ", down") + (link.alias() != null ? ", alias " + link.alias() : "")
                        + (ours != null ? ", " + ours : "");
                if (l.action() == HostMonitor.Action.DELETE) standing.remove(link.name(), link.index());
                else if (link.alias() != null && link.alias().startsWith(owned.aliasPrefix())) standing.put(link.name(), link.index());
                bus.publish("link", switch (l.action()) {
                    case NEW -> "create";
                    case CHANGE -> "change";
                    case DELETE -> "delete";
                }, link.name(), mine, detail, List.of());
                if (mine && l.action() == HostMonitor.Action.DELETE) {
                    trigger(new Trigger("link " + link.name() + " deleted", link.name(), false, false, link.index()));
                } else if (owned.bridges().contains(link.name()) && !link.isUp()) {
                    trigger(new Trigger("bridge " + link.name() + " is down", link.name(), true, false));
                }
            }
            case HostEvent.AddressChanged a -> {
                boolean mine = a.ifname() != null && owned.bridges().contains(a.ifname());
                String where = a.ifname() != null ? a.ifname() : "index " + a.address().ifindex();
                bus.publish("address", a.deleted() ? "delete" : "add", where + " " + a.address().address(), mine, "", List.of());
                if (mine && a.deleted()) {
                    trigger(new Trigger("address " + a.address().address() + " removed from " + a.ifname(), a.ifname(), true, false));
                }
            }
            case HostEvent.RouteChanged r -> {
                Route rt = r.route();
                String obj = rt.destination() + (rt.gateway() != null ? " via " + rt.gateway() : "")
                        + (r.ifname() != null ? " dev " + r.ifname() : rt.oif() > 0 ? " dev index " + rt.oif() : "")
                        + " table " + tableName(rt.table());
                bus.publish("route", r.deleted() ? "delete" : "add", obj, r.ifname() != null && owned.bridges().contains(r.ifname()),
                        "", List.of());
            }
            case HostEvent.NftCommitted n -> {
                boolean touchesOurs = n.tables().stream().anyMatch(t -> owned.ownsTable(t.table()));
                String who = (n.process() != null ? n.process() : "?") + "[" + n.pid() + "]";
                bus.publish("nft", "commit", "generation " + n.generation(), n.own(),
                        "by " + (n.own() ? "nlbridge " : "") + who + ": "
                                + (n.tables().isEmpty() ? "no table changes" : String.join("; ",
                                n.tables().stream().map(Object::toString).toList())), List.of());
                if (touchesOurs && !n.own()) {
                    List<String> ours = n.tables().stream().filter(t -> owned.ownsTable(t.table())).map(Object::toString).toList();
                    trigger(new Trigger("nf_tables " + String.join("; ", ours) + " by " + who, null, false, true));
                } else if (!n.own()) {
                    // another firewall (dockerd starting, ufw enable, iptables -P FORWARD DROP): the engine's
                    // reconcile re-checks the host firewall's policy and adds or removes its accept rules
                    List<String> watched = n.tables().stream().filter(t -> owned.watchesTable(t.family(), t.table()))
                            .map(Object::toString).toList();
                    if (!watched.isEmpty()) {
                        trigger(new Trigger("host firewall " + String.join("; ", watched) + " by " + who, null, false, true));
                    }
                }
            }
            case HostEvent.Overrun o -> {
                bus.publish("monitor", "overrun", o.source(), false, o.reason() + "; re-reading the whole state", List.of());
                trigger(new Trigger("monitor overrun (" + o.source() + "): events were lost", null, false, true));
            }
        }
    }

    private static String tableName(int table) {
        return switch (table) {
            case 254 -> "main";
            case 255 -> "local";
            case 253 -> "default";
            default -> Integer.toString(table);
        };
    }

    // ------------------------------------------------------------------------------------ scheduling

    /** Asks for a check after the debounce; triggers arriving meanwhile join it. */
    synchronized void trigger(Trigger t) {
        if (daemon.stopping()) return;
        pending.add(t);
        if (scheduled) return;
        scheduled = true;
        long delay = Math.max(debounceMillis, notBefore - System.currentTimeMillis());
        try {
            timer.schedule(() -> daemon.onEngineLater(this::runPending), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            scheduled = false;
        }
    }

    /**
     * A trigger that does not wait out the backoff of earlier failures: the cause of those failures is gone (the
     * cluster store answers again), so what failed may work now, at once.
     */
    synchronized void triggerAfterRecovery(Trigger t) {
        failures = 0;
        notBefore = 0;
        boolean waiting = scheduled; // the run already scheduled may be a whole backoff away
        trigger(t);
        if (!waiting) return;
        try {
            timer.schedule(() -> daemon.onEngineLater(this::runPending), debounceMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private List<Trigger> takePending() {
        synchronized (this) {
            List<Trigger> out = new ArrayList<>(pending);
            pending.clear();
            scheduled = false;
            return out;
        }
    }

    /** Engine thread: check and repair for the triggers gathered so far. */
    private void runPending() {
        List<Trigger> triggers = takePending();
        if (triggers.isEmpty()) return;
        refreshOwned();
        List<String> real = new ArrayList<>();
        for (Trigger t : triggers) {
            Integer now = t.index() == 0 ? null : standing.get(t.link());
            if (now != null && now != t.index()) continue; // deleted, then made again: it stands
            // a link a request removed on purpose is no longer in the store: not drift
            if (t.always() || (t.bridgeOnly() ? owned.bridges().contains(t.link()) : owned.links().containsKey(t.link()))) real.add(t.reason());
        }
        if (real.isEmpty()) return;
        boolean resync = triggers.stream().anyMatch(t -> t.reason().startsWith("monitor overrun"));
        try {
            repair(String.join("; ", real), resync);
        } catch (RuntimeException reported) {
            // published as drift failed, and retried after the backoff
        }
    }

    /** What a repair did. */
    record Report(List<String> repaired, List<Change> changes) {}

    /** Engine thread: reconcile, then converge to the desired state; reports it. Also {@code POST /v1/reconcile}. */
    Report repair(String reasons, boolean resync) {
        EventBus bus = daemon.events();
        long t0 = System.nanoTime();
        if (resync) bus.publish("monitor", "resync", "host namespace", "full reconcile after lost events");
        bus.publish("drift", "detected", reasons, true, "", List.of());
        try {
            Engine engine = daemon.engine();
            List<String> repaired = new ArrayList<>(engine.reconcile());
            DesiredState desired = daemon.engineDesired();
            List<Change> changes = List.of();
            if (desired != null) {
                Plan plan = engine.plan(desired);
                if (!plan.isEmpty()) changes = engine.apply(desired, Engine.ProgressListener.NONE).changes();
            }
            daemon.afterChange();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (repaired.isEmpty() && changes.isEmpty()) {
                bus.publish("drift", "checked", reasons, true, "nothing to repair (" + ms + " ms)", List.of());
            } else {
                bus.publish("drift", "repaired", reasons, true, (repaired.isEmpty() ? "" : String.join("; ", repaired) + "; ")
                        + Summaries.summary(new Plan(changes)) + " (" + ms + " ms)", changes);
            }
            synchronized (this) {
                failures = 0;
                notBefore = 0;
            }
            return new Report(repaired, changes);
        } catch (RuntimeException e) {
            daemon.afterChange(); // a repair that failed half-way may have changed some
            long backoff;
            synchronized (this) {
                failures++;
                backoff = Math.min(30_000L, 500L << Math.min(failures - 1, 6));
                notBefore = System.currentTimeMillis() + backoff;
            }
            bus.publish("drift", "failed", reasons, true, Api.message(e) + "; next attempt in " + backoff + " ms or later",
                    List.of());
            // try again after the backoff even if nothing else happens: the drift is still there
            trigger(new Trigger("retry: " + reasons, null, false, true));
            throw e;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

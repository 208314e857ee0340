package org.nlbridge.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.nlbridge.client.DaemonAddress;
import org.nlbridge.cluster.ClusterOptions;
import org.nlbridge.driver.overlay.OverlayDriver;
import org.nlbridge.net.tls.Tls;
import org.nlbridge.daemon.http.ConnListener;
import org.nlbridge.daemon.http.HttpServer;
import org.nlbridge.daemon.http.Limits;
import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineOptions;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.engine.HostNamespace;
import org.nlbridge.monitor.HostMonitor;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netns.NetNs;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.Plan;

/**
 * {@code nlbridge daemon}: one process that owns one {@link Engine} and its state, serves the API on its sockets,
 * watches the host namespace and repairs drift.
 *
 * <p>Every engine call runs on one platform thread ({@code nlbridge-engine}), in the order requests arrive: one
 * logical operation at a time, with the engine's own all-or-nothing rules, whatever the number of clients. The
 * daemon converges the host to one desired state: {@code apply} replaces it (as a script does), the
 * network/container requests edit it and apply the result, {@code destroy} removes what it names. It is saved in
 * the state directory ({@link DesiredStateFile}) before the engine runs (so a daemon killed mid-request finishes the request when it restarts)
 * and put back if the engine refused the request before changing anything.
 *
 * <p>SIGTERM (a {@link #close}) stops accepting, lets the running operation finish, and leaves the network as it
 * is: containers keep working, and the next daemon adopts what it finds without re-creating anything.
 */
public final class Daemon implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("nlbridge.daemon");
    static final String VERSION = Optional.ofNullable(Daemon.class.getPackage().getImplementationVersion()).orElse("dev");

    /**
     * How the daemon runs.
     *
     * @param hosts         where to listen ({@code -H}, several allowed)
     * @param group         the Unix sockets' group (null: root)
     * @param tls           TLS files for {@code tcp://} (required for it)
     * @param hostNetns     the namespace that plays the host (null: the daemon's own)
     * @param stateDir      the state directory (null: the engine's default for {@code hostNetns})
     * @param monitorBuffer the monitor sockets' receive queue in bytes (0: default); tests provoke ENOBUFS with it
     * @param debounce      how long drift triggers are gathered before one repair
     * @param cluster       Docker's {@code --cluster-store}, {@code --cluster-store-opt} and {@code --cluster-advertise}
     *                      (null: no cluster, so no overlay networks); its event listener is the daemon's
     * @param limits        the API server's budgets and deadlines (the Docker plugin's sockets share them)
     * @param dockerPlugins the Unix sockets to serve Docker's plugin protocol on ({@code --docker-plugin})
     */
    public record Options(List<DaemonAddress> hosts, String group, Tls tls, String hostNetns, Path stateDir,
                          int monitorBuffer, Duration debounce, ClusterOptions cluster, Limits limits, List<Path> dockerPlugins) {
        public Options {
            hosts = List.copyOf(hosts);
            Objects.requireNonNull(debounce, "debounce");
            Objects.requireNonNull(limits, "limits");
            dockerPlugins = List.copyOf(dockerPlugins);
        }

        /** Without a cluster, with the default budgets and deadlines. */
        public Options(List<DaemonAddress> hosts, String group, Tls tls, String hostNetns, Path stateDir,
                       int monitorBuffer, Duration debounce) {
            this(hosts, group, tls, hostNetns, stateDir, monitorBuffer, debounce, null, Limits.DEFAULTS, List.of());
        }
    }

    private final Engine engine;
    private final DaemonState state;
    private final EventBus events = new EventBus(Daemon::log);
    private final EngineThread engineThread;
    private final HttpServer http;
    private final DriftRepair drift;
    private final Converged converged = new Converged(); // engine thread only
    private final StatusRows statusRows = new StatusRows(); // written on the engine thread only
    private final List<AutoCloseable> resources = new ArrayList<>();
    private HostMonitor monitor;
    private NameServer nameServer; // null: names are not served (an embedded daemon without one)
    /** Containers whose netns is this namespace are refused (it is the host's). */
    volatile HostNamespace hostNamespace = HostNamespace.of(null);
    /** Read and written on the engine thread only. */
    private DesiredState desired;
    /** What CNI runtimes attached; engine thread only. */
    private CniPart cni = CniPart.EMPTY;
    private volatile boolean stopping;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    /** One line on stderr, with the time: the daemon's log. */
    static void log(String text) {
        System.err.println(LocalDateTime.now() + " nlbridge: " + text.replace("\n", "\n    "));
        System.err.flush();
    }

    Daemon(Engine engine, DaemonState state, Duration debounce, Limits limits) {
        this.engine = engine;
        this.state = state;
        this.engineThread = new EngineThread("nlbridge-engine");
        this.drift = new DriftRepair(this, debounce);
        this.http = new HttpServer("nlbridge/" + VERSION, limits,
                new HttpServer.Routes(new Api(this)::handle, Api::kind, Api::error));
    }

    /**
     * Starts the production daemon: locks the state directory, opens the engine (which reconciles what an earlier
     * run left), adopts the stored desired state, starts watching the host namespace, then listens.
     */
    public static Daemon start(Options o, Function<EngineOptions, Engine> engines) throws IOException {
        StartChecks.refuseEarly(o); // before touching anything
        ClusterEvents clusterEvents = new ClusterEvents();
        String underlay = null;
        ClusterOptions cluster = null;
        if (o.cluster() != null) {
            try (NetNs ns = o.hostNetns() == null ? NetNs.current() : NetNs.open(o.hostNetns())) {
                underlay = OverlayDriver.checkUnderlay(ns, o.cluster().advertise());
            }
            cluster = new ClusterOptions(o.cluster().store(), o.cluster().advertise(), o.cluster().hostTtl(), clusterEvents);
        }
        EngineOptions eo = new EngineOptions(o.hostNetns(), o.stateDir(), cluster).withNameServer(true);
        DaemonLock lock = DaemonLock.acquire(eo.stateDir());
        Daemon d = null;
        Engine engine = null;
        DaemonState state = null;
        try {
            engine = engines.apply(eo);
            state = DesiredStateFile.open(eo.stateDir(), engine);
            d = new Daemon(engine, state, o.debounce(), o.limits());
            d.hostNamespace = HostNamespace.of(o.hostNetns());
            clusterEvents.deliverTo(d);
            d.resources.add(lock);
            NetNs host = o.hostNetns() == null ? NetNs.current() : NetNs.open(o.hostNetns());
            d.resources.add(host);
            d.monitor = HostMonitor.start(host, new HostMonitor.Options(o.monitorBuffer()), d.drift::onHostEvent);
            d.nameServer = NameServer.start(o.hostNetns() == null ? null : host);
            d.adopt();
            for (DaemonAddress a : o.hosts()) d.listen(a, o.group(), o.tls());
            for (Path p : o.dockerPlugins()) d.serveDockerPlugin(p, o.group());
            d.events.publish("daemon", "start", "pid " + ProcessHandle.current().pid(),
                    "listening on " + String.join(", ", o.hosts().stream().map(Object::toString).toList())
                            + "; host namespace " + (o.hostNetns() == null ? "(own)" : o.hostNetns())
                            + "; state " + eo.stateDir() + (cluster == null ? "" : "; cluster store "
                            + String.join(",", cluster.store().endpoints().stream().map(Object::toString).toList())
                            + ", advertise " + underlay + ", discovery.ttl " + cluster.hostTtl().toSeconds() + "s"));
            return d;
        } catch (IOException | RuntimeException e) {
            if (d != null) {
                d.close();
            } else {
                if (state != null) state.close();
                if (engine != null) engine.close();
                lock.close();
            }
            throw e;
        }
    }

    /**
     * A daemon on an engine it is handed, with its desired state in memory and no host monitor (so no drift
     * repair): the API alone, for tests and for embedding. Call {@link #listen} for each socket.
     */
    public static Daemon withoutMonitor(Engine engine) {
        return withoutMonitor(engine, Limits.DEFAULTS);
    }

    /** {@link #withoutMonitor(Engine)} with other budgets and deadlines. */
    public static Daemon withoutMonitor(Engine engine, Limits limits) {
        Daemon d = new Daemon(engine, DaemonState.inMemory(), Duration.ofMillis(50), limits);
        d.adopt();
        return d;
    }

    /** Listens on one more address. */
    public void listen(DaemonAddress a, String group, Tls tls) throws IOException {
        int backlog = http.limits().backlog();
        ConnListener l = a.isUnix() ? UnixListener.open(a.socket(), group, backlog) : TlsListener.open(a, tls, backlog);
        http.serve(l);
    }

    /** Serves Docker's network and IPAM plugin protocol on one more Unix socket ({@link PluginSockets#serve}). */
    public void serveDockerPlugin(Path socket, String group) throws IOException {
        PluginSockets.serve(http, new PluginBackend(this), socket, group);
    }

    /** The API server (its budgets in use, for tests). */
    HttpServer http() {
        return http;
    }

    /** Engine calls waiting behind the running one (for tests). */
    int engineQueue() {
        return engineThread.queued();
    }

    /** Takes up the stored desired state and converges to it; with a network that already matches, changes nothing. */
    private void adopt() {
        onEngine("adopt", () -> {
            desired = state.loadDesired().orElse(null);
            cni = state.loadCni().orElse(CniPart.EMPTY);
            DesiredState all = engineDesired();
            if (all == null) {
                events.publish("daemon", "adopt", "no desired state", "nothing applied through a daemon yet");
                return null;
            }
            Plan plan = engine.plan(all);
            if (plan.isEmpty()) converged.reached(all);
            String what = all.networks().size() + " network(s), " + all.containers().size() + " container(s)"
                    + (cni.attachments().isEmpty() ? "" : " (" + cni.attachments().size() + " CNI attachment(s))");
            if (plan.isEmpty()) {
                events.publish("daemon", "adopt", what, false, "the host matches: nothing re-created", List.of());
            } else {
                try {
                    Plan done = converged.apply(engine, all, Engine.ProgressListener.NONE, false);
                    events.publish("daemon", "adopt", what, false, "converged: " + done.changes().size() + " change(s)",
                            done.changes());
                } catch (RuntimeException e) {
                    events.publish("daemon", "adopt", what, false, "converging failed: " + Api.message(e), plan.changes());
                    // keep trying, with the drift repair's backoff, rather than wait for the next kernel event
                    drift.trigger(new DriftRepair.Trigger("adopting the stored desired state failed", null, false, true));
                }
            }
            afterChange();
            return null;
        });
    }

    /** Engine thread, after anything that may have changed the engine's state: ownership, names, status rows. */
    void afterChange() {
        drift.refreshOwned();
        statusRows.refresh(engine, converged.takeScope());
    }

    /** The store's part of {@code status} as last committed, from memory (engine thread; {@link StatusRows}). */
    EngineStatus statusRows() {
        return statusRows.current(engine);
    }

    /** Engine thread, after every change: the name server (127.0.0.11, so the resolv.conf files say) answers anew. */
    void syncNames() {
        if (nameServer != null) nameServer.sync(engine, events);
    }

    // ------------------------------------------------------------------------------------ engine thread

    /** Runs {@code work} on the engine thread and waits for it; its exception is rethrown as it was. */
    <T> T onEngine(String what, Callable<T> work) {
        return onEngine(what, work, false);
    }

    /**
     * {@link #onEngine(String, Callable)} for a read an operator needs ({@code status}): it waits for the running
     * operation only, not for the changes queued behind it.
     */
    <T> T onEngineFirst(String what, Callable<T> work) {
        return onEngine(what, work, true);
    }

    private <T> T onEngine(String what, Callable<T> work, boolean first) {
        return engineThread.call(what, EngineTime.timed(work), first);
    }

    /** Like {@link #onEngine} without waiting (drift repair). */
    void onEngineLater(Runnable work) {
        try {
            engineThread.execute(work);
        } catch (RejectedExecutionException e) {
            // shutting down: the next daemon reconciles anyway
        }
    }

    Engine engine() {
        return engine;
    }

    EventBus events() {
        return events;
    }

    DaemonState state() {
        return state;
    }

    DriftRepair drift() {
        return drift;
    }

    boolean stopping() {
        return stopping;
    }

    /** The desired state (engine thread only). */
    DesiredState desired() {
        return desired;
    }

    /** The desired state, or an empty one. */
    DesiredState desiredOrEmpty() {
        return desired != null ? desired : DesiredState.EMPTY;
    }

    /** What CNI runtimes attached (engine thread only). */
    CniPart cni() {
        return cni;
    }

    /** What the engine converges to: the desired state and the CNI attachments; null when neither was ever set. */
    DesiredState engineDesired() {
        if (desired == null && cni.networks().isEmpty() && cni.attachments().isEmpty()) return null;
        return CniPart.merge(desiredOrEmpty(), cni);
    }

    // ----------------------------------------------------------------------------------- operations

    /** How an edit of the desired state treats a failure. */
    enum OnFailure {
        /** Put the old desired state back, whatever failed (the requests on one network or container). */
        REVERT,
        /** Keep the new desired state when the engine got as far as changing something, as a script does. */
        KEEP_IF_STARTED
    }

    /**
     * Converges to {@code next} as one logical operation (engine thread): saves it, applies it, reports it. On
     * failure the old desired state comes back as {@code onFailure} says.
     */
    Plan applyDesired(String action, String object, String peer, DesiredState next, Engine.ProgressListener progress,
                      OnFailure onFailure) {
        hostNamespace.check(next);
        DesiredState old = desired;
        DesiredState all = CniPart.merge(next, cni); // checked as a whole before anything is saved
        state.saveDesired(next);
        desired = next;
        try {
            Plan done = converged.apply(engine, all, progress, onFailure == OnFailure.REVERT);
            events.publish("engine", action, object, false, Summaries.summary(done) + " (" + peer + ")", done.changes());
            return done;
        } catch (RuntimeException e) {
            boolean keep = onFailure == OnFailure.KEEP_IF_STARTED && !(e instanceof ValidationException);
            if (!keep) {
                desired = old;
                if (old != null) state.saveDesired(old);
                else state.saveDesired(DesiredState.EMPTY);
            }
            events.publish("engine", action + "-failed", object, false, Api.message(e) + " (" + peer + ")", List.of());
            throw e;
        } finally {
            afterChange();
        }
    }

    /**
     * Converges to the desired state with {@code next} as the CNI attachments (engine thread), as one logical
     * operation: saved first, put back if the engine fails.
     */
    Plan applyCni(String action, String object, CniPart next) {
        CniPart old = cni;
        DesiredState all = CniPart.merge(desiredOrEmpty(), next);
        state.saveCni(next, true);
        cni = next;
        try {
            Plan done = converged.apply(engine, all, Engine.ProgressListener.NONE, true);
            events.publish("engine", action, object, false, Summaries.summary(done) + " (cni)", done.changes());
            return done;
        } catch (RuntimeException e) {
            cni = old;
            state.saveCni(old, true);
            if (!(e instanceof ValidationException)) {
                // nothing half-applied: what this change made (a network, a veth) goes again
                try {
                    converged.apply(engine, CniPart.merge(desiredOrEmpty(), old), Engine.ProgressListener.NONE, false);
                } catch (RuntimeException undo) {
                    e.addSuppressed(undo);
                }
            }
            events.publish("engine", action + "-failed", object, false, Api.message(e) + " (cni)", List.of());
            throw e;
        } finally {
            afterChange();
        }
    }

    /**
     * Records what an attachment got (its address, MAC) in its container spec, without converging: the engine has
     * exactly that already (engine thread).
     */
    void pinCni(CniPart.Attachment pinned) {
        CniPart next = cni.with(pinned);
        state.saveCni(next, false); // a crash before it reaches the disk leaves the spec that got this address
        cni = next;
    }

    /** {@code destroy}: what it removes leaves the desired state too, journalled first ({@link DestroyIntent}). */
    Plan destroy(DesiredState what, String peer, Engine.ProgressListener progress) {
        DestroyIntent.journal(state, desiredOrEmpty(), what);
        converged.forget();
        Plan done;
        RuntimeException failure = null;
        try {
            done = engine.destroy(what, progress);
        } catch (RuntimeException e) {
            failure = e;
            done = null;
        }
        // what it removed leaves the desired state: its containers, and its networks the engine no longer has
        Set<String> networksGone = DestroyIntent.networks(what);
        converged.takeScope(); // a destroy changes what it names: everything is read again
        statusRows.refresh(engine, null);
        statusRows().networks().forEach(n -> networksGone.remove(n.name()));
        try {
            DesiredState next = DestroyIntent.without(desiredOrEmpty(), DestroyIntent.containers(what), networksGone);
            if (!next.equals(desired)) {
                state.saveDesired(next);
                desired = next;
            }
        } catch (ValidationException inconsistent) {
            LOG.log(System.Logger.Level.WARNING, "after destroy the desired state is inconsistent (" + inconsistent.getMessage()
                    + "); keeping the old one");
        }
        drift.refreshOwned(); // the status in memory was read again above
        if (failure != null) {
            events.publish("engine", "destroy-failed", Summaries.names(what), false, Api.message(failure) + " (" + peer + ")", List.of());
            throw failure;
        }
        events.publish("engine", "destroy", Summaries.names(what), false, Summaries.summary(done) + " (" + peer + ")", done.changes());
        return done;
    }

    // ------------------------------------------------------------------------------------------ stop

    /** Blocks until the daemon has stopped. */
    public void awaitStop() throws InterruptedException {
        try {
            stopped.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops: no new connections, the running engine operation (and those already queued) finish, then everything
     * is closed. The network is left as it is.
     */
    @Override
    public synchronized void close() {
        if (stopping) return;
        stopping = true;
        try {
            http.stopAccepting();
            drift.close();
            engineThread.shutdown();
            try {
                if (!engineThread.awaitTermination(60, TimeUnit.SECONDS)) {
                    LOG.log(System.Logger.Level.WARNING, "the engine operation did not finish within 60 s; stopping anyway");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            events.publish("daemon", "stop", "pid " + ProcessHandle.current().pid(), "the network is left as it is");
            events.closeAll();
            http.close(Duration.ofSeconds(2)); // event streams end with the stop event, then connections close
            if (monitor != null) monitor.close();
            if (nameServer != null) nameServer.close();
            try {
                engine.close();
            } finally {
                state.close();
                for (AutoCloseable r : resources.reversed()) {
                    try {
                        r.close();
                    } catch (Exception e) {
                        LOG.log(System.Logger.Level.WARNING, "closing " + r + ": " + e.getMessage());
                    }
                }
            }
        } finally {
            stopped.complete(null);
        }
    }
}

package org.nlbridge.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.nlbridge.driver.ipam.AddressPools;
import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.net.PortSpec;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.AttachmentSpec;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkMode;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.spec.NotFoundException;
import org.nlbridge.spec.Plan;

/**
 * The engine of the dsl tests (command line, daemon, client), without root: its "kernel" is a set of objects in
 * memory, each recorded as the change that created it. A desired state wants, per network, its bridge
 * ({@code link docker0 (bridge)}, unless {@code useBridge}) and address; per container with a namespace of its own,
 * {@code netns NAME}, and per network it is on its veth ({@code link web:eth0 (veth, network bridge)}) and one
 * {@code nft element} per published port. Like the bridge engine, {@code apply} converges to the whole desired state
 * (what it no longer wants is deleted) and {@code destroy} removes what the given state owns.
 *
 * <p>Tests steer and inspect it through its fields: what exists, the specs last applied, the calls made, failures
 * to throw, and how many calls ran at once (the daemon must make one at a time).
 */
public final class MemoryEngine implements Engine {

    /** What exists, as the changes that created it, in creation order. */
    public final Set<Change> existing = Collections.synchronizedSet(new LinkedHashSet<>());
    /** The specs of the last apply, by name. */
    public final Map<String, NetworkSpec> networks = Collections.synchronizedMap(new LinkedHashMap<>());
    public final Map<String, ContainerSpec> containers = Collections.synchronizedMap(new LinkedHashMap<>());
    /** {@code plan}, {@code apply}, {@code planDestroy}, {@code destroy}, {@code status}, {@code runtime NAME}. */
    public final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    /** What {@link #status} answers; null: the networks and containers applied. */
    public volatile EngineStatus status;
    /** What {@link #runtime} answers for these containers; others applied get their namespace and hostname. */
    public volatile Map<String, ContainerRuntime> runtimes = Map.of();
    /** Thrown by every call until cleared. */
    public volatile RuntimeException failure;
    /** Thrown by the next {@link #apply} only. */
    public volatile RuntimeException failNext;
    /** What front ends kept in the store before they kept their own state ({@link #takeFrontEndValue}). */
    public final Map<String, String> frontEndValues = Collections.synchronizedMap(new LinkedHashMap<>());
    /** Counted by whoever opens it (an {@code EngineFactory}); {@link #close} counts closes. */
    public volatile int opened;
    public volatile int closed;
    public volatile int reconciles;
    /** What {@link #addressPools} answers; null: none (the default's refusal). */
    public volatile AddressPools pools;
    /** When set, every call waits until it is open (tests keep the engine busy with it). */
    public volatile java.util.concurrent.CountDownLatch hold;
    /** The most calls that were running at the same moment. */
    public volatile int maxInside;

    /** A bridge of this name "exists as a veth": {@code apply} refuses it as the bridge engine would. */
    public static final String TAKEN_BRIDGE = "taken0";

    private final AtomicInteger inside = new AtomicInteger();

    private static List<Change> wanted(DesiredState d) {
        List<Change> out = new ArrayList<>();
        for (NetworkSpec n : d.networks()) {
            if (!n.existing()) out.add(create("link", n.bridge().toString(), "bridge"));
            if (n.bip() != null) out.add(create("address", n.bridge() + " " + n.bip(), ""));
        }
        for (ContainerSpec c : d.containers()) {
            if (c.network() instanceof NetworkMode.Host || c.network() instanceof NetworkMode.Container) continue;
            if (c.handover() != null) { // the container end waits in the host namespace for its runtime
                out.add(create("link", c.handover().toString(), "veth, network " + c.network()));
                for (PortSpec p : c.publish()) out.add(create("nft element", "ip nlbridge ports", p.toString()));
                continue;
            }
            out.add(create("netns", c.netns(), ""));
            for (AttachmentSpec a : c.attachments()) {
                out.add(create("link", c.name() + ":" + a.ifname(), "veth, network " + a.network()));
                for (PortSpec p : a.publish()) out.add(create("nft element", "ip nlbridge ports", p.toString()));
            }
        }
        return out;
    }

    private static Change create(String kind, String object, String detail) {
        return new Change(Change.Action.CREATE, kind, object, detail);
    }

    private static Change delete(Change c, String detail) {
        return new Change(Change.Action.DELETE, c.kind(), c.object(), detail);
    }

    private static Change created(Change deleted) {
        return create(deleted.kind(), deleted.object(), deleted.detail());
    }

    /** Every call: recorded, counted while it runs (with a pause, so overlapping calls would overlap), or failed. */
    private <T> T call(String name, Supplier<T> work) {
        calls.add(name);
        maxInside = Math.max(maxInside, inside.incrementAndGet());
        try {
            java.util.concurrent.CountDownLatch h = hold;
            if (h != null) h.await();
            Thread.sleep(1);
            RuntimeException f = failure;
            if (f != null) throw f;
            return work.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            inside.decrementAndGet();
        }
    }

    /** What converging to {@code desired} takes: what it no longer wants goes (last first), then what it lacks. */
    private List<Change> converge(DesiredState desired) {
        List<Change> want = wanted(desired);
        List<Change> out = new ArrayList<>();
        List<Change> have;
        synchronized (existing) {
            have = new ArrayList<>(existing);
        }
        for (Change c : have.reversed()) if (!want.contains(c)) out.add(delete(c, c.detail()));
        for (Change c : want) if (!have.contains(c)) out.add(c);
        return out;
    }

    @Override
    public Plan plan(DesiredState desired) {
        return call("plan", () -> new Plan(converge(desired)));
    }

    @Override
    public Plan apply(DesiredState desired, ProgressListener progress) {
        return call("apply", () -> {
            RuntimeException f = failNext;
            if (f != null) {
                failNext = null;
                throw f;
            }
            for (NetworkSpec n : desired.networks()) {
                if (n.bridge().toString().equals(TAKEN_BRIDGE)) {
                    throw new ValidationException("network " + n.name() + ": bridge", TAKEN_BRIDGE,
                            "exists but is a veth interface", "a bridge, or a name that is not taken");
                }
            }
            List<Change> todo = converge(desired);
            for (int i = 0; i < todo.size(); i++) {
                Change c = todo.get(i);
                if (c.action() == Change.Action.DELETE) existing.remove(created(c));
                else existing.add(c);
                progress.applied(i + 1, todo.size(), c);
            }
            networks.clear();
            desired.networks().forEach(n -> networks.put(n.name(), n));
            containers.clear();
            desired.containers().forEach(c -> containers.put(c.name(), c));
            return new Plan(todo);
        });
    }

    /** What {@code desired} owns that exists, last created first. */
    private List<Change> owned(DesiredState desired) {
        List<Change> out = new ArrayList<>();
        for (Change c : wanted(desired).reversed()) if (existing.contains(c)) out.add(c);
        return out;
    }

    @Override
    public Plan planDestroy(DesiredState desired) {
        return call("planDestroy", () -> new Plan(owned(desired).stream().map(c -> delete(c, "")).toList()));
    }

    @Override
    public Plan destroy(DesiredState desired, ProgressListener progress) {
        return call("destroy", () -> {
            List<Change> gone = owned(desired);
            List<Change> todo = new ArrayList<>();
            for (Change c : gone) {
                existing.remove(c);
                todo.add(delete(c, ""));
                progress.applied(todo.size(), gone.size(), todo.getLast());
            }
            desired.containers().forEach(c -> containers.remove(c.name()));
            desired.networks().forEach(n -> networks.remove(n.name()));
            return new Plan(todo);
        });
    }

    @Override
    public EngineStatus status() {
        return call("status", () -> status != null ? status : applied());
    }

    /** Each {@link #statusRows} read: the containers named, sorted and comma-separated, or {@code *} for all. */
    public final List<String> rowReads = Collections.synchronizedList(new ArrayList<>());

    /** Not one of {@link #calls} (a daemon reads rows after each change): recorded in {@link #rowReads}. */
    @Override
    public EngineStatus statusRows(Set<String> names) {
        rowReads.add(names == null ? "*" : String.join(",", new java.util.TreeSet<>(names)));
        EngineStatus all = status != null ? status : applied();
        if (names == null) return new EngineStatus(all.networks(), all.containers(), all.ports());
        return new EngineStatus(List.of(), all.containers().stream().filter(c -> names.contains(c.name())).toList(),
                all.ports().stream().filter(p -> names.contains(p.container())).toList());
    }

    /** A {@code status} call that answers {@code rows} as they are (or {@link #status} when a test set it). */
    @Override
    public EngineStatus status(EngineStatus rows) {
        return call("status", () -> status != null ? status : rows);
    }

    private EngineStatus applied() {
        List<EngineStatus.NetworkStatus> ns = new ArrayList<>();
        List<EngineStatus.ContainerStatus> cs = new ArrayList<>();
        synchronized (networks) {
            networks.values().forEach(n -> ns.add(new EngineStatus.NetworkStatus(n.name(), n.bridge().toString(),
                    n.subnet() == null ? null : n.subnet().toString(), null, null, null, 1500, n.icc(), n.ipMasq(),
                    n.internal(), n.firewall().label(), !n.existing())));
        }
        synchronized (containers) {
            containers.values().forEach(c -> cs.add(new EngineStatus.ContainerStatus(c.name(),
                    c.network() instanceof NetworkMode.Bridge b ? b.network() : c.network().toString(), c.netns(),
                    c.ifname().toString(), null, null, null, null, c.hostname().toString(), List.of())));
        }
        return new EngineStatus(ns, cs, List.of());
    }

    @Override
    public ContainerRuntime runtime(String container) {
        return call("runtime " + container, () -> {
            ContainerRuntime r = runtimes.get(container);
            if (r != null) return r;
            ContainerSpec c = containers.get(container);
            if (c == null) {
                throw new NotFoundException("container", container, "no such container in the state /tmp/state",
                        "the name of a container applied from a script");
            }
            return new ContainerRuntime(c.netns(), c.hostname(), List.of());
        });
    }

    @Override
    public AddressPools addressPools() {
        AddressPools p = pools;
        return p != null ? p : Engine.super.addressPools();
    }

    @Override
    public List<String> reconcile() {
        reconciles++;
        return List.of();
    }

    @Override
    public synchronized boolean takeFrontEndValue(String key, Consumer<String> keep) {
        String v = frontEndValues.get(key);
        if (v == null) return false;
        keep.accept(v); // as one transaction: a keep that throws leaves the value
        frontEndValues.remove(key);
        return true;
    }

    @Override
    public void close() {
        closed++;
    }
}

package org.nlbridge.daemon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkMode;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.spec.NotFoundException;
import org.nlbridge.spec.Plan;

/**
 * An engine whose "kernel" is two maps: apply converges them to the desired state (whole-state, like the bridge
 * engine), destroy removes what it names. Counts concurrent calls, so tests can prove the daemon serialises them.
 */
final class MemoryEngine implements Engine {
    final Map<String, NetworkSpec> networks = new LinkedHashMap<>();
    final Map<String, ContainerSpec> containers = new LinkedHashMap<>();
    final AtomicInteger inside = new AtomicInteger();
    volatile int maxInside;
    volatile RuntimeException failNext;
    int reconciles;

    private void enter() {
        int n = inside.incrementAndGet();
        maxInside = Math.max(maxInside, n);
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void leave() {
        inside.decrementAndGet();
    }

    private List<Change> diff(DesiredState d) {
        List<Change> out = new ArrayList<>();
        for (String n : networks.keySet()) {
            if (d.networks().stream().noneMatch(x -> x.name().equals(n))) out.add(new Change(Change.Action.DELETE, "network", n, ""));
        }
        for (String c : containers.keySet()) {
            if (d.containers().stream().noneMatch(x -> x.name().equals(c))) out.add(new Change(Change.Action.DELETE, "endpoint", c, ""));
        }
        for (NetworkSpec n : d.networks()) {
            if (!n.equals(networks.get(n.name()))) out.add(new Change(Change.Action.CREATE, "network", n.name(), "bridge " + n.bridge()));
        }
        for (ContainerSpec c : d.containers()) {
            if (!c.equals(containers.get(c.name()))) out.add(new Change(Change.Action.CREATE, "endpoint", c.name(), c.publish().toString()));
        }
        return out;
    }

    @Override
    public synchronized Plan plan(DesiredState desired) {
        enter();
        try {
            return new Plan(diff(desired));
        } finally {
            leave();
        }
    }

    @Override
    public synchronized Plan apply(DesiredState desired, ProgressListener progress) {
        enter();
        try {
            RuntimeException f = failNext;
            if (f != null) {
                failNext = null;
                throw f;
            }
            for (NetworkSpec n : desired.networks()) {
                if (n.bridge().toString().equals("taken0")) {
                    throw new ValidationException("network " + n.name() + ": bridge", "taken0", "exists but is a veth interface",
                            "a bridge, or a name that is not taken");
                }
            }
            List<Change> todo = diff(desired);
            networks.clear();
            desired.networks().forEach(n -> networks.put(n.name(), n));
            containers.clear();
            desired.containers().forEach(c -> containers.put(c.name(), c));
            int i = 0;
            for (Change c : todo) progress.applied(++i, todo.size(), c);
            return new Plan(todo);
        } finally {
            leave();
        }
    }

    @Override
    public synchronized Plan planDestroy(DesiredState desired) {
        List<Change> out = new ArrayList<>();
        desired.containers().forEach(c -> {
            if (containers.containsKey(c.name())) out.add(new Change(Change.Action.DELETE, "endpoint", c.name(), ""));
        });
        desired.networks().forEach(n -> {
            if (networks.containsKey(n.name())) out.add(new Change(Change.Action.DELETE, "network", n.name(), ""));
        });
        return new Plan(out);
    }

    @Override
    public synchronized Plan destroy(DesiredState desired, ProgressListener progress) {
        Plan p = planDestroy(desired);
        desired.containers().forEach(c -> containers.remove(c.name()));
        desired.networks().forEach(n -> networks.remove(n.name()));
        return p;
    }

    @Override
    public synchronized EngineStatus status() {
        List<EngineStatus.NetworkStatus> ns = new ArrayList<>();
        networks.values().forEach(n -> ns.add(new EngineStatus.NetworkStatus(n.name(), n.bridge().toString(),
                n.subnet() == null ? null : n.subnet().toString(), null, null, null, 1500, n.icc(), n.ipMasq(),
                n.internal(), n.firewall().label(), !n.existing())));
        List<EngineStatus.ContainerStatus> cs = new ArrayList<>();
        containers.values().forEach(c -> cs.add(new EngineStatus.ContainerStatus(c.name(),
                c.network() instanceof NetworkMode.Bridge b ? b.network() : c.network().toString(), c.netns(),
                c.ifname().toString(), null, null, null, null, c.hostname().toString(), List.of())));
        return new EngineStatus(ns, cs, List.of());
    }

    @Override
    public synchronized ContainerRuntime runtime(String container) {
        ContainerSpec c = containers.get(container);
        if (c == null) {
            throw new NotFoundException("container", container, "no such container in the state /tmp/state",
                    "the name of a container applied from a script");
        }
        return new ContainerRuntime(c.netns(), c.hostname(), List.of());
    }

    @Override
    public synchronized List<String> reconcile() {
        reconciles++;
        return List.of();
    }

    /** What front ends kept in the store before they kept their own state ({@link #takeFrontEndValue}). */
    final Map<String, String> frontEndValues = new LinkedHashMap<>();

    @Override
    public synchronized boolean takeFrontEndValue(String key, java.util.function.Consumer<String> keep) {
        String v = frontEndValues.get(key);
        if (v == null) return false;
        keep.accept(v); // as one transaction: a keep that throws leaves the value
        frontEndValues.remove(key);
        return true;
    }

    @Override
    public void close() {
    }
}

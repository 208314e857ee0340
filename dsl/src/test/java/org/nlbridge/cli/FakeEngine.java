package org.nlbridge.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.net.PortSpec;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkMode;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.spec.Plan;

/**
 * An engine that keeps its "kernel" as a set of objects in memory: plan lists what the desired state needs and does
 * not exist, apply creates it, destroy removes what the desired state owns. Enough to drive the CLI's
 * plan → apply → plan → destroy → plan cycle without root; also records how it was opened and used.
 */
final class FakeEngine implements Engine {

    /** What exists, as (kind, object, detail) changes that created it, in creation order. */
    final Set<Change> existing = new LinkedHashSet<>();
    final List<String> calls = new ArrayList<>();
    EngineStatus status = new EngineStatus(List.of(), List.of(), List.of());
    Map<String, ContainerRuntime> runtimes = Map.of();
    RuntimeException failure;
    int opened;
    int closed;

    private static List<Change> wanted(DesiredState d) {
        List<Change> out = new ArrayList<>();
        for (NetworkSpec n : d.networks()) {
            if (!n.existing()) out.add(create("link", n.bridge().toString(), "bridge"));
            if (n.bip() != null) out.add(create("address", n.bridge() + " " + n.bip(), ""));
        }
        for (ContainerSpec c : d.containers()) {
            if (c.network() instanceof NetworkMode.Host || c.network() instanceof NetworkMode.Container) continue;
            out.add(create("netns", c.netns(), ""));
            if (c.network() instanceof NetworkMode.Bridge b) {
                out.add(create("link", c.name() + ":" + c.ifname(), "veth, network " + b.network()));
                for (PortSpec p : c.publish()) out.add(create("nft element", "ip nlbridge ports", p.toString()));
            }
        }
        return out;
    }

    private static Change create(String kind, String object, String detail) {
        return new Change(Change.Action.CREATE, kind, object, detail);
    }

    private void maybeFail() {
        if (failure != null) throw failure;
    }

    @Override
    public Plan plan(DesiredState desired) {
        calls.add("plan");
        maybeFail();
        return new Plan(wanted(desired).stream().filter(c -> !existing.contains(c)).toList());
    }

    @Override
    public Plan apply(DesiredState desired, ProgressListener progress) {
        calls.add("apply");
        maybeFail();
        List<Change> todo = plan(desired).changes();
        calls.removeLast();
        for (int i = 0; i < todo.size(); i++) {
            existing.add(todo.get(i));
            progress.applied(i + 1, todo.size(), todo.get(i));
        }
        return new Plan(todo);
    }

    @Override
    public Plan planDestroy(DesiredState desired) {
        calls.add("planDestroy");
        maybeFail();
        List<Change> out = new ArrayList<>();
        for (Change c : wanted(desired).reversed()) {
            if (existing.contains(c)) out.add(new Change(Change.Action.DELETE, c.kind(), c.object(), ""));
        }
        return new Plan(out);
    }

    @Override
    public Plan destroy(DesiredState desired, ProgressListener progress) {
        calls.add("destroy");
        maybeFail();
        List<Change> todo = planDestroy(desired).changes();
        calls.removeLast();
        int i = 0;
        for (Change c : todo) {
            existing.removeIf(e -> e.kind().equals(c.kind()) && e.object().equals(c.object()));
            progress.applied(++i, todo.size(), c);
        }
        return new Plan(todo);
    }

    @Override
    public EngineStatus status() {
        calls.add("status");
        maybeFail();
        return status;
    }

    @Override
    public ContainerRuntime runtime(String container) {
        calls.add("runtime " + container);
        maybeFail();
        ContainerRuntime r = runtimes.get(container);
        if (r == null) throw new IllegalArgumentException("no container " + container + " in the state");
        return r;
    }

    @Override
    public void close() {
        closed++;
    }
}

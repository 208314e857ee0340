package org.nlbridge.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.nlbridge.driver.Step;
import org.nlbridge.driver.ipam.AddressPools;
import org.nlbridge.driver.ipam.RuntimePools;
import org.nlbridge.net.Cidr;
import org.nlbridge.rtnl.Route;
import org.nlbridge.net.IpAddress;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.Plan;

/**
 * The engine for one host namespace: plans are lists of {@link Step}s computed by the {@link Planner} from the live
 * kernel and the store, printed by {@code plan} and run by the {@link Executor} in {@code apply}, so a plan shows
 * exactly what an apply does and a second apply does nothing. Opening it changes nothing of the host: what an
 * earlier run left is repaired by the next apply or destroy (their plans show it) or by {@link #reconcile}; the
 * drivers adopt their stored networks (only a driver with state outside the host, the overlay's cluster store,
 * acts on it).
 */
final class HostEngine implements Engine {
    private final Parts p;
    private final Planner planner;
    private final StatusView status;
    private final Reconciler reconciler;
    private final AddressPools pools;
    private final Checker checker;

    HostEngine(Parts p) {
        this.p = p;
        this.planner = new Planner(p);
        this.status = new StatusView(p);
        this.reconciler = new Reconciler(p, planner);
        this.pools = new RuntimePools(p.store, this::hostRoutes);
        this.checker = new Checker(p);
        reconciler.adopt();
    }

    @Override
    public Plan plan(DesiredState desired) {
        return plan(planner.apply(desired));
    }

    @Override
    public Plan apply(DesiredState desired, ProgressListener progress) {
        return run(planner.apply(desired), progress);
    }

    @Override
    public Plan applyContainers(DesiredState desired, Set<String> containers, ProgressListener progress) {
        return run(planner.apply(desired, Set.copyOf(containers)), progress);
    }

    @Override
    public Plan planDestroy(DesiredState desired) {
        return plan(planner.destroy(desired));
    }

    @Override
    public Plan destroy(DesiredState desired, ProgressListener progress) {
        return run(planner.destroy(desired), progress);
    }

    private static Plan plan(List<Step> steps) {
        return new Plan(steps.stream().map(Step::change).toList());
    }

    /** Runs the steps; what failed (each part rolled back on its own) is thrown together at the end. */
    private Plan run(List<Step> steps, ProgressListener progress) {
        List<ApplyException.Failure> failures = Executor.run(p.host, p.rtnl, steps, progress,
                () -> p.firewalls.teardownUnused(planner.backendsInUse())); // after an abort: a host left as found
        if (!failures.isEmpty()) throw new ApplyException(failures);
        return plan(steps);
    }

    @Override
    public EngineStatus status() {
        return status.status();
    }

    @Override
    public EngineStatus statusRows(Set<String> containers) {
        return status.rows(containers);
    }

    @Override
    public EngineStatus status(EngineStatus rows) {
        return status.live(rows);
    }

    @Override
    public java.util.Optional<EngineStatus.ContainerStatus> containerStatus(String container) {
        return status.container(container);
    }

    @Override
    public java.util.Optional<EngineStatus.NetworkStatus> networkStatus(String network) {
        return status.network(network);
    }

    @Override
    public List<String> check(String container, String network) {
        return checker.check(container, network);
    }

    @Override
    public ContainerRuntime runtime(String container) {
        return status.runtime(container);
    }

    @Override
    public NameService names() {
        return NameTables.read(p).service(p);
    }

    @Override
    public List<String> reconcile() {
        return reconciler.reconcile();
    }

    @Override
    public Ownership ownership() {
        return reconciler.ownership();
    }

    /** The value a front end kept in the store's meta table before it kept its own state, taken out once. */
    @Override
    public boolean takeFrontEndValue(String key, Consumer<String> keep) {
        return p.store.write(tx -> {
            Optional<String> value = tx.meta().get(key);
            value.ifPresent(v -> {
                keep.accept(v);
                tx.meta().remove(key);
            });
            return value.isPresent();
        });
    }

    @Override
    public AddressPools addressPools() {
        return pools;
    }

    /** The destinations of the host namespace's routes but the default: a pool nlbridge picks must miss them all. */
    private List<Cidr> hostRoutes() {
        List<Cidr> out = new ArrayList<>();
        for (int family : new int[] {IpAddress.AF_INET, IpAddress.AF_INET6}) {
            for (Route r : p.rtnl.routes().list(family)) if (!r.isDefault()) out.add(r.destination());
        }
        return out;
    }

    @Override
    public void close() {
        p.close();
    }
}

package org.nlbridge.cli;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.nlbridge.driver.ipam.AddressPools;
import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.engine.NameService;
import org.nlbridge.engine.Ownership;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.Plan;

/** An embedded engine that holds its state's {@link StateLock} until it is closed. */
final class LockedEngine implements Engine {
    private final Engine engine;
    private final StateLock lock;

    LockedEngine(Engine engine, StateLock lock) {
        this.engine = engine;
        this.lock = lock;
    }

    @Override
    public Plan plan(DesiredState desired) {
        return engine.plan(desired);
    }

    @Override
    public Plan apply(DesiredState desired, ProgressListener progress) {
        return engine.apply(desired, progress);
    }

    @Override
    public Plan applyContainers(DesiredState desired, Set<String> containers, ProgressListener progress) {
        return engine.applyContainers(desired, containers, progress);
    }

    @Override
    public Plan planDestroy(DesiredState desired) {
        return engine.planDestroy(desired);
    }

    @Override
    public Plan destroy(DesiredState desired, ProgressListener progress) {
        return engine.destroy(desired, progress);
    }

    @Override
    public EngineStatus status() {
        return engine.status();
    }

    @Override
    public List<String> check(String container, String network) {
        return engine.check(container, network);
    }

    @Override
    public Optional<EngineStatus.ContainerStatus> containerStatus(String container) {
        return engine.containerStatus(container);
    }

    @Override
    public Optional<EngineStatus.NetworkStatus> networkStatus(String network) {
        return engine.networkStatus(network);
    }

    @Override
    public ContainerRuntime runtime(String container) {
        return engine.runtime(container);
    }

    @Override
    public List<String> reconcile() {
        return engine.reconcile();
    }

    @Override
    public NameService names() {
        return engine.names();
    }

    @Override
    public Ownership ownership() {
        return engine.ownership();
    }

    @Override
    public boolean takeFrontEndValue(String key, Consumer<String> keep) {
        return engine.takeFrontEndValue(key, keep);
    }

    @Override
    public AddressPools addressPools() {
        return engine.addressPools();
    }

    @Override
    public void close() {
        try {
            engine.close();
        } finally {
            lock.close();
        }
    }
}

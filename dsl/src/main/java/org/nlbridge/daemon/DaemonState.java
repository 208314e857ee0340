package org.nlbridge.daemon;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.nlbridge.daemon.api.ApiJson;
import org.nlbridge.driver.state.Endpoint;
import org.nlbridge.driver.state.Network;
import org.nlbridge.driver.state.StateStore;
import org.nlbridge.spec.DesiredState;

/**
 * What the daemon keeps beside the engine: the desired state it converges to (the last one applied, as JSON in the
 * state store's {@code meta} table, so a restarted daemon adopts it), and a read-only view of the store's
 * networks and endpoints, to tell which links and addresses are ours when the kernel reports a change.
 */
interface DaemonState extends AutoCloseable {

    String DESIRED_KEY = "daemon.desired";

    Optional<DesiredState> loadDesired();

    void saveDesired(DesiredState desired);

    /** The links the store says exist: each bridge and host-side veth name, with what it is for. */
    Map<String, String> ownedLinks();

    /** The bridges of the store's networks. */
    Set<String> bridges();

    @Override
    void close();

    /** The real thing: the engine's SQLite store, through a connection of the daemon's own. */
    static DaemonState open(Path stateDir) {
        StateStore store = StateStore.open(stateDir);
        return new DaemonState() {
            @Override
            public Optional<DesiredState> loadDesired() {
                Optional<String> json = store.read(tx -> tx.meta().get(DESIRED_KEY));
                if (json.isEmpty()) return Optional.empty();
                try {
                    return Optional.of(ApiJson.desiredState(ApiJson.parse("stored desired state",
                            json.get().getBytes(StandardCharsets.UTF_8))));
                } catch (RuntimeException e) {
                    throw new IllegalStateException("the desired state stored in " + store.file() + " (meta key "
                            + DESIRED_KEY + ") cannot be read: " + e.getMessage(), e);
                }
            }

            @Override
            public void saveDesired(DesiredState desired) {
                String json = ApiJson.write(ApiJson.toJson(desired));
                store.update(tx -> tx.meta().put(DESIRED_KEY, json));
            }

            @Override
            public Map<String, String> ownedLinks() {
                Map<String, String> out = new HashMap<>();
                for (Network n : store.read(tx -> tx.networks().all())) {
                    out.put(n.bridge().toString(), "bridge of network " + n.name());
                }
                for (Endpoint e : store.read(tx -> tx.endpoints().all())) {
                    out.put(e.hostVeth().toString(), "veth of container " + e.container() + " on " + e.network());
                }
                return out;
            }

            @Override
            public Set<String> bridges() {
                Set<String> out = new HashSet<>();
                for (Network n : store.read(tx -> tx.networks().all())) out.add(n.bridge().toString());
                return out;
            }

            @Override
            public void close() {
                store.close();
            }
        };
    }

    /** For tests with a fake engine: the desired state in memory, no links known. */
    static DaemonState inMemory() {
        return new DaemonState() {
            private DesiredState desired;

            @Override
            public synchronized Optional<DesiredState> loadDesired() {
                return Optional.ofNullable(desired);
            }

            @Override
            public synchronized void saveDesired(DesiredState d) {
                desired = d;
            }

            @Override
            public Map<String, String> ownedLinks() {
                return Map.of();
            }

            @Override
            public Set<String> bridges() {
                return Set.of();
            }

            @Override
            public void close() {
            }
        };
    }
}

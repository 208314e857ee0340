package org.nlbridge.daemon;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

import org.nlbridge.daemon.api.ApiJson;
import org.nlbridge.state.StateStore;
import org.nlbridge.spec.DesiredState;

/**
 * What the daemon keeps beside the engine: the desired state it converges to (the last one applied, as JSON in the
 * state store's {@code meta} table, so a restarted daemon adopts it). Which links and tables are ours comes from
 * the engine ({@code Engine.ownership()}), not from here.
 */
interface DaemonState extends AutoCloseable {

    String DESIRED_KEY = "daemon.desired";

    Optional<DesiredState> loadDesired();

    void saveDesired(DesiredState desired);

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
            public void close() {
            }
        };
    }
}

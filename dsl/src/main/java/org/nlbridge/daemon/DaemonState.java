package org.nlbridge.daemon;

import java.util.Optional;

import org.nlbridge.spec.DesiredState;

/**
 * What the daemon keeps beside the engine: the desired state it converges to (the last one applied, so a restarted
 * daemon adopts it), in {@link DesiredStateFile} or, for a daemon without a state directory, in memory. Which links
 * and tables are ours comes from the engine ({@code Engine.ownership()}), not from here.
 */
interface DaemonState extends AutoCloseable {

    Optional<DesiredState> loadDesired();

    void saveDesired(DesiredState desired);

    @Override
    void close();

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

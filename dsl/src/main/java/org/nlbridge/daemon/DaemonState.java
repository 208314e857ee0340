package org.nlbridge.daemon;

import java.util.Optional;

import org.nlbridge.spec.DesiredState;

/**
 * What the daemon keeps beside the engine: the desired state it converges to (the last one applied, so a restarted
 * daemon adopts it) and what CNI runtimes attached, in {@link DesiredStateFile} and {@link CniPart}'s file or, for a
 * daemon without a state directory, in memory. Which links
 * and tables are ours comes from the engine ({@code Engine.ownership()}), not from here.
 */
interface DaemonState extends AutoCloseable {

    Optional<DesiredState> loadDesired();

    void saveDesired(DesiredState desired);

    /** What CNI runtimes attached ({@link CniPart}), kept beside the desired state. */
    Optional<CniPart> loadCni();

    /** Saves it, on the disk before returning if {@code durable} (else a crash may bring back the one before). */
    void saveCni(CniPart cni, boolean durable);

    @Override
    void close();

    /** For tests with a fake engine: the desired state in memory, no links known. */
    static DaemonState inMemory() {
        return new DaemonState() {
            private DesiredState desired;
            private CniPart cni;

            @Override
            public synchronized Optional<DesiredState> loadDesired() {
                return Optional.ofNullable(desired);
            }

            @Override
            public synchronized void saveDesired(DesiredState d) {
                desired = d;
            }

            @Override
            public synchronized Optional<CniPart> loadCni() {
                return Optional.ofNullable(cni);
            }

            @Override
            public synchronized void saveCni(CniPart c, boolean durable) {
                cni = c;
            }

            @Override
            public void close() {
            }
        };
    }
}

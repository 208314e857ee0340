package org.nlbridge.engine;

import java.nio.file.Path;

import org.nlbridge.cluster.ClusterOptions;
import org.nlbridge.netns.NetNs;

/**
 * Where an engine works.
 *
 * @param hostNetns the named namespace that plays the host (null: the namespace the process runs in)
 * @param stateDir  the state store and generated files (Docker's /var/lib/docker/network equivalent)
 * @param cluster   how the host takes part in a cluster, for overlay networks (null: it does not; a daemon started
 *                  with {@code --cluster-store} does)
 */
public record EngineOptions(String hostNetns, Path stateDir, ClusterOptions cluster) {

    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/nlbridge");

    public EngineOptions {
        if (hostNetns != null) NetNs.validName("host-netns", hostNetns);
        if (stateDir == null) {
            stateDir = hostNetns == null ? DEFAULT_STATE_DIR : DEFAULT_STATE_DIR.resolve("netns").resolve(hostNetns);
        }
    }

    /** A host of its own, in no cluster. */
    public EngineOptions(String hostNetns, Path stateDir) {
        this(hostNetns, stateDir, null);
    }
}

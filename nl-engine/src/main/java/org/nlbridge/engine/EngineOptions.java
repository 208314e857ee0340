package org.nlbridge.engine;

import java.nio.file.Path;

import org.nlbridge.cluster.ClusterOptions;
import org.nlbridge.netns.NetNs;

/**
 * Where an engine works.
 *
 * @param hostNetns  the named namespace that plays the host (null: the namespace the process runs in)
 * @param stateDir   the state store and generated files (Docker's /var/lib/docker/network equivalent)
 * @param cluster    how the host takes part in a cluster, for overlay networks (null: it does not; a daemon started
 *                   with {@code --cluster-store} does)
 * @param nameServer whoever opens the engine serves {@link Engine#names} at 127.0.0.11 in each container on a user
 *                   network for as long as the networks live (the daemon does): the containers' resolv.conf then
 *                   names 127.0.0.11 (Docker's embedded DNS). Without one (the one-shot CLI), each such container's
 *                   /etc/hosts lists the containers of its networks instead, Docker's legacy way, rewritten in place
 *                   whenever one comes, goes or changes its aliases.
 */
public record EngineOptions(String hostNetns, Path stateDir, ClusterOptions cluster, boolean nameServer) {

    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/nlbridge");

    public EngineOptions {
        if (hostNetns != null) NetNs.validName("host-netns", hostNetns);
        if (stateDir == null) {
            stateDir = hostNetns == null ? DEFAULT_STATE_DIR : DEFAULT_STATE_DIR.resolve("netns").resolve(hostNetns);
        }
    }

    /** A host of its own, in no cluster, without a name server (the one-shot CLI's). */
    public EngineOptions(String hostNetns, Path stateDir) {
        this(hostNetns, stateDir, null);
    }

    /** Options without a name server. */
    public EngineOptions(String hostNetns, Path stateDir, ClusterOptions cluster) {
        this(hostNetns, stateDir, cluster, false);
    }

    /** These options with a name server run by the caller ({@code true}) or not. */
    public EngineOptions withNameServer(boolean served) {
        return new EngineOptions(hostNetns, stateDir, cluster, served);
    }
}

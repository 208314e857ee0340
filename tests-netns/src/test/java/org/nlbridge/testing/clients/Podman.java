package org.nlbridge.testing.clients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.nlbridge.testing.Host;

/**
 * podman (Debian's 4.3) in a {@link ClientHost}: no daemon, a private configuration in {@code /etc/containers}
 * ({@link #CONTAINERS_CONF}, storage, an accept-anything signature policy, no registries) and the CNI backend,
 * whose networks are the conflists in the private {@code /etc/cni/net.d} and whose plugins are looked up in
 * {@code /usr/lib/cni} (a test may add its own there) and {@code /opt/cni/bin}. Quirks of this kind of machine:
 * {@code default_ulimits} at the machine's hard limits (podman asks root's containers for 1048576 open files and
 * processes; above the hard limit, 20000 files and 96367 processes here, runc fails with "setting rlimit type 7
 * (or 6): operation not permitted"), cgroupfs (no systemd), a file event log (no journald).
 * podman 4.3 accepts CNI results up to version 1.0.0.
 */
public final class Podman extends ClientCli {
    public static final String PODMAN = "/usr/bin/podman";

    /** containers.conf; {@code %s} takes {@link #ulimits()}. */
    static final String CONTAINERS_CONF = """
            [containers]
            default_ulimits = [%s]

            [engine]
            cgroup_manager = "cgroupfs"
            events_logger = "file"
            runtime = "runc"

            [network]
            network_backend = "cni"
            cni_plugin_dirs = ["/usr/lib/cni", "/opt/cni/bin"]
            network_config_dir = "/etc/cni/net.d"
            """;

    static final String STORAGE_CONF = """
            [storage]
            driver = "overlay"
            graphroot = "/var/lib/containers/storage"
            runroot = "/run/containers/storage"
            """;

    static final String POLICY = """
            {"default": [{"type": "insecureAcceptAnything"}]}
            """;

    static final String REGISTRIES = """
            unqualified-search-registries = []
            """;

    private Podman(ClientHost host) {
        super(host, List.of(PODMAN), Map.of(), List.of("load", "-q", "-i"), "podman load");
    }

    static Podman start(ClientHost host) {
        Assumptions.assumeTrue(Host.has("podman"), "needs podman (Debian podman 4.3)");
        Assumptions.assumeTrue(Host.has("conmon") && Host.has("runc"), "needs conmon and runc (podman's dependencies)");
        Podman p = new Podman(host);
        long start = System.nanoTime();
        host.write("/etc/containers/containers.conf", CONTAINERS_CONF.formatted(ulimits()));
        host.write("/etc/containers/storage.conf", STORAGE_CONF);
        host.write("/etc/containers/policy.json", POLICY);
        host.write("/etc/containers/registries.conf", REGISTRIES);
        String backend = p.run("info", "--format", "{{.Host.NetworkBackend}}").strip();
        if (!backend.equals("cni")) throw new AssertionError("podman's network backend is " + backend + ", not cni");
        host.time("podman first call", Duration.ofNanos(System.nanoTime() - start));
        return p;
    }

    /**
     * {@code "nofile=H:H", "nproc=H:H"} with this process's hard limits, which everything in the sandbox inherits
     * (so a container may have them, and no more).
     */
    static String ulimits() {
        String nofile = null;
        String nproc = null;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                String[] f = line.substring(Math.min(line.length(), 26)).trim().split("\\s+");
                if (line.startsWith("Max open files")) nofile = f[1];
                if (line.startsWith("Max processes")) nproc = f[1];
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder b = new StringBuilder();
        if (nofile != null && !nofile.equals("unlimited")) b.append("\"nofile=").append(nofile).append(':').append(nofile).append('"');
        if (nproc != null && !nproc.equals("unlimited")) {
            b.append(b.isEmpty() ? "" : ", ").append("\"nproc=").append(nproc).append(':').append(nproc).append('"');
        }
        return b.toString();
    }

    @Override
    public String pid(String container) {
        return run("inspect", "-f", "{{.State.Pid}}", container).strip();
    }

    /**
     * Removes every container ({@code podman rm -af -t 0}: CNI DEL for each) and records how long it took; what
     * is left ends with the sandbox.
     */
    public Duration removeAll() {
        long start = System.nanoTime();
        run("rm", "-a", "-f", "-t", "0");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        host.time("podman rm -af", took);
        return took;
    }
}

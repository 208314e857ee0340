package org.nlbridge.testing.clients;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.nlbridge.testing.Host;

/**
 * A standalone containerd (Debian's containerd 1.6) in a {@link ClientHost}, with {@code ctr} as its client. Its
 * configuration ({@link #CONFIG}) keeps the default paths (all private to the host) and sets what this kind of
 * machine needs: {@code restrict_oom_score_adj} for the CRI plugin (without it runc fails with "can't get final
 * child's PID from pipe"), cgroupfs rather than systemd, and the CNI directories the CRI plugin reads.
 * {@code ctr run --cni} reads the first conflist in {@code /etc/cni/net.d} and the plugins in {@code /opt/cni/bin}
 * and {@code /usr/lib/cni} (the Debian build).
 */
public final class Containerd extends ClientCli {
    public static final String CONTAINERD = "/usr/bin/containerd";
    public static final String CTR = "/usr/bin/ctr";
    public static final String SOCKET = "/run/containerd/containerd.sock";
    /** {@code ctr}'s namespace (its default). */
    public static final String NAMESPACE = "default";

    static final String CONFIG = """
            version = 2
            root = "/var/lib/containerd"
            state = "/run/containerd"

            [grpc]
              address = "/run/containerd/containerd.sock"

            [plugins."io.containerd.grpc.v1.cri"]
              restrict_oom_score_adj = true
              sandbox_image = "localhost/busybox:nlbt"
              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                SystemdCgroup = false
              [plugins."io.containerd.grpc.v1.cri".cni]
                bin_dir = "/usr/lib/cni"
                conf_dir = "/etc/cni/net.d"
            """;

    private Daemon containerd;

    private Containerd(ClientHost host) {
        super(host, List.of(CTR, "--address", SOCKET, "-n", NAMESPACE), Map.of(), List.of("images", "import"), "ctr import");
    }

    static Containerd start(ClientHost host) {
        Assumptions.assumeTrue(Host.has("containerd") && Host.has("ctr"), "needs containerd and ctr (Debian containerd)");
        Assumptions.assumeTrue(Host.has("runc"), "needs runc");
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/etc/containerd")),
                "needs /etc/containerd (shipped by Debian's containerd) to make it private");
        Containerd c = new Containerd(host);
        host.write("/etc/containerd/config.toml", CONFIG);
        c.startDaemon();
        return c;
    }

    private void startDaemon() {
        long start = System.nanoTime();
        containerd = host.spawn("containerd", Map.of(), CONTAINERD, "--config", "/etc/containerd/config.toml");
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (cli("version").exit() != 0) {
            if (!containerd.alive()) throw new AssertionError("containerd exited:\n" + containerd.logTail(30));
            if (System.nanoTime() > end) throw new AssertionError("containerd did not answer:\n" + containerd.logTail(30));
            ClientHost.sleep(20);
        }
        host.time("containerd start", Duration.ofNanos(System.nanoTime() - start));
    }

    /** The task's PID, from {@code ctr tasks list} (its PID column). */
    @Override
    public String pid(String container) {
        for (String line : run("tasks", "list").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].equals(container)) return f[1];
        }
        throw new AssertionError("no task " + container);
    }

    public Daemon daemon() {
        return containerd;
    }

    /** Stops containerd (SIGTERM; running containers' shims stay, as on a real host, until the sandbox ends). */
    public Duration stop() {
        Duration took = containerd.stop(Duration.ofSeconds(30));
        host.time("containerd stop", took);
        return took;
    }
}

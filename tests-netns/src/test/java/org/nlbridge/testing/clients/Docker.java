package org.nlbridge.testing.clients;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.nlbridge.testing.Host;

/**
 * The real dockerd (Debian's docker.io) in a {@link ClientHost}, with its own containerd, its default paths
 * ({@code /var/lib/docker}, {@code /run/docker}, {@code /run/docker.sock}, all private to the host) and, unless
 * told otherwise, its default firewall: iptables (iptables-nft here) on, which sets the FORWARD policy to DROP.
 * The CLI is Debian's {@code /usr/bin/docker}, the client of the same release.
 */
public final class Docker extends ClientCli {
    public static final String DOCKERD = "/usr/sbin/dockerd";
    public static final String CLI = "/usr/bin/docker";
    /** The API socket as processes inside see it. */
    public static final String SOCKET = "/run/docker.sock";

    /**
     * dockerd's options: {@code iptables} (its default, true), {@code ip6tables} (20.10: experimental, so this adds
     * {@code --experimental}), {@code bip} (null: Docker's choice, 172.17.0.1/16 here), {@code userlandProxy}
     * (default true), and any other arguments.
     */
    public record Options(boolean iptables, boolean ip6tables, String bip, boolean userlandProxy, List<String> extraArgs) {
        public static final Options DEFAULTS = new Options(true, false, null, true, List.of());

        public Options withIp6tables(boolean on) {
            return new Options(iptables, on, bip, userlandProxy, extraArgs);
        }

        public Options withIptables(boolean on) {
            return new Options(on, ip6tables, bip, userlandProxy, extraArgs);
        }

        public Options withBip(String cidr) {
            return new Options(iptables, ip6tables, cidr, userlandProxy, extraArgs);
        }

        public Options withArgs(String... args) {
            List<String> all = new ArrayList<>(extraArgs);
            all.addAll(List.of(args));
            return new Options(iptables, ip6tables, bip, userlandProxy, all);
        }
    }

    private final Options options;
    private Daemon dockerd;

    private Docker(ClientHost host, Options options) {
        super(host, List.of(CLI), Map.of("DOCKER_HOST", "unix://" + SOCKET, "DOCKER_CONFIG", "/run/.nlbc/home/.docker"),
                List.of("load", "-q", "-i"), "docker load");
        this.options = options;
    }

    static Docker start(ClientHost host, Options options) {
        Assumptions.assumeTrue(Host.has("dockerd") && Host.has("docker"), "needs dockerd and docker (Debian docker.io)");
        Assumptions.assumeTrue(Host.has("runc"), "needs runc");
        Docker d = new Docker(host, options);
        d.startDaemon();
        return d;
    }

    private void startDaemon() {
        List<String> argv = new ArrayList<>(List.of(DOCKERD,
                "--data-root", "/var/lib/docker", "--exec-root", "/run/docker", "--pidfile", "/run/docker.pid",
                "-H", "unix://" + SOCKET,
                // cgroupfs: there is no systemd in the sandbox; a short shutdown timeout keeps a stop with running
                // containers quick
                "--exec-opt", "native.cgroupdriver=cgroupfs", "--shutdown-timeout", "2",
                "--iptables=" + options.iptables(), "--userland-proxy=" + options.userlandProxy()));
        if (options.ip6tables()) argv.addAll(List.of("--experimental", "--ip6tables"));
        if (options.bip() != null) argv.addAll(List.of("--bip", options.bip()));
        argv.addAll(options.extraArgs());
        long start = System.nanoTime();
        dockerd = host.spawn("dockerd", Map.of(), argv.toArray(String[]::new));
        awaitPing(Duration.ofSeconds(60));
        host.time("dockerd start", Duration.ofNanos(System.nanoTime() - start));
    }

    private void awaitPing(Duration within) {
        long end = System.nanoTime() + within.toNanos();
        while (!ping()) {
            if (!dockerd.alive()) throw new AssertionError("dockerd exited:\n" + dockerd.logTail(30));
            if (System.nanoTime() > end) throw new AssertionError("dockerd did not answer /_ping:\n" + dockerd.logTail(30));
            ClientHost.sleep(20);
        }
    }

    /** True if the API answers {@code GET /_ping} with 200 on {@link #socket()}. */
    public boolean ping() {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket()));
            ch.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(64);
            while (buf.position() < 12 && ch.read(buf) >= 0) {
                // the status line
            }
            return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).startsWith("HTTP/1.0 200");
        } catch (IOException notYet) {
            return false;
        }
    }

    /** The API socket, reachable from the JVM (through the init's root): for a plugin test's own HTTP calls. */
    public Path socket() {
        return host.inside(SOCKET);
    }

    /** The dockerd process. */
    public Daemon daemon() {
        return dockerd;
    }

    public Options options() {
        return options;
    }

    @Override
    public String pid(String container) {
        return run("inspect", "-f", "{{.State.Pid}}", container).strip();
    }

    /** Stops dockerd (SIGTERM; it stops its containers and its containerd), and records how long it took. */
    public Duration stop() {
        Duration took = dockerd.stop(Duration.ofSeconds(30));
        host.time("dockerd stop", took);
        return took;
    }

    /** Stops and starts dockerd again with the same options (its state stays in the host's private dirs). */
    public void restart() {
        stop();
        startDaemon();
    }
}

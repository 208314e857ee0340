package org.nlbridge.testing.clients;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.nlbridge.testing.Cmd;

/**
 * What the three clients share: a command line run inside the {@link ClientHost} (a fixed prefix and environment
 * before the caller's arguments), and the busybox image loaded once with the client's own import command.
 */
public abstract sealed class ClientCli permits Docker, Containerd, Podman {
    final ClientHost host;
    private final List<String> prefix;
    private final Map<String, String> env;
    private final List<String> load;
    private final String loadTiming;
    private String image;

    ClientCli(ClientHost host, List<String> prefix, Map<String, String> env, List<String> load, String loadTiming) {
        this.host = host;
        this.prefix = prefix;
        this.env = env;
        this.load = load;
        this.loadTiming = loadTiming;
    }

    /** The client with {@code args} inside the host: exit status and output. */
    public Cmd.Result cli(String... args) {
        return host.exec(env, null, argv(args));
    }

    /** The client with {@code args}; fails with the output unless it exits 0; returns stdout. */
    public String run(String... args) {
        return ClientHost.check(cli(args), argv(args));
    }

    private String[] argv(String... args) {
        return Stream.concat(prefix.stream(), Stream.of(args)).toArray(String[]::new);
    }

    /** Loads the busybox image (once) with the client's import command; returns its reference. */
    public String busybox() {
        if (image == null) {
            long start = System.nanoTime();
            run(Stream.concat(load.stream(), Stream.of(host.busyboxArchive().toString())).toArray(String[]::new));
            image = BusyboxImage.REF;
            host.time(loadTiming, Duration.ofNanos(System.nanoTime() - start));
        }
        return image;
    }

    /** The PID of a running container as the sandbox's processes see it (for {@code nsenter -t PID -n}). */
    public abstract String pid(String container);
}

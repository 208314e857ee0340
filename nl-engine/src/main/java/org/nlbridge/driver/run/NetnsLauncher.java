package org.nlbridge.driver.run;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.nlbridge.driver.dns.Mount;
import org.nlbridge.net.Hostname;
import org.nlbridge.netns.NetNs;
import org.nlbridge.netns.NoSuchNamespaceException;

/**
 * Starts a command the way {@code nlbridge run} needs it: inside a container's named network namespace, in a
 * private mount namespace with the overlay files bound over {@code /etc}, and in its own UTS namespace with the
 * container's host name. Used like {@link ProcessBuilder}: configure, then {@link #start()}; the {@link Process}
 * exits with the command's own status, so the caller can forward it.
 *
 * <p>The JVM cannot do this in-process: {@code setns(CLONE_NEWNS)} and {@code unshare(CLONE_NEWNS)} refuse a
 * multithreaded caller. So the launcher execs util-linux tools every machine has, each of which replaces itself
 * with the next: {@code nsenter --net=/run/netns/NAME -- unshare --mount --uts --propagation private -- sh -c
 * SCRIPT ...}. The shell script is a constant; every path, option and name reaches it as a positional argument,
 * so no value is ever parsed as shell text.
 *
 * <p>Exit status 125 means the launcher itself failed (a mount or the host name), with the reason on stderr; 126
 * and 127 mean the command could not be run or was not found, as with {@code docker run}.
 */
public final class NetnsLauncher {

    /** Exit status of a failure in the launcher rather than in the command (Docker's convention). */
    public static final int LAUNCH_FAILED = 125;

    /** Name of the script in error messages ({@code $0}). */
    static final String SCRIPT_NAME = "nlbridge-launch";

    /**
     * Positional arguments: mount program, host name (empty for none), number of mounts, then options, source and
     * destination per mount, then the command.
     */
    static final String SCRIPT = """
            mount=$1 hostname=$2 n=$3
            shift 3
            while [ "$n" -gt 0 ]; do
              "$mount" -o "$1" -- "$2" "$3" || { printf '%s: cannot bind %s over %s\\n' "$0" "$2" "$3" >&2; exit 125; }
              shift 3
              n=$((n - 1))
            done
            if [ -n "$hostname" ]; then
              printf '%s' "$hostname" > /proc/sys/kernel/hostname \\
                || { printf '%s: cannot set the host name\\n' "$0" >&2; exit 125; }
            fi
            exec "$@"
            """;

    /** The options {@link Mount} may carry here: a bind mount and its flags, nothing that could mount a device. */
    private static final List<String> BIND_OPTIONS = List.of("bind", "rbind", "private", "rprivate", "ro", "rw",
            "nosuid", "nodev", "noexec");

    /**
     * Tools are looked up here, not on PATH: the launcher runs as root, and PATH is the caller's to change.
     * (The command itself is looked up on PATH, as the user expects.)
     */
    private static final List<Path> SYSTEM_DIRS = List.of(Path.of("/usr/bin"), Path.of("/bin"), Path.of("/usr/sbin"),
            Path.of("/sbin"));

    private final String netns;
    private final List<Mount> mounts = new ArrayList<>();
    private Hostname hostname;
    private List<String> command = List.of();
    private Redirect stdin = Redirect.PIPE;
    private Redirect stdout = Redirect.PIPE;
    private Redirect stderr = Redirect.PIPE;

    private NetnsLauncher(String netns) {
        this.netns = netns;
    }

    /** A launcher for the named namespace {@code /run/netns/NAME}. */
    public static NetnsLauncher inNamespace(String netns) {
        return new NetnsLauncher(NetNs.validName("netns", netns));
    }

    /** Bind mounts to make first, in order, e.g. {@link org.nlbridge.driver.dns.DnsOverlay#write}'s. */
    public NetnsLauncher mounts(List<Mount> list) {
        for (Mount m : list) {
            checkShape(m);
            mounts.add(m);
        }
        return this;
    }

    /** The host name {@code hostname} prints inside; without one, the host's name is copied. */
    public NetnsLauncher hostname(Hostname name) {
        this.hostname = Objects.requireNonNull(name, "hostname");
        return this;
    }

    /** The program and its arguments, exactly as given; the program is looked up on PATH. */
    public NetnsLauncher command(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("no command given");
        }
        this.command = List.copyOf(argv);
        return this;
    }

    public NetnsLauncher command(String... argv) {
        return command(List.of(argv));
    }

    public NetnsLauncher redirectInput(Redirect r) {
        this.stdin = Objects.requireNonNull(r);
        return this;
    }

    public NetnsLauncher redirectOutput(Redirect r) {
        this.stdout = Objects.requireNonNull(r);
        return this;
    }

    public NetnsLauncher redirectError(Redirect r) {
        this.stderr = Objects.requireNonNull(r);
        return this;
    }

    /** The command shares this JVM's stdin, stdout and stderr, as {@code nlbridge run} in a terminal wants. */
    public NetnsLauncher inheritIO() {
        return redirectInput(Redirect.INHERIT).redirectOutput(Redirect.INHERIT).redirectError(Redirect.INHERIT);
    }

    /** The full command line {@link #start()} runs, for logs and dry runs. */
    public List<String> argv() {
        if (command.isEmpty()) {
            throw new IllegalStateException("no command given");
        }
        List<String> argv = new ArrayList<>(List.of(
                tool("nsenter"), "--net=" + NetNs.RUN_DIR.resolve(netns), "--",
                tool("unshare"), "--mount", "--uts", "--propagation", "private", "--",
                tool("sh"), "-c", SCRIPT, SCRIPT_NAME,
                tool("mount"), hostname == null ? "" : hostname.toString(), Integer.toString(mounts.size())));
        for (Mount m : mounts) {
            argv.add(String.join(",", m.options()));
            argv.add(m.source());
            argv.add(m.destination());
        }
        argv.addAll(command);
        return argv;
    }

    /**
     * Checks that the namespace and every mount source and target exist, then starts the command.
     *
     * @throws NoSuchNamespaceException if {@code /run/netns/NAME} does not exist
     * @throws LaunchException          if a mount source or target is missing, a tool is missing, or exec fails
     */
    public Process start() {
        List<String> argv = argv();
        for (Mount m : mounts) {
            // a bind mount needs an existing file on both sides; say which, rather than mount(8)'s ENOENT
            if (!Files.exists(Path.of(m.source()))) {
                throw new LaunchException("cannot bind " + m.source() + " over " + m.destination() + ": the source "
                        + m.source() + " does not exist (was the overlay written?)");
            }
            if (!Files.exists(Path.of(m.destination()))) {
                throw new LaunchException("cannot bind " + m.source() + " over " + m.destination() + ": "
                        + m.destination() + " does not exist on this host, and a bind mount needs an existing file"
                        + " to mount over");
            }
        }
        if (!NetNs.exists(netns)) {
            throw new NoSuchNamespaceException("network namespace " + netns + " does not exist ("
                    + NetNs.RUN_DIR.resolve(netns) + ")");
        }
        try {
            return new ProcessBuilder(argv).redirectInput(stdin).redirectOutput(stdout).redirectError(stderr).start();
        } catch (IOException e) {
            throw new LaunchException("cannot start " + argv.getFirst() + ": " + e.getMessage(), e);
        }
    }

    private static void checkShape(Mount m) {
        if (!m.type().equals("bind")) {
            throw new IllegalArgumentException("only bind mounts can be launched, not type " + m.type() + " at "
                    + m.destination());
        }
        if (!m.destination().startsWith("/") || !Path.of(m.source()).isAbsolute()) {
            throw new IllegalArgumentException("mount paths must be absolute: " + m.source() + " over "
                    + m.destination());
        }
        if (!m.options().contains("bind") && !m.options().contains("rbind")) {
            // without it, mount(8) would take the source for a device or file system to mount
            throw new IllegalArgumentException("mount at " + m.destination() + " needs the bind or rbind option");
        }
        for (String o : m.options()) {
            if (!BIND_OPTIONS.contains(o)) {
                throw new IllegalArgumentException("mount option " + o + " at " + m.destination()
                        + " is not one of " + BIND_OPTIONS);
            }
        }
    }

    private static String tool(String name) {
        for (Path dir : SYSTEM_DIRS) {
            Path p = dir.resolve(name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new LaunchException(name + " not found in " + SYSTEM_DIRS + " (it comes with util-linux, or for sh,"
                + " with the base system)");
    }
}

package org.nlbridge.testing.clients;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Sandbox;

/**
 * A namespace that plays a host for real container clients (dockerd, containerd, podman), so that they can run
 * in a test without touching the machine.
 * <ul>
 * <li>Network: the sandbox namespaces {@value #HOST} and {@value #UPSTREAM}, joined by a veth ({@value #UPLINK} on
 * both sides): host {@value #HOST_IP}/24 and {@value #HOST_IP6}/64, upstream {@value #UPSTREAM_IP} and
 * {@value #UPSTREAM_IP6}, the host's default routes via upstream. Upstream has no other link and does not forward:
 * containers' outbound traffic and published ports are tested without leaving the sandbox.</li>
 * <li>Processes: an init (PID 1 of a new PID namespace, in the host network namespace and a new mount namespace
 * whose mounts are slaves of the machine's) holds everything started through {@link #exec} and {@link #spawn},
 * including what the clients daemonize (shims, conmon, containers). {@link #close} (or the sandbox's cleanup, or
 * the JVM's death, which closes the init's stdin) ends the init, and the kernel ends the whole namespace.</li>
 * <li>Files: private tmpfs over {@code /run}, {@code /tmp}, {@code /var/tmp}, {@code /etc/docker},
 * {@code /etc/containers}, {@code /etc/cni/net.d}, {@code /etc/containerd} and the data roots
 * {@code /var/lib/{docker,containerd,containers,cni}}; {@code /var/lib} and {@code /usr/lib/cni} are overlays whose
 * writes stay private (a test may add a CNI plugin to {@code /usr/lib/cni}); a fresh sysfs of the host namespace;
 * the host namespace bound as {@code /run/netns/<host name>}. The clients run with their default paths. From the
 * JVM, {@link #inside} reaches those files; the {@link #workDir} is the same directory on both sides.</li>
 * <li>cgroups: the sandbox's own (see {@link Cgroups}), seen through a cgroup namespace.</li>
 * </ul>
 * Usage, with {@code SandboxExtension} giving the {@code Sandbox}:
 * <pre>{@code
 * try (ClientHost host = ClientHost.start(sandbox)) {
 *     Docker docker = host.docker();
 *     docker.run("run", "-d", "--name", "web", "-p", "8080:80", docker.busybox(), "httpd", "-f", "-p", "80", "-h", "/www");
 *     assertEquals(ClientHost.UPSTREAM_IP + "\n", Http.get(host.upstreamNs(), ClientHost.HOST_IP, 8080, "/cgi-bin/peer"));
 * }
 * }</pre>
 */
public final class ClientHost implements AutoCloseable {
    /** Sandbox names of the two namespaces (full names: {@link #hostNs()}, {@link #upstreamNs()}). */
    public static final String HOST = "host";
    public static final String UPSTREAM = "upstream";
    /** The veth between them, named so on both sides (a host's usual uplink name). */
    public static final String UPLINK = "eth0";
    public static final String HOST_IP = "203.0.113.2";
    public static final String UPSTREAM_IP = "203.0.113.1";
    public static final String HOST_IP6 = "2001:db8:113::2";
    public static final String UPSTREAM_IP6 = "2001:db8:113::1";

    /**
     * The environment of everything started inside: Debian's binaries first (CI installs those; /usr/local/bin may
     * hold another docker client), a private HOME, nothing inherited from the JVM's environment.
     */
    static final Map<String, String> BASE_ENV = Map.of(
            "PATH", "/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/sbin:/usr/local/bin",
            "HOME", "/run/.nlbc/home",
            "LANG", "C.UTF-8");

    /** Moves a process into the sandbox's cgroups (namespace view), then runs the command. */
    private static final String JOIN = "for f in /sys/fs/cgroup/*/init/cgroup.procs /sys/fs/cgroup/init/cgroup.procs; do "
            + "if [ -e \"$f\" ]; then echo $$ > \"$f\"; fi; done; exec \"$@\"";

    private final Sandbox sandbox;
    private final String tag;
    private final Path work;
    private final Map<String, Duration> timings = new LinkedHashMap<>();
    private final List<Daemon> daemons = new ArrayList<>();
    private Cgroups cgroups;
    private Process anchor;
    private long initPid;
    private boolean closed;
    private Docker docker;
    private Containerd containerd;
    private Podman podman;
    private Path image;

    private ClientHost(Sandbox sandbox, String tag, Path work) {
        this.sandbox = sandbox;
        this.tag = tag;
        this.work = work;
    }

    /**
     * Creates the two namespaces in {@code sandbox}, links them, and starts the init. Skips the test (with the
     * reason) when a tool it needs is missing. Closed by the sandbox's cleanup if the test does not close it.
     */
    public static ClientHost start(Sandbox sandbox) {
        for (String tool : List.of("nsenter", "unshare", "perl", "awk")) {
            Assumptions.assumeTrue(Host.has(tool), "needs " + tool + " (util-linux, perl-base, awk) for the client sandbox");
        }
        long start = System.nanoTime();
        String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000));
        Path work;
        try {
            work = Files.createTempDirectory(Path.of("/tmp"), "nlbc-" + tag + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ClientHost host = new ClientHost(sandbox, tag, work);
        sandbox.atCleanup(host);
        host.network();
        host.boot();
        host.timings.put("sandbox start", Duration.ofNanos(System.nanoTime() - start));
        return host;
    }

    private void network() {
        List<String> ns = sandbox.netns(List.of(HOST, UPSTREAM));
        Cmd.run(String.join("\n",
                "link add " + UPLINK + " type veth peer name " + UPLINK + " netns " + ns.get(1),
                "link set lo up",
                "link set " + UPLINK + " up",
                "addr add " + HOST_IP + "/24 dev " + UPLINK,
                "addr add " + HOST_IP6 + "/64 dev " + UPLINK + " nodad",
                "route add default via " + UPSTREAM_IP,
                "route add default via " + UPSTREAM_IP6, ""), "ip", "-n", ns.get(0), "-batch", "-");
        Cmd.run(String.join("\n",
                "link set lo up",
                "link set " + UPLINK + " up",
                "addr add " + UPSTREAM_IP + "/24 dev " + UPLINK,
                "addr add " + UPSTREAM_IP6 + "/64 dev " + UPLINK + " nodad", ""), "ip", "-n", ns.get(1), "-batch", "-");
    }

    private void boot() {
        Path script = work.resolve("sandbox-init.sh");
        try (InputStream in = ClientHost.class.getResourceAsStream("sandbox-init.sh")) {
            Files.write(script, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cgroups = Cgroups.create("nlbc-" + tag);
        ProcessBuilder pb = new ProcessBuilder("nsenter", "--net=/run/netns/" + hostNs(), "--",
                "unshare", "--mount", "--propagation", "slave", "--pid", "--fork", "--mount-proc", "--",
                "/bin/sh", script.toString()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(BASE_ENV);
        pb.environment().put("NLBC_WORK", work.toString());
        pb.environment().put("NLBC_HOST_NS", hostNs());
        pb.environment().put("NLBC_CGROUP_PROCS", cgroups.procsFiles());
        pb.environment().put("NLBC_CGROUP_MOUNTS", cgroups.mountLines());
        try {
            anchor = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // the init's first lines: mount errors, then "nlbc-ready" or "nlbc-failed: ..."; anything later is drained
        BufferedReader out = new BufferedReader(new InputStreamReader(anchor.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            StringBuilder seen = new StringBuilder();
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.equals("nlbc-ready")) return null;
                    seen.append(line).append('\n');
                }
            } catch (IOException e) {
                seen.append(e);
            }
            return seen.append("(the init exited)").toString();
        }, r -> Thread.ofPlatform().daemon().start(r));
        String failure;
        try {
            failure = ready.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            failure = "no answer from the init within 60 s: " + e;
        }
        if (failure != null) {
            close();
            throw new AssertionError("the client sandbox did not start: " + failure);
        }
        Thread.ofPlatform().daemon().start(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // the init ended
            }
        });
        initPid = anchor.toHandle().children().findFirst()
                .orElseThrow(() -> new AssertionError("the sandbox's init has no process")).pid();
    }

    /** Full name of the namespace that plays the host (for {@code ip -n}, {@code Oracle}, {@code Tcp}). */
    public String hostNs() {
        return sandbox.name(HOST);
    }

    /** Full name of the upstream namespace. */
    public String upstreamNs() {
        return sandbox.name(UPSTREAM);
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    /** A directory on the machine, visible at the same path inside (logs, sockets to share); deleted at close. */
    public Path workDir() {
        return work;
    }

    /** The PID (machine's view) of the sandbox's init, PID 1 of its PID namespace. */
    public long initPid() {
        return initPid;
    }

    /** A path as processes inside see it (their private /run, /etc/cni/net.d ...), reachable from the JVM. */
    public Path inside(String absolutePath) {
        if (!absolutePath.startsWith("/")) throw new IllegalArgumentException("not absolute: " + absolutePath);
        return Path.of("/proc/" + initPid + "/root" + absolutePath);
    }

    /**
     * Writes a file inside (creating its directories), e.g. a conflist into {@code /etc/cni/net.d}. Refused unless
     * the path lies on one of the sandbox's private mounts or in the work directory: a write must never reach the
     * machine's own files (say {@code /etc/containerd} on a machine without containerd, where nothing is mounted).
     */
    public void write(String absolutePath, String content) {
        requirePrivate(absolutePath);
        try {
            Path p = inside(absolutePath);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails unless {@code absolutePath} is on a mount the init made (tmpfs or overlay named nlbc-*) or in the work dir. */
    void requirePrivate(String absolutePath) {
        Path path = Path.of(absolutePath).normalize();
        if (path.startsWith(work)) return;
        String best = null;
        String source = null;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + initPid + "/mountinfo"))) {
                String[] f = line.split(" ");
                int dash = List.of(f).indexOf("-");
                String mountpoint = f[4];
                if (path.startsWith(mountpoint) && (best == null || mountpoint.length() >= best.length())) {
                    best = mountpoint;
                    source = f[dash + 2];
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (source == null || !source.startsWith("nlbc-") || source.equals("nlbc-sysfs") || source.equals("nlbc-cgroup")) {
            throw new AssertionError(absolutePath + " is not private to the client sandbox (its mount: " + best + " from "
                    + source + "); refusing to write the machine's files");
        }
    }

    public String read(String absolutePath) {
        try {
            return Files.readString(inside(absolutePath));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a command inside (namespaces, cgroups, private files); its exit status and output. */
    public Cmd.Result exec(String... argv) {
        return exec(Map.of(), null, argv);
    }

    /** Runs a command inside with extra environment and stdin (may be null). */
    public Cmd.Result exec(Map<String, String> env, String stdin, String... argv) {
        return Cmd.exec(processBuilder(env, argv), stdin, Duration.ofSeconds(180));
    }

    /** Runs a command inside and returns its stdout; fails with its output if it exits non-zero. */
    public String run(String... argv) {
        return check(exec(argv), argv);
    }

    static String check(Cmd.Result r, String... argv) {
        if (r.exit() != 0) throw new AssertionError(String.join(" ", argv) + " exited " + r.exit() + ": " + r.err() + r.out());
        return r.out();
    }

    /**
     * Starts a long-running process inside, its output in {@code <workDir>/<name>.log}; stopped by PID at
     * {@link #close} (SIGTERM, then SIGKILL), last started first, unless stopped before.
     */
    public Daemon spawn(String name, Map<String, String> env, String... argv) {
        Path log = work.resolve(name + ".log");
        ProcessBuilder pb = processBuilder(env, argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // nsenter forks the process into the PID namespace and waits for it: the child is the daemon
        long end = System.currentTimeMillis() + 10_000;
        ProcessHandle child;
        while ((child = p.toHandle().children().findFirst().orElse(null)) == null) {
            if (!p.isAlive() || System.currentTimeMillis() > end) {
                throw new AssertionError("cannot start " + name + ": " + String.join(" ", argv));
            }
            sleep(5);
        }
        Daemon d = new Daemon(name, p, child, log);
        daemons.add(d);
        return d;
    }

    private ProcessBuilder processBuilder(Map<String, String> env, String... argv) {
        if (closed || initPid == 0) throw new IllegalStateException("the client sandbox is not running");
        List<String> cmd = new ArrayList<>(List.of("nsenter", "-t", Long.toString(initPid), "-m", "-n", "-p", "-C", "--",
                "/bin/sh", "-c", JOIN, "nlbc"));
        cmd.addAll(List.of(argv));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().putAll(BASE_ENV);
        pb.environment().putAll(env);
        return pb;
    }

    /** dockerd with its defaults as Debian ships them (started on first call). */
    public Docker docker() {
        if (docker == null) docker = Docker.start(this, Docker.Options.DEFAULTS);
        return docker;
    }

    /** dockerd with options (only once per host). */
    public Docker docker(Docker.Options options) {
        if (docker != null) throw new IllegalStateException("dockerd already runs in this host");
        docker = Docker.start(this, options);
        return docker;
    }

    /** A standalone containerd for {@code ctr} (started on first call). */
    public Containerd containerd() {
        if (containerd == null) containerd = Containerd.start(this);
        return containerd;
    }

    /** podman configured for this host (CNI backend; configured on first call). */
    public Podman podman() {
        if (podman == null) podman = Podman.start(this);
        return podman;
    }

    /** The busybox image as a docker-archive tar in the work directory (built on first call). */
    Path busyboxArchive() {
        if (image == null) image = BusyboxImage.build(work.resolve("image"));
        return image;
    }

    /**
     * Every process of the sandbox (the machine's view): those of its PID namespace (the daemons, what they
     * daemonized: shims, conmon, docker-proxy) and their descendants (the containers' processes, in namespaces of
     * their own). Not the nsenter processes that wait for the daemons outside.
     */
    public List<ProcessHandle> processes() {
        Set<ProcessHandle> in = new java.util.LinkedHashSet<>();
        try {
            Path ours = Files.readSymbolicLink(Path.of("/proc/" + initPid + "/ns/pid"));
            for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
                try {
                    if (ours.equals(Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/ns/pid")))) {
                        in.add(p);
                        p.descendants().forEach(in::add);
                    }
                } catch (IOException gone) {
                    // ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the sandbox's init is gone", e);
        }
        return List.copyOf(in);
    }

    /** The executable names of {@link #processes()}, e.g. {@code dockerd}, {@code conmon}, {@code docker-proxy}. */
    public Set<String> processNames() {
        Set<String> names = new TreeSet<>();
        processes().forEach(p -> p.info().command().ifPresent(c -> names.add(Path.of(c).getFileName().toString())));
        return names;
    }

    /** Records a duration under a name (client start and stop times; see {@link #timings}). */
    void time(String what, Duration d) {
        timings.put(what, d);
    }

    /** How long the sandbox and each client took to start and stop, in order of occurrence. */
    public Map<String, Duration> timings() {
        return Map.copyOf(timings);
    }

    /** The timings as one line, e.g. {@code sandbox start 140 ms, dockerd start 610 ms, ...}; printed by close. */
    public String timingReport() {
        StringBuilder b = new StringBuilder();
        timings.forEach((k, v) -> b.append(b.isEmpty() ? "" : ", ").append(k).append(' ').append(v.toMillis()).append(" ms"));
        return b.toString();
    }

    /**
     * Stops the daemons (SIGTERM, by PID, last started first), ends the init and with it every process of the
     * PID namespace, removes the cgroups and the work directory. The namespaces are the sandbox's to delete.
     * Idempotent.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        List<String> problems = new ArrayList<>();
        // a short grace: what a daemon has not finished by then (dockerd stopping running containers takes 10 s
        // and more) ends with the PID namespace anyway
        for (Daemon d : daemons.reversed()) {
            try {
                if (d.alive()) timings.putIfAbsent(d.name() + " stop", d.stop(Duration.ofSeconds(3)));
            } catch (RuntimeException e) {
                problems.add(d + ": " + e);
            }
        }
        long start = System.nanoTime();
        if (anchor != null) {
            try {
                anchor.getOutputStream().close(); // the init's stdin: it exits
            } catch (IOException ignored) {
                // already closed
            }
            if (initPid != 0) ProcessHandle.of(initPid).ifPresent(ProcessHandle::destroyForcibly);
            try {
                if (!anchor.waitFor(30, TimeUnit.SECONDS)) {
                    anchor.destroyForcibly();
                    problems.add("the sandbox's init did not end within 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (cgroups != null) problems.addAll(cgroups.remove());
        timings.put("sandbox stop", Duration.ofNanos(System.nanoTime() - start));
        System.out.println("client sandbox timings: " + timingReport());
        try (Stream<Path> s = Files.walk(work)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            problems.add("work directory " + work + ": " + e);
        }
        if (!problems.isEmpty()) throw new AssertionError("client sandbox cleanup: " + String.join("; ", problems));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}

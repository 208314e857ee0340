package org.nlbridge.testing.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.nlbridge.netns.NetNs;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Sandbox;

/**
 * A real etcd cluster of 1 to 3 members for a test, each member on its own "host": a namespace {@code hN} with
 * {@code eth0} = 198.51.100.1N/24 on a bridge in an underlay namespace {@code ul}, plus a client namespace
 * {@code cl} (198.51.100.100) on the same bridge, where the test's client opens its connections (see
 * {@link #clientThreads()}), so stopping any member never takes the client's host with it. Members run
 * {@code etcd} through {@code ip netns exec} with data directories under one temporary directory (on /dev/shm
 * when it exists: fsync is what makes etcd slow on a shared disk). {@link #close()} ends them by PID and deletes
 * the directory; the namespaces belong to the {@link Sandbox} and go with it. Optionally clients must present a
 * certificate ({@link EtcdCerts}).
 */
public final class EtcdCluster implements AutoCloseable {
    public static final String SUBNET = "198.51.100.";

    private final Sandbox sandbox;
    private final int size;
    private final EtcdCerts certs;
    private final Path dataRoot;
    private final Process[] members;
    private final NetNs clientNs;
    private final java.util.Map<String, String> hostSide = new java.util.LinkedHashMap<>();

    private EtcdCluster(Sandbox sandbox, int size, EtcdCerts certs) throws IOException {
        this.sandbox = sandbox;
        this.size = size;
        this.certs = certs;
        this.members = new Process[size];
        List<String> names = new ArrayList<>(List.of("ul", "cl"));
        for (int i = 1; i <= size; i++) names.add("h" + i);
        sandbox.netns(names);
        StringBuilder ul = new StringBuilder("link add br0 type bridge\nlink set br0 up\n");
        wire(ul, "cl", 100);
        for (int i = 1; i <= size; i++) wire(ul, "h" + i, 10 + i);
        Cmd.run(ul.toString(), "ip", "-n", sandbox.name("ul"), "-batch", "-");
        hostSide.forEach((host, cmds) -> Cmd.run(cmds, "ip", "-n", sandbox.name(host), "-batch", "-"));
        this.clientNs = NetNs.open(sandbox.name("cl"));
        // last, so that nothing above can fail and leave it behind
        Path shm = Path.of("/dev/shm");
        this.dataRoot = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "nlbt-etcd-") : Files.createTempDirectory("nlbt-etcd-");
    }

    /** A veth from the underlay bridge to {@code host}'s eth0, with its address, everything up. */
    private void wire(StringBuilder ul, String host, int octet) {
        String ns = sandbox.name(host);
        ul.append("link add v-").append(host).append(" type veth peer name eth0 netns ").append(ns).append('\n');
        ul.append("link set v-").append(host).append(" master br0 up\n");
        hostSide.put(host, "addr add " + SUBNET + octet + "/24 dev eth0\nlink set eth0 up\nlink set lo up\n");
    }

    /** Starts {@code size} members (1 or 3) and waits until the cluster answers. */
    public static EtcdCluster start(Sandbox sandbox, int size) {
        return start(sandbox, size, null);
    }

    /** As {@link #start(Sandbox, int)}, serving clients over mutual TLS with {@code certs} when not null. */
    public static EtcdCluster start(Sandbox sandbox, int size, EtcdCerts certs) {
        EtcdCluster c;
        try {
            c = new EtcdCluster(sandbox, size, certs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            for (int i = 1; i <= size; i++) c.spawn(i, "new");
            c.awaitHealthy();
            return c;
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    public static String ip(int member) {
        return SUBNET + (10 + member);
    }

    /** {@code 198.51.100.11:2379,...} for every member. */
    public String hostPorts() {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= size; i++) out.add(ip(i) + ":2379");
        return String.join(",", out);
    }

    /** Docker's {@code --cluster-store} value for this cluster. */
    public String storeUrl() {
        return "etcd://" + hostPorts();
    }

    /** Threads whose sockets are opened in the client namespace (for {@code EtcdClient.open(config, threads)}). */
    public ThreadFactory clientThreads() {
        return clientNs.threadFactory("etcd-test-client");
    }

    /** The full name of the client namespace (for a client JVM started with {@code ip netns exec}). */
    public String clientNetns() {
        return sandbox.name("cl");
    }

    public int size() {
        return size;
    }

    private void spawn(int i, String state) {
        Path data = dataRoot.resolve("m" + i);
        String scheme = certs == null ? "http" : "https";
        StringBuilder cluster = new StringBuilder();
        for (int j = 1; j <= size; j++) {
            if (j > 1) cluster.append(',');
            cluster.append("m").append(j).append("=http://").append(ip(j)).append(":2380");
        }
        List<String> argv = new ArrayList<>(List.of("etcd", "--name", "m" + i, "--data-dir", data.toString(),
                "--listen-client-urls", scheme + "://" + ip(i) + ":2379", "--advertise-client-urls", scheme + "://" + ip(i) + ":2379",
                "--listen-peer-urls", "http://" + ip(i) + ":2380", "--initial-advertise-peer-urls", "http://" + ip(i) + ":2380",
                "--initial-cluster", cluster.toString(), "--initial-cluster-state", state,
                "--initial-cluster-token", "nlbt", "--logger", "zap", "--log-level", "warn"));
        if (certs != null) {
            argv.addAll(List.of("--cert-file", certs.server().toString(), "--key-file", certs.serverKey().toString(),
                    "--trusted-ca-file", certs.ca().toString(), "--client-cert-auth"));
        }
        // the shell execs etcd, so the process (and its PID) is etcd itself; its log goes to a file, not a pipe
        // nobody reads
        String cmd = "exec " + String.join(" ", argv) + " >>" + dataRoot.resolve("m" + i + ".log") + " 2>&1";
        members[i - 1] = sandbox.spawn("h" + i, "sh", "-c", cmd);
    }

    private void awaitHealthy() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadline) {
            for (int i = 1; i <= size; i++) {
                if (members[i - 1] != null && !members[i - 1].isAlive()) {
                    throw new AssertionError("etcd member m" + i + " exited " + members[i - 1].exitValue() + ": " + log(i));
                }
            }
            Cmd.Result r = etcdctl("endpoint", "health");
            if (r.exit() == 0) return;
            last = r.err() + r.out();
            sleep(200);
        }
        throw new AssertionError("etcd did not become healthy in 60s: " + last + "\n" + log(1));
    }

    /** Runs etcdctl from the client namespace against every member (or the given endpoints). */
    public Cmd.Result etcdctl(String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", sandbox.name("cl"), "etcdctl",
                "--command-timeout=5s", "--endpoints=" + endpointsFor(certs == null ? "http" : "https")));
        if (certs != null) {
            argv.addAll(List.of("--cacert", certs.ca().toString(), "--cert", certs.client().toString(),
                    "--key", certs.clientKey().toString()));
        }
        argv.addAll(List.of(args));
        return Cmd.exec(null, argv.toArray(String[]::new));
    }

    private String endpointsFor(String scheme) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            if (members[i - 1] != null) out.add(scheme + "://" + ip(i) + ":2379");
        }
        return String.join(",", out);
    }

    /** Kills a member with SIGKILL (by PID) and waits for it to be gone. */
    public void kill(int i) {
        Process p = members[i - 1];
        if (p == null) return;
        p.destroyForcibly();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("etcd m" + i + " survived SIGKILL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        members[i - 1] = null;
    }

    /**
     * Freezes a member (SIGSTOP by PID): its connections stay open and nothing it was sent is answered, like a
     * partition that drops packets without a reset. {@link #resume} (SIGCONT) lets it go on where it was.
     */
    public void pause(int i) {
        signal(i, "STOP");
    }

    public void resume(int i) {
        signal(i, "CONT");
    }

    private void signal(int i, String sig) {
        Process p = members[i - 1];
        if (p == null || !p.isAlive()) throw new IllegalStateException("m" + i + " is not running");
        Cmd.Result r = Cmd.exec(null, "kill", "-" + sig, Long.toString(p.pid()));
        if (r.exit() != 0) throw new AssertionError("kill -" + sig + " " + p.pid() + ": " + r.err());
    }

    /** Starts killed members again on their data directories and waits until the cluster answers. */
    public void restart(int... which) {
        for (int i : which) {
            if (members[i - 1] != null) throw new IllegalStateException("m" + i + " is running");
            spawn(i, "existing");
        }
        awaitHealthy();
    }

    /** The member's log so far (for failure messages). */
    public String log(int i) {
        try {
            Path f = dataRoot.resolve("m" + i + ".log");
            if (!Files.exists(f)) return "(no log)";
            String s = Files.readString(f);
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** Ends every member by PID and deletes the data directories. */
    @Override
    public void close() {
        for (int i = 1; i <= size; i++) kill(i);
        clientNs.close();
        try (Stream<Path> s = Files.walk(dataRoot)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

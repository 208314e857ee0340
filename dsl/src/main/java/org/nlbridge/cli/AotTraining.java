package org.nlbridge.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import org.nlbridge.daemon.Daemon;
import org.nlbridge.client.DaemonAddress;
import org.nlbridge.dsl.ScriptLoader;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.AddressSpec;
import org.nlbridge.rtnl.RouteSpec;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.rtnl.VethSpec;

/**
 * The training runs behind the launcher's ahead-of-time caches (JDK 25, JEP 483/514): the common commands, each
 * through {@link Main#execute} as the command line runs them, so that the cache written when this JVM exits holds
 * the classes they load, linked, and later commands start from it. Run by {@code ./nlbridge} after a build
 * ({@code -XX:AOTCacheOutput}), once per cache; prints one line per step and exits non-zero if a step failed.
 *
 * <p>Four caches, because a JVM started from a cache loads every class in it before {@code main}, so a cache
 * holding more than a command needs slows it down: {@code version} (that alone), {@code client} ({@code status}
 * sent to a daemon, {@code -H}: the thin client alone, the daemon runs in a JVM of its own so that none of its
 * classes enter the cache), {@code light} ({@code status} with the engine in this process, text output: no script
 * compiled, no daemon, no Jackson) and {@code full} (everything else: check, plan, apply, destroy, JSON output, the
 * daemon, doctor; Groovy, picocli, Jackson). The launcher picks one by the command's name and {@code -H}.
 *
 * <p>Everything that touches the kernel happens in namespaces of its own ({@code nlbaot-XXXX-*}, a "host" and the
 * containers of a small script) with temporary state directories, all removed at the end, also after a failure;
 * the root namespace is never changed. Without root only the steps that need no kernel run ({@code version},
 * {@code check}, help).
 */
public final class AotTraining {

    /** The script trained on: docker0.groovy's shape (a bridge, a published port, two containers). */
    private static final String SCRIPT = """
            network('bridge') {
                bridge 'nlbt0'
                bip '172.31.250.1/24'
            }
            container('web') {
                netns '%1$s-web'
                publish '8080:80'
                dns { nameserver '192.0.2.53' }
            }
            container('db') {
                netns '%1$s-db'
            }
            """;

    /** Expected exit code of a step whose code depends on the machine. */
    private static final int ANY = Integer.MIN_VALUE;

    private final String tag;
    private final PrintStream log;
    private final Cli cli;
    private final List<String> failed = new ArrayList<>();

    private AotTraining(PrintStream log) {
        this(log, "nlbaot-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt(), 4));
    }

    private AotTraining(PrintStream log, String tag) {
        this.tag = tag;
        this.log = log;
        PrintWriter quiet = new PrintWriter(OutputStream.nullOutputStream());
        Cli system = Cli.system();
        this.cli = new Cli(system.engines(), ScriptLoader.standard(), quiet, quiet, false, system.launcher(), Map.of());
    }

    /** {@code version}, {@code client}, {@code light} or {@code full}: which cache this run trains. */
    public static void main(String[] args) throws IOException, InterruptedException {
        String kind = args.length >= 1 ? args[0] : "";
        if (kind.equals("version")) {
            Main.main(new String[] {"version"}); // exactly the command's path
            return;
        }
        if (kind.equals("client-daemon")) {
            DaemonProcess.serve(args);
            return;
        }
        AotTraining t = new AotTraining(System.out);
        switch (kind) {
            case "client" -> t.client();
            case "light", "full" -> t.run(kind.equals("full"));
            default -> throw new IllegalArgumentException("usage: AotTraining version|client|light|full");
        }
        System.exit(t.failed.isEmpty() ? 0 : 1);
    }

    /**
     * The thin client: {@code status} through a daemon in another JVM, which also makes and removes its host
     * namespace, so that neither the daemon's classes nor the engine's enter this cache.
     */
    private void client() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("nlbridge-aot-");
        try {
            Path socket = dir.resolve("nlbridge.sock");
            Process daemon = DaemonProcess.start(dir, tag, socket);
            boolean served = Files.exists(socket);
            try {
                if (!served) {
                    log.println("training: no daemon to be a client of (not root?): see " + dir.resolve("daemon.log")
                            + ": " + Files.readString(dir.resolve("daemon.log")).strip());
                    return;
                }
                String[] at = {"-H", "unix://" + socket};
                step(0, at, "status");
                step(0, at, "status");
            } finally {
                if (!DaemonProcess.stop(daemon) && served) failed.add("the daemon's clean-up");
            }
        } finally {
            deleteTree(dir);
        }
    }

    private void run(boolean full) throws IOException {
        Path dir = Files.createTempDirectory("nlbridge-aot-"); // 0700: the script is root's, the socket private
        try {
            String script = Files.writeString(dir.resolve("net.groovy"), SCRIPT.formatted(tag)).toString();
            step(0, "version");
            if (full) {
                step(0, "--help");
                step(0, "check", script);
                step(0, "check", "-o", "json", script);
            }
            if (!hostNamespace()) {
                log.println("training: not root, so no kernel commands (status, plan, apply, destroy, daemon)");
                return;
            }
            embedded(full, script, dir.resolve("state"));
            if (full) daemon(script, dir.resolve("daemon-state"), dir.resolve("nlbridge.sock"));
            if (full) {
                cniPlugin();
                step(ANY, "doctor"); // 1 on a kernel without some feature: still what doctor loads
            }
        } finally {
            deleteNamespaces();
            deleteTree(dir);
        }
    }

    private void deleteNamespaces() {
        for (String ns : List.of(tag + "-host", tag + "-web", tag + "-db")) {
            try {
                if (NetNs.exists(ns)) NetNs.delete(ns);
            } catch (RuntimeException e) {
                failed.add("delete namespace " + ns);
                log.println("training: cannot delete namespace " + ns + ": " + e.getMessage());
            }
        }
    }

    /** The commands without a daemon: the engine in this process, on a host namespace of the training's. */
    private void embedded(boolean full, String script, Path state) {
        String[] at = {"--host-netns", tag + "-host", "--state", state.toString()};
        step(0, at, "status");
        if (!full) return; // JSON is Jackson's hundreds of classes: the light cache is for text status alone
        step(0, at, "status", "-o", "json");
        step(2, at, "plan", script);
        step(0, at, "apply", script);
        step(0, at, "status");
        step(0, at, "status", "-o", "json");
        step(0, at, "plan", script);
        step(2, at, "plan", "--destroy", script);
        step(0, at, "destroy", script);
    }

    /** A daemon in this process on a private socket, and the command line as its client ({@code -H}). */
    private void daemon(String script, Path state, Path socket) throws IOException {
        DaemonAddress address = DaemonAddress.parse("-H", "unix://" + socket);
        Daemon daemon = Daemon.start(new Daemon.Options(List.of(address), null, null, tag + "-host", state, 0,
                Duration.ofMillis(100)), cli.engines()::open);
        try {
            String[] at = {"-H", address.toString()};
            step(0, at, "status");
            step(0, at, "status", "-o", "json");
            step(2, at, "plan", script);
            step(0, at, "apply", script);
            step(0, at, "status", "-o", "json");
            step(0, at, "destroy", script);
        } finally {
            daemon.close();
        }
    }

    /**
     * The daemon of the client training, in a JVM of its own ({@code AotTraining client-daemon TAG SOCKET DIR}): it
     * makes the host namespace, serves on the socket until its stdin ends, then removes what it made.
     */
    private static final class DaemonProcess {
        /** Starts it and waits for its socket; returns it also when it ended without one (not root). */
        static Process start(Path dir, String tag, Path socket) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
            for (String p : System.getProperties().stringPropertyNames()) {
                if (p.startsWith("org.sqlite.") || p.startsWith("nlbridge.")) cmd.add("-D" + p + "=" + System.getProperty(p));
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), AotTraining.class.getName(),
                    "client-daemon", tag, socket.toString(), dir.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("daemon.log").toFile()).start();
            for (int i = 0; i < 1200 && p.isAlive() && !Files.exists(socket); i++) Thread.sleep(100); // 2 min: slow JVMs
            return p;
        }

        /** Ends it (its stdin); true if it removed what it made. */
        static boolean stop(Process p) throws InterruptedException {
            try {
                p.getOutputStream().close();
            } catch (IOException ignored) {
                // it has ended already
            }
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
            return p.exitValue() == 0;
        }

        /** The child's side. */
        static void serve(String[] args) throws IOException {
            AotTraining t = new AotTraining(System.out, args[1]);
            Path socket = Path.of(args[2]);
            try {
                if (t.hostNamespace()) {
                    Daemon daemon = Daemon.start(new Daemon.Options(List.of(DaemonAddress.parse("-H", "unix://" + socket)),
                            null, null, t.tag + "-host", Path.of(args[3]).resolve("daemon-state"), 0,
                            Duration.ofMillis(100)), t.cli.engines()::open);
                    try {
                        System.in.transferTo(OutputStream.nullOutputStream()); // until the training closes it
                    } finally {
                        daemon.close();
                    }
                } else {
                    t.failed.add("host namespace");
                }
            } finally {
                t.deleteNamespaces(); // also what a half-made host namespace left
            }
            System.exit(t.failed.isEmpty() ? 0 : 1);
        }
    }

    /**
     * The CNI plugin's calls (ADD, CHECK, DEL against the daemon) belong here once the plugin exists, so that every
     * container start through it starts from the cache too.
     */
    private void cniPlugin() {
    }

    private void step(int expected, String... args) {
        step(expected, new String[0], args);
    }

    private void step(int expected, String[] global, String... args) {
        String[] argv = Stream.concat(Stream.of(global), Stream.of(args)).toArray(String[]::new);
        long t = System.nanoTime();
        int code;
        try {
            code = Main.execute(cli, argv);
        } catch (RuntimeException | Error e) {
            code = -1;
        }
        String line = String.join(" ", args);
        // no printf: its Formatter and locale data would enter the cache, and every command start would load them
        StringBuilder b = new StringBuilder("training: ").append(line);
        while (b.length() < 50) b.append(' ');
        log.println(b.append(" exit ").append(code).append(" (").append((System.nanoTime() - t) / 1_000_000).append(" ms)"));
        if (code != expected && !(expected == ANY && code >= 0)) failed.add(line);
    }

    /**
     * The namespace that plays the host, like a real one: an uplink with an address and a default route (the engine
     * takes a network's default MTU from that route's device). False if it cannot be made (not root).
     */
    private boolean hostNamespace() {
        try (NetNs host = NetNs.create(tag + "-host"); Rtnl rtnl = Rtnl.open(host)) {
            rtnl.links().add(VethSpec.builder("up0", "up1").up().build());
            rtnl.links().setUp("up1");
            rtnl.links().setUp("lo");
            int up0 = rtnl.links().get("up0").index();
            rtnl.addresses().add(AddressSpec.of(up0, "198.51.100.1/24").withBroadcast());
            rtnl.routes().add(RouteSpec.defaultVia("198.51.100.2").dev(up0));
            return true;
        } catch (RuntimeException e) {
            log.println("training: no host namespace: " + e.getMessage());
            return false;
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}

package org.nlbridge.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.nlbridge.client.DaemonAddress;
import org.nlbridge.client.RemoteEngine;
import org.nlbridge.net.tls.Tls;
import org.nlbridge.daemon.DaemonLock;
import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code nlbridge} command line. Run it through the {@code ./nlbridge} launcher. Global options are accepted
 * before or after the subcommand. Every failure is one line on stderr, {@code nlbridge: <message>}, exit code 1
 * ({@code -v} adds the stack trace).
 */
@Command(name = "nlbridge",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Docker-style bridge networking over netlink, for the JVM.",
        subcommands = {Commands.CheckCommand.class, Commands.PlanCommand.class, Commands.ApplyCommand.class,
                Commands.DestroyCommand.class, Commands.StatusCommand.class, Commands.RunCommand.class,
                DaemonCommand.class, EventsCommand.class, CniCommand.class, DemoCommand.class, DoctorCommand.class, VersionCommand.class})
public final class Main implements Runnable {

    @Option(names = "--host-netns", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "The named network namespace that plays the host (default: the current one).")
    String hostNetns;

    @Option(names = "--state", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "The state directory (default /var/lib/nlbridge, or /var/lib/nlbridge/netns/NAME with"
                    + " --host-netns).")
    Path stateDir;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", scope = ScopeType.INHERIT,
            description = "text (default) or json.")
    Output.Format output = Output.Format.text;

    @Option(names = {"-H", "--host"}, paramLabel = "ADDRESS", scope = ScopeType.INHERIT,
            description = "The daemon to send the command to: unix:///run/nlbridge.sock, or tcp://HOST:PORT with the"
                    + " --tls* files (default: $NLBRIDGE_HOST; without either, the engine runs in this process)."
                    + " For 'daemon': where to listen; may be given several times.")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--tlscacert", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "tcp:// only: the CA certificate (PEM) that signs the other side's certificate"
                    + " (default: $NLBRIDGE_CERT_PATH/ca.pem).")
    Path tlsCaCert;

    @Option(names = "--tlscert", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "tcp:// only: this side's certificate (PEM) (default: $NLBRIDGE_CERT_PATH/cert.pem).")
    Path tlsCert;

    @Option(names = "--tlskey", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "tcp:// only: this side's private key (PKCS#8 PEM) (default: $NLBRIDGE_CERT_PATH/key.pem).")
    Path tlsKey;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Show the stack trace of an error.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Cli cli;

    public Main() {
        this(Cli.system());
    }

    Main(Cli cli) {
        this.cli = cli;
    }

    Cli cli() {
        return cli;
    }

    /**
     * The engine the commands work with: the daemon's, through its socket, when {@code -H} or
     * {@code NLBRIDGE_HOST} names one; otherwise one in this process, unless a daemon manages that state.
     */
    Engine openEngine() {
        return openEngine(false);
    }

    /**
     * As {@link #openEngine()}; an engine in this process waits for the other commands using its state
     * ({@link StateLock}: {@code changes}, alone; else beside other readers).
     */
    Engine openEngine(boolean changes) {
        DaemonAddress remote = daemon();
        if (remote != null) {
            if (hostNetns != null || stateDir != null) {
                throw new CliException("--host-netns and --state belong to the daemon (nlbridge daemon --host-netns"
                        + " ... --state ...), not to a command sent to it with -H " + remote);
            }
            return RemoteEngine.connect(remote, tls(remote));
        }
        EngineOptions options = new EngineOptions(hostNetns, stateDir);
        DaemonLock.heldBy(options.stateDir()).ifPresent(pid -> {
            throw managedByDaemon(options, pid);
        });
        if (cli.engines() != EngineFactory.BRIDGE) return cli.engines().open(options); // a test's: no state of its own
        Optional<StateLock> lock = StateLock.acquire(options.stateDir(), changes, cli.err(),
                pid -> managedByDaemon(options, pid));
        if (lock.isEmpty()) return cli.engines().open(options);
        try {
            return new LockedEngine(cli.engines().open(options), lock.get());
        } catch (RuntimeException | Error e) {
            lock.get().close();
            throw e;
        }
    }

    private static CliException managedByDaemon(EngineOptions options, String pid) {
        return new CliException("the state in " + options.stateDir() + " is managed by an nlbridge daemon (pid " + pid
                + "): send the command to it with -H (e.g. -H " + DaemonAddress.DEFAULT + "), or stop it first;"
                + " it would undo changes made behind its back");
    }

    /** The daemon a command goes to: {@code -H} (once), else {@code NLBRIDGE_HOST}; null for the embedded engine. */
    DaemonAddress daemon() {
        if (hosts.size() > 1) {
            throw new CliException("-H given " + hosts.size() + " times: a command goes to one daemon (several -H are"
                    + " for 'nlbridge daemon', to listen on several sockets)");
        }
        String h = hosts.isEmpty() ? cli.env().get("NLBRIDGE_HOST") : hosts.getFirst();
        if (h == null || h.isBlank()) return null;
        return DaemonAddress.parse(hosts.isEmpty() ? "NLBRIDGE_HOST" : "-H", h);
    }

    /** The TLS files for a tcp:// address: the options, else $NLBRIDGE_CERT_PATH; null for a Unix socket. */
    Tls tls(DaemonAddress address) {
        if (address.isUnix()) {
            if (tlsCaCert != null || tlsCert != null || tlsKey != null) {
                throw new CliException("--tlscacert, --tlscert and --tlskey are for tcp:// addresses, not " + address);
            }
            return null;
        }
        String dir = cli.env().get("NLBRIDGE_CERT_PATH");
        Tls d = dir == null || dir.isBlank() ? null : Tls.inDirectory(Path.of(dir));
        Path ca = tlsCaCert != null ? tlsCaCert : d != null ? d.caCert() : null;
        Path cert = tlsCert != null ? tlsCert : d != null ? d.cert() : null;
        Path key = tlsKey != null ? tlsKey : d != null ? d.key() : null;
        if (ca == null || cert == null || key == null) {
            throw new CliException(address + " needs mutual TLS: give --tlscacert, --tlscert and --tlskey (or"
                    + " NLBRIDGE_CERT_PATH, a directory with ca.pem, cert.pem and key.pem)");
        }
        return new Tls(ca, cert, key);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        if (QuickCommands.isVersion(args)) { // before Cli.system(): version needs none of the world
            for (String l : VersionCommand.lines()) System.out.println(l);
            return; // not System.exit, which starts the JDK's logging to record the exit (a dozen classes more)
        }
        Module module = Main.class.getModule();
        if (!module.isNativeAccessEnabled()) {
            // now or never: the first restricted call (the generated bindings' layouts) would enable it with a
            // warning (the JVM's default) or fail with a bare IllegalCallerException (--illegal-native-access=deny)
            System.err.println("nlbridge: nlbridge needs native access: start the JVM with --enable-native-access="
                    + (module.isNamed() ? module.getName() : "ALL-UNNAMED") + " (the ./nlbridge launcher passes it)");
            System.exit(1);
        }
        Cli cli = Cli.system();
        QuickCommands.Parsed quick = QuickCommands.parse(cli, args);
        int code = quick != null ? QuickCommands.run(cli, quick) : parseAndRun(cli, args);
        if (quick != null && quick.name().equals("status")) {
            // System.exit first looks up the JDK's System.Logger to record the exit (a service-loader scan and a
            // dozen classes: ~7 ms, a tenth of a status through a daemon); status has no shutdown hook to run and
            // has closed its engine, so halting after the flush ends it the same way
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(code);
        }
        System.exit(code);
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int execute(String... args) {
        return execute(Cli.system(), args);
    }

    /**
     * Runs the command line against the given world and returns the exit code: the hot commands in their plain
     * forms by hand ({@link QuickCommands}), everything else through picocli.
     */
    public static int execute(Cli cli, String... args) {
        Integer quick = QuickCommands.run(cli, args);
        return quick != null ? quick : parseAndRun(cli, args);
    }

    /** The command line as picocli parses it: every command, help, usage errors. */
    static int parseAndRun(Cli cli, String... args) {
        Main main = new Main(cli);
        CommandLine cl = commandLine(main);
        cl.setParameterExceptionHandler((ex, argv) -> {
            fail(cli.err(), ex.getMessage() + " (see nlbridge --help)");
            return 1;
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> failed(cli, main.verbose, ex));
        int code = cl.execute(args);
        cli.out().flush();
        return code;
    }

    /** picocli's model of the command line around {@code main}. */
    static CommandLine commandLine(Main main) {
        // picocli's default factory probes for groovy.lang.Closure, which loads Groovy's runtime: only commands
        // that compile a script may load Groovy (see ScriptLoader), and no command uses closures in annotations
        System.setProperty("picocli.disable.closures", "true");
        CommandLine cl = new CommandLine(main);
        cl.setOut(main.cli.out());
        cl.setErr(main.cli.err());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // run CONTAINER CMD...: everything after the container belongs to the command, options included
        cl.getSubcommands().get("run").setStopAtPositional(true);
        return cl;
    }

    /** A command failed: one line on stderr, the stack trace too with {@code -v}; exit code 1. */
    static int failed(Cli cli, boolean verbose, Exception ex) {
        fail(cli.err(), message(ex));
        if (verbose) {
            StringWriter trace = new StringWriter();
            ex.printStackTrace(new PrintWriter(trace));
            cli.err().print(trace);
            cli.err().flush();
        }
        return 1;
    }

    private static void fail(PrintWriter err, String message) {
        err.println("nlbridge: " + oneLine(message));
        err.flush();
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    static String oneLine(String s) {
        return s.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
    }
}

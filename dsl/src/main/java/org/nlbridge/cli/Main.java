package org.nlbridge.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import org.nlbridge.driver.Engine;
import org.nlbridge.driver.EngineOptions;

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
                DemoCommand.class, DoctorCommand.class, VersionCommand.class})
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

    Engine openEngine() {
        return cli.engines().open(new EngineOptions(hostNetns, stateDir));
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(Cli.system(), args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int execute(String... args) {
        return execute(Cli.system(), args);
    }

    /** Runs the command line against the given world and returns the exit code. */
    public static int execute(Cli cli, String... args) {
        Main main = new Main(cli);
        CommandLine cl = new CommandLine(main);
        cl.setOut(cli.out());
        cl.setErr(cli.err());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // run CONTAINER CMD...: everything after the container belongs to the command, options included
        cl.getSubcommands().get("run").setStopAtPositional(true);
        cl.setParameterExceptionHandler((ex, argv) -> {
            fail(cli.err(), ex.getMessage() + " (see nlbridge --help)");
            return 1;
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            fail(cli.err(), message(ex));
            if (main.verbose) {
                StringWriter trace = new StringWriter();
                ex.printStackTrace(new PrintWriter(trace));
                cli.err().print(trace);
                cli.err().flush();
            }
            return 1;
        });
        int code = cl.execute(args);
        cli.out().flush();
        return code;
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

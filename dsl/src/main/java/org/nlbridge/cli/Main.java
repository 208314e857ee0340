package org.nlbridge.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code nlbridge} command line. Run it through the {@code ./nlbridge} launcher. */
@Command(name = "nlbridge",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Docker-style bridge networking over netlink, for the JVM.",
        subcommands = {VersionCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            // user-facing failures are one line, no stack trace; -v could show more later
            line.getErr().println("nlbridge: " + ex.getMessage());
            return 1;
        });
        return cl.execute(args);
    }
}

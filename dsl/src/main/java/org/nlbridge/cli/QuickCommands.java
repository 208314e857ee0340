package org.nlbridge.cli;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;

import org.nlbridge.engine.Engines;

/**
 * The hot one-shot commands ({@code version}, {@code status}, {@code check}, {@code plan}, {@code apply},
 * {@code destroy}) in their plain forms, parsed by hand and run without picocli: picocli builds its model of every
 * subcommand by reflection (and probes Groovy's closures because Groovy is on the class path), which costs more
 * than a whole {@code version}. Anything else, including every malformed command line, goes to picocli, the
 * reference: an argument vector is taken here only if picocli would parse it to the same options
 * ({@code QuickCommandsTest} checks both agree), so help, errors and their texts stay picocli's.
 */
final class QuickCommands {
    private QuickCommands() {}

    private static final Set<String> SCRIPT_COMMANDS = Set.of("check", "plan", "apply", "destroy");
    /** Every subcommand name: picocli refuses one as an option's value, so such a vector goes to picocli. */
    static final Set<String> ALL_COMMANDS = Set.of("check", "plan", "apply", "destroy", "status", "run", "cni",
            "daemon", "events", "demo", "doctor", "version");

    /** Runs {@code args} if it is a plain form of a hot command and returns the exit code; null otherwise. */
    static Integer run(Cli cli, String... args) {
        if (isVersion(args)) {
            for (String l : VersionCommand.lines()) cli.out().println(l);
            cli.out().flush();
            return 0;
        }
        Parsed p = parse(cli, args);
        return p == null ? null : run(cli, p);
    }

    /** Runs a parsed hot command; returns the exit code. */
    static int run(Cli cli, Parsed p) {
        if (cli.engines() == EngineFactory.BRIDGE && !p.name.equals("check") && p.main.hosts.isEmpty()
                && cli.env().get("NLBRIDGE_HOST") == null) {
            // the engine runs in this process: overlap its first-use costs with what comes first
            Engines.prepare(!p.name.equals("status"));
        }
        try {
            return p.command.call();
        } catch (Exception e) {
            return Main.failed(cli, p.main.verbose, e);
        } finally {
            cli.out().flush();
        }
    }

    /** {@code version}, {@code --version} or {@code -V} alone. */
    static boolean isVersion(String... args) {
        return args.length == 1 && (args[0].equals("version") || args[0].equals("--version") || args[0].equals("-V"));
    }

    /** A command line this class runs: the parent with its global options, and the subcommand, wired as picocli would. */
    record Parsed(Main main, String name, Callable<Integer> command) {}

    /** The parse of a plain hot command line, or null when it is anything else (picocli's to parse). */
    static Parsed parse(Cli cli, String... args) {
        Main main = new Main(cli);
        String command = null;
        Path file = null;
        boolean destroy = false;
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-")) {
                if (command == null && (a.equals("status") || SCRIPT_COMMANDS.contains(a))) {
                    command = a;
                } else if (command != null && SCRIPT_COMMANDS.contains(command) && file == null && !a.isEmpty()) {
                    file = path(a);
                    if (file == null) return null;
                } else {
                    return null;
                }
                continue;
            }
            int eq = a.indexOf('=');
            String name = a.startsWith("--") && eq > 0 ? a.substring(0, eq) : a;
            if (!seen.add(canonical(name))) return null; // given twice: picocli decides (an error, or a list)
            if (name.equals("-v") || name.equals("--verbose")) {
                if (eq > 0) return null;
                main.verbose = true;
            } else if (name.equals("--destroy")) {
                if (eq > 0 || !"plan".equals(command)) return null;
                destroy = true;
            } else {
                String value;
                if (name != a) {
                    value = a.substring(eq + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    return null;
                }
                if (value.isEmpty() || value.startsWith("-") || ALL_COMMANDS.contains(value) || !set(main, name, value)) {
                    return null;
                }
            }
        }
        if (command == null || (SCRIPT_COMMANDS.contains(command) && file == null)) return null;
        Callable<Integer> c = switch (command) {
            case "status" -> {
                Commands.StatusCommand s = new Commands.StatusCommand();
                s.main = main;
                yield s;
            }
            case "check" -> script(new Commands.CheckCommand(), main, file);
            case "plan" -> {
                Commands.PlanCommand plan = script(new Commands.PlanCommand(), main, file);
                plan.destroy = destroy;
                yield plan;
            }
            case "apply" -> script(new Commands.ApplyCommand(), main, file);
            case "destroy" -> script(new Commands.DestroyCommand(), main, file);
            default -> throw new IllegalStateException(command);
        };
        return new Parsed(main, command, c);
    }

    private static <C extends Commands.ScriptCommand> C script(C c, Main main, Path file) {
        c.main = main;
        c.file = file;
        return c;
    }

    private static String canonical(String option) {
        return switch (option) {
            case "-o" -> "--output";
            case "-H" -> "--host";
            case "-v" -> "--verbose";
            default -> option;
        };
    }

    /** Sets a global option; false for a name or value this class leaves to picocli. */
    private static boolean set(Main main, String name, String value) {
        switch (name) {
            case "--host-netns" -> main.hostNetns = value;
            case "-o", "--output" -> {
                if (value.equals("text")) main.output = Output.Format.text;
                else if (value.equals("json")) main.output = Output.Format.json;
                else return false;
            }
            case "-H", "--host" -> main.hosts.add(value);
            case "--state" -> main.stateDir = path(value);
            case "--tlscacert" -> main.tlsCaCert = path(value);
            case "--tlscert" -> main.tlsCert = path(value);
            case "--tlskey" -> main.tlsKey = path(value);
            default -> {
                return false;
            }
        }
        return path(value) != null;
    }

    /** The path picocli would make of {@code s}, or null if it is none (picocli's to report). */
    private static Path path(String s) {
        try {
            return Path.of(s);
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }
}

package org.nlbridge.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;

import org.nlbridge.driver.run.NetnsLauncher;
import org.nlbridge.dsl.ScriptLoader;

/**
 * What the commands need from the world, in one place so that tests can replace it: the engine, the script
 * loader, the output streams, whether stderr is a terminal (progress is shown only then), and how {@code run}
 * starts a process, and the environment variables it reads ({@code NLBRIDGE_HOST}, {@code NLBRIDGE_CERT_PATH}).
 */
public record Cli(EngineFactory engines, ScriptLoader scripts, PrintWriter out, PrintWriter err, boolean terminal,
                  Launcher launcher, Map<String, String> env) {

    /** Starts a prepared launcher and waits for the command; returns its exit status. */
    @FunctionalInterface
    public interface Launcher {
        int run(NetnsLauncher launcher) throws InterruptedException;

        /** The real thing: the command shares nlbridge's stdin, stdout and stderr. */
        Launcher INHERIT_IO = l -> l.inheritIO().start().waitFor();
    }

    public Cli {
        Objects.requireNonNull(engines, "engines");
        Objects.requireNonNull(scripts, "scripts");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(launcher, "launcher");
        env = env == null ? Map.of() : Map.copyOf(env);
    }

    /** Without environment variables ({@code NLBRIDGE_HOST} and the like are not consulted). */
    public Cli(EngineFactory engines, ScriptLoader scripts, PrintWriter out, PrintWriter err, boolean terminal,
               Launcher launcher) {
        this(engines, scripts, out, err, terminal, launcher, Map.of());
    }

    /** The production wiring: the bridge engine, root-owned scripts, the process's streams. */
    public static Cli system() {
        Console c = System.console();
        return new Cli(EngineFactory.BRIDGE, ScriptLoader.standard(), new PrintWriter(System.out, true),
                new PrintWriter(System.err, true), c != null && c.isTerminal(), Launcher.INHERIT_IO, System.getenv());
    }
}

package org.nlbridge.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import org.nlbridge.driver.run.NetnsLauncher;
import org.nlbridge.dsl.ScriptLoader;
import org.nlbridge.dsl.ScriptTrust;
import org.nlbridge.engine.EngineOptions;
import org.nlbridge.testing.MemoryEngine;

/** Runs the command line against a fake engine and captures everything it prints. */
final class CliRun {

    record Result(int code, String out, String err) {}

    final MemoryEngine engine = new MemoryEngine();
    final List<EngineOptions> openedWith = new ArrayList<>();
    final List<List<String>> launched = new ArrayList<>();
    boolean terminal;
    java.util.Map<String, String> env = java.util.Map.of();
    int launchExit;
    /** Every command line through picocli, none through {@link QuickCommands}. */
    boolean viaPicocli;
    Cli.Launcher launcher = l -> {
        launched.add(l.argv());
        return launchExit;
    };

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        EngineFactory factory = options -> {
            openedWith.add(options);
            engine.opened++;
            return engine;
        };
        Cli cli = new Cli(factory, ScriptLoader.withTrust(ScriptTrust.none()), new PrintWriter(out),
                new PrintWriter(err), terminal, (NetnsLauncher l) -> launcher.run(l), env);
        int code = viaPicocli ? Main.parseAndRun(cli, args) : Main.execute(cli, args);
        return new Result(code, out.toString(), err.toString());
    }
}

package org.nlbridge.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.nlbridge.driver.bridge.World;
import org.nlbridge.dsl.ScriptLoader;

/**
 * The command line as users run it ({@code Main.execute}), with the real bridge engine and the standard script
 * loader (root-owned scripts only), on a {@link World}'s host namespace and state directory; output captured.
 */
public final class RealCli {
    private final World world;

    public RealCli(World world) {
        this.world = world;
    }

    public record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** {@code nlbridge --host-netns HOST --state DIR ARGS...} */
    public Result run(String... args) {
        return run(Cli.Launcher.INHERIT_IO, args);
    }

    /**
     * {@code nlbridge run CONTAINER CMD...} with the command's stdout as the result's {@code out} (its stderr goes to
     * the result's {@code err}, after nlbridge's own) and its exit status as the code.
     */
    public Result inContainer(String container, String... cmd) {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        Cli.Launcher capture = l -> {
            Process p = l.start();
            try {
                p.getOutputStream().close();
                out.append(new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                err.append(new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return p.waitFor();
        };
        List<String> argv = new ArrayList<>(List.of("run", container, "--"));
        argv.addAll(List.of(cmd));
        Result r = run(capture, argv.toArray(String[]::new));
        return new Result(r.code(), out.toString(), r.err() + err);
    }

    private Result run(Cli.Launcher launcher, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Cli cli = new Cli(EngineFactory.BRIDGE, ScriptLoader.standard(), new PrintWriter(out), new PrintWriter(err),
                false, launcher);
        List<String> argv = new ArrayList<>(List.of("--host-netns", world.host, "--state", world.state.toString()));
        argv.addAll(List.of(args));
        int code = Main.execute(cli, argv.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    /** Writes a script file (root-owned, in a directory only root can write: what the standard loader accepts). */
    public static Path script(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

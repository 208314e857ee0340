package org.nlbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.dsl.ScriptLoader;
import org.nlbridge.dsl.ScriptTrust;
import org.nlbridge.testing.MemoryEngine;
import picocli.CommandLine;

/** The hand parse of the hot commands takes a command line only if picocli parses it to the same thing. */
class QuickCommandsTest {

    private static Cli cli() {
        return new Cli(o -> new MemoryEngine(), ScriptLoader.withTrust(ScriptTrust.none()),
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false, l -> 0);
    }

    /** What a parse yields: the global options and the subcommand with its own. */
    private static List<Object> state(Main m, String name, Object command) {
        List<Object> s = new ArrayList<>(List.of(name, String.valueOf(m.hostNetns), String.valueOf(m.stateDir),
                m.output, List.copyOf(m.hosts), String.valueOf(m.tlsCaCert), String.valueOf(m.tlsCert),
                String.valueOf(m.tlsKey), m.verbose));
        if (command instanceof Commands.ScriptCommand sc) s.add(String.valueOf(sc.file));
        if (command instanceof Commands.PlanCommand p) s.add(p.destroy);
        return s;
    }

    private static List<Object> picocli(String... args) {
        Main main = new Main(cli());
        CommandLine.ParseResult r = Main.commandLine(main).parseArgs(args);
        CommandLine.ParseResult sub = r.subcommand();
        return state(main, sub.commandSpec().name(), sub.commandSpec().userObject());
    }

    private static List<Object> quick(String... args) {
        QuickCommands.Parsed p = QuickCommands.parse(cli(), args);
        assertNotNull(p, () -> "not taken: " + List.of(args));
        return state(p.main(), p.name(), p.command());
    }

    /** The hand parse's list of subcommand names is picocli's: a new subcommand must be added to both. */
    @Test
    void everySubcommandIsKnown() {
        assertEquals(new java.util.TreeSet<>(Main.commandLine(new Main(cli())).getSubcommands().keySet()),
                new java.util.TreeSet<>(QuickCommands.ALL_COMMANDS));
    }

    @Test
    void plainFormsParseAsPicocliParsesThem() {
        String[][] taken = {
            {"status"},
            {"status", "-o", "json"},
            {"-o", "json", "status"},
            {"--output=json", "status", "-v"},
            {"--host-netns", "h", "--state", "/tmp/s", "status"},
            {"status", "--host-netns=h", "--state=/tmp/s", "--verbose"},
            {"-H", "unix:///run/x.sock", "status"},
            {"status", "--host", "tcp://127.0.0.1:2375", "--tlscacert", "ca", "--tlscert", "c", "--tlskey", "k"},
            {"check", "scripts/docker0.groovy"},
            {"check", "-o", "json", "net.groovy"},
            {"plan", "net.groovy"},
            {"plan", "--destroy", "net.groovy"},
            {"plan", "net.groovy", "--destroy", "-v"},
            {"--state", "/s", "apply", "net.groovy", "-o", "text"},
            {"destroy", "net.groovy", "--host-netns", "hostns"},
            {"check", "status"},
        };
        for (String[] args : taken) assertEquals(picocli(args), quick(args), () -> List.of(args).toString());
    }

    @Test
    void everythingElseIsLeftToPicocli() {
        String[][] left = {
            {}, {"-h"}, {"--help"}, {"status", "-h"}, {"status", "--help"}, {"help"}, {"demo"}, {"doctor"},
            {"run", "web", "ls"}, {"daemon"}, {"events"},
            {"status", "extra"}, {"check"}, {"plan", "a", "b"}, {"status", "--destroy"}, {"--destroy", "plan", "a"},
            {"status", "-o", "JSON"}, {"status", "-o", "yaml"}, {"status", "-ojson"}, {"status", "-o=json"},
            {"status", "-o"}, {"status", "--state"}, {"status", "--state", "-v"}, {"--state", "plan", "plan", "a"},
            {"status", "-o", "json", "--output", "text"}, {"-H", "a", "status", "-H", "b"}, {"status", "-vo", "json"},
            {"status", "--verbose=true"}, {"status", "--"}, {"status", "--unknown"}, {"status", "-x"},
            {"check", "-"}, {"status", "--state", ""}, {"plan", "--destroy=true", "a"},
        };
        for (String[] args : left) assertNull(QuickCommands.parse(cli(), args), () -> List.of(args).toString());
    }

    /** A whole session, once by hand and once through picocli: the same outputs, errors and exit codes. */
    @Test
    void sameResultsThroughPicocli(@TempDir Path tmp) throws Exception {
        Path script = Files.writeString(tmp.resolve("net.groovy"), CliTest.DOCKER0);
        Path bad = Files.writeString(tmp.resolve("bad.groovy"), "network('bridge') { mtuu 1400 }\n");
        String f = script.toString();
        String[][] session = {
            {"check", f}, {"check", f, "-o", "json"}, {"check", bad.toString()}, {"plan", bad.toString(), "-v"},
            {"plan", f}, {"plan", f, "-o", "json"}, {"apply", f}, {"status"}, {"status", "-o", "json"}, {"plan", f},
            {"plan", "--destroy", f}, {"destroy", f}, {"status"}, {"status", "-H", "unix:///x", "--state", "/s"},
            {"status", "-H", "ftp://x"}, {"check", tmp.resolve("missing.groovy").toString()},
        };
        CliRun quick = new CliRun();
        CliRun slow = new CliRun();
        slow.viaPicocli = true;
        for (String[] args : session) {
            CliRun.Result q = quick.run(args);
            CliRun.Result s = slow.run(args);
            assertEquals(s.code(), q.code(), () -> List.of(args).toString());
            assertEquals(s.out(), q.out(), () -> List.of(args).toString());
            // a -v stack trace differs below the command's frames; the message line is the same
            assertEquals(s.err().lines().findFirst(), q.err().lines().findFirst(), () -> List.of(args).toString());
        }
        assertEquals(slow.engine.calls, quick.engine.calls);
    }

    @Test
    void versionPrintsWhatPicocliPrints() {
        for (String v : List.of("version", "--version", "-V")) {
            StringWriter quick = new StringWriter();
            StringWriter slow = new StringWriter();
            Cli q = new Cli(o -> new MemoryEngine(), ScriptLoader.withTrust(ScriptTrust.none()), new PrintWriter(quick),
                    new PrintWriter(new StringWriter()), false, l -> 0);
            Cli s = new Cli(o -> new MemoryEngine(), ScriptLoader.withTrust(ScriptTrust.none()), new PrintWriter(slow),
                    new PrintWriter(new StringWriter()), false, l -> 0);
            assertEquals(0, QuickCommands.run(q, v));
            assertEquals(0, Main.parseAndRun(s, v));
            assertEquals(slow.toString(), quick.toString(), v);
        }
    }
}

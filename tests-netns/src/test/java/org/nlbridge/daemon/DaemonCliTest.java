package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.cli.Cli;
import org.nlbridge.cli.EngineFactory;
import org.nlbridge.cli.Main;
import org.nlbridge.dsl.ScriptLoader;
import org.nlbridge.dsl.ScriptTrust;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Inside;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * The real engine, once in the CLI's process and once behind a daemon reached with {@code -H}, on the same host
 * namespace and state directory: every command prints the same, errors included. Also: the embedded CLI refuses a
 * state a daemon manages, and the daemon refuses a socket path that is a symbolic link.
 */
@ExtendWith(SandboxExtension.class)
class DaemonCliTest {

    record Run(int code, String out, String err) {}

    private static Run cli(List<List<String>> launched, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Cli cli = new Cli(EngineFactory.BRIDGE, ScriptLoader.withTrust(ScriptTrust.none()), new PrintWriter(out),
                new PrintWriter(err), false, l -> {
                    launched.add(l.argv());
                    return 0;
                }, Map.of());
        int code = Main.execute(cli, args);
        return new Run(code, out.toString(), err.toString());
    }

    private static List<Run> scenario(List<String> prefix, Path script, Path changed, List<List<String>> launched) {
        List<Run> out = new ArrayList<>();
        String f = script.toString();
        for (List<String> args : List.of(List.of("plan", f), List.of("apply", f), List.of("plan", f), List.of("status"),
                List.of("-o", "json", "status"), List.of("-o", "json", "plan", f), List.of("plan", changed.toString()),
                List.of("run", "web", "--", "cat", "/etc/hostname"), List.of("run", "nope", "true"),
                List.of("plan", "--destroy", f), List.of("destroy", f), List.of("plan", f))) {
            List<String> all = new ArrayList<>(prefix);
            all.addAll(args);
            out.add(cli(launched, all.toArray(String[]::new)));
        }
        return out;
    }

    @Test
    void theSameOutputInProcessAndThroughTheDaemon(Sandbox sandbox) throws IOException {
        String host = sandbox.netns("host");
        Net.ip(host, "link set lo up");
        String webNs = sandbox.reserve("web");
        String dbNs = sandbox.reserve("db");
        Path dir = Files.createTempDirectory("nlbridge-cli-");
        Path state = dir.resolve("state");
        String net = "network('bridge') { bridge 'nlbe0'; bip '%s'; macFromIp true }\n"
                + "container('web') { netns '" + webNs + "'; publish '8080:80' }\n"
                + "container('db') { netns '" + dbNs + "' }\n";
        Path script = Files.writeString(dir.resolve("net.groovy"), net.formatted("10.126.0.1/16"));
        Path changed = Files.writeString(dir.resolve("changed.groovy"), net.formatted("10.127.0.1/16"));
        try {
            List<List<String>> launchedHere = new ArrayList<>();
            List<Run> embedded = scenario(List.of("--host-netns", host, "--state", state.toString()), script, changed, launchedHere);
            assertEquals(0, embedded.get(1).code(), embedded.get(1).toString());
            // at the line that declares the network (issue 16 item 4), as through the daemon
            assertTrue(embedded.get(6).err().startsWith("nlbridge: " + changed + ":1: invalid network bridge"),
                    embedded.get(6).toString());
            Inside.run(host, "sysctl", "-qw", "net.ipv4.ip_forward=0"); // as it was before
            // and without the user hook, which destroy leaves to the user (plan would not announce it again)
            Inside.run(host, "nft", "delete table ip nlbridge-user; delete table ip6 nlbridge-user");

            try (DaemonProcess d = new DaemonProcess(host, dir).start()) {
                // while a daemon manages the state, the embedded CLI keeps out of it
                Run refused = cli(new ArrayList<>(), "--host-netns", host, "--state", state.toString(), "status");
                assertEquals(1, refused.code());
                assertTrue(refused.err().startsWith("nlbridge: the state in " + state + " is managed by an nlbridge daemon (pid "
                        + d.pid() + "): send the command to it with -H"), refused.err());

                List<List<String>> launchedThere = new ArrayList<>();
                List<Run> remote = scenario(List.of("-H", "unix://" + d.socket), script, changed, launchedThere);
                for (int i = 0; i < embedded.size(); i++) assertEquals(embedded.get(i), remote.get(i), "command " + i);
                assertEquals(launchedHere, launchedThere, "run starts the same launcher");
                assertEquals(143, d.term());
            }

            // a socket path that is a symbolic link is refused, before anything else happens
            Path link = Files.createSymbolicLink(dir.resolve("link.sock"), dir.resolve("elsewhere.sock"));
            Run r = cli(new ArrayList<>(), "--host-netns", host, "--state", state.toString(), "daemon", "-H", "unix://" + link);
            assertEquals(new Run(1, "", "nlbridge: refusing to listen on " + link + ": it is a symbolic link (to "
                    + dir.resolve("elsewhere.sock") + ")\n"), r);
            assertFalse(Files.exists(dir.resolve("elsewhere.sock")));
        } finally {
            Cmd.exec(null, "rm", "-rf", dir.toString());
        }
    }
}

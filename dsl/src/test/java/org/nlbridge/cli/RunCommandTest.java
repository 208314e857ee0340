package org.nlbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.nlbridge.driver.dns.Mount;
import org.nlbridge.engine.Engine;
import org.nlbridge.net.Hostname;

/** {@code nlbridge run CONTAINER -- CMD}: the launcher gets the container's namespace, mounts and host name. */
class RunCommandTest {

    CliRun cli = new CliRun();

    private static List<String> tail(List<String> argv, int n) {
        return argv.subList(argv.size() - n, argv.size());
    }

    @Test
    void runsTheCommandThroughTheLauncherAndReturnsItsExitCode() {
        cli.engine.runtimes = Map.of("web", new Engine.ContainerRuntime("web", Hostname.parse("h", "web1"),
                List.of(new Mount("/etc/resolv.conf", "bind", "/var/lib/nlbridge/containers/web/resolv.conf",
                        List.of("rbind", "ro")))));
        cli.launchExit = 7;
        assertEquals(new CliRun.Result(7, "", ""), cli.run("run", "web", "--", "ls", "-l", "/etc"));
        List<String> argv = cli.launched.getFirst();
        assertEquals("--net=/run/netns/web", argv.get(1));
        assertEquals(List.of("web1", "1", "rbind,ro", "/var/lib/nlbridge/containers/web/resolv.conf",
                "/etc/resolv.conf", "ls", "-l", "/etc"), tail(argv, 8));
        assertEquals(List.of("runtime web"), cli.engine.calls);
        assertEquals(1, cli.engine.closed);
    }

    @Test
    void everythingAfterTheContainerIsTheCommand() {
        cli.engine.runtimes = Map.of("web", new Engine.ContainerRuntime("web", null, List.of()));
        cli.run("-v", "run", "web", "sh", "-c", "exit 3");
        cli.run("run", "--host-netns", "h1", "web", "--", "ip", "-v");
        assertEquals(List.of("sh", "-c", "exit 3"), tail(cli.launched.get(0), 3));
        assertEquals(List.of("ip", "-v"), tail(cli.launched.get(1), 2));
        assertEquals("h1", cli.openedWith.get(1).hostNetns());
    }

    @Test
    void anUnknownContainerIsOneLine() {
        assertEquals(new CliRun.Result(1, "", "nlbridge: invalid container \"db\": no such container in the state /tmp/state;"
                + " expected the name of a container applied from a script\n"),
                cli.run("run", "db", "--", "true"));
        assertEquals(new CliRun.Result(1, "", "nlbridge: run: no command given after db\n"), cli.run("run", "db", "--"));
    }

    /**
     * As root: a real namespace, the real launcher; the command sees the host name and only lo, and its exit code
     * comes back.
     */
    @Test
    void aRealCommandInARealNamespace() throws Exception {
        assumeTrue(org.nlbridge.dsl.ScriptTraits.root(), "needs root to create a network namespace");
        Path ip = List.of(Path.of("/usr/sbin/ip"), Path.of("/sbin/ip"), Path.of("/usr/bin/ip")).stream()
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(ip != null, "needs ip(8) to create the namespace");
        String ns = "nlb-dsl-run-" + ProcessHandle.current().pid();
        assertEquals(0, new ProcessBuilder(ip.toString(), "netns", "add", ns).inheritIO().start().waitFor());
        try {
            cli.engine.runtimes = Map.of("web", new Engine.ContainerRuntime(ns, Hostname.parse("h", "web1"), List.of()));
            cli.launcher = l -> {
                Process p = l.redirectInput(ProcessBuilder.Redirect.INHERIT).start();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return -1;
                }
                return p.exitValue();
            };
            assertEquals(7, cli.run("run", "web", "--", "sh", "-c",
                    "test \"$(cat /proc/sys/kernel/hostname)\" = web1 && test \"$(grep -c : /proc/net/dev)\" = 1 && exit 7")
                    .code());
        } finally {
            new ProcessBuilder(ip.toString(), "netns", "delete", ns).inheritIO().start().waitFor();
        }
    }
}

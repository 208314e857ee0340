package org.nlbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.client.DaemonAddress;
import org.nlbridge.daemon.Daemon;
import org.nlbridge.driver.dns.Mount;
import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.net.Hostname;
import org.nlbridge.net.ValidationException;

/**
 * The same commands against the same (fake) engine, once in process and once through a daemon's socket with
 * {@code -H}: stdout, stderr and exit codes are identical, errors included.
 */
class RemoteCliTest {

    @TempDir
    Path tmp;
    Path script;
    final CliRun local = new CliRun();
    final CliRun remote = new CliRun();
    Daemon daemon;
    String host;

    @BeforeEach
    void setUp() throws IOException {
        script = Files.writeString(tmp.resolve("docker0.groovy"), CliTest.DOCKER0);
        Path sock = tmp.resolve("nlbridge.sock");
        daemon = Daemon.withoutMonitor(remote.engine);
        host = "unix://" + sock;
        daemon.listen(DaemonAddress.parse("-H", host), null, null);
        EngineStatus st = new EngineStatus(List.of(new EngineStatus.NetworkStatus("bridge", "docker0", "172.17.0.0/16",
                "172.17.0.1", null, null, 1500, true, true, false, "nftables", true)),
                List.of(new EngineStatus.ContainerStatus("web", "bridge", "web", "eth0", "veth1234567", "172.17.0.2/16",
                        null, "02:42:ac:11:00:02", "web", List.of("/var/lib/nlbridge/containers/web/hosts"))),
                List.of(new EngineStatus.PortStatus("web", "tcp", null, 8080, "172.17.0.2", 80, 12, -1)));
        local.engine.status = st;
        remote.engine.status = st;
        Map<String, Engine.ContainerRuntime> rt = Map.of("web", new Engine.ContainerRuntime("web",
                Hostname.parse("h", "web1"), List.of(new Mount("/etc/hosts", "bind", "/x/hosts", List.of("rbind", "ro")))));
        local.engine.runtimes = rt;
        remote.engine.runtimes = rt;
    }

    @AfterEach
    void tearDown() {
        daemon.close();
    }

    private void same(String... args) {
        CliRun.Result a = local.run(args);
        String[] withH = new String[args.length + 2];
        withH[0] = "-H";
        withH[1] = host;
        System.arraycopy(args, 0, withH, 2, args.length);
        CliRun.Result b = remote.run(withH);
        assertEquals(a, b, String.join(" ", args));
    }

    @Test
    void everyCommandPrintsTheSameThroughTheDaemon() {
        String f = script.toString();
        for (String fmt : List.of("text", "json")) {
            same("-o", fmt, "plan", f);
            same("-o", fmt, "apply", f);
            same("-o", fmt, "plan", f);
            same("-o", fmt, "status");
            same("-o", fmt, "plan", "--destroy", f);
            same("-o", fmt, "destroy", f);
            same("-o", fmt, "destroy", f);
        }
        same("run", "web", "--", "cat", "/etc/hosts");
        assertEquals(local.launched, remote.launched);
        same("run", "nope", "true");
        same("check", f);
    }

    @Test
    void progressOnATerminalComesThroughTheStream() {
        local.terminal = true;
        remote.terminal = true;
        CliRun.Result a = local.run("apply", script.toString());
        CliRun.Result b = remote.run("-H", host, "apply", script.toString());
        assertEquals(a.out(), b.out());
        assertEquals(a.code(), b.code());
        assertTrue(b.err().contains("[7/7] + link db:eth0 (veth, network bridge)") && b.err().endsWith("\r\033[K"), b.err());
    }

    @Test
    void errorsCarryTheSameMessages() {
        String f = script.toString();
        for (RuntimeException failure : List.of(new IllegalStateException("netlink: RTM_NEWLINK docker0: EPERM\nand more"),
                new ValidationException("network bridge", "x", "it exists with other settings", "the same settings"))) {
            local.engine.failure = failure;
            remote.engine.failure = failure;
            same("apply", f);
            same("plan", f);
            same("status");
        }
    }

    @Test
    void hostFromTheEnvironmentAndItsRefusals() {
        remote.env = Map.of("NLBRIDGE_HOST", host);
        CliRun.Result r = remote.run("plan", script.toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals(List.of("plan"), remote.engine.calls);
        assertEquals(new CliRun.Result(1, "", "nlbridge: --host-netns and --state belong to the daemon (nlbridge daemon"
                + " --host-netns ... --state ...), not to a command sent to it with -H " + host + "\n"),
                remote.run("--state", "/tmp/x", "status"));
        CliRun bad = new CliRun();
        bad.env = Map.of("NLBRIDGE_HOST", "http://x");
        assertEquals(new CliRun.Result(1, "", "nlbridge: invalid NLBRIDGE_HOST \"http://x\": unsupported scheme (fd:// and"
                + " ssh:// are not served); expected unix:///absolute/path.sock or tcp://HOST:PORT\n"), bad.run("status"));
        CliRun.Result gone = local.run("-H", "unix://" + tmp.resolve("none.sock"), "status");
        assertEquals(1, gone.code());
        assertTrue(gone.err().startsWith("nlbridge: cannot connect to the nlbridge daemon at unix://" + tmp.resolve("none.sock")
                + ": "), gone.err());
        assertTrue(gone.err().endsWith("(is 'nlbridge daemon -H unix://" + tmp.resolve("none.sock") + "' running?)\n"), gone.err());
        assertEquals(new CliRun.Result(1, "", "nlbridge: tcp://127.0.0.1:2376 needs mutual TLS: give --tlscacert, --tlscert"
                + " and --tlskey (or NLBRIDGE_CERT_PATH, a directory with ca.pem, cert.pem and key.pem)\n"),
                local.run("-H", "tcp://127.0.0.1:2376", "status"));
        assertEquals(new CliRun.Result(1, "", "nlbridge: events come from a running daemon: give -H (e.g. -H"
                + " unix:///run/nlbridge.sock) or set NLBRIDGE_HOST\n"), local.run("events"));
    }
}

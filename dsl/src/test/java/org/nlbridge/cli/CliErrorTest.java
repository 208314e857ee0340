package org.nlbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every failure is one line, {@code nlbridge: <message>}, exit code 1; a script that fails never opens the engine. */
class CliErrorTest {

    @TempDir
    Path tmp;
    CliRun cli = new CliRun();

    private CliRun.Result plan(String script) throws IOException {
        Path f = Files.writeString(tmp.resolve("bad.groovy"), script);
        return cli.run("plan", f.toString());
    }

    private void assertFails(String expectedErr, CliRun.Result r) {
        assertEquals(new CliRun.Result(1, "", expectedErr + "\n"), r);
    }

    @Test
    void clusterOptionsAreCheckedBeforeTheDaemonStarts() {
        assertFails("nlbridge: --cluster-advertise and --cluster-store-opt need --cluster-store etcd://HOST:PORT",
                cli.run("daemon", "--cluster-advertise", "eth0"));
        assertFails("nlbridge: invalid cluster-advertise: missing: --cluster-store needs it; expected an IPv4 address of"
                + " this host (the underlay, like 10.0.0.1) or an interface name whose first IPv4 address is used (like"
                + " eth0), optionally with :PORT as Docker writes it (the port is ignored)",
                cli.run("daemon", "--cluster-store", "etcd://10.0.0.1:2379"));
        assertFails("nlbridge: invalid cluster-store-opt \"discovery.ttl=0\": not a whole number of seconds, 2 or more;"
                + " expected discovery.ttl=SECONDS, like discovery.ttl=20 (how long a silent host stays in the cluster)",
                cli.run("daemon", "--cluster-store", "etcd://10.0.0.1:2379", "--cluster-advertise", "eth0",
                        "--cluster-store-opt", "discovery.ttl=0"));
        assertEquals(0, cli.engine.opened);
    }

    @Test
    void aSixteenByteBridgeName() throws IOException {
        assertFails("nlbridge: " + tmp.resolve("bad.groovy") + ":2: invalid network bridge: bridge \"docker0-16-bytes\":"
                + " 16 bytes, above the limit of 15 (IFNAMSIZ 16 includes the NUL); expected an interface name of 1..15"
                + " bytes from A-Z a-z 0-9 _ . -, not starting with '-' or '.', other than all, default and lo",
                plan("network('bridge') {\n    bridge 'docker0-16-bytes'\n}\n"));
        assertEquals(0, cli.engine.opened);
    }

    @Test
    void aPortAbove65535() throws IOException {
        assertFails("nlbridge: " + tmp.resolve("bad.groovy") + ":3: invalid container web: publish \"70000:80\": host"
                + " port \"70000\" outside 1..65535; expected [host-ip:]host-port[-end]:container-port[-end][/tcp|/udp],"
                + " like 8080:80, 127.0.0.1:8080:80/tcp or [::]:8000-8001:80-81/udp (ports 1..65535)",
                plan("network 'bridge'\ncontainer('web') {\n    publish '70000:80'\n}\n"));
        assertEquals(0, cli.engine.opened);
    }

    @Test
    void aHostnameWithANewline() throws IOException {
        assertFails("nlbridge: " + tmp.resolve("bad.groovy") + ":3: invalid container web: hostname \"web\\nevil\":"
                + " forbidden character '\\n' (it could inject text into resolv.conf or /etc/hosts); expected a host name"
                + " like web-1 or db.example.internal (labels of 1..63 letters, digits or '-' separated by '.', no '-'"
                + " at either end of a label, 64 bytes in all)",
                plan("network 'bridge'\ncontainer('web') {\n    hostname 'web\\nevil'\n}\n"));
        assertEquals(0, cli.engine.opened);
    }

    @Test
    void aDuplicateHostPort() throws IOException {
        assertFails("nlbridge: " + tmp.resolve("bad.groovy") + ":3: invalid container db: publish \"8080:5432/tcp\": host"
                + " port tcp/8080 is already published by container web; expected a host port not used by another"
                + " container",
                plan("network 'bridge'\ncontainer('web') { publish '8080:80' }\ncontainer('db') { publish '8080:5432' }\n"));
        assertEquals(0, cli.engine.opened);
    }

    @Test
    void aTypoIsACompileErrorWithoutAStackTrace() throws IOException {
        assertFails("nlbridge: " + tmp.resolve("bad.groovy") + ":2: unknown key 'mtuu' in a network block; did you"
                + " mean 'mtu'?", plan("network('bridge') {\n    mtuu 1500\n}\n"));
    }

    @Test
    void engineFailuresAreOneLineAndVerboseAddsTheTrace() throws IOException {
        Path f = Files.writeString(tmp.resolve("ok.groovy"), "network 'bridge'\n");
        cli.engine.failure = new IllegalStateException("cannot create docker0: File exists (EEXIST)\nundone: 2 changes");
        assertFails("nlbridge: cannot create docker0: File exists (EEXIST); undone: 2 changes",
                cli.run("apply", f.toString()));
        CliRun.Result verbose = cli.run("apply", f.toString(), "-v");
        assertEquals(1, verbose.code());
        assertTrue(verbose.err().startsWith("nlbridge: cannot create docker0: File exists (EEXIST); undone: 2 changes\n"
                + "java.lang.IllegalStateException: cannot create docker0"), verbose.err());
        assertTrue(verbose.err().contains("\n\tat org.nlbridge.cli."), verbose.err());
        assertEquals(cli.engine.opened, cli.engine.closed);
    }

    @Test
    void usageErrorsExitWithOneNotTwo() {
        assertFails("nlbridge: Unknown option: '--nope' (see nlbridge --help)", cli.run("plan", "--nope", "x.groovy"));
        assertFails("nlbridge: Missing required parameter: 'FILE' (see nlbridge --help)", cli.run("apply"));
        assertFails("nlbridge: Unmatched argument at index 0: 'frobnicate' (see nlbridge --help)", cli.run("frobnicate"));
        assertFails("nlbridge: Invalid value for option '--output': expected one of [text, json] (case-insensitive) but"
                + " was 'yaml' (see nlbridge --help)", cli.run("-o", "yaml", "status"));
    }

    @Test
    void aBadHostNamespaceName() {
        assertFails("nlbridge: invalid host-netns \"../x\": starts with '.'; expected 1-64"
                + " characters from [A-Za-z0-9_.-], not starting with '.' or '-'", cli.run("status", "--host-netns", "../x"));
    }

    @Test
    void aMissingScript() {
        assertFails("nlbridge: " + tmp.resolve("none.groovy") + ": cannot read the script: no such file",
                cli.run("destroy", tmp.resolve("none.groovy").toString()));
    }

    @Test
    void badDaemonBudgetsAreRefusedBeforeItStarts() {
        assertFails("nlbridge: invalid --max-streams \"0\": outside 1..1000000; expected a whole number 1..1000000",
                cli.run("daemon", "--max-streams", "0"));
        assertFails("nlbridge: invalid --max-connections \"300\": not above --max-requests + --max-streams + 2 x"
                + " --reserved-requests (352), so busy connections could leave no room for a new one; expected more than 352",
                cli.run("daemon", "--max-connections", "300", "--max-connections-per-client", "200"));
        assertFails("nlbridge: Invalid value for option '--header-timeout': \"10x\" is not a duration; expected a whole"
                + " number with a unit, like 30s, 500ms, 2m or 1h (a number alone is seconds) (see nlbridge --help)",
                cli.run("daemon", "--header-timeout", "10x"));
        assertFails("nlbridge: invalid --idle-timeout \"50 ms\": outside 100ms..1 day; expected a duration like 10s,"
                + " 500ms or 2m", cli.run("daemon", "--idle-timeout", "50ms"));
        assertEquals(0, cli.engine.opened);
    }
}

package org.nlbridge.driver.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.driver.dns.Mount;
import org.nlbridge.net.Hostname;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netns.NoSuchNamespaceException;

/**
 * The launcher's command line and its script, without root: the script is run directly with a stand-in for mount(8)
 * that records its arguments, so hostile paths are checked to arrive intact. The real namespaces are exercised by
 * the root test in tests-netns.
 */
class NetnsLauncherTest {

    private static final String HOSTILE = "dir with spaces/\"double\" 'single' $(touch pwned) `x` ; &|*?\\";
    private static final List<String> BIND = List.of("rbind", "rprivate");

    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {}

    private static Run run(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out, err);
    }

    /** The {@code sh -c SCRIPT ...} tail of the launcher's command line, with mount(8) swapped for {@code fakeMount}. */
    private static List<String> scriptPart(NetnsLauncher launcher, Path fakeMount) {
        List<String> argv = launcher.argv();
        int sh = argv.indexOf("-c") - 1;
        List<String> tail = new ArrayList<>(argv.subList(sh, argv.size()));
        tail.set(4, fakeMount.toString());
        return tail;
    }

    private Path fakeMount(int exit) throws IOException {
        Path log = tmp.resolve("mount.log");
        Path fake = tmp.resolve("fake-mount");
        Files.writeString(fake, "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]' \"$a\" >> '" + log + "'; done\n"
                + "echo >> '" + log + "'\nexit " + exit + "\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        return fake;
    }

    @Test
    void commandLineChainsNsenterUnshareAndAConstantScript() {
        Mount m = new Mount("/etc/hosts", "bind", "/state/containers/web1/hosts", List.of("rbind", "rprivate", "ro"));
        List<String> argv = NetnsLauncher.inNamespace("ctr-1").mounts(List.of(m))
                .hostname(Hostname.parse("hostname", "web")).command("cat", "/etc/hosts").argv();
        assertTrue(argv.get(0).endsWith("/nsenter"), argv.get(0));
        assertTrue(argv.get(3).endsWith("/unshare"), argv.get(3));
        assertTrue(argv.get(9).endsWith("/sh"), argv.get(9));
        assertTrue(argv.get(13).endsWith("/mount"), argv.get(13));
        assertEquals(List.of("--net=/run/netns/ctr-1", "--"), argv.subList(1, 3));
        assertEquals(List.of("--mount", "--uts", "--propagation", "private", "--"), argv.subList(4, 9));
        assertEquals(List.of("-c", NetnsLauncher.SCRIPT, "nlbridge-launch"), argv.subList(10, 13));
        assertEquals(List.of("web", "1", "rbind,rprivate,ro", "/state/containers/web1/hosts", "/etc/hosts",
                "cat", "/etc/hosts"), argv.subList(14, argv.size()));
    }

    @Test
    void hostilePathsReachMountAsArgumentsNeverAsShellText() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(HOSTILE));
        List<Mount> mounts = List.of(
                new Mount("/etc/resolv.conf", "bind", dir.resolve("resolv.conf").toString(), BIND),
                new Mount("/etc/hosts", "bind", dir.resolve("it's \"hosts\"").toString(), List.of("rbind", "ro")));
        NetnsLauncher launcher = NetnsLauncher.inNamespace("ctr").mounts(mounts)
                .command("printf", "%s|", "arg with space", "$HOME", "'");
        assertFalse(NetnsLauncher.SCRIPT.contains(HOSTILE));

        Run r = run(scriptPart(launcher, fakeMount(0)));
        assertEquals(new Run(0, "arg with space|$HOME|'|", ""), r);
        assertEquals("[-o][rbind,rprivate][--][" + dir.resolve("resolv.conf") + "][/etc/resolv.conf]\n"
                        + "[-o][rbind,ro][--][" + dir.resolve("it's \"hosts\"") + "][/etc/hosts]\n",
                Files.readString(tmp.resolve("mount.log")));
        assertFalse(Files.exists(Path.of("pwned")), "no command substitution ran");
    }

    @Test
    void aFailedMountStopsBeforeTheCommandWith125() throws Exception {
        NetnsLauncher launcher = NetnsLauncher.inNamespace("ctr")
                .mounts(List.of(new Mount("/etc/hosts", "bind", "/s p/hosts", BIND))).command("echo", "ran");
        Run r = run(scriptPart(launcher, fakeMount(32)));
        assertEquals(new Run(NetnsLauncher.LAUNCH_FAILED, "", "nlbridge-launch: cannot bind /s p/hosts over /etc/hosts\n"),
                r);
    }

    @Test
    void theCommandsExitStatusComesThrough() throws Exception {
        Path fake = fakeMount(0);
        assertEquals(7, run(scriptPart(NetnsLauncher.inNamespace("c").command("sh", "-c", "exit 7"), fake)).exit());
        assertEquals(127, run(scriptPart(NetnsLauncher.inNamespace("c").command("no-such-program-x9"), fake)).exit());
    }

    @Test
    void missingMountTargetIsAClearErrorAndNothingStarts() throws IOException {
        Path src = Files.writeString(tmp.resolve("hosts"), "127.0.0.1\tlocalhost\n");
        NetnsLauncher launcher = NetnsLauncher.inNamespace("nlbt-absent-ns")
                .mounts(List.of(new Mount("/etc/nlbridge-no-such-file", "bind", src.toString(), BIND)))
                .command("true");
        LaunchException e = assertThrows(LaunchException.class, launcher::start);
        assertEquals("cannot bind " + src + " over /etc/nlbridge-no-such-file: /etc/nlbridge-no-such-file does not"
                + " exist on this host, and a bind mount needs an existing file to mount over", e.getMessage());

        Path gone = tmp.resolve("gone");
        LaunchException noSource = assertThrows(LaunchException.class, () -> NetnsLauncher.inNamespace("x")
                .mounts(List.of(new Mount("/etc/hosts", "bind", gone.toString(), BIND))).command("true").start());
        assertEquals("cannot bind " + gone + " over /etc/hosts: the source " + gone
                + " does not exist (was the overlay written?)", noSource.getMessage());
    }

    @Test
    void missingNamespaceIsATypedError() {
        NoSuchNamespaceException e = assertThrows(NoSuchNamespaceException.class,
                () -> NetnsLauncher.inNamespace("nlbt-absent-ns").command("true").start());
        assertEquals("network namespace nlbt-absent-ns does not exist (/run/netns/nlbt-absent-ns)", e.getMessage());
    }

    @Test
    void refusesWhatItCannotLaunch() {
        ValidationException bad = assertThrows(ValidationException.class, () -> NetnsLauncher.inNamespace("../x"));
        assertEquals("invalid netns \"../x\": starts with '.'; expected 1-64 characters from"
                + " [A-Za-z0-9_.-], not starting with '.' or '-'", bad.getMessage());
        NetnsLauncher l = NetnsLauncher.inNamespace("c");
        assertEquals("only bind mounts can be launched, not type tmpfs at /tmp",
                assertThrows(IllegalArgumentException.class,
                        () -> l.mounts(List.of(new Mount("/tmp", "tmpfs", "/x", List.of("bind"))))).getMessage());
        assertEquals("mount at /etc/hosts needs the bind or rbind option",
                assertThrows(IllegalArgumentException.class,
                        () -> l.mounts(List.of(new Mount("/etc/hosts", "bind", "/dev/sda1", List.of("ro"))))).getMessage());
        assertEquals("mount option remount,ro at /etc/hosts is not one of [bind, rbind, private, rprivate, ro, rw,"
                + " nosuid, nodev, noexec]", assertThrows(IllegalArgumentException.class,
                () -> l.mounts(List.of(new Mount("/etc/hosts", "bind", "/x", List.of("bind", "remount,ro")))))
                .getMessage());
        assertEquals("mount paths must be absolute: x over /etc/hosts", assertThrows(IllegalArgumentException.class,
                () -> l.mounts(List.of(new Mount("/etc/hosts", "bind", "x", BIND)))).getMessage());
        assertEquals("no command given", assertThrows(IllegalArgumentException.class, () -> l.command()).getMessage());
        assertEquals("no command given", assertThrows(IllegalStateException.class, l::argv).getMessage());
    }
}

package org.nlbridge.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scripts run as root only when no other user could have written them. Changing a file's owner or group needs root,
 * so the tests that give files away run only as root; the mode checks run as anyone: the loader checks as root, and
 * without root it takes the test's own files for root's.
 */
class ScriptTrustTest {

    @TempDir
    Path tmp;
    Path dir;
    Path script;
    final ScriptLoader asRoot = ScriptLoader.withTrust(root() ? ScriptTrust.asUid(0)
            : ScriptTrust.asRootOwning(org.nlbridge.os.ProcessIdentity.effectiveUid()));

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createDirectory(tmp.resolve("scripts"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        script = Files.writeString(dir.resolve("net.groovy"), "network 'bridge'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static boolean root() {
        return org.nlbridge.os.ProcessIdentity.effectiveUid() == 0;
    }

    private String refusal(ScriptLoader loader) {
        return assertThrows(DslException.class, () -> loader.load(script)).getMessage();
    }

    @Test
    void aRootOwnedScriptRunsAsRoot() {
        assertEquals(1, asRoot.load(script).networks().size());
    }

    @Test
    void aScriptOwnedByAnotherUserIsRefusedAsRoot() throws IOException {
        assumeTrue(root(), "needs root to give a file away");
        Files.setAttribute(script, "unix:uid", 1000);
        assertEquals(script + ": refusing to run this script as root: it is owned by uid 1000, not root (scripts run"
                + " as root, so only root may be able to change them; chown root " + script + " after reading it)",
                refusal(asRoot));
        // another user runs it with their own rights: no check
        assertEquals(1, ScriptLoader.withTrust(ScriptTrust.asUid(1000)).load(script).networks().size());
    }

    @Test
    void aWorldWritableScriptIsRefusedAsRoot() throws IOException {
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals(script + ": refusing to run this script as root: it is writable by every user (mode 666) (scripts"
                + " run as root, so only root may be able to change them; chmod go-w " + script + ")", refusal(asRoot));
    }

    @Test
    void aGroupWritableScriptIsRefusedUnlessTheGroupIsRoot() throws IOException {
        assumeTrue(root(), "needs root to change a file's group");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-rw-r--"));
        Files.setAttribute(script, "unix:gid", 0);
        assertEquals(1, asRoot.load(script).networks().size());
        Files.setAttribute(script, "unix:gid", 1000);
        assertEquals(script + ": refusing to run this script as root: it is writable by group 1000 (mode 664) (scripts"
                + " run as root, so only root may be able to change them; chmod go-w " + script + ")", refusal(asRoot));
    }

    @Test
    void aScriptInAWorldWritableDirectoryIsRefusedUnlessItIsSticky() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(script + ": refusing to run this script as root: its directory " + dir + " is writable by every"
                + " user (mode 777), who could replace it (scripts run as root, so only root may be able to change"
                + " them; keep scripts in a directory only root can write to)", refusal(asRoot));
        Files.setAttribute(dir, "unix:mode", 01777); // like /tmp: others cannot replace root's file
        assertEquals(1, asRoot.load(script).networks().size());
    }

    @Test
    void aScriptInADirectoryOfAnotherUserIsRefused() throws IOException {
        assumeTrue(root(), "needs root to give a directory away");
        Files.setAttribute(dir, "unix:uid", 1000);
        assertEquals(script + ": refusing to run this script as root: its directory " + dir + " is owned by uid 1000,"
                + " who could replace it (scripts run as root, so only root may be able to change them; keep scripts"
                + " in a directory only root can write to)", refusal(asRoot));
    }

    @Test
    void aSymlinkIsCheckedWhereItPointsAndWhereItIs() throws IOException {
        Path other = Files.createDirectory(tmp.resolve("other"));
        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path link = Files.createSymbolicLink(dir.resolve("link.groovy"), script);
        assertEquals(1, asRoot.load(link).networks().size());
        Path badLink = Files.createSymbolicLink(other.resolve("link.groovy"), script);
        assertEquals(badLink + ": refusing to run this script as root: its directory " + other + " is writable by"
                + " every user (mode 777), who could replace it (scripts run as root, so only root may be able to"
                + " change them; keep scripts in a directory only root can write to)",
                assertThrows(DslException.class, () -> asRoot.load(badLink)).getMessage());
    }

    @Test
    void aMissingOrUnreadableScriptIsOneLine() throws IOException {
        assertEquals(dir.resolve("nope.groovy") + ": cannot read the script: no such file",
                assertThrows(DslException.class, () -> Scripts.LOADER.load(dir.resolve("nope.groovy"))).getMessage());
        assertEquals(dir + ": not a regular file",
                assertThrows(DslException.class, () -> asRoot.load(dir)).getMessage());
        Files.write(script, new byte[] {'n', (byte) 0xff, '\n'});
        assertEquals(script + ": not UTF-8 text",
                assertThrows(DslException.class, () -> Scripts.LOADER.load(script)).getMessage());
    }

    @Test
    void errorsNameTheFileAsGiven() throws IOException {
        Files.writeString(script, "network('bridge') {\n    mtu 10\n}\n");
        assertEquals(script + ":2: invalid network bridge: mtu \"10\": below the IPv4 minimum 68; expected an"
                + " integer 68..65535", assertThrows(DslException.class, () -> Scripts.LOADER.load(script)).getMessage());
    }
}

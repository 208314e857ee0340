package org.nlbridge.dsl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntSupplier;

import org.nlbridge.os.ProcessIdentity;

/**
 * Who may have written a script that is about to run. Scripts are Groovy code and run with nlbridge's privileges,
 * which are root's; Groovy offers no sandbox (its {@code SecureASTCustomizer} is not a security boundary). So when
 * nlbridge runs as root, a script runs only if no other user could have written it: the file is a regular file
 * owned by root and writable by nobody else, and so is every directory on its path (owned by root, not writable
 * by group or others unless sticky like /tmp), both as named and after symbolic links are resolved. Otherwise the
 * script is refused before a byte of it is compiled. Other users run scripts with their own privileges, unchecked.
 */
public final class ScriptTrust {

    /** The script may not be run; the message says why and what to do (the caller names the file). */
    public static final class UntrustedScriptException extends Exception {
        UntrustedScriptException(String message) {
            super(message);
        }
    }

    private static final int S_IWGRP = 0020;
    private static final int S_IWOTH = 0002;
    private static final int S_ISVTX = 01000;

    private final IntSupplier effectiveUid;
    /** Whose files and directories count as root's: root's own, and this uid's. */
    private final int alsoRoot;

    private ScriptTrust(IntSupplier effectiveUid, int alsoRoot) {
        this.effectiveUid = effectiveUid;
        this.alsoRoot = alsoRoot;
    }

    /** Checks when this process's effective uid is 0. */
    public static ScriptTrust system() {
        return new ScriptTrust(ProcessIdentity::effectiveUid, 0);
    }

    /** Checks as if the process ran with this effective uid (tests). */
    public static ScriptTrust asUid(int uid) {
        return new ScriptTrust(() -> uid, 0);
    }

    /**
     * Checks as root would, taking {@code owner}'s files and directories for root's: tests of the mode checks that
     * run without root, and so cannot make files root owns.
     */
    static ScriptTrust asRootOwning(int owner) {
        return new ScriptTrust(() -> 0, owner);
    }

    /** Checks nothing: for text that does not come from a file, or callers with a policy of their own. */
    public static ScriptTrust none() {
        return new ScriptTrust(() -> -1, 0);
    }

    /** Checks the file (when running as root), then reads it as UTF-8; the file must not change while read. */
    String read(Path file) throws IOException, UntrustedScriptException {
        boolean root = effectiveUid.getAsInt() == 0;
        Object before = null;
        if (root) before = check(file);
        String text = ScriptLoader.decode(Files.readAllBytes(file));
        if (root && !Objects.equals(before, check(file))) {
            throw new UntrustedScriptException("refusing to run this script as root: it was replaced while being read");
        }
        return text;
    }

    /** Throws unless only root can have written {@code file}; returns the file's identity (device and inode). */
    Object check(Path file) throws IOException, UntrustedScriptException {
        Path real = file.toRealPath();
        if (!Files.isRegularFile(real)) {
            throw new UntrustedScriptException("not a regular file");
        }
        int uid = (Integer) Files.getAttribute(real, "unix:uid");
        int gid = (Integer) Files.getAttribute(real, "unix:gid");
        int mode = (Integer) Files.getAttribute(real, "unix:mode");
        if (uid != 0 && uid != alsoRoot) {
            throw refuse(file, "it is owned by uid " + uid + ", not root",
                    "chown root " + file + " after reading it");
        }
        if ((mode & S_IWOTH) != 0 || ((mode & S_IWGRP) != 0 && gid != 0)) {
            throw refuse(file, "it is writable by " + ((mode & S_IWOTH) != 0 ? "every user" : "group " + gid)
                    + " (mode " + Integer.toOctalString(mode & 07777) + ")", "chmod go-w " + file);
        }
        Set<Path> dirs = new LinkedHashSet<>();
        for (Path p = file.toAbsolutePath().normalize().getParent(); p != null; p = p.getParent()) dirs.add(p);
        for (Path p = real.getParent(); p != null; p = p.getParent()) dirs.add(p);
        for (Path dir : dirs) {
            int du = (Integer) Files.getAttribute(dir, "unix:uid");
            int dg = (Integer) Files.getAttribute(dir, "unix:gid");
            int dm = (Integer) Files.getAttribute(dir, "unix:mode");
            boolean sticky = (dm & S_ISVTX) != 0;
            if (du != 0 && du != alsoRoot) {
                throw refuse(file, "its directory " + dir + " is owned by uid " + du + ", who could replace it",
                        "keep scripts in a directory only root can write to");
            }
            if (!sticky && ((dm & S_IWOTH) != 0 || ((dm & S_IWGRP) != 0 && dg != 0))) {
                throw refuse(file, "its directory " + dir + " is writable by " + ((dm & S_IWOTH) != 0 ? "every user"
                        : "group " + dg) + " (mode " + Integer.toOctalString(dm & 07777) + "), who could replace it",
                        "keep scripts in a directory only root can write to");
            }
        }
        return Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .fileKey();
    }

    private static UntrustedScriptException refuse(Path file, String why, String fix) {
        return new UntrustedScriptException("refusing to run this script as root: " + why + " (scripts run as root,"
                + " so only root may be able to change them; " + fix + ")");
    }
}

package org.nlbridge.state;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Whether a state directory can be trusted: whoever can write the store steers the engine, which runs as root and
 * deletes what the store names. The rules are those of scripts run as root: the directory, each file in it, and each
 * directory above it are owned by root (or by the user the process runs as) and writable by no one else (a directory
 * above it may be world-writable if it is sticky, as {@code /tmp} is; a socket's mode does not count); the store's
 * own files are not symbolic links.
 * A directory that does not exist yet is created owner-only by {@link StateStore#open}; its parents are checked.
 */
public final class StateDirectory {
    private StateDirectory() {}

    private static final int S_IWGRP = 0020;
    private static final int S_IWOTH = 0002;
    private static final int S_ISVTX = 01000;

    /** Throws {@link StateException} naming what is wrong and what to do, unless {@code dir} can be trusted. */
    public static void check(Path dir, int effectiveUid) {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            Set<Path> above = new LinkedHashSet<>();
            for (Path p = abs.getParent(); p != null; p = p.getParent()) if (Files.exists(p)) above.add(p);
            if (Files.exists(abs)) {
                Path real = abs.toRealPath();
                for (Path p = real.getParent(); p != null; p = p.getParent()) above.add(p);
                if (!Files.isDirectory(real)) throw refuse(dir, abs + " is not a directory", "choose another --state");
                owned(dir, real, "it is", effectiveUid, false);
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(real)) {
                    for (Path e : entries) {
                        String name = e.getFileName().toString();
                        if (name.startsWith(StateStore.FILE_NAME) && Files.isSymbolicLink(e)) {
                            throw refuse(dir, "its file " + name + " is a symbolic link", "remove it");
                        }
                        owned(dir, e, "its file " + name + " is", effectiveUid, false);
                    }
                }
            }
            for (Path p : above) owned(dir, p, "the directory " + p + " above it is", effectiveUid, true);
        } catch (IOException e) {
            throw new StateException("state directory " + dir + ": cannot check who may write it: " + e, e);
        }
    }

    private static void owned(Path dir, Path p, String what, int euid, boolean stickyMayBeShared) throws IOException {
        int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int gid = (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        // a link's own mode means nothing, nor does a socket's (group-writable for a daemon's clients): only who owns it
        boolean modeCounts = !Files.isSymbolicLink(p) && (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS));
        if (uid != 0 && uid != euid) {
            throw refuse(dir, what + " owned by uid " + uid + ", who could replace the store",
                    "chown -R " + (euid == 0 ? "root" : euid) + " it, or choose another --state");
        }
        boolean sticky = (mode & S_ISVTX) != 0;
        if (!modeCounts || stickyMayBeShared && sticky) return;
        if ((mode & S_IWOTH) != 0 || (mode & S_IWGRP) != 0 && gid != 0) {
            throw refuse(dir, what + " writable by " + ((mode & S_IWOTH) != 0 ? "every user" : "group " + gid)
                    + " (mode " + Integer.toOctalString(mode & 07777) + ")", "chmod go-w it");
        }
    }

    private static StateException refuse(Path dir, String why, String fix) {
        return new StateException("state directory " + dir + ": refusing it: " + why + " (whoever can write the state"
                + " steers the engine, which deletes what the state names; " + fix + ")");
    }
}

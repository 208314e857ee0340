package org.nlbridge.testing.clients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The cgroups of one client sandbox: a child {@code nlbc-<tag>} of the JVM's own cgroup in every hierarchy the
 * machine mounts (so the machine's accounting still covers the clients), which the sandbox's init joins before it
 * enters a cgroup namespace rooted there. Everything dockerd, containerd, podman and runc create then lands below
 * these directories, apart from other users of the machine, and {@link #remove} takes it all away.
 */
final class Cgroups {
    /** A cgroup file system mount: its type, the options to mount it again, where. */
    record Mount(String type, String options, String mountpoint) {}

    private final List<Path> dirs;
    private final List<Mount> mounts;

    private Cgroups(List<Path> dirs, List<Mount> mounts) {
        this.dirs = dirs;
        this.mounts = mounts;
    }

    /** Creates {@code name} below the JVM's cgroup in every mounted hierarchy. */
    static Cgroups create(String name) {
        List<Path> dirs = new ArrayList<>();
        List<Mount> mounts = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Map<String, String> own = ownCgroups();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                int dash = List.of(f).indexOf("-");
                String type = f[dash + 1];
                if (!type.equals("cgroup") && !type.equals("cgroup2")) continue;
                String root = unescape(f[3]);
                String mountpoint = unescape(f[4]);
                String key = type.equals("cgroup2") ? "" : controllers(f[dash + 3]);
                String options = type.equals("cgroup2") ? "rw" : key.startsWith("name=") ? "none," + key : key;
                mounts.add(new Mount(type, options, mountpoint));
                if (!seen.add(type + ":" + key)) continue; // the same hierarchy mounted twice: one directory
                String current = own.getOrDefault(key, "/");
                String relative = current.startsWith(root) ? current.substring(root.length()) : "";
                Path parent = Path.of(mountpoint, relative);
                Path dir = parent.resolve(name);
                Files.createDirectory(dir);
                dirs.add(dir);
                // a cpuset cgroup takes no process before it has CPUs and memory nodes
                for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
                    if (Files.exists(dir.resolve(file)) && Files.exists(parent.resolve(file))) {
                        Files.writeString(dir.resolve(file), Files.readString(parent.resolve(file)).strip());
                    }
                }
            }
        } catch (IOException e) {
            new Cgroups(dirs, mounts).remove();
            throw new UncheckedIOException("cannot create the sandbox's cgroups " + name, e);
        }
        return new Cgroups(dirs, mounts);
    }

    /** The {@code cgroup.procs} files the init writes its PID to, separated by spaces. */
    String procsFiles() {
        return String.join(" ", dirs.stream().map(d -> d.resolve("cgroup.procs").toString()).toList());
    }

    /** One line per mount: {@code type options mountpoint}, for the init's second phase. */
    String mountLines() {
        return String.join("\n", mounts.stream().map(m -> m.type() + " " + m.options() + " " + m.mountpoint()).toList());
    }

    /**
     * Removes the directories, deepest first, once the processes in them are gone (the kernel refuses to remove a
     * cgroup with a process: give it a moment). Returns what could not be removed.
     */
    List<String> remove() {
        List<String> left = new ArrayList<>();
        for (Path dir : dirs) {
            long end = System.currentTimeMillis() + 10_000;
            while (true) {
                try {
                    removeTree(dir);
                    break;
                } catch (IOException e) {
                    if (System.currentTimeMillis() > end) {
                        left.add(dir + ": " + e);
                        break;
                    }
                    sleep(50);
                }
            }
        }
        return left;
    }

    private static void removeTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        List<Path> tree;
        try (Stream<Path> s = Files.walk(dir)) {
            tree = s.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
        }
        for (Path d : tree) {
            try {
                Files.delete(d); // rmdir: a cgroup's control files go with it; EBUSY while a process is in it
            } catch (NoSuchFileException gone) {
                // removed meanwhile (runc deleting a container's cgroup)
            }
        }
    }

    /** {@code /proc/self/cgroup}: controllers (sorted, comma separated; "" for cgroup v2) to path. */
    private static Map<String, String> ownCgroups() {
        Map<String, String> own = new HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                String[] f = line.split(":", 3);
                own.put(sortedList(f[1]), f[2]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return own;
    }

    /** The controllers (and {@code name=}) among a v1 mount's super options, as /proc/self/cgroup names them. */
    private static String controllers(String superOptions) {
        List<String> keep = new ArrayList<>();
        for (String o : superOptions.split(",")) {
            if (o.equals("rw") || o.equals("ro") || o.equals("xattr") || o.equals("noprefix") || o.equals("clone_children")
                    || o.equals("cpuset_v2_mode") || o.equals("favordynmods") || o.startsWith("release_agent=")) {
                continue;
            }
            keep.add(o);
        }
        return sortedList(String.join(",", keep));
    }

    private static String sortedList(String list) {
        return String.join(",", Stream.of(list.split(",")).filter(s -> !s.isEmpty()).sorted().toList());
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

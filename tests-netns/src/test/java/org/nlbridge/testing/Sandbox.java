package org.nlbridge.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Network namespaces for one test, created with iproute2 ({@code ip netns add}, independent of the code under
 * test) and always deleted afterwards by {@link SandboxExtension}, also when the test fails. Names carry a
 * per-test random tag ({@code nlbt-<tag>-<name>}) so parallel or crashed runs never collide; processes started
 * through {@link #spawn} are ended (by PID) before the namespaces go.
 */
public final class Sandbox {
    /** Every namespace name this project's tests create starts with this. */
    public static final String PREFIX = "nlbt-";

    private final String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    private final Map<String, String> namespaces = new LinkedHashMap<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<AutoCloseable> closers = new ArrayList<>();

    /** Creates one namespace; returns its full name (for {@code NetNs.open} and {@code ip -n}). */
    public String netns(String name) {
        return netns(List.of(name)).getFirst();
    }

    /** Creates several namespaces with one {@code ip -batch}; returns their full names in order. */
    public List<String> netns(List<String> names) {
        StringBuilder batch = new StringBuilder();
        List<String> full = new ArrayList<>();
        for (String n : names) {
            String f = PREFIX + tag + "-" + n;
            if (namespaces.containsKey(n)) throw new IllegalArgumentException("namespace " + n + " already in this sandbox");
            namespaces.put(n, f);
            full.add(f);
            batch.append("netns add ").append(f).append('\n');
        }
        Cmd.run(batch.toString(), "ip", "-batch", "-");
        return full;
    }

    /** The full name of a namespace created earlier under {@code name}. */
    public String name(String name) {
        String f = namespaces.get(name);
        if (f == null) throw new IllegalArgumentException("no namespace " + name + " in this sandbox");
        return f;
    }

    /** A name in this sandbox's space that was not created (for tests that create it through the engine). */
    public String reserve(String name) {
        String f = PREFIX + tag + "-" + name;
        namespaces.put(name, f);
        return f;
    }

    /**
     * Starts a long-running process inside a namespace; it is ended by PID at cleanup. Returns once the process is
     * in that namespace: {@code ip netns exec} enters it after the fork, and until then {@code /proc/PID/ns/net} is
     * the test's own namespace (the root one), which a test handing that path to the engine must never get.
     */
    public Process spawn(String ns, String... argv) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name(ns)));
        cmd.addAll(List.of(argv));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        processes.add(p);
        awaitNamespace(p, name(ns));
        return p;
    }

    private static void awaitNamespace(Process p, String ns) {
        java.nio.file.Path want = java.nio.file.Path.of("/run/netns", ns);
        java.nio.file.Path have = java.nio.file.Path.of("/proc", Long.toString(p.pid()), "ns", "net");
        long end = System.nanoTime() + 30_000_000_000L;
        try {
            Object inode = java.nio.file.Files.getAttribute(want, "unix:ino");
            while (true) {
                try {
                    if (inode.equals(java.nio.file.Files.getAttribute(have, "unix:ino"))) return;
                } catch (java.nio.file.NoSuchFileException gone) {
                    // the process ended: reported below
                }
                if (!p.isAlive()) {
                    throw new IllegalStateException("process " + p.pid() + " in namespace " + ns
                            + " ended at once (a server that could not listen?): " + new String(p.getInputStream().readAllBytes()));
                }
                if (System.nanoTime() > end) throw new IllegalStateException("process " + p.pid() + " not in namespace " + ns + " after 30 s");
                Thread.sleep(2);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for process " + p.pid() + " to enter " + ns, e);
        }
    }

    /**
     * Registers something living in this sandbox's namespaces (a real client's process tree, say) to be closed at
     * cleanup, before the processes started here end and the namespaces go; the last registered closes first.
     * Closing it earlier is the owner's business (close must then be idempotent).
     */
    public void atCleanup(AutoCloseable closer) {
        closers.add(closer);
    }

    /**
     * Closes what was registered, ends our processes, then deletes every namespace of this sandbox that exists;
     * reports what failed (after doing all of it).
     */
    void cleanup() {
        AssertionError failed = null;
        for (AutoCloseable c : closers.reversed()) {
            try {
                c.close();
            } catch (Exception | AssertionError e) {
                if (failed == null) failed = new AssertionError("sandbox cleanup: " + e, e);
                else failed.addSuppressed(e);
            }
        }
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        StringBuilder batch = new StringBuilder();
        for (String f : namespaces.values()) {
            if (java.nio.file.Files.exists(java.nio.file.Path.of("/run/netns", f))) batch.append("netns del ").append(f).append('\n');
        }
        if (!batch.isEmpty()) Cmd.run(batch.toString(), "ip", "-force", "-batch", "-");
        if (failed != null) throw failed;
    }
}

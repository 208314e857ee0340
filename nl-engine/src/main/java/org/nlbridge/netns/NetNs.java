package org.nlbridge.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;
import java.util.regex.Pattern;

import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.sys.ErrnoException;
import org.nlbridge.bindings.sys.Sys;
import org.nlbridge.net.SafeName;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netlink.NlSocket;

/**
 * An open network namespace: a file descriptor on its nsfs inode, held for the handle's life so the namespace
 * cannot be swapped under us (PID reuse, a re-created name). Named namespaces live where {@code ip netns} keeps
 * them, {@code /run/netns/NAME}, so {@code ip netns list} and {@code ip -n NAME} see ours and we see theirs.
 *
 * <p>{@code setns(CLONE_NEWNET)} changes only the calling OS thread, so anything that must run inside a
 * namespace runs on a fresh dedicated platform thread ({@link #call}), never on a virtual or pooled thread; a
 * netlink socket opened there keeps the namespace for life ({@link #openSocket}). The engine prefers not to enter
 * at all: a veth peer is created directly in a namespace by passing {@link #fd()} in {@code IFLA_NET_NS_FD}.
 */
public final class NetNs implements AutoCloseable {

    /** Where {@code ip netns add} bind-mounts named namespaces. */
    public static final Path RUN_DIR = Path.of("/run/netns");
    /** Compiled at the first sysctl key checked, not when the first namespace is opened. */
    private static final class Sysctl {
        static final Pattern KEY = Pattern.compile("net(/[A-Za-z0-9_.@-]+)+");
    }

    private final String name; // null for one opened by path or pid
    private final Path path;
    private int fd;

    private NetNs(String name, Path path, int fd) {
        this.name = name;
        this.path = path;
        this.fd = fd;
    }

    /** Checks a namespace name: one {@code ip netns} accepts, and safe as a file name under /run/netns. */
    public static String validName(String field, String name) {
        return SafeName.check(field, name);
    }

    /** What {@link #validRef} accepts. */
    public static final String ACCEPTED_REF = "a namespace name (" + SafeName.ACCEPTED + ") for /run/netns/NAME, or the"
            + " absolute path a runtime gives, like /proc/1234/ns/net or /run/netns/cni-1234";

    /**
     * Checks a namespace reference as specs hold it: a name under /run/netns (which the engine may create and delete),
     * or an absolute path that a container runtime gave (CNI's {@code CNI_NETNS}: never created or deleted by us).
     */
    public static String validRef(String field, String ref) {
        if (ref == null || !ref.startsWith("/")) return validName(field, ref);
        String problem = null;
        for (int i = 0; i < ref.length() && problem == null; i++) {
            if (ref.charAt(i) < 0x20 || ref.charAt(i) == 0x7f) problem = String.format("control character U+%04X", (int) ref.charAt(i));
        }
        if (problem == null && ref.length() > 4096) problem = ref.length() + " characters, above the limit of 4096";
        if (problem == null && (ref.length() == 1 || !Path.of(ref).normalize().toString().equals(ref))) {
            problem = "not a path in normal form (no //, . or .. parts, no trailing /)";
        }
        if (problem != null) throw new ValidationException(field, ref, problem, ACCEPTED_REF);
        return ref;
    }

    /** Whether a reference ({@link #validRef}) is a path given by a runtime rather than a name of ours. */
    public static boolean isPath(String ref) {
        return ref.startsWith("/");
    }

    /** The file a reference names. */
    public static Path pathOf(String ref) {
        return isPath(ref) ? Path.of(ref) : RUN_DIR.resolve(validName("netns", ref));
    }

    /** Opens a namespace by reference: a name under /run/netns or a path. */
    public static NetNs openRef(String ref) {
        return isPath(ref) ? openPath(Path.of(ref)) : open(ref);
    }

    /** Whether the namespace a reference names is there. */
    public static boolean existsRef(String ref) {
        return Files.exists(pathOf(ref));
    }

    /** Opens the named namespace {@code /run/netns/NAME}. */
    public static NetNs open(String name) {
        validName("netns", name);
        Path p = RUN_DIR.resolve(name);
        return new NetNs(name, p, openFd(p, "network namespace " + name));
    }

    /** Opens a namespace by path, e.g. {@code /proc/1234/ns/net} or a bind mount elsewhere. */
    public static NetNs openPath(Path path) {
        return new NetNs(null, path, openFd(path, "network namespace " + path));
    }

    /** Opens the network namespace of a process. */
    public static NetNs openPid(int pid) {
        if (pid <= 0) throw new ValidationException("pid", Integer.toString(pid), "not a process id", "a positive integer");
        return openPath(Path.of("/proc", Integer.toString(pid), "ns", "net"));
    }

    /** Opens the namespace the calling thread is in now. */
    public static NetNs current() {
        return openPath(Path.of("/proc/thread-self/ns/net"));
    }

    private static int openFd(Path p, String what) {
        int fd = Sys.open(p.toString(), LibC.O_RDONLY(), 0);
        if (fd == -LibC.ENOENT()) throw new NoSuchNamespaceException(what + " does not exist (" + p + ")");
        if (fd < 0) throw new ErrnoException("open " + what + " (" + p + ")", -fd);
        return fd;
    }

    /** Whether {@code /run/netns/NAME} exists. */
    public static boolean exists(String name) {
        return Files.exists(RUN_DIR.resolve(validName("netns", name)));
    }

    /**
     * Creates a named namespace the way {@code ip netns add NAME} does: a new network namespace bind-mounted at
     * {@code /run/netns/NAME} (with {@code /run/netns} made a shared mount, so other mount namespaces see it).
     * Fails with {@link NamespaceExistsException} if the name is taken.
     */
    public static NetNs create(String name) {
        validName("netns", name);
        Path target = RUN_DIR.resolve(name);
        prepareRunDir();
        int created = Sys.open(target.toString(), LibC.O_RDONLY() | LibC.O_CREAT() | LibC.O_EXCL(), 0);
        if (created == -LibC.EEXIST()) throw new NamespaceExistsException("network namespace " + name + " already exists");
        Sys.check(created, "create " + target);
        Sys.close(created);
        try {
            onDedicatedThread(() -> {
                // a new namespace for this thread only, pinned by a bind mount, then back where we were
                try (NetNs home = current()) {
                    Sys.check(Sys.unshare(LibC.CLONE_NEWNET()), "unshare(CLONE_NEWNET)");
                    try {
                        Sys.check(Sys.mount("/proc/thread-self/ns/net", target.toString(), "none", LibC.MS_BIND()),
                                "bind-mount new network namespace on " + target);
                    } finally {
                        home.enterOrDie();
                    }
                }
                return null;
            });
        } catch (RuntimeException e) {
            try {
                Files.deleteIfExists(target);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return open(name);
    }

    /**
     * Creates an unnamed namespace that lives exactly as long as the returned handle (nothing is mounted, so
     * nothing can leak): for probes and scratch work such as {@code nlbridge doctor}.
     */
    public static NetNs createAnonymous() {
        return onDedicatedThread(() -> {
            try (NetNs home = current()) {
                Sys.check(Sys.unshare(LibC.CLONE_NEWNET()), "unshare(CLONE_NEWNET)");
                try {
                    NetNs fresh = current();
                    return new NetNs(null, Path.of("anonymous"), fresh.detachFd());
                } finally {
                    home.enterOrDie();
                }
            }
        });
    }

    private int detachFd() {
        int f = fd();
        fd = -1;
        return f;
    }

    private static synchronized void prepareRunDir() {
        try {
            Files.createDirectories(RUN_DIR);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + RUN_DIR, e);
        }
        // as ip(8): make /run/netns a shared mount point so the bind mounts propagate; if it is not a mount
        // point yet (EINVAL), bind it onto itself first
        String dir = RUN_DIR.toString();
        int r = Sys.mount("", dir, "none", LibC.MS_SHARED() | LibC.MS_REC());
        if (r == -LibC.EINVAL()) {
            Sys.check(Sys.mount(dir, dir, "none", LibC.MS_BIND() | LibC.MS_REC()), "bind-mount " + dir);
            Sys.check(Sys.mount("", dir, "none", LibC.MS_SHARED() | LibC.MS_REC()), "make " + dir + " shared");
        } else {
            Sys.check(r, "make " + dir + " shared");
        }
    }

    /**
     * Deletes a named namespace as {@code ip netns delete} does: detaches the bind mount and removes the file.
     * The kernel frees the namespace once nothing else holds it. Returns false if it did not exist.
     */
    public static boolean delete(String name) {
        validName("netns", name);
        Path p = RUN_DIR.resolve(name);
        if (!Files.exists(p)) return false;
        int r = Sys.umount2(p.toString(), LibC.MNT_DETACH());
        if (r < 0 && r != -LibC.EINVAL()) Sys.check(r, "umount " + p); // EINVAL: not mounted (half-created)
        try {
            Files.deleteIfExists(p);
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + p, e);
        }
        return true;
    }

    /** Enters this namespace on the calling thread. Only for threads this class created. */
    private void enter() {
        Sys.check(Sys.setns(fd(), LibC.CLONE_NEWNET()), "setns(" + this + ")");
    }

    /** Returns a dedicated thread to its namespace; if that fails the thread must not live on. */
    private void enterOrDie() {
        int r = Sys.setns(fd(), LibC.CLONE_NEWNET());
        if (r < 0) throw new ThreadTaintedError("cannot return thread to " + this + ": " + new ErrnoException("setns", -r).getMessage());
    }

    /**
     * Runs {@code task} inside this namespace on a new dedicated platform thread and returns its result. The
     * thread ends afterwards, so a namespace can never leak into other work. The task must not start threads.
     */
    public <T> T call(Callable<T> task) {
        int myFd = fd();
        return onDedicatedThread(() -> {
            try (NetNs home = current()) {
                Sys.check(Sys.setns(myFd, LibC.CLONE_NEWNET()), "setns(" + this + ")");
                try {
                    return task.call();
                } finally {
                    home.enterOrDie();
                }
            }
        });
    }

    /**
     * Makes dedicated platform threads that enter this namespace before running their task and never leave it
     * (they end with it): for a pool whose threads open sockets, such as an HTTP client's executor (the etcd
     * client of a daemon whose host is this namespace). The handle must stay open while such threads start.
     */
    public ThreadFactory threadFactory(String name) {
        int myFd = fd();
        return r -> Thread.ofPlatform().daemon().name(name).unstarted(() -> {
            Sys.check(Sys.setns(myFd, LibC.CLONE_NEWNET()), "setns(" + this + ")");
            r.run();
        });
    }

    /** Opens a netlink socket inside this namespace; it stays bound to it for life. */
    public NlSocket openSocket(int protocol) {
        return call(() -> NlSocket.open(protocol));
    }

    /**
     * Reads a sysctl of this namespace, e.g. {@code net/ipv4/ip_forward} (slash-separated, so interface names
     * containing dots stay unambiguous). Returns the value without the trailing newline.
     */
    public String sysctl(String key) {
        Path p = sysctlPath(key);
        return call(() -> Files.readString(p, StandardCharsets.US_ASCII).strip());
    }

    /** Writes a sysctl of this namespace, e.g. {@code writeSysctl("net/ipv4/ip_forward", "1")}. */
    public void writeSysctl(String key, String value) {
        Path p = sysctlPath(key);
        call(() -> {
            try {
                Files.writeString(p, value, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot set sysctl " + key + "=" + value + " in " + this + ": " + e.getMessage(), e);
            }
            return null;
        });
    }

    private static Path sysctlPath(String key) {
        if (key == null || !Sysctl.KEY.matcher(key).matches() || key.contains("/../") || key.endsWith("/..") || key.contains("/./")) {
            throw new ValidationException("sysctl", key, "not a network sysctl path", "net/<path>, e.g. net/ipv4/ip_forward");
        }
        return Path.of("/proc/sys").resolve(key);
    }

    static <T> T onDedicatedThread(Callable<T> task) {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.ofPlatform().name("nlbridge-netns").unstarted(() -> {
            try {
                result[0] = task.call();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the thread holds a namespace: wait for it to finish, then re-assert
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        Throwable f = failure[0];
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error er) throw er;
        if (f != null) throw new IllegalStateException(f);
        @SuppressWarnings("unchecked")
        T r = (T) result[0];
        return r;
    }

    /** The namespace file descriptor (for {@code IFLA_NET_NS_FD}); owned by this handle. */
    public int fd() {
        if (fd < 0) throw new IllegalStateException(this + " is closed");
        return fd;
    }

    /** The name under /run/netns, or null if opened by path or pid. */
    public String name() {
        return name;
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        if (fd >= 0) {
            Sys.close(fd);
            fd = -1;
        }
    }

    @Override
    public String toString() {
        return name != null ? "netns " + name : "netns " + path;
    }
}

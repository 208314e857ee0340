package org.nlbridge.bindings.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.nlbridge.bindings.libc.LibC;

/**
 * The system calls the engine makes, each with errno captured per call.
 *
 * <p>jextract cannot add {@link Linker.Option#captureCallState(String...)}, so this class links the handles itself,
 * with errno capture, each once, lazily, in a static holder of its own. The capture segment is per thread
 * ({@link #CAPTURE}): a shared static segment would let one thread read another's errno.
 *
 * <p>Convention, as in the kernel: every call returns its non-negative result, or {@code -errno}. Nothing here
 * throws for a failed syscall or allocates on the send/receive path; callers decide what a failure means
 * (see {@link #check(long, String)} for the plain case).
 */
public final class Sys {
    private Sys() {}

    static {
        NativeAccess.require();
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    /**
     * errno's offset in the capture segment, read as a plain int: a layout VarHandle, or a layout path, would build
     * method-handle classes at class initialisation.
     */
    private static final long ERRNO_OFFSET = offsetOf(CAPTURE_LAYOUT, "errno");
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** One capture segment per thread, from an automatic arena: lives as long as the thread references it. */
    private static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;

    /*
     * Linking a downcall costs milliseconds for each distinct call shape (the JVM generates a stub class and a dozen
     * method-handle classes per shape; handles of one shape share them, and a JDK 25 AOT cache keeps none of them), so:
     *
     * - each handle is linked the first time its call is made, in a holder class of its own (initialized once, under
     *   the JVM's class-init lock): a command pays only for the calls it makes;
     * - every call has one and the same shape, {@link #CALL}: five 64-bit integer arguments and a 64-bit result. The C
     *   ABIs of 64-bit Linux (x86-64, AArch64, ppc64le, s390x, RISC-V) pass each integer or pointer argument in a
     *   64-bit register; an int-taking callee reads the low 32 bits of the sign-extended value we pass, unused
     *   trailing arguments are registers nobody reads, and an int result is the low 32 bits of the long read back, so
     *   it is cast to int before its sign is looked at. Pointers are passed as their address (see {@link #ptr}), the
     *   segment kept reachable until the call returns. The engine links one stub however many calls it makes;
     * - symbols come from the default lookup and descriptors are written here rather than taken from jextract's
     *   LibC, whose per-function holder classes would link a second, plain handle that nothing calls.
     */
    private static final FunctionDescriptor CALL = FunctionDescriptor.of(LONG, LONG, LONG, LONG, LONG, LONG);

    /** The symbols linked so far in this JVM (each holder links its own once): what a command paid for. */
    private static final Set<String> LINKED = ConcurrentHashMap.newKeySet();

    private static MethodHandle link(String symbol, Linker.Option... extra) {
        LINKED.add(symbol);
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(symbol(symbol), CALL, options);
    }

    /** The libc functions this JVM has linked so far, by name. */
    static Set<String> linked() {
        return Set.copyOf(LINKED);
    }

    /** The address of a libc function; a missing one is a {@link LinkageError} naming it. */
    static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new LinkageError("libc symbol " + name + " not found"));
    }

    /**
     * Whether this platform's C ABI passes variadic integer arguments exactly as named ones, so that a variadic
     * function links with the common shape: x86-64 (every downcall sets {@code %al}, the vector-register count a
     * variadic callee reads, to 0 here) and AArch64 Linux. Elsewhere (ppc64le wants a parameter save area for a
     * variadic callee) it links as variadic: the same method type, a stub of its own.
     */
    static final boolean VARIADIC_AS_NAMED = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64", "aarch64" -> true;
        default -> false;
    };

    private static final class Socket {
        static final MethodHandle H = link("socket");
    }

    private static final class Close {
        static final MethodHandle H = link("close");
    }

    private static final class SetNs {
        static final MethodHandle H = link("setns");
    }

    private static final class Unshare {
        static final MethodHandle H = link("unshare");
    }

    /*
     * With _GNU_SOURCE, glibc declares the sockaddr parameters of bind/getsockname as transparent unions
     * (__CONST_SOCKADDR_ARG), which jextract models as a union passed by value; the C ABI passes a plain pointer.
     */
    private static final class Bind {
        static final MethodHandle H = link("bind");
    }

    private static final class GetSockName {
        static final MethodHandle H = link("getsockname");
    }

    private static final class SendMsg {
        static final MethodHandle H = link("sendmsg");
    }

    private static final class RecvMsg {
        static final MethodHandle H = link("recvmsg");
    }

    private static final class Read {
        static final MethodHandle H = link("read");
    }

    private static final class Write {
        static final MethodHandle H = link("write");
    }

    private static final class SetSockOpt {
        static final MethodHandle H = link("setsockopt");
    }

    private static final class GetSockOpt {
        static final MethodHandle H = link("getsockopt");
    }

    private static final class Umount2 {
        static final MethodHandle H = link("umount2");
    }

    private static final class Poll {
        static final MethodHandle H = link("poll");
    }

    private static final class Mount {
        static final MethodHandle H = link("mount");
    }

    private static final class GetRusage {
        static final MethodHandle H = link("getrusage");
    }

    /** open(2) is variadic (the mode is the first variadic argument): see {@link #VARIADIC_AS_NAMED}. */
    private static final class Open {
        static final MethodHandle H = VARIADIC_AS_NAMED ? link("open") : link("open", Linker.Option.firstVariadicArg(2));
    }

    /**
     * Links now the calls that opening netlink sockets and namespaces makes (socket, bind, getsockname,
     * setsockopt, getsockopt, sendmsg/recvmsg, close, setns, open), rather than at their first use: for a thread
     * that has time while another does other work first (a script being compiled). Nothing is called.
     */
    public static void prelink() {
        // reading each holder's handle initializes the holder, which links it
        for (MethodHandle h : new MethodHandle[] {Socket.H, Bind.H, GetSockName.H, SetSockOpt.H, GetSockOpt.H,
                SendMsg.H, RecvMsg.H, Close.H, SetNs.H, Open.H}) {
            java.util.Objects.requireNonNull(h);
        }
    }

    /**
     * {@code s} as a NUL-terminated UTF-8 string in {@code arena}, byte by byte: {@code Arena.allocateFrom(String)}
     * builds method-handle classes on its first use, paid by every command's first path. A NUL inside is refused, as
     * the C side would silently cut the string there.
     */
    static MemorySegment cString(Arena arena, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        MemorySegment out = arena.allocate(bytes.length + 1L);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) throw new IllegalArgumentException("a NUL byte inside " + s);
            out.set(ValueLayout.JAVA_BYTE, i, bytes[i]);
        }
        out.set(ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
        return out;
    }

    /** The offset of member {@code name} of a struct layout. */
    static long offsetOf(StructLayout layout, String name) {
        long offset = 0;
        for (MemoryLayout m : layout.memberLayouts()) {
            if (name.equals(m.name().orElse(null))) return offset;
            offset += m.byteSize();
        }
        throw new IllegalArgumentException("no member " + name + " in " + layout);
    }

    private static int errno(MemorySegment capture) {
        return capture.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
    }

    /**
     * The address of {@code s}, passed to C as a 64-bit integer: {@code s} must be native (a heap segment has no
     * stable address) and alive, as the linker itself would check for a pointer argument. The caller keeps {@code s}
     * reachable until the call returns ({@link Reference#reachabilityFence}).
     */
    static long ptr(MemorySegment s) {
        if (!s.isNative()) throw new IllegalArgumentException("a native segment is needed, not " + s);
        if (!s.scope().isAlive()) throw new IllegalStateException("already closed: " + s);
        return s.address();
    }

    private static RuntimeException bug(Throwable t) {
        // invokeExact only throws for a signature mismatch: a programming error, never a syscall failure
        if (t instanceof RuntimeException re) return re;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    /** Throws {@link ErrnoException} if {@code result} is {@code -errno}; returns it otherwise. */
    public static long check(long result, String call) {
        if (result < 0) throw new ErrnoException(call, (int) -result);
        return result;
    }

    /** One call of the common shape; its result, or {@code -errno}. */
    private static long call(MethodHandle h, long a, long b, long c, long d, long e) {
        MemorySegment capture = CAPTURE.get();
        long r;
        try {
            r = (long) h.invokeExact(capture, a, b, c, d, e);
        } catch (Throwable t) {
            throw bug(t);
        }
        return r < 0 ? -errno(capture) : r;
    }

    /** A call whose C result is an {@code int}: its low 32 bits, or {@code -errno}. */
    private static int callInt(MethodHandle h, long a, long b, long c, long d, long e) {
        MemorySegment capture = CAPTURE.get();
        int r;
        try {
            r = (int) (long) h.invokeExact(capture, a, b, c, d, e);
        } catch (Throwable t) {
            throw bug(t);
        }
        return r < 0 ? -errno(capture) : r;
    }

    public static int socket(int domain, int type, int protocol) {
        return callInt(Socket.H, domain, type, protocol, 0, 0);
    }

    public static int bind(int fd, MemorySegment addr, int len) {
        int r = callInt(Bind.H, fd, ptr(addr), len, 0, 0);
        Reference.reachabilityFence(addr);
        return r;
    }

    /** {@code len} is an in/out {@code socklen_t*}. */
    public static int getsockname(int fd, MemorySegment addr, MemorySegment len) {
        int r = callInt(GetSockName.H, fd, ptr(addr), ptr(len), 0, 0);
        Reference.reachabilityFence(addr);
        Reference.reachabilityFence(len);
        return r;
    }

    public static int setsockopt(int fd, int level, int name, MemorySegment value, int len) {
        int r = callInt(SetSockOpt.H, fd, level, name, ptr(value), len);
        Reference.reachabilityFence(value);
        return r;
    }

    /** setsockopt with an {@code int} value (the common case). */
    public static int setsockopt(int fd, int level, int name, int value) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocateFrom(ValueLayout.JAVA_INT, value);
            return setsockopt(fd, level, name, v, Integer.BYTES);
        }
    }

    public static int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment len) {
        int r = callInt(GetSockOpt.H, fd, level, name, ptr(value), ptr(len));
        Reference.reachabilityFence(value);
        Reference.reachabilityFence(len);
        return r;
    }

    /** getsockopt of an {@code int} value; returns the value, or {@code -errno} as a negative {@code long}. */
    public static long getsockoptInt(int fd, int level, int name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
            MemorySegment len = a.allocateFrom(ValueLayout.JAVA_INT, Integer.BYTES);
            int r = getsockopt(fd, level, name, v, len);
            return r < 0 ? r : v.get(ValueLayout.JAVA_INT, 0);
        }
    }

    public static long sendmsg(int fd, MemorySegment msghdr, int flags) {
        long r = call(SendMsg.H, fd, ptr(msghdr), flags, 0, 0);
        Reference.reachabilityFence(msghdr);
        return r;
    }

    public static long recvmsg(int fd, MemorySegment msghdr, int flags) {
        long r = call(RecvMsg.H, fd, ptr(msghdr), flags, 0, 0);
        Reference.reachabilityFence(msghdr);
        return r;
    }

    public static int close(int fd) {
        return callInt(Close.H, fd, 0, 0, 0, 0);
    }

    /** setns(2): changes the namespace of the calling OS thread only. */
    public static int setns(int fd, int nstype) {
        return callInt(SetNs.H, fd, nstype, 0, 0, 0);
    }

    /** unshare(2): affects the calling OS thread only (for CLONE_NEWNET). */
    public static int unshare(int flags) {
        return callInt(Unshare.H, flags, 0, 0, 0, 0);
    }

    public static int mount(String source, String target, String fstype, long flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment src = source == null ? MemorySegment.NULL : cString(a, source);
            MemorySegment dst = cString(a, target);
            MemorySegment fs = fstype == null ? MemorySegment.NULL : cString(a, fstype);
            return callInt(Mount.H, ptr(src), ptr(dst), ptr(fs), flags, 0);
        }
    }

    public static int umount2(String target, int flags) {
        try (Arena a = Arena.ofConfined()) {
            return callInt(Umount2.H, ptr(cString(a, target)), flags, 0, 0, 0);
        }
    }

    /** open(2); {@code O_CLOEXEC} is always added, so no fd of ours leaks into a child process. */
    public static int open(String path, int flags, int mode) {
        try (Arena a = Arena.ofConfined()) {
            return callInt(Open.H, ptr(cString(a, path)), flags | LibC.O_CLOEXEC(), mode, 0, 0);
        }
    }

    public static int poll(MemorySegment fds, long nfds, int timeoutMillis) {
        int r = callInt(Poll.H, ptr(fds), nfds, timeoutMillis, 0, 0);
        Reference.reachabilityFence(fds);
        return r;
    }

    public static long read(int fd, MemorySegment buf, long count) {
        long r = call(Read.H, fd, ptr(buf), count, 0, 0);
        Reference.reachabilityFence(buf);
        return r;
    }

    public static long write(int fd, MemorySegment buf, long count) {
        long r = call(Write.H, fd, ptr(buf), count, 0, 0);
        Reference.reachabilityFence(buf);
        return r;
    }

    /** {@code getrusage(2)} into {@code usage} (a {@code struct rusage}, 144 bytes on 64-bit Linux). */
    public static int getrusage(int who, MemorySegment usage) {
        int r = callInt(GetRusage.H, who, ptr(usage), 0, 0, 0);
        Reference.reachabilityFence(usage);
        return r;
    }
}

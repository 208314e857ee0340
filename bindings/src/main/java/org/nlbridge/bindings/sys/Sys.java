package org.nlbridge.bindings.sys;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Reference;
import java.lang.invoke.VarHandle;

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
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** One capture segment per thread, from an automatic arena: lives as long as the thread references it. */
    private static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final AddressLayout PTR = ValueLayout.ADDRESS;

    /*
     * Linking a downcall costs milliseconds for each distinct descriptor (the JVM generates a stub class and a dozen
     * method-handle classes per shape; handles of one shape share them), so:
     *
     * - each handle is linked the first time its call is made, in a holder class of its own (initialized once, under
     *   the JVM's class-init lock): a command pays only for the calls it makes;
     * - calls share a few shapes, with every integer argument and result passed as a 64-bit long. The C ABIs of
     *   64-bit Linux (x86-64, AArch64, ppc64le, s390x, RISC-V) pass each integer argument in a 64-bit register and
     *   an int-taking callee reads the low 32 bits of the sign-extended value we pass; an extra trailing argument
     *   is an unused register; an int result is the low 32 bits of the long read back, so it is cast to int before
     *   its sign is looked at. Pointers stay ADDRESS (the segment is kept alive for the call), except the length
     *   pointer of getsockname/getsockopt, passed as its address so that those calls share a shape with others.
     *   The engine opens a namespace and a netlink socket with four stubs instead of nine;
     * - symbols come from the default lookup and descriptors are written here rather than taken from jextract's
     *   LibC, whose per-function holder classes would link a second, plain handle that nothing calls.
     */
    private static MethodHandle link(String symbol, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        MemorySegment address = LINKER.defaultLookup().find(symbol)
                .orElseThrow(() -> new LinkageError("libc symbol " + symbol + " not found"));
        return LINKER.downcallHandle(address, fd, options);
    }

    /** (long, long, long) -> long: socket, close, setns, unshare. */
    private static final FunctionDescriptor INTS = FunctionDescriptor.of(LONG, LONG, LONG, LONG);
    /**
     * (long, pointer, long, long) -> long: bind, sendmsg, recvmsg, read, write, getsockname. With
     * _GNU_SOURCE, glibc declares the sockaddr parameters of bind/getsockname as transparent unions
     * (__CONST_SOCKADDR_ARG), which jextract models as a union passed by value; the C ABI passes a plain pointer.
     */
    private static final FunctionDescriptor FD_BUFFER = FunctionDescriptor.of(LONG, LONG, PTR, LONG, LONG);
    /** (long, long, long, pointer, long) -> long: setsockopt, getsockopt. */
    private static final FunctionDescriptor SOCKOPT = FunctionDescriptor.of(LONG, LONG, LONG, LONG, PTR, LONG);
    /** (pointer, long, long) -> long: umount2, poll. */
    private static final FunctionDescriptor PATH_INTS = FunctionDescriptor.of(LONG, PTR, LONG, LONG);

    private static final class Socket {
        static final MethodHandle H = link("socket", INTS);
    }

    private static final class Close {
        static final MethodHandle H = link("close", INTS);
    }

    private static final class SetNs {
        static final MethodHandle H = link("setns", INTS);
    }

    private static final class Unshare {
        static final MethodHandle H = link("unshare", INTS);
    }

    private static final class Bind {
        static final MethodHandle H = link("bind", FD_BUFFER);
    }

    private static final class GetSockName {
        static final MethodHandle H = link("getsockname", FD_BUFFER);
    }

    private static final class SendMsg {
        static final MethodHandle H = link("sendmsg", FD_BUFFER);
    }

    private static final class RecvMsg {
        static final MethodHandle H = link("recvmsg", FD_BUFFER);
    }

    private static final class Read {
        static final MethodHandle H = link("read", FD_BUFFER);
    }

    private static final class Write {
        static final MethodHandle H = link("write", FD_BUFFER);
    }

    private static final class SetSockOpt {
        static final MethodHandle H = link("setsockopt", SOCKOPT);
    }

    private static final class GetSockOpt {
        static final MethodHandle H = link("getsockopt", SOCKOPT);
    }

    private static final class Umount2 {
        static final MethodHandle H = link("umount2", PATH_INTS);
    }

    private static final class Poll {
        static final MethodHandle H = link("poll", PATH_INTS);
    }

    private static final class Mount {
        static final MethodHandle H = link("mount", FunctionDescriptor.of(LONG, PTR, PTR, PTR, LONG, PTR));
    }

    /** open(2) is variadic (the mode is the first variadic argument), so it keeps a shape of its own. */
    private static final class Open {
        static final MethodHandle H = link("open", FunctionDescriptor.of(ValueLayout.JAVA_INT, PTR,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), Linker.Option.firstVariadicArg(2));
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

    private static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    /** A pointer passed as its address must be to native memory (a heap segment has no stable address). */
    private static MemorySegment nativeOnly(MemorySegment s) {
        if (!s.isNative()) throw new IllegalArgumentException("a native segment is needed, not " + s);
        return s;
    }

    private static long ret(long r, MemorySegment capture) {
        return r < 0 ? -errno(capture) : r;
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

    public static int socket(int domain, int type, int protocol) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) (long) Socket.H.invokeExact(c, (long) domain, (long) type, (long) protocol), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static int bind(int fd, MemorySegment addr, int len) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) (long) Bind.H.invokeExact(c, (long) fd, addr, (long) len, 0L), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code len} is an in/out {@code socklen_t*}. */
    public static int getsockname(int fd, MemorySegment addr, MemorySegment len) {
        MemorySegment c = CAPTURE.get();
        try {
            int r = (int) (long) GetSockName.H.invokeExact(c, (long) fd, addr, nativeOnly(len).address(), 0L);
            Reference.reachabilityFence(len);
            return (int) ret(r, c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static int setsockopt(int fd, int level, int name, MemorySegment value, int len) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) (long) SetSockOpt.H.invokeExact(c, (long) fd, (long) level, (long) name, value,
                    (long) len), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** setsockopt with an {@code int} value (the common case). */
    public static int setsockopt(int fd, int level, int name, int value) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocateFrom(ValueLayout.JAVA_INT, value);
            return setsockopt(fd, level, name, v, Integer.BYTES);
        }
    }

    public static int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment len) {
        MemorySegment c = CAPTURE.get();
        try {
            int r = (int) (long) GetSockOpt.H.invokeExact(c, (long) fd, (long) level, (long) name, value,
                    nativeOnly(len).address());
            Reference.reachabilityFence(len);
            return (int) ret(r, c);
        } catch (Throwable t) {
            throw bug(t);
        }
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
        MemorySegment c = CAPTURE.get();
        try {
            return ret((long) SendMsg.H.invokeExact(c, (long) fd, msghdr, (long) flags, 0L), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static long recvmsg(int fd, MemorySegment msghdr, int flags) {
        MemorySegment c = CAPTURE.get();
        try {
            return ret((long) RecvMsg.H.invokeExact(c, (long) fd, msghdr, (long) flags, 0L), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static int close(int fd) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) (long) Close.H.invokeExact(c, (long) fd, 0L, 0L), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** setns(2): changes the namespace of the calling OS thread only. */
    public static int setns(int fd, int nstype) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) (long) SetNs.H.invokeExact(c, (long) fd, (long) nstype, 0L), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** unshare(2): affects the calling OS thread only (for CLONE_NEWNET). */
    public static int unshare(int flags) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) (long) Unshare.H.invokeExact(c, (long) flags, 0L, 0L), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static int mount(String source, String target, String fstype, long flags) {
        MemorySegment c = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment src = source == null ? MemorySegment.NULL : a.allocateFrom(source);
            MemorySegment dst = a.allocateFrom(target);
            MemorySegment fs = fstype == null ? MemorySegment.NULL : a.allocateFrom(fstype);
            return (int) ret((int) (long) Mount.H.invokeExact(c, src, dst, fs, flags, MemorySegment.NULL), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static int umount2(String target, int flags) {
        MemorySegment c = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            return (int) ret((int) (long) Umount2.H.invokeExact(c, a.allocateFrom(target), (long) flags, 0L), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** open(2); {@code O_CLOEXEC} is always added, so no fd of ours leaks into a child process. */
    public static int open(String path, int flags, int mode) {
        MemorySegment c = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            return (int) ret((int) Open.H.invokeExact(c, a.allocateFrom(path), flags | LibC.O_CLOEXEC(), mode), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static int poll(MemorySegment fds, long nfds, int timeoutMillis) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) (long) Poll.H.invokeExact(c, fds, nfds, (long) timeoutMillis), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static long read(int fd, MemorySegment buf, long count) {
        MemorySegment c = CAPTURE.get();
        try {
            return ret((long) Read.H.invokeExact(c, (long) fd, buf, count, 0L), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static long write(int fd, MemorySegment buf, long count) {
        MemorySegment c = CAPTURE.get();
        try {
            return ret((long) Write.H.invokeExact(c, (long) fd, buf, count, 0L), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }
}

package org.nlbridge.bindings.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import org.nlbridge.bindings.libc.LibC;

/**
 * The system calls the engine makes, each with errno captured per call.
 *
 * <p>jextract gives each function's address and descriptor; it cannot add
 * {@link Linker.Option#captureCallState(String...)}, so this class builds the handles once (static holders) with
 * errno capture. The capture segment is per thread ({@link #CAPTURE}): a shared static segment would let one
 * thread read another's errno.
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

    private static MethodHandle h(MemorySegment address, FunctionDescriptor fd) {
        return LINKER.downcallHandle(address, fd, CAPTURE_ERRNO);
    }

    private static final MethodHandle SOCKET = h(LibC.socket$address(), LibC.socket$descriptor());
    /*
     * With _GNU_SOURCE, glibc declares the sockaddr parameters of bind/getsockname as transparent unions
     * (__CONST_SOCKADDR_ARG), which jextract models as a union passed by value: the callee would receive the
     * sockaddr's first bytes as the pointer (EFAULT). The C ABI passes a plain pointer, so say so.
     */
    private static final FunctionDescriptor SOCKADDR_CALL =
            FunctionDescriptor.of(LibC.C_INT, LibC.C_INT, LibC.C_POINTER, LibC.C_INT);
    private static final MethodHandle BIND = h(LibC.bind$address(), SOCKADDR_CALL);
    private static final MethodHandle GETSOCKNAME = h(LibC.getsockname$address(),
            FunctionDescriptor.of(LibC.C_INT, LibC.C_INT, LibC.C_POINTER, LibC.C_POINTER));
    private static final MethodHandle SETSOCKOPT = h(LibC.setsockopt$address(), LibC.setsockopt$descriptor());
    private static final MethodHandle GETSOCKOPT = h(LibC.getsockopt$address(), LibC.getsockopt$descriptor());
    private static final MethodHandle SENDMSG = h(LibC.sendmsg$address(), LibC.sendmsg$descriptor());
    private static final MethodHandle RECVMSG = h(LibC.recvmsg$address(), LibC.recvmsg$descriptor());
    private static final MethodHandle CLOSE = h(LibC.close$address(), LibC.close$descriptor());
    private static final MethodHandle SETNS = h(LibC.setns$address(), LibC.setns$descriptor());
    private static final MethodHandle UNSHARE = h(LibC.unshare$address(), LibC.unshare$descriptor());
    private static final MethodHandle MOUNT = h(LibC.mount$address(), LibC.mount$descriptor());
    private static final MethodHandle UMOUNT2 = h(LibC.umount2$address(), LibC.umount2$descriptor());
    private static final MethodHandle POLL = h(LibC.poll$address(), LibC.poll$descriptor());
    private static final MethodHandle READ = h(LibC.read$address(), LibC.read$descriptor());
    private static final MethodHandle WRITE = h(LibC.write$address(), LibC.write$descriptor());
    /** open(2) is variadic, which jextract exposes only as an invoker factory: the mode is the variadic int. */
    private static final MethodHandle OPEN = LINKER.downcallHandle(
            LINKER.defaultLookup().find("open").orElseThrow(() -> new LinkageError("libc symbol open not found")),
            FunctionDescriptor.of(LibC.C_INT, LibC.C_POINTER, LibC.C_INT, LibC.C_INT),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));

    private static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
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
            return (int) ret((int) SOCKET.invokeExact(c, domain, type, protocol), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static int bind(int fd, MemorySegment addr, int len) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) BIND.invokeExact(c, fd, addr, len), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code len} is an in/out {@code socklen_t*}. */
    public static int getsockname(int fd, MemorySegment addr, MemorySegment len) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) GETSOCKNAME.invokeExact(c, fd, addr, len), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static int setsockopt(int fd, int level, int name, MemorySegment value, int len) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) SETSOCKOPT.invokeExact(c, fd, level, name, value, len), c);
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
            return (int) ret((int) GETSOCKOPT.invokeExact(c, fd, level, name, value, len), c);
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
            return ret((long) SENDMSG.invokeExact(c, fd, msghdr, flags), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static long recvmsg(int fd, MemorySegment msghdr, int flags) {
        MemorySegment c = CAPTURE.get();
        try {
            return ret((long) RECVMSG.invokeExact(c, fd, msghdr, flags), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static int close(int fd) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) CLOSE.invokeExact(c, fd), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** setns(2): changes the namespace of the calling OS thread only. */
    public static int setns(int fd, int nstype) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) SETNS.invokeExact(c, fd, nstype), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** unshare(2): affects the calling OS thread only (for CLONE_NEWNET). */
    public static int unshare(int flags) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) UNSHARE.invokeExact(c, flags), c);
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
            return (int) ret((int) MOUNT.invokeExact(c, src, dst, fs, flags, MemorySegment.NULL), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static int umount2(String target, int flags) {
        MemorySegment c = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            return (int) ret((int) UMOUNT2.invokeExact(c, a.allocateFrom(target), flags), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** open(2); {@code O_CLOEXEC} is always added, so no fd of ours leaks into a child process. */
    public static int open(String path, int flags, int mode) {
        MemorySegment c = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            return (int) ret((int) OPEN.invokeExact(c, a.allocateFrom(path), flags | LibC.O_CLOEXEC(), mode), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static int poll(MemorySegment fds, long nfds, int timeoutMillis) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) POLL.invokeExact(c, fds, nfds, timeoutMillis), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static long read(int fd, MemorySegment buf, long count) {
        MemorySegment c = CAPTURE.get();
        try {
            return ret((long) READ.invokeExact(c, fd, buf, count), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static long write(int fd, MemorySegment buf, long count) {
        MemorySegment c = CAPTURE.get();
        try {
            return ret((long) WRITE.invokeExact(c, fd, buf, count), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }
}

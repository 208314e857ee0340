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
import java.lang.invoke.VarHandle;

import org.nlbridge.bindings.libc.LibC;

/**
 * The system calls the engine makes, each with errno captured per call.
 *
 * <p>jextract cannot add {@link Linker.Option#captureCallState(String...)}, so this class links the handles itself,
 * with errno capture, each once, lazily, in a static holder of its own. The capture segment is per thread ({@link #CAPTURE}): a shared static segment would let one
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

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG; // long, ssize_t, size_t, nfds_t
    private static final AddressLayout PTR = ValueLayout.ADDRESS;

    /*
     * Linking a downcall costs milliseconds (a stub class is generated per descriptor), so each handle is linked
     * the first time its call is made, in a holder class of its own (initialized once, by the JVM's class-init
     * lock): a command pays only for the calls it makes. Symbols come from the default lookup and descriptors are
     * written here rather than taken from jextract's LibC, whose per-function holder classes would link a second,
     * plain handle that nothing calls.
     */
    private static MethodHandle link(String symbol, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        MemorySegment address = LINKER.defaultLookup().find(symbol)
                .orElseThrow(() -> new LinkageError("libc symbol " + symbol + " not found"));
        return LINKER.downcallHandle(address, fd, options);
    }

    private static final class Socket {
        static final MethodHandle H = link("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    }

    /*
     * With _GNU_SOURCE, glibc declares the sockaddr parameters of bind/getsockname as transparent unions
     * (__CONST_SOCKADDR_ARG), which jextract models as a union passed by value: the callee would receive the
     * sockaddr's first bytes as the pointer (EFAULT). The C ABI passes a plain pointer, as written here.
     */
    private static final class Bind {
        static final MethodHandle H = link("bind", FunctionDescriptor.of(INT, INT, PTR, INT));
    }

    private static final class GetSockName {
        static final MethodHandle H = link("getsockname", FunctionDescriptor.of(INT, INT, PTR, PTR));
    }

    private static final class SetSockOpt {
        static final MethodHandle H = link("setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, INT));
    }

    private static final class GetSockOpt {
        static final MethodHandle H = link("getsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, PTR));
    }

    /** sendmsg and recvmsg have one shape, so the JVM generates one stub for both. */
    private static final FunctionDescriptor MSG_CALL = FunctionDescriptor.of(LONG, INT, PTR, INT);

    private static final class SendMsg {
        static final MethodHandle H = link("sendmsg", MSG_CALL);
    }

    private static final class RecvMsg {
        static final MethodHandle H = link("recvmsg", MSG_CALL);
    }

    private static final class SendMmsg {
        static final MethodHandle H = link("sendmmsg", FunctionDescriptor.of(INT, INT, PTR, INT, INT));
    }

    private static final class Close {
        static final MethodHandle H = link("close", FunctionDescriptor.of(INT, INT));
    }

    private static final class SetNs {
        static final MethodHandle H = link("setns", FunctionDescriptor.of(INT, INT, INT));
    }

    private static final class Unshare {
        static final MethodHandle H = link("unshare", FunctionDescriptor.of(INT, INT));
    }

    private static final class Mount {
        static final MethodHandle H = link("mount", FunctionDescriptor.of(INT, PTR, PTR, PTR, LONG, PTR));
    }

    private static final class Umount2 {
        static final MethodHandle H = link("umount2", FunctionDescriptor.of(INT, PTR, INT));
    }

    private static final class Poll {
        static final MethodHandle H = link("poll", FunctionDescriptor.of(INT, PTR, LONG, INT));
    }

    /** read and write have one shape (one stub). */
    private static final FunctionDescriptor IO_CALL = FunctionDescriptor.of(LONG, INT, PTR, LONG);

    private static final class Read {
        static final MethodHandle H = link("read", IO_CALL);
    }

    private static final class Write {
        static final MethodHandle H = link("write", IO_CALL);
    }

    private static final class GetTid {
        static final MethodHandle H = link("gettid", FunctionDescriptor.of(INT));
    }

    /** open(2) is variadic: the mode is the first variadic argument. */
    private static final class Open {
        static final MethodHandle H = link("open", FunctionDescriptor.of(INT, PTR, INT, INT),
                Linker.Option.firstVariadicArg(2));
    }

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
            return (int) ret((int) Socket.H.invokeExact(c, domain, type, protocol), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static int bind(int fd, MemorySegment addr, int len) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) Bind.H.invokeExact(c, fd, addr, len), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** {@code len} is an in/out {@code socklen_t*}. */
    public static int getsockname(int fd, MemorySegment addr, MemorySegment len) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) GetSockName.H.invokeExact(c, fd, addr, len), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static int setsockopt(int fd, int level, int name, MemorySegment value, int len) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) SetSockOpt.H.invokeExact(c, fd, level, name, value, len), c);
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
            return (int) ret((int) GetSockOpt.H.invokeExact(c, fd, level, name, value, len), c);
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
            return ret((long) SendMsg.H.invokeExact(c, fd, msghdr, flags), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static long recvmsg(int fd, MemorySegment msghdr, int flags) {
        MemorySegment c = CAPTURE.get();
        try {
            return ret((long) RecvMsg.H.invokeExact(c, fd, msghdr, flags), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static int sendmmsg(int fd, MemorySegment mmsghdrs, int vlen, int flags) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) SendMmsg.H.invokeExact(c, fd, mmsghdrs, vlen, flags), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static int close(int fd) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) Close.H.invokeExact(c, fd), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** setns(2): changes the namespace of the calling OS thread only. */
    public static int setns(int fd, int nstype) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) SetNs.H.invokeExact(c, fd, nstype), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** unshare(2): affects the calling OS thread only (for CLONE_NEWNET). */
    public static int unshare(int flags) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) ret((int) Unshare.H.invokeExact(c, flags), c);
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
            return (int) ret((int) Mount.H.invokeExact(c, src, dst, fs, flags, MemorySegment.NULL), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static int umount2(String target, int flags) {
        MemorySegment c = CAPTURE.get();
        try (Arena a = Arena.ofConfined()) {
            return (int) ret((int) Umount2.H.invokeExact(c, a.allocateFrom(target), flags), c);
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
            return (int) ret((int) Poll.H.invokeExact(c, fds, nfds, timeoutMillis), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static long read(int fd, MemorySegment buf, long count) {
        MemorySegment c = CAPTURE.get();
        try {
            return ret((long) Read.H.invokeExact(c, fd, buf, count), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static long write(int fd, MemorySegment buf, long count) {
        MemorySegment c = CAPTURE.get();
        try {
            return ret((long) Write.H.invokeExact(c, fd, buf, count), c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** The kernel id of the calling OS thread (its {@code /proc/thread-self}). */
    public static int gettid() {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) GetTid.H.invokeExact(c);
        } catch (Throwable t) {
            throw bug(t);
        }
    }
}

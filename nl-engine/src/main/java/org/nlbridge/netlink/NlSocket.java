package org.nlbridge.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.libc.iovec;
import org.nlbridge.bindings.libc.msghdr;
import org.nlbridge.bindings.libc.timeval;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.bindings.linux.sockaddr_nl;
import org.nlbridge.bindings.sys.ErrnoException;
import org.nlbridge.bindings.sys.Sys;

/**
 * A netlink socket ({@code NETLINK_ROUTE} or {@code NETLINK_NETFILTER}) bound to the network namespace of the
 * thread that opened it, for life. Owns its fd and the native {@code msghdr}/{@code iovec}/address used on every
 * send and receive, so the hot path allocates nothing.
 *
 * <p>Options set at open: {@code NETLINK_EXT_ACK} (the kernel explains refusals), {@code NETLINK_CAP_ACK} (error
 * acks do not echo the whole request, so they stay small), {@code NETLINK_GET_STRICT_CHK} (dump filters are
 * honoured or refused, never silently ignored), large send/receive buffers ({@code SO_*BUFFORCE} as root, so
 * batched acks do not overflow), and a receive timeout so a lost reply cannot hang the engine.
 *
 * <p>Not thread-safe: one owner at a time (it may move between threads; its arena is shared for that reason).
 */
public final class NlSocket implements NlTransport, AutoCloseable {

    /** Requested buffer sizes; the kernel doubles what it is given and caps non-FORCE values at *mem_max. */
    static final int SEND_BUFFER = 1 << 20;
    static final int RECEIVE_BUFFER = 8 << 20;
    /** Dump replies are sized up to 32 KiB by the kernel; 64 KiB leaves room and is what libmnl suggests. */
    static final int RECEIVE_DATAGRAM = 64 << 10;
    static final int DEFAULT_TIMEOUT_MILLIS = 10_000;
    /** {@code SO_NETNS_COOKIE} (Linux 5.14): a 64-bit id of the socket's network namespace, never reused. */
    private static final int SO_NETNS_COOKIE = 71;

    /**
     * A socket's address as the kernel tells senders apart: port ids are unique per namespace and protocol. Its
     * equals and hashCode are written out: a record's are linked at their first call ({@code ObjectMethods}), which
     * a JDK 25 AOT cache does not keep, and every socket opened calls them.
     */
    private record Address(int protocol, long netns, int portId) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Address a && a.protocol == protocol && a.netns == netns && a.portId == portId;
        }

        @Override
        public int hashCode() {
            return (31 * protocol + Long.hashCode(netns)) * 31 + portId;
        }
    }

    /*
     * The fields of msghdr, iovec and sockaddr_nl this socket fills, at the offsets of jextract's layouts, written as
     * plain values: jextract's accessors of pointer fields (msg_name, msg_iov, iov_base) build a VarHandle with
     * adapter classes at their first use, a cost every one-shot command paid on opening its first socket. Pointers
     * are 64-bit, as everywhere in Sys.
     */
    private static final long MSG_NAME = msghdr.msg_name$offset();
    private static final long MSG_NAMELEN = msghdr.msg_namelen$offset();
    private static final long MSG_IOV = msghdr.msg_iov$offset();
    private static final long MSG_IOVLEN = msghdr.msg_iovlen$offset();
    private static final long MSG_FLAGS = msghdr.msg_flags$offset();
    private static final long IOV_BASE = iovec.iov_base$offset();
    private static final long IOV_LEN = iovec.iov_len$offset();
    private static final long NL_FAMILY = sockaddr_nl.nl_family$offset();
    private static final long NL_PID = sockaddr_nl.nl_pid$offset();
    private static final int SOCKADDR_NL_SIZE = (int) sockaddr_nl.layout().byteSize();

    /** The addresses of this process's open sockets, for {@link #isOurs}. */
    private static final Set<Address> OURS = ConcurrentHashMap.newKeySet();

    private final int protocol;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment kernelAddr;
    private final MemorySegment fromAddr;
    private final MemorySegment iov;
    private final MemorySegment msg;
    private final int portId;
    private final long netns;
    private int sendLimit;
    private int receiveBudget;
    private int fd;

    private NlSocket(int protocol, int fd) {
        this.protocol = protocol;
        this.fd = fd;
        try {
            kernelAddr = arena.allocate(sockaddr_nl.layout());
            kernelAddr.set(ValueLayout.JAVA_SHORT, NL_FAMILY, (short) LibC.AF_NETLINK()); // pid 0, groups 0: the kernel
            fromAddr = arena.allocate(sockaddr_nl.layout());
            iov = arena.allocate(iovec.layout());
            msg = arena.allocate(msghdr.layout());
            msg.set(ValueLayout.JAVA_LONG, MSG_IOV, iov.address());
            msg.set(ValueLayout.JAVA_LONG, MSG_IOVLEN, 1);

            optional(LibC.SOL_NETLINK(), Uapi.NETLINK_EXT_ACK(), 1);
            optional(LibC.SOL_NETLINK(), Uapi.NETLINK_CAP_ACK(), 1);
            optional(LibC.SOL_NETLINK(), Uapi.NETLINK_GET_STRICT_CHK(), 1);
            bufferSize(LibC.SO_SNDBUFFORCE(), LibC.SO_SNDBUF(), SEND_BUFFER);
            bufferSize(LibC.SO_RCVBUFFORCE(), LibC.SO_RCVBUF(), RECEIVE_BUFFER);
            receiveTimeout(DEFAULT_TIMEOUT_MILLIS);

            MemorySegment local = arena.allocate(sockaddr_nl.layout());
            local.set(ValueLayout.JAVA_SHORT, NL_FAMILY, (short) LibC.AF_NETLINK());
            Sys.check(Sys.bind(fd, local, SOCKADDR_NL_SIZE), "bind(AF_NETLINK)");
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, SOCKADDR_NL_SIZE);
            Sys.check(Sys.getsockname(fd, local, len), "getsockname(AF_NETLINK)");
            portId = local.get(ValueLayout.JAVA_INT, NL_PID);
            MemorySegment cookie = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment cookieLen = arena.allocateFrom(ValueLayout.JAVA_INT, Long.BYTES);
            netns = Sys.getsockopt(fd, LibC.SOL_SOCKET(), SO_NETNS_COOKIE, cookie, cookieLen) < 0
                    ? 0 : cookie.get(ValueLayout.JAVA_LONG, 0); // before 5.14: ports are told apart without it
            // netlink_sendmsg refuses datagrams longer than sk_sndbuf - 32
            sendLimit = readSendLimit();
            receiveBudget = (int) Sys.check(Sys.getsockoptInt(fd, LibC.SOL_SOCKET(), LibC.SO_RCVBUF()), "getsockopt(SO_RCVBUF)");
        } catch (RuntimeException e) {
            Sys.close(fd);
            arena.close();
            throw e;
        }
        OURS.add(new Address(protocol, netns, portId));
    }

    /**
     * Opens a netlink socket in the network namespace of the calling thread.
     *
     * @param protocol {@code NETLINK_ROUTE} or {@code NETLINK_NETFILTER} (from {@code Uapi})
     */
    public static NlSocket open(int protocol) {
        int fd = Sys.socket(LibC.AF_NETLINK(), LibC.SOCK_RAW() | LibC.SOCK_CLOEXEC(), protocol);
        if (fd < 0) throw new ErrnoException("socket(AF_NETLINK, " + protocolName(protocol) + ")", -fd);
        return new NlSocket(protocol, fd);
    }

    /**
     * Links the native calls that opening sockets and namespaces makes, rather than at their first use: for a thread
     * with time to spare while another does other work first. Nothing is called.
     */
    public static void prelink() {
        Sys.prelink();
    }

    /** Opens a {@code NETLINK_ROUTE} socket in the calling thread's network namespace. */
    public static NlSocket route() {
        return open(Uapi.NETLINK_ROUTE());
    }

    /** Opens a {@code NETLINK_NETFILTER} socket in the calling thread's network namespace. */
    public static NlSocket netfilter() {
        return open(Uapi.NETLINK_NETFILTER());
    }

    static String protocolName(int protocol) {
        if (protocol == Uapi.NETLINK_ROUTE()) return "NETLINK_ROUTE";
        if (protocol == Uapi.NETLINK_NETFILTER()) return "NETLINK_NETFILTER";
        return "netlink protocol " + protocol;
    }

    private void optional(int level, int name, int value) {
        // older kernels lack some options; the engine works without them, only with poorer errors
        Sys.setsockopt(fd, level, name, value);
    }

    private void bufferSize(int force, int plain, int bytes) {
        if (Sys.setsockopt(fd, LibC.SOL_SOCKET(), force, bytes) < 0) {
            Sys.check(Sys.setsockopt(fd, LibC.SOL_SOCKET(), plain, bytes), "setsockopt(SOL_SOCKET)");
        }
    }

    /** netlink_sendmsg refuses datagrams longer than {@code sk_sndbuf - 32}. */
    private int readSendLimit() {
        return (int) Sys.check(Sys.getsockoptInt(fd, LibC.SOL_SOCKET(), LibC.SO_SNDBUF()), "getsockopt(SO_SNDBUF)") - 32;
    }

    /** Bytes to ask for so that the kernel, which doubles the value (and caps it at INT_MAX), gives {@code bytes}. */
    private static int halfOf(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE / 2, (bytes + 1) / 2);
    }

    @Override
    public int raiseSendLimit(long length) {
        ensureOpen();
        if (length > sendLimit) {
            // a failed raise (no CAP_NET_ADMIN past wmem_max) leaves the limit as it is, for the caller to report
            if (Sys.setsockopt(fd, LibC.SOL_SOCKET(), LibC.SO_SNDBUFFORCE(), halfOf(length + 32)) == 0) {
                sendLimit = readSendLimit();
            }
        }
        return sendLimit;
    }

    @Override
    public int raiseReceiveBudget(long bytes) {
        ensureOpen();
        if (bytes > receiveBudget && Sys.setsockopt(fd, LibC.SOL_SOCKET(), LibC.SO_RCVBUFFORCE(), halfOf(bytes)) == 0) {
            receiveBudget = (int) Sys.check(Sys.getsockoptInt(fd, LibC.SOL_SOCKET(), LibC.SO_RCVBUF()),
                    "getsockopt(SO_RCVBUF)");
        }
        return receiveBudget;
    }

    /**
     * Sets the receive queue size ({@code SO_RCVBUFFORCE}, or {@code SO_RCVBUF} capped at {@code rmem_max} without
     * {@code CAP_NET_ADMIN}; the kernel doubles the value) and re-reads {@link #receiveBudget()}. A {@link Batch}
     * sizes its sends by the budget it saw when it was created, so create batches afterwards.
     */
    public void receiveBuffer(int bytes) {
        ensureOpen();
        bufferSize(LibC.SO_RCVBUFFORCE(), LibC.SO_RCVBUF(), bytes);
        receiveBudget = (int) Sys.check(Sys.getsockoptInt(fd, LibC.SOL_SOCKET(), LibC.SO_RCVBUF()), "getsockopt(SO_RCVBUF)");
    }

    /**
     * Joins a multicast group ({@code RTNLGRP_*} on a {@code NETLINK_ROUTE} socket, {@code NFNLGRP_*} on a
     * {@code NETLINK_NETFILTER} one): from now on the kernel also sends this socket its notifications. Those can
     * overflow the receive queue, which {@link #receive} then reports once as {@code -ENOBUFS}: events were lost
     * and the listener must re-read the state. Equivalent to: what {@code ip monitor} and {@code nft monitor} do
     * first ({@code setsockopt(NETLINK_ADD_MEMBERSHIP)}).
     */
    public void joinGroup(int group) {
        ensureOpen();
        if (group <= 0) throw new IllegalArgumentException("netlink multicast group " + group + " (groups start at 1)");
        Sys.check(Sys.setsockopt(fd, LibC.SOL_NETLINK(), Uapi.NETLINK_ADD_MEMBERSHIP(), group),
                "setsockopt(NETLINK_ADD_MEMBERSHIP, " + group + ") on " + protocolName(protocol));
    }

    /** Sets how long {@link #receive} waits before it returns {@code -EAGAIN}; 0 waits for ever. */
    public void receiveTimeout(int millis) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment tv = a.allocate(timeval.layout());
            timeval.tv_sec(tv, millis / 1000);
            timeval.tv_usec(tv, (millis % 1000) * 1000L);
            Sys.check(Sys.setsockopt(fd, LibC.SOL_SOCKET(), LibC.SO_RCVTIMEO(), tv, (int) timeval.layout().byteSize()),
                    "setsockopt(SO_RCVTIMEO)");
        }
    }

    @Override
    public long send(MemorySegment buffer, long length) {
        ensureOpen();
        usable(buffer, length);
        message(kernelAddr, buffer, length);
        long r;
        do {
            r = Sys.sendmsg(fd, msg, 0);
        } while (r == -LibC.EINTR());
        Reference.reachabilityFence(buffer);
        return r;
    }

    /**
     * The kernel gets {@code buffer}'s raw address: it must cover {@code length} bytes and be usable here and now. A
     * read of its last byte has the JDK check all three: bounds ({@link IndexOutOfBoundsException}), its arena still
     * open ({@link IllegalStateException}) and this thread allowed ({@link WrongThreadException}).
     */
    private static void usable(MemorySegment buffer, long length) {
        Objects.checkFromIndexSize(0, length, buffer.byteSize());
        if (length > 0) {
            buffer.get(ValueLayout.JAVA_BYTE, length - 1);
        } else if (!buffer.scope().isAlive()) {
            throw new IllegalStateException("Already closed");
        }
    }

    @Override
    public long receive(MemorySegment buffer) {
        return receive(buffer, 0);
    }

    @Override
    public long receiveNow(MemorySegment buffer) {
        return receive(buffer, LibC.MSG_DONTWAIT());
    }

    private long receive(MemorySegment buffer, int flags) {
        ensureOpen();
        usable(buffer, buffer.byteSize());
        try {
            return receiveInto(buffer, flags);
        } finally {
            Reference.reachabilityFence(buffer);
        }
    }

    private long receiveInto(MemorySegment buffer, int flags) {
        while (true) {
            message(fromAddr, buffer, buffer.byteSize());
            // MSG_TRUNC makes recvmsg return the datagram's real length, so truncation is detectable
            long r = Sys.recvmsg(fd, msg, LibC.MSG_TRUNC() | flags);
            if (r == -LibC.EINTR()) continue;
            if (r < 0) return r;
            if (r > buffer.byteSize() || (msg.get(ValueLayout.JAVA_INT, MSG_FLAGS) & LibC.MSG_TRUNC()) != 0) {
                return -LibC.EMSGSIZE();
            }
            // only the kernel (port 0) speaks to us; anything else is dropped, as libmnl does
            if (fromAddr.get(ValueLayout.JAVA_INT, NL_PID) != 0) continue;
            return r;
        }
    }

    /** The message header for one send or receive: the peer's address and one buffer of {@code length} bytes. */
    private void message(MemorySegment name, MemorySegment buffer, long length) {
        msg.set(ValueLayout.JAVA_LONG, MSG_NAME, name.address());
        msg.set(ValueLayout.JAVA_INT, MSG_NAMELEN, SOCKADDR_NL_SIZE);
        iov.set(ValueLayout.JAVA_LONG, IOV_BASE, buffer.address());
        iov.set(ValueLayout.JAVA_LONG, IOV_LEN, length);
    }

    /** A native buffer of this socket's arena, for callers that want one with the socket's lifetime. */
    public MemorySegment allocate(long bytes) {
        return arena.allocate(bytes, 8);
    }

    /** A receive buffer large enough for any datagram the kernel sends on this socket. */
    public static int receiveDatagramSize() {
        return RECEIVE_DATAGRAM;
    }

    @Override
    public int portId() {
        return portId;
    }

    @Override
    public int sendLimit() {
        return sendLimit;
    }

    @Override
    public int receiveBudget() {
        return receiveBudget;
    }

    public int protocol() {
        return protocol;
    }

    /**
     * Whether {@code portId} is the port of a socket of this process that is open now, in the same network namespace
     * and protocol as this one: a notification's {@code nlmsg_pid} names the socket whose request caused it. Port ids
     * come from the kernel (getsockname), so this holds whatever PID namespace and /proc the process sees, unlike a
     * thread id. A socket closed before its notification is read counts as foreign.
     */
    public boolean isOurs(int portId) {
        return OURS.contains(new Address(protocol, netns, portId));
    }

    /** The file descriptor, for poll(2); stays owned by this socket. */
    public int fd() {
        ensureOpen();
        return fd;
    }

    private void ensureOpen() {
        if (fd < 0) throw new IllegalStateException("netlink socket is closed");
    }

    @Override
    public void close() {
        if (fd >= 0) {
            OURS.remove(new Address(protocol, netns, portId));
            Sys.close(fd);
            fd = -1;
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "NlSocket[" + protocolName(protocol) + ", port " + portId + (fd < 0 ? ", closed]" : "]");
    }
}

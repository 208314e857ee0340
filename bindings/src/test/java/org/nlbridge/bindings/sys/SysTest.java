package org.nlbridge.bindings.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.nlbridge.bindings.libc.LibC;
import org.nlbridge.bindings.linux.Uapi;

class SysTest {

    @Test
    void failedCallsReturnNegativeErrno() {
        assertEquals(-LibC.EBADF(), Sys.close(-1));
        assertEquals(-LibC.EAFNOSUPPORT(), Sys.socket(12345, LibC.SOCK_RAW(), 0));
        assertEquals(-LibC.ENOENT(), Sys.open("/nonexistent/nlbridge-test", LibC.O_RDONLY(), 0));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(8);
            assertEquals(-LibC.EBADF(), Sys.read(-1, buf, 8));
            assertEquals(-LibC.EBADF(), Sys.write(-1, buf, 8));
            assertEquals(-LibC.EBADF(), Sys.sendmsg(-1, a.allocate(64), 0));
            assertEquals(-LibC.EBADF(), Sys.recvmsg(-1, a.allocate(64), 0));
            assertEquals(-LibC.EBADF(), Sys.setsockopt(-1, LibC.SOL_SOCKET(), LibC.SO_RCVBUF(), 1));
            assertEquals(-LibC.EBADF(), Sys.getsockoptInt(-1, LibC.SOL_SOCKET(), LibC.SO_RCVBUF()));
            assertEquals(-LibC.EBADF(), Sys.setns(-1, LibC.CLONE_NEWNET()));
            assertEquals(-LibC.EINVAL(), Sys.unshare(-1));
        }
    }

    @Test
    void netlinkSocketOpensAndCloses() {
        int fd = Sys.socket(LibC.AF_NETLINK(), LibC.SOCK_RAW() | LibC.SOCK_CLOEXEC(), Uapi.NETLINK_ROUTE());
        assertTrue(fd >= 0, () -> "socket: " + Errno.describe(fd));
        assertTrue(Sys.getsockoptInt(fd, LibC.SOL_SOCKET(), LibC.SO_RCVBUF()) > 0);
        try (Arena a = Arena.ofConfined()) {
            // bind then getsockname: the kernel assigns a non-zero port id (sockaddr passed by pointer)
            MemorySegment addr = a.allocate(org.nlbridge.bindings.linux.sockaddr_nl.layout());
            org.nlbridge.bindings.linux.sockaddr_nl.nl_family(addr, (short) LibC.AF_NETLINK());
            int len = (int) addr.byteSize();
            assertEquals(0, Sys.bind(fd, addr, len));
            MemorySegment lenSeg = a.allocateFrom(java.lang.foreign.ValueLayout.JAVA_INT, len);
            assertEquals(0, Sys.getsockname(fd, addr, lenSeg));
            assertTrue(org.nlbridge.bindings.linux.sockaddr_nl.nl_pid(addr) != 0);
        }
        assertEquals(0, Sys.close(fd));
    }

    /** Every shared call shape, with int results read back through a long: values and errnos come out whole. */
    @Test
    void callsOfEveryShape() {
        assertEquals(0, Sys.poll(MemorySegment.NULL, 0, 0));
        assertEquals(-LibC.ENOENT(), Sys.umount2("/nonexistent/nlbridge-test", 0));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment len = a.allocateFrom(java.lang.foreign.ValueLayout.JAVA_INT, 16);
            assertEquals(-LibC.EBADF(), Sys.getsockname(-1, a.allocate(16), len));
            assertEquals(-LibC.EBADF(), Sys.getsockopt(-1, LibC.SOL_SOCKET(), LibC.SO_RCVBUF(), a.allocate(4), len));
            assertThrows(IllegalArgumentException.class,
                    () -> Sys.getsockname(-1, a.allocate(16), MemorySegment.ofArray(new int[] {16})));
        }
    }

    /** Linking is lazy: a JVM that only opens and closes a socket links socket and close, and nothing else. */
    @Test
    void linksOnlyTheCallsMade() throws Exception {
        // a JVM of its own: in this one, other tests have made other calls
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), LinkProbe.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe JVM did not end");
        assertEquals(0, p.exitValue(), out);
        assertEquals(List.of("close", "socket"), out.lines().toList());
    }

    @Test
    void cStringsAreNulTerminatedUtf8AndRefuseInnerNul() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = Sys.cString(a, "/run/netns/é");
            assertEquals(14, s.byteSize());
            assertEquals("/run/netns/é", s.getString(0));
            assertEquals(0, s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 13));
            assertEquals(1, Sys.cString(a, "").byteSize());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sys.cString(a, "a\0b"));
            assertTrue(e.getMessage().contains("NUL"), e.getMessage());
        }
    }

    @Test
    void memberOffsetsMatchTheLayoutPath() {
        var layout = java.lang.foreign.Linker.Option.captureStateLayout();
        assertEquals(layout.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno")),
                Sys.offsetOf(layout, "errno"));
        assertThrows(IllegalArgumentException.class, () -> Sys.offsetOf(layout, "nonesuch"));
    }

    @Test
    void closedOrHeapSegmentsAreRefusedBeforeTheCall() {
        MemorySegment closed;
        try (Arena a = Arena.ofConfined()) {
            closed = a.allocate(64);
        }
        assertThrows(IllegalStateException.class, () -> Sys.sendmsg(-1, closed, 0));
        assertThrows(IllegalArgumentException.class, () -> Sys.sendmsg(-1, MemorySegment.ofArray(new byte[64]), 0));
    }

    @Test
    void checkThrowsNamedErrno() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> Sys.check(Sys.close(-1), "close"));
        assertEquals("close: EBADF (Bad file descriptor)", e.getMessage());
        assertEquals(LibC.EBADF(), e.errno());
    }

    /** Each thread sees its own errno even when threads interleave failing calls with different errnos. */
    @Test
    void errnoIsPerThread() throws Exception {
        int threads = 8;
        int rounds = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger wrong = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            boolean even = t % 2 == 0;
            Thread th = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < rounds; i++) {
                    if (even) {
                        if (Sys.close(-1) != -LibC.EBADF()) wrong.incrementAndGet();
                    } else {
                        if (Sys.unshare(-1) != -LibC.EINVAL()) wrong.incrementAndGet();
                    }
                }
            });
            ts.add(th);
        }
        start.countDown();
        for (Thread th : ts) th.join();
        assertEquals(0, wrong.get());
    }

    @Test
    void errnoNames() {
        assertEquals("EEXIST", Errno.name(LibC.EEXIST()));
        assertEquals("EEXIST", Errno.name(-LibC.EEXIST()));
        assertEquals("ENOBUFS (No buffer space available)", Errno.describe(LibC.ENOBUFS()));
        assertEquals("errno 999", Errno.name(999));
    }

    @Test
    void alignmentMacros() {
        assertEquals(0, NlMacros.nlmsgAlign(0));
        assertEquals(4, NlMacros.nlmsgAlign(1));
        assertEquals(8, NlMacros.nlaSpace(4));
        assertEquals(8, NlMacros.nlaSpace(3));
        assertEquals(5, NlMacros.nlaLength(1));
        assertEquals(Uapi.NLA_HDRLEN(), NlMacros.NLA_HDRLEN);
        assertEquals((int) nlmsghdrSize(), NlMacros.NLMSG_HDRLEN);
        assertEquals(0x3fff, Uapi.NLA_TYPE_MASK() & 0xffff);
        assertEquals(0x1234, NlMacros.nlaType(0x1234 | Uapi.NLA_F_NESTED()));
    }

    private static long nlmsghdrSize() {
        return org.nlbridge.bindings.linux.nlmsghdr.layout().byteSize();
    }
}

package org.nlbridge.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.bindings.linux.Uapi;
import org.nlbridge.netns.NetNs;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * Reference section 2f: a buffer misused at the native boundary is a programming error that surfaces, never a
 * native read of memory the segment does not cover. {@link NlSocket#send} hands the kernel a raw address and a
 * length: a length past the segment (before: the kernel read beyond it and the send "succeeded"), a segment whose
 * arena is closed (before: a read of freed memory), or one confined to another thread, each throw the JDK's own
 * exception before the syscall; so does {@link NlSocket#receive} into a closed segment. Nothing is sent: the socket
 * still answers a request afterwards with its own sequence number.
 */
@ExtendWith(SandboxExtension.class)
class SegmentMisuseTest {

    @Test
    void aMisusedBufferThrowsBeforeTheSyscall(Sandbox sb) throws Exception {
        String ns = sb.netns("seg");
        try (NetNs n = NetNs.open(ns); NlSocket s = n.openSocket(Uapi.NETLINK_ROUTE()); Arena arena = Arena.ofConfined()) {
            MemorySegment small = arena.allocate(16, 8);
            assertThrows(IndexOutOfBoundsException.class, () -> s.send(small, 4096));
            assertThrows(IndexOutOfBoundsException.class, () -> s.send(small, -1));

            Arena closed = Arena.ofConfined();
            MemorySegment gone = closed.allocate(4096, 8);
            closed.close();
            assertThrows(IllegalStateException.class, () -> s.send(gone, 16));
            assertThrows(IllegalStateException.class, () -> s.receive(gone));

            MemorySegment theirs = CompletableFuture.supplyAsync(() -> Arena.ofConfined().allocate(4096, 8)).get();
            assertThrows(WrongThreadException.class, () -> s.send(theirs, 16));

            // the socket is intact: a request with an ack is answered
            MsgWriter w = new MsgWriter(arena.allocate(64, 8));
            w.begin(Uapi.RTM_GETLINK(), Uapi.NLM_F_REQUEST() | Uapi.NLM_F_ACK(), 7);
            w.reserve(16);
            w.end();
            assertEquals(w.position(), s.send(w.segment(), w.position()));
            MemorySegment rx = arena.allocate(NlSocket.receiveDatagramSize(), 8);
            long got = s.receive(rx);
            assertEquals(7, rx.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 8), "the reply to our request, " + got + " bytes");
        }
    }
}

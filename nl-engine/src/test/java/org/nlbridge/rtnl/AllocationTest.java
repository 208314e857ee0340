package org.nlbridge.rtnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;
import org.nlbridge.netlink.Batch;
import org.nlbridge.netlink.MsgCursor;

/**
 * The two hot paths allocate nothing per message: queueing link creates into a batch, and scanning a link dump
 * through the {@link LinkView} flyweight.
 */
class AllocationTest {
    private static final int ROUNDS = 2_000;

    private static com.sun.management.ThreadMXBean threads() {
        var t = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(t.isThreadAllocatedMemorySupported(), "the JVM cannot count allocated bytes");
        return t;
    }

    @Test
    void queueingCreatesAllocatesNothing() {
        var threads = threads();
        Wire.Recorder kernel = new Wire.Recorder();
        VethSpec[] specs = new VethSpec[64];
        for (int i = 0; i < specs.length; i++) {
            specs[i] = VethSpec.builder("veth" + i, "eth0").mtu(1400).master(3).mac("02:00:00:00:00:01")
                    .peerMac("02:42:ac:11:00:02").up().build();
        }
        try (Batch batch = new Batch(kernel)) {
            RtnlBatch b = new RtnlBatch(batch);
            queue(b, specs); // warm up, grow the bookkeeping arrays
            b.execute().throwIfFailed();
            long allocated = 0;
            for (int r = 0; r < ROUNDS; r++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                queue(b, specs);
                allocated += threads.getCurrentThreadAllocatedBytes() - before;
                b.execute(); // the fake kernel allocates: outside the measurement
                kernel.sent.clear();
            }
            // one 16-byte allocation per create would be 64 * 16 * ROUNDS bytes
            assertTrue(allocated < 64L * ROUNDS, allocated + " bytes for " + 64 * ROUNDS + " creates");
        }
    }

    private static void queue(RtnlBatch b, VethSpec[] specs) {
        for (VethSpec s : specs) {
            b.links().add(s);
        }
    }

    @Test
    void scanningADumpAllocatesNothing() {
        var threads = threads();
        byte[] dump = Wire.bytes(w -> {
            for (int i = 0; i < 100; i++) {
                w.begin(Rt.RTM_NEWLINK, 0, 1);
                long h = w.reserve(Rt.IFINFOMSG);
                w.setU32(h + Rt.IFI_INDEX, i + 1);
                w.putString(Rt.IFLA_IFNAME, "veth" + i);
                w.putU32(Rt.IFLA_MTU, 1500);
                w.putU32(Rt.IFLA_MASTER, 3);
                w.putBytes(Rt.IFLA_ADDRESS, new byte[] {2, 0x42, 0, 0, 0, (byte) i});
                w.putString(Rt.IFLA_IFALIAS, i % 2 == 0 ? "nlbridge:ep-" + i : "someone else");
                long info = w.nestStart(Rt.IFLA_LINKINFO);
                w.putString(Rt.IFLA_INFO_KIND, "veth");
                w.nestEnd(info);
                w.end();
            }
        });
        MemorySegment seg = MemorySegment.ofArray(dump);
        MsgCursor m = new MsgCursor();
        LinkView v = new LinkView();
        assertEquals(50, scan(seg, dump.length, m, v)); // warm up
        long before = threads.getCurrentThreadAllocatedBytes();
        long ours = 0;
        for (int r = 0; r < ROUNDS; r++) {
            ours += scan(seg, dump.length, m, v);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(50L * ROUNDS, ours);
        assertTrue(allocated < 100L * ROUNDS, allocated + " bytes for " + 100 * ROUNDS + " links");
    }

    private static int scan(MemorySegment seg, long length, MsgCursor m, LinkView v) {
        int ours = 0;
        m.reset(seg, length);
        while (m.next()) {
            v.reset(m);
            if (v.aliasStartsWith("nlbridge:") && v.kindEquals("veth") && v.master() == 3 && v.mtu() == 1500
                    && v.macBits() >= 0) {
                ours++;
            }
        }
        return ours;
    }
}

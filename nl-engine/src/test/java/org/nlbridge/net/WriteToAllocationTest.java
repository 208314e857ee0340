package org.nlbridge.net;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The encoders run once per netlink attribute in the batch hot path, so they must not allocate. */
class WriteToAllocationTest {

    private static final int CALLS = 200_000;

    @Test
    void writeToAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "the JVM cannot count allocated bytes");
        Ipv4Address v4 = Ipv4Address.parse("ip", "10.0.0.1");
        Ipv6Address v6 = Ipv6Address.parse("ip", "fd00::1");
        MacAddress mac = MacAddress.parse("mac", "02:42:ac:11:00:02");
        IfName name = IfName.parse("name", "nlbr0");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(64);
            writeAll(seg, v4, v6, mac, name); // warm up, so the measured run is compiled code
            long before = threads.getCurrentThreadAllocatedBytes();
            writeAll(seg, v4, v6, mac, name);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            // a single allocation per call would be >= 16 bytes * 4 * CALLS; allow for interpreter noise
            assertTrue(allocated < CALLS, allocated + " bytes allocated by " + 4 * CALLS + " writes");
        }
    }

    private static void writeAll(MemorySegment seg, Ipv4Address v4, Ipv6Address v6, MacAddress mac, IfName name) {
        for (int i = 0; i < CALLS; i++) {
            int off = i & 15;
            v4.writeTo(seg, off);
            v6.writeTo(seg, off + 4);
            mac.writeTo(seg, off + 20);
            name.writeTo(seg, off + 26);
        }
    }
}

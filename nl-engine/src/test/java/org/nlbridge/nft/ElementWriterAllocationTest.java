package org.nlbridge.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;
import org.nlbridge.net.IpProtocol;
import org.nlbridge.net.Ipv4Address;

/**
 * Adding N elements is O(N) and makes no objects per element: the only allocation is the growth of the encoded
 * buffer (doubling, so at most about twice its final size in all).
 */
class ElementWriterAllocationTest {
    static final NamedSet HP = NamedSet.map(TableRef.of(Family.IP, "nlbridge").set("hostports"),
            KeyType.of(FieldType.INET_PROTO, FieldType.IPV4_ADDR, FieldType.INET_SERVICE),
            KeyType.of(FieldType.IPV4_ADDR, FieldType.INET_SERVICE));

    static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    static int fill(ElementWriter w, int n, Ipv4Address host, Ipv4Address ctr) {
        for (int i = 0; i < n; i++) {
            w.key(IpProtocol.TCP).key(host).key(i & 0xffff).value(ctr).value(80).add();
        }
        return w.count();
    }

    @Test
    void addingElementsAllocatesOnlyTheBuffer() {
        Ipv4Address host = Ipv4Address.parse("t", "10.0.0.1");
        Ipv4Address ctr = Ipv4Address.parse("t", "172.17.0.2");
        for (int warm = 0; warm < 5; warm++) fill(new ElementWriter(HP, false), 20_000, host, ctr);

        int n = 100_000;
        long before = allocated();
        ElementWriter w = new ElementWriter(HP, false);
        fill(w, n, host, ctr);
        long used = allocated() - before;
        assertEquals(n, w.count());
        long bytes = w.buffer().length + 4L * n; // encoded elements and their offsets
        assertTrue(used < 3 * bytes, "adding " + n + " elements allocated " + used + " bytes for " + bytes
                + " bytes of encoded elements and offsets");
        // 40 bytes per element, its NFTA_LIST_ELEM header and 36 bytes of attributes: nothing else rides along
        assertEquals(40L * n, (long) w.frameStart(w.encodedCount()));
        assertEquals(36, w.length(w.encodedCount() - 1));
    }
}

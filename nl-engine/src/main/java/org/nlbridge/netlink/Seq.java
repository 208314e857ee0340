package org.nlbridge.netlink;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sequence numbers, unique across every batch, transaction and dump of the process (vishvananda's global
 * {@code nextSeqNr}): an ack left in a socket's queue by an abandoned batch can then never match a later request.
 * 0 is skipped because kernel-originated notifications carry it.
 */
final class Seq {
    private Seq() {}

    private static final AtomicInteger LAST = new AtomicInteger();

    static int next() {
        int s;
        do {
            s = LAST.incrementAndGet();
        } while (s == 0);
        return s;
    }
}

package org.nlbridge.resolver;

import java.util.concurrent.atomic.AtomicInteger;

/** Counting limits taken from a shared total and one listener's share at once. */
final class Limits {
    private Limits() {}

    /** Takes one from both, or neither if either is at its maximum. */
    static boolean acquire(AtomicInteger total, int maxTotal, AtomicInteger mine, int maxMine) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return false;
        }
        if (mine.incrementAndGet() > maxMine) {
            mine.decrementAndGet();
            total.decrementAndGet();
            return false;
        }
        return true;
    }

    static void release(AtomicInteger total, AtomicInteger mine) {
        mine.decrementAndGet();
        total.decrementAndGet();
    }
}

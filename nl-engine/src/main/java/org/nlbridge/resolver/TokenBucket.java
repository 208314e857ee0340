package org.nlbridge.resolver;

/** A token bucket: {@code rate} tokens a second, at most {@code burst} saved up. Thread-safe. */
final class TokenBucket {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    TokenBucket(int rate, int burst, long now) {
        this.perNano = rate / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = now;
    }

    /** Takes one token if there is one; {@code now} from {@link System#nanoTime()}. */
    synchronized boolean tryTake(long now) {
        long elapsed = now - last;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * perNano);
            last = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}

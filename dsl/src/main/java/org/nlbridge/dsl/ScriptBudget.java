package org.nlbridge.dsl;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a script may run and how much it may allocate while it runs, before it is stopped with a one-line
 * error at the line it was at ({@code net.groovy:3: the script ran longer than 30 s (--script-timeout)}). Time
 * counts from the start of compiling; memory counts every allocation of the script's code once it runs (garbage
 * included), which bounds what it can hold. Zero means no limit.
 *
 * @param time   the wall-clock time (0: none)
 * @param memory bytes allocated (0: none)
 */
public record ScriptBudget(Duration time, long memory) {

    /** 30 s and 512 MiB. */
    public static final ScriptBudget DEFAULT = new ScriptBudget(Duration.ofSeconds(30), 512L << 20);
    /** No limit: the script runs on the caller's thread, compiled without interrupt checks. */
    public static final ScriptBudget UNLIMITED = new ScriptBudget(Duration.ZERO, 0);

    public ScriptBudget {
        Objects.requireNonNull(time, "time");
        if (time.isNegative()) throw new IllegalArgumentException("negative script time budget " + time);
        if (memory < 0) throw new IllegalArgumentException("negative script memory budget " + memory);
    }

    public boolean unlimited() {
        return time.isZero() && memory == 0;
    }

    /** {@code 30 s}, {@code 1500 ms}, {@code 2 min}. */
    static String show(Duration d) {
        long ms = d.toMillis();
        if (ms >= 60_000 && ms % 60_000 == 0) return ms / 60_000 + " min";
        if (ms % 1000 == 0) return ms / 1000 + " s";
        return ms + " ms";
    }

    /** {@code 512 MiB}, {@code 1 GiB}, {@code 1536 KiB}, {@code 100 bytes}. */
    static String showBytes(long n) {
        if (n >= 1L << 30 && n % (1L << 30) == 0) return (n >> 30) + " GiB";
        if (n >= 1L << 20 && n % (1L << 20) == 0) return (n >> 20) + " MiB";
        if (n >= 1L << 10 && n % (1L << 10) == 0) return (n >> 10) + " KiB";
        return n + " bytes";
    }
}

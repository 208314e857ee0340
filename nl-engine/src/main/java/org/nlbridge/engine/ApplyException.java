package org.nlbridge.engine;

import java.util.List;
import java.util.Objects;

import org.nlbridge.netlink.NetlinkException;
import org.nlbridge.spec.Change;

/**
 * A request failed. Either it was rolled back as a whole ({@link #rolledBack()}: a step that creates or changes
 * something failed, and everything the request had done was undone; the failures after the first are what the undo
 * could not do), or it finished what it could and only best-effort parts failed (teardown: a link already busy,
 * say), which stay reported. The message lists every failure, one per line; {@link #failures()} has each one typed:
 * which unit, which step, and the cause with its errno and kernel object where the kernel refused.
 */
public final class ApplyException extends RuntimeException {

    /**
     * One failure.
     *
     * @param unit  what failed, as the message names it: {@code container web}, {@code network bridge}
     * @param step  the step that failed (its plan line), or null for a failure outside a step (an undo)
     * @param cause what went wrong
     */
    public record Failure(String unit, Change step, RuntimeException cause) {
        public Failure {
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(cause, "cause");
        }

        /** The kernel's errno if the kernel refused (the cause or one of its causes), else 0. */
        public int errno() {
            NetlinkException n = netlink();
            return n == null ? 0 : n.errno();
        }

        /** The object the refused request was about (a link spec, an address...), or null. */
        public Object object() {
            NetlinkException n = netlink();
            return n == null ? null : n.object();
        }

        private NetlinkException netlink() {
            for (Throwable t = cause; t != null; t = t.getCause()) {
                if (t instanceof NetlinkException n) return n;
            }
            return null;
        }

        /** {@code container web: RTM_NEWLINK veth ...: EEXIST (File exists)}. */
        public String message() {
            return unit + ": " + cause.getMessage();
        }
    }

    private final List<Failure> failures;
    private final boolean rolledBack;

    /** Best-effort failures: the rest of the request is done. */
    public ApplyException(List<Failure> failures) {
        this(failures, false);
    }

    public ApplyException(List<Failure> failures, boolean rolledBack) {
        super(message(failures, rolledBack));
        if (failures.isEmpty()) throw new IllegalArgumentException("no failures");
        this.failures = List.copyOf(failures);
        this.rolledBack = rolledBack;
        this.failures.forEach(f -> addSuppressed(f.cause()));
    }

    private static String message(List<Failure> failures, boolean rolledBack) {
        if (rolledBack) {
            // the first failure stopped the request; any others are what undoing it could not do
            String first = failures.getFirst().message() + "; the request was undone";
            if (failures.size() == 1) return first + ", nothing of it is applied";
            return first + ", except:\n  " + String.join("\n  ", failures.subList(1, failures.size()).stream()
                    .map(Failure::message).toList());
        }
        return failures.size() == 1 ? failures.getFirst().message()
                : failures.size() + " failures:\n  " + String.join("\n  ", failures.stream().map(Failure::message).toList());
    }

    /** Whether everything the request had done was undone (only the first failure made it fail). */
    public boolean rolledBack() {
        return rolledBack;
    }

    /** Every failure, in the order they happened. */
    public List<Failure> failures() {
        return failures;
    }
}

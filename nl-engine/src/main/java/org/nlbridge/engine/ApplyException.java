package org.nlbridge.engine;

import java.util.List;
import java.util.Objects;

import org.nlbridge.netlink.NetlinkException;
import org.nlbridge.spec.Change;

/**
 * Apply (or destroy) finished what it could and these parts failed; each failed container or network was rolled
 * back on its own, the others stand. The message lists every failure, one per line; {@link #failures()} has each
 * one typed: which unit, which step, and the cause with its errno and kernel object where the kernel refused.
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

    public ApplyException(List<Failure> failures) {
        super(failures.size() == 1 ? failures.getFirst().message()
                : failures.size() + " failures:\n  " + String.join("\n  ", failures.stream().map(Failure::message).toList()));
        if (failures.isEmpty()) throw new IllegalArgumentException("no failures");
        this.failures = List.copyOf(failures);
        this.failures.forEach(f -> addSuppressed(f.cause()));
    }

    /** Every failure, in the order they happened. */
    public List<Failure> failures() {
        return failures;
    }
}

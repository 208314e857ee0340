package org.nlbridge.driver.bridge;

import java.util.List;

/**
 * Apply (or destroy) finished what it could and these parts failed; each failed container or network was rolled
 * back on its own, the others stand. The message lists every failure, one per line.
 */
public final class ApplyException extends RuntimeException {
    private final List<String> failures;

    public ApplyException(List<String> failures) {
        super(failures.size() == 1 ? failures.getFirst()
                : failures.size() + " failures:\n  " + String.join("\n  ", failures));
        this.failures = List.copyOf(failures);
    }

    public List<String> failures() {
        return failures;
    }
}

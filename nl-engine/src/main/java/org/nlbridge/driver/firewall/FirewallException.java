package org.nlbridge.driver.firewall;

import java.util.List;

/**
 * The kernel refused or lost a firewall change. The message names the operation and the object ("set up network
 * nlb0: ..."); the cause is the kernel error ({@code NetlinkException}) where there is one. Teardown collects
 * several failures as suppressed exceptions.
 */
public class FirewallException extends RuntimeException {

    public FirewallException(String message, Throwable cause) {
        super(message, cause);
    }

    public FirewallException(String message) {
        super(message);
    }

    /** Throws the failures of a best-effort {@code what} as one, the first as the cause; returns if there are none. */
    public static void throwAll(String what, List<RuntimeException> errors) {
        if (errors.isEmpty()) return;
        FirewallException e = new FirewallException(what + ": " + errors.size() + " error(s), first: "
                + errors.getFirst().getMessage(), errors.getFirst());
        for (int i = 1; i < errors.size(); i++) e.addSuppressed(errors.get(i));
        throw e;
    }
}

package org.nlbridge.driver.firewall;

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
}

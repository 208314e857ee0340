package org.nlbridge.driver.dns;

/**
 * The host's resolv.conf cannot be used: unreadable, or too absurd to be one (a line above 8 KiB). Not a
 * {@link org.nlbridge.net.ValidationException}: the user gave nothing wrong, the host file is.
 */
public final class ResolvConfException extends RuntimeException {

    ResolvConfException(String source, String problem) {
        super("cannot use " + source + " as the host's resolv.conf: " + problem);
    }

    ResolvConfException(String source, String problem, Throwable cause) {
        super("cannot use " + source + " as the host's resolv.conf: " + problem, cause);
    }
}

package org.nlbridge.netlink;

/**
 * Bytes received from the kernel do not form valid netlink: a length that is too short or overruns its container,
 * an attribute payload of the wrong size, a string without its NUL.
 *
 * <p>A decode failure, not a kernel refusal: deliberately not a {@link NetlinkException}, so code that branches on
 * errno never mistakes a parser finding for a kernel answer (pyroute2 keeps the two families apart the same way).
 */
public class WireFormatException extends RuntimeException {
    public WireFormatException(String message) {
        super(message);
    }
}

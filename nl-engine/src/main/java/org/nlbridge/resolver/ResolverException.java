package org.nlbridge.resolver;

/** The name server could not do what was asked: a socket could not be opened or bound, the server is closed. */
public class ResolverException extends RuntimeException {
    public ResolverException(String message, Throwable cause) {
        super(message, cause);
    }

    public ResolverException(String message) {
        super(message);
    }
}

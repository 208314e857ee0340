package org.nlbridge.netns;

/** The named namespace, path or process does not exist. */
public class NoSuchNamespaceException extends RuntimeException {
    public NoSuchNamespaceException(String message) {
        super(message);
    }
}

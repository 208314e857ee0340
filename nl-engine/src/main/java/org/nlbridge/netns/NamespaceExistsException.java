package org.nlbridge.netns;

/** A namespace of that name already exists. */
public class NamespaceExistsException extends RuntimeException {
    public NamespaceExistsException(String message) {
        super(message);
    }
}

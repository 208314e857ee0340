package org.nlbridge.driver.overlay;

/**
 * An overlay operation that needs the cluster store could not reach it: creating a network on this host, or giving a
 * container an address (addresses come only from the store, never guessed locally). Traffic of what exists goes on;
 * the operation can be repeated once the store answers.
 */
public final class ClusterUnavailableException extends RuntimeException {
    ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

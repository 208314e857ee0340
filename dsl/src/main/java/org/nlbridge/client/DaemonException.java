package org.nlbridge.client;

/** The daemon refused a request, or could not be reached; the message is for the user as it is. */
public final class DaemonException extends RuntimeException {
    private final int status;

    public DaemonException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status, or 0 when the daemon was not reached. */
    public int status() {
        return status;
    }
}

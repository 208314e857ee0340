package org.nlbridge.client;

/** A request the server refuses at the HTTP level, with the status to answer and a one-line reason. */
public final class HttpException extends Exception {
    private final int status;

    public HttpException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}

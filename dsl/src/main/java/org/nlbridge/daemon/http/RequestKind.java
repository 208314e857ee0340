package org.nlbridge.daemon.http;

/** Which budget of {@link Limits} a request is answered from; a route's {@link HttpServer.Classifier} decides. */
public enum RequestKind {
    /** {@code /_ping}, {@code version}: answered from what the server knows, waiting for nothing. */
    IMMEDIATE,
    /** {@code status}: what an operator needs to see what is going on; it waits for the running operation only. */
    PRIORITY,
    /** Everything else that ends with its answer. */
    REQUEST,
    /** An answer that follows events for as long as the client stays ({@code /v1/events}). */
    STREAM
}

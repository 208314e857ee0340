package org.nlbridge.netns;

/**
 * A dedicated thread could not return to its namespace. The thread is discarded (it ends with this error), so
 * no later work can run in the wrong namespace.
 */
public class ThreadTaintedError extends Error {
    public ThreadTaintedError(String message) {
        super(message);
    }
}

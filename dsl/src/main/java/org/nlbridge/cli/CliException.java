package org.nlbridge.cli;

/** A failure the command line reports as one line, {@code nlbridge: <message>}, with exit code 1. */
public final class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }
}

package org.nlbridge.driver.run;

/** The launcher could not start the command: a mount source or target, or a tool, is missing. Nothing was started. */
public final class LaunchException extends RuntimeException {

    LaunchException(String message) {
        super(message);
    }

    LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}

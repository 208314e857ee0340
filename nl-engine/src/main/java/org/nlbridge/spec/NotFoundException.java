package org.nlbridge.spec;

import org.nlbridge.net.ValidationException;

/**
 * A request named a network, container or other object that does not exist, e.g. {@code invalid container "web":
 * no such container in the state /var/lib/nlbridge; expected the name of a container applied from a script}. A
 * {@link ValidationException} like any bad input (same message shape, nothing was changed), typed so a front end
 * can answer "not found" (HTTP 404) without reading the message.
 */
public class NotFoundException extends ValidationException {

    public NotFoundException(String field, String value, String reason, String accepted) {
        super(field, value, reason, accepted);
    }
}

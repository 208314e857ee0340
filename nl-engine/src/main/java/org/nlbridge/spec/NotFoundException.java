package org.nlbridge.spec;

import org.nlbridge.net.ValidationException;

/**
 * A well-formed name that names nothing the engine knows: {@code runtime("web")} before {@code web} was applied. The
 * message reads as any {@link ValidationException}'s does; front ends branch on the type (the daemon answers 404, not
 * 400), never on the message text.
 */
public final class NotFoundException extends ValidationException {

    public NotFoundException(String field, String value, String reason, String accepted) {
        super(field, value, reason, accepted);
    }
}

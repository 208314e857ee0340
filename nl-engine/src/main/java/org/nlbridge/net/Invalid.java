package org.nlbridge.net;

/**
 * A parse failure known only by its reason. The inner parsers throw it so that each public
 * {@code parse} can attach its own field, value and accepted form (the same IPv4 parser serves
 * addresses, subnets and port host addresses). Never escapes the package.
 */
final class Invalid extends RuntimeException {

    Invalid(String reason) {
        // no stack trace: it is always caught a few frames up and turned into a ValidationException
        super(reason, null, false, false);
    }

    String reason() {
        return getMessage();
    }
}

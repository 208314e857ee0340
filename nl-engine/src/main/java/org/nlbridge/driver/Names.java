package org.nlbridge.driver;

import java.util.regex.Pattern;

import org.nlbridge.net.ValidationException;

/** Names of networks and containers: keys in the state store and parts of file paths, so strictly limited. */
final class Names {
    private Names() {}

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    static final String ACCEPTED = "1..64 characters from [A-Za-z0-9_.-], starting with a letter or digit";

    static String network(String field, String name) {
        return check(field, name, "not a usable network name");
    }

    static String container(String field, String name) {
        return check(field, name, "not a usable container name");
    }

    static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    private static String check(String field, String name, String reason) {
        if (name == null || !NAME.matcher(name).matches()) throw new ValidationException(field, name, reason, ACCEPTED);
        return name;
    }
}

package org.nlbridge.driver.dns;

import org.nlbridge.net.ValidationException;

/** A container name becomes a directory name under the state directory, so it must not be able to leave it. */
final class ContainerName {

    static final int MAX = 64;
    static final String ACCEPTED = "1-64 characters from [A-Za-z0-9_.-], not starting with '.' or '-'";

    private ContainerName() {}

    static String check(String field, String name) {
        if (name == null) {
            throw new ValidationException(field, null, "no value given", ACCEPTED);
        }
        String problem = problem(name);
        if (problem != null) {
            throw new ValidationException(field, name, problem, ACCEPTED);
        }
        return name;
    }

    private static String problem(String name) {
        if (name.isEmpty()) {
            return "empty";
        }
        if (name.length() > MAX) {
            return name.length() + " characters, above the limit of " + MAX;
        }
        if (name.charAt(0) == '.' || name.charAt(0) == '-') {
            // '.' and '..' would escape the directory; '-' would read as an option to any tool given the path
            return "starts with '" + name.charAt(0) + "'";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.'
                    || c == '-')) {
                // shown as a code point: the character itself may be a newline or invisible
                return String.format("character U+%04X at index %d not allowed", (int) c, i);
            }
        }
        return null;
    }
}

package org.nlbridge.net;

/**
 * The names nlbridge keeps and builds paths from: networks, containers, namespaces under /run/netns. A name
 * becomes a file or directory name (state directory, /run/netns), a key in the state store and part of log
 * lines, so it must not be able to leave its directory, read as a command-line option or hide a control character:
 * 1-64 characters from {@code [A-Za-z0-9_.-]}, not starting with '.' or '-'.
 */
public final class SafeName {
    private SafeName() {}

    public static final int MAX = 64;
    public static final String ACCEPTED = "1-64 characters from [A-Za-z0-9_.-], not starting with '.' or '-'";

    /** Returns {@code name} if it is safe, else throws naming the field, the value and the exact problem. */
    public static String check(String field, String name) {
        if (name == null) {
            throw new ValidationException(field, null, "no value given", ACCEPTED);
        }
        String problem = problem(name);
        if (problem != null) {
            throw new ValidationException(field, name, problem, ACCEPTED);
        }
        return name;
    }

    public static boolean isValid(String name) {
        return name != null && problem(name) == null;
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

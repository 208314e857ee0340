package org.nlbridge.net;

/**
 * Checks shared by the names written into resolv.conf and /etc/hosts. Those files are line- and
 * field-based, so a newline, NUL, whitespace, '#', ';' or ',' inside a name would add an entry or a
 * comment of the user's choosing (netavark's {@code SafeString} closes the same hole).
 */
final class DnsNames {

    /** A DNS label (RFC 1035) is 1..63 bytes. */
    static final int MAX_LABEL = 63;

    private DnsNames() {}

    /** Refuses the injection characters first, so that reason wins over any other. */
    static void rejectUnsafe(String s) {
        if (s.isEmpty()) {
            throw new Invalid("empty");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == 0 || c == '#' || c == ';' || c == ','
                    || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                throw new Invalid("forbidden character " + Text.quoteChar(s, i)
                        + " (it could inject text into resolv.conf or /etc/hosts)");
            }
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7F) {
                throw new Invalid("non-ASCII character " + Text.quoteChar(s, i)
                        + " (write internationalised names in their xn-- form)");
            }
        }
    }

    /** RFC 1123 labels separated by '.': letters, digits and '-', not starting or ending with '-'. */
    static void checkLabels(String s) {
        if (s.charAt(0) == '.') {
            throw new Invalid("starts with '.'");
        }
        if (s.charAt(s.length() - 1) == '.') {
            throw new Invalid("ends with '.'");
        }
        int start = 0;
        while (true) {
            int dot = s.indexOf('.', start);
            int end = dot < 0 ? s.length() : dot;
            checkLabel(s, start, end);
            if (dot < 0) {
                return;
            }
            start = dot + 1;
        }
    }

    private static void checkLabel(String s, int from, int to) {
        if (from == to) {
            throw new Invalid("empty label (\"..\")");
        }
        String label = s.substring(from, to);
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                throw new Invalid("character " + Text.quoteChar(label, i)
                        + " not allowed (a label holds letters, digits and '-')");
            }
        }
        if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
            throw new Invalid("label " + Text.quote(label) + " starts or ends with '-'");
        }
        if (label.length() > MAX_LABEL) {
            throw new Invalid("label of " + label.length() + " bytes, above the limit of " + MAX_LABEL);
        }
    }
}

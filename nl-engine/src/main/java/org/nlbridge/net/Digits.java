package org.nlbridge.net;

/**
 * The digit syntaxes of the package. Decimal numbers are ASCII digits with no sign, no spaces and no
 * leading zero: leading zeros are refused everywhere (not only in IPv4) so that no number can be read
 * as octal by some other tool further down the line. Only ASCII counts as a digit, unlike
 * {@code Character.digit}, which also takes Arabic-Indic and full-width digits.
 */
final class Digits {

    private Digits() {}

    /**
     * Parses {@code s[from, to)}. Values above {@code Integer.MAX_VALUE} come back as
     * {@code Integer.MAX_VALUE}: every caller has a far smaller maximum and quotes the text it was given.
     */
    static int parseDecimal(String s, int from, int to) {
        if (from == to) {
            throw new Invalid("empty");
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new Invalid("not a decimal integer (unexpected " + Text.quoteChar(s, i) + ")");
            }
        }
        if (s.charAt(from) == '0' && to - from > 1) {
            throw new Invalid("leading zero");
        }
        if (to - from > 9) {
            return Integer.MAX_VALUE;
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }

    static int parseDecimal(String s) {
        return parseDecimal(s, 0, s.length());
    }

    /** The value of an ASCII hex digit of either case, or -1. */
    static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                : -1;
    }
}

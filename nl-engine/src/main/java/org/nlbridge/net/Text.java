package org.nlbridge.net;

/** Quoting of user text for error messages, so an error line can neither break nor hide text. */
final class Text {

    /** Longer values are cut in messages: a 1 MiB value must not become a 1 MiB log line. */
    static final int MAX_QUOTED = 128;

    private Text() {}

    /** {@code "value"} with controls escaped, cut after {@link #MAX_QUOTED} chars as {@code "..."... (N chars)}. */
    static String quote(String s) {
        int end = s.length();
        boolean cut = end > MAX_QUOTED;
        if (cut) {
            end = MAX_QUOTED;
            if (Character.isHighSurrogate(s.charAt(end - 1))) {
                end--; // never split a pair into a lone surrogate
            }
        }
        StringBuilder b = new StringBuilder(end + 8).append('"');
        escapeInto(b, s, 0, end, '"');
        b.append('"');
        if (cut) {
            b.append("... (").append(s.length()).append(" chars)");
        }
        return b.toString();
    }

    /** {@code 'c'} with the same escaping, for naming one offending character. */
    static String quoteChar(String s, int index) {
        int cp = s.codePointAt(index);
        StringBuilder b = new StringBuilder(8).append('\'');
        escapeInto(b, s, index, index + Character.charCount(cp), '\'');
        return b.append('\'').toString();
    }

    private static void escapeInto(StringBuilder b, String s, int from, int to, char quote) {
        for (int i = from; i < to; ) {
            int cp = s.codePointAt(i);
            int n = Character.charCount(cp);
            switch (cp) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 0 -> b.append("\\0");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (cp == quote) {
                        b.append('\\').append(quote);
                    } else if (needsEscape(cp)) {
                        b.append(String.format("\\u%04x", cp));
                    } else {
                        b.appendCodePoint(cp);
                    }
                }
            }
            i += n;
        }
    }

    /**
     * Controls (C0, DEL, C1 incl. NEL), line/paragraph separators, format characters (bidi overrides,
     * zero-width) and lone surrogates: anything that could break a line or make text read differently.
     */
    private static boolean needsEscape(int cp) {
        if (Character.isISOControl(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.SURROGATE
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.FORMAT;
    }
}

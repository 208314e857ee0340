package org.nlbridge.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader for the thin client's answers ({@link StatusJson}): a document becomes a {@code Map} (object,
 * keys in order), {@code List}, {@code String}, {@code Long} or {@code Double}, {@code Boolean} or null. Jackson is
 * hundreds of classes, more than the rest of a {@code status -H} loads; the requests and every other answer keep
 * using {@link ApiJson}. Malformed input (trailing tokens, duplicate keys, nesting deeper than 32) is an
 * {@link IllegalArgumentException} saying where.
 */
final class JsonText {
    private static final int MAX_DEPTH = 32;

    private final String s;
    private int i;

    private JsonText(String s) {
        this.s = s;
    }

    static Object parse(byte[] doc) {
        JsonText p = new JsonText(new String(doc, StandardCharsets.UTF_8));
        Object v = p.value(0);
        p.space();
        if (p.i != p.s.length()) throw p.error("trailing characters");
        return v;
    }

    /** The string member {@code key} of the object {@code doc}, or null (absent, not a string, not JSON). */
    static String member(byte[] doc, String key) {
        try {
            return parse(doc) instanceof Map<?, ?> m && m.get(key) instanceof String v ? v : null;
        } catch (IllegalArgumentException notJson) {
            return null;
        }
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH);
        space();
        if (i >= s.length()) throw error("unexpected end");
        char c = s.charAt(i);
        switch (c) {
            case '{' -> {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                if (next('}')) return m;
                do {
                    space();
                    if (i >= s.length() || s.charAt(i) != '"') throw error("expected a key");
                    String k = string();
                    if (!next(':')) throw error("expected ':'");
                    if (m.containsKey(k)) throw error("duplicate key \"" + k + "\"");
                    m.put(k, value(depth + 1));
                } while (next(','));
                if (!next('}')) throw error("expected ',' or '}'");
                return m;
            }
            case '[' -> {
                i++;
                List<Object> l = new ArrayList<>();
                if (next(']')) return l;
                do {
                    l.add(value(depth + 1));
                } while (next(','));
                if (!next(']')) throw error("expected ',' or ']'");
                return l;
            }
            case '"' -> {
                return string();
            }
            default -> {
                if (s.startsWith("true", i)) return word(4, Boolean.TRUE);
                if (s.startsWith("false", i)) return word(5, Boolean.FALSE);
                if (s.startsWith("null", i)) return word(4, null);
                return number();
            }
        }
    }

    private Object word(int length, Object v) {
        i += length;
        return v;
    }

    private Object number() {
        int start = i;
        if (i < s.length() && s.charAt(i) == '-') i++;
        int digits = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        if (i == digits) throw error("unexpected character");
        boolean integral = true;
        while (i < s.length() && ".eE+-0123456789".indexOf(s.charAt(i)) >= 0) {
            integral = false;
            i++;
        }
        String n = s.substring(start, i);
        if (n.length() > 32) throw error("number too long");
        try {
            return integral ? (Object) Long.parseLong(n) : (Object) Double.parseDouble(n);
        } catch (NumberFormatException e) {
            throw error("not a number: " + n);
        }
    }

    private String string() {
        StringBuilder b = new StringBuilder();
        i++;
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '"') return b.toString();
            if (c < 0x20) throw error("control character in a string");
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) break;
            char e = s.charAt(i++);
            int simple = "\"\\/bfnrt".indexOf(e);
            if (simple >= 0) {
                b.append("\"\\/\b\f\n\r\t".charAt(simple));
            } else if (e == 'u' && i + 4 <= s.length() && s.charAt(i) != '+' && s.charAt(i) != '-') {
                try {
                    b.append((char) Integer.parseInt(s, i, i + 4, 16));
                } catch (NumberFormatException x) {
                    throw error("bad \\u escape");
                }
                i += 4;
            } else {
                throw error("bad escape \\" + e);
            }
        }
        throw error("unterminated string");
    }

    private boolean next(char c) {
        space();
        if (i < s.length() && s.charAt(i) == c) {
            i++;
            return true;
        }
        return false;
    }

    private void space() {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) i++;
    }

    private IllegalArgumentException error(String why) {
        return new IllegalArgumentException(why + " at character " + i);
    }
}

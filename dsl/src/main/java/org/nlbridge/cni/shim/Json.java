package org.nlbridge.cni.shim;

import java.nio.charset.StandardCharsets;

/**
 * The little JSON the plugin executable needs, without a library: one top-level string member of an object
 * (the config's {@code cniVersion} and {@code socket}), and quoting. Everything else about the document is the
 * daemon's to judge; here a malformed document simply has no such member.
 */
final class Json {
    private Json() {}

    /** The string value of {@code key} in the top-level object of {@code doc}; null if absent, not a string or malformed. */
    static String topLevelString(byte[] doc, String key) {
        String s = new String(doc, StandardCharsets.UTF_8);
        int[] pos = {skipSpace(s, 0)};
        if (pos[0] >= s.length() || s.charAt(pos[0]) != '{') return null;
        pos[0]++;
        while (true) {
            pos[0] = skipSpace(s, pos[0]);
            if (pos[0] >= s.length()) return null;
            char c = s.charAt(pos[0]);
            if (c == '}') return null;
            if (c == ',') {
                pos[0]++;
                continue;
            }
            if (c != '"') return null;
            String name = string(s, pos);
            if (name == null) return null;
            pos[0] = skipSpace(s, pos[0]);
            if (pos[0] >= s.length() || s.charAt(pos[0]) != ':') return null;
            pos[0] = skipSpace(s, pos[0] + 1);
            if (pos[0] >= s.length()) return null;
            if (name.equals(key)) return s.charAt(pos[0]) == '"' ? string(s, pos) : null;
            if (!skipValue(s, pos)) return null;
        }
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) i++;
        return i;
    }

    /** Reads the string starting at {@code pos[0]} (a quote); leaves pos after the closing quote. */
    private static String string(String s, int[] pos) {
        StringBuilder b = new StringBuilder();
        int i = pos[0] + 1;
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '"') {
                pos[0] = i;
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) return null;
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length()) return null;
                    try {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    } catch (NumberFormatException x) {
                        return null;
                    }
                    i += 4;
                }
                default -> {
                    return null;
                }
            }
        }
        return null;
    }

    /** Skips one value (string, number, literal, or a nested object/array with strings inside). */
    private static boolean skipValue(String s, int[] pos) {
        int depth = 0;
        int i = pos[0];
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"') {
                pos[0] = i;
                if (string(s, pos) == null) return false;
                i = pos[0];
                if (depth == 0) return true;
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    pos[0] = i;
                    return true;
                }
                depth--;
                if (depth == 0) {
                    pos[0] = i + 1;
                    return true;
                }
            } else if (depth == 0 && c == ',') {
                pos[0] = i;
                return true;
            }
            i++;
        }
        return false;
    }

    /** Appends {@code text} as a JSON string. */
    static void quote(StringBuilder b, String text) {
        b.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        String hex = Integer.toHexString(c);
                        b.append("\\u");
                        for (int k = hex.length(); k < 4; k++) b.append('0');
                        b.append(hex);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}

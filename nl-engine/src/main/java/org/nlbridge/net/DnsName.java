package org.nlbridge.net;

import java.util.Locale;

/**
 * A name the embedded DNS server answers for: a container name, a network alias, or {@code name.network}. Labels of
 * 1..63 letters, digits, '-' or '_' (container names such as {@code my_db} resolve in Docker), separated by '.', at
 * most 253 bytes; one trailing '.' (the fully qualified spelling) is accepted and dropped. DNS compares names
 * without regard to ASCII case, so equality does too; {@link #toString()} keeps the case as given. The same checks
 * keep the name safe for /etc/hosts, where the one-shot CLI writes it when no name server runs.
 */
public final class DnsName {

    /** The longest name in text form without the trailing dot (RFC 1035: 255 octets on the wire). */
    public static final int MAX_BYTES = 253;

    public static final String ACCEPTED = "a name like db, web_1 or db.backend (labels of 1..63 letters, digits, '-'"
            + " or '_' separated by '.', 253 bytes in all)";

    private final String name;
    private final String key;

    private DnsName(String name) {
        this.name = name;
        this.key = name.toLowerCase(Locale.ROOT);
    }

    public static DnsName parse(String field, String text) {
        ValidationException.requireValue(field, text, ACCEPTED);
        try {
            DnsNames.rejectUnsafe(text);
            if (text.equals(".")) {
                throw new Invalid("the root \".\" names no container");
            }
            String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
            if (name.length() > MAX_BYTES) {
                throw new Invalid(name.length() + " bytes, above the limit of " + MAX_BYTES);
            }
            checkLabels(name);
            return new DnsName(name);
        } catch (Invalid e) {
            throw ValidationException.of(field, text, e, ACCEPTED);
        }
    }

    /** Whether {@code text} would parse; for code that skips what cannot be a name (e.g. a legacy container name). */
    public static boolean isValid(String text) {
        try {
            parse("name", text);
            return true;
        } catch (ValidationException e) {
            return false;
        }
    }

    private static void checkLabels(String s) {
        if (s.charAt(0) == '.') {
            throw new Invalid("starts with '.'");
        }
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i < s.length() && s.charAt(i) != '.') {
                char c = s.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                    throw new Invalid("character " + Text.quoteChar(s, i)
                            + " not allowed (a label holds letters, digits, '-' and '_')");
                }
                continue;
            }
            if (i == start) {
                throw new Invalid("empty label (\"..\")");
            }
            if (i - start > DnsNames.MAX_LABEL) {
                throw new Invalid("label of " + (i - start) + " bytes, above the limit of " + DnsNames.MAX_LABEL);
            }
            start = i + 1;
        }
    }

    /** The name in lower case: what lookups compare. */
    public String key() {
        return key;
    }

    /** Whether the name has no '.', the form resolv.conf's {@code ndots} treats as relative. */
    public boolean isSingleLabel() {
        return name.indexOf('.') < 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DnsName d && d.key.equals(key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}

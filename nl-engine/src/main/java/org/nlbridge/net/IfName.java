package org.nlbridge.net;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A network interface name: 1..15 ASCII bytes (IFNAMSIZ is 16 with the NUL) from
 * {@code [A-Za-z0-9_.-]}, not starting with '-' (it would read as an option to ip(8)) or '.'.
 * The kernel's {@code dev_valid_name} refuses '/', ':' and whitespace; we are stricter so that names
 * are also safe in file paths, nft rules and logs ('%' would be a kernel name template like eth%d).
 *
 * <p>{@link #parse} is for names of interfaces that may already exist ({@code lo} is fine there);
 * {@link #parseNew} is for interfaces nlbridge creates and additionally refuses {@code all} and
 * {@code default}, which collide with {@code /proc/sys/net/ipv4/conf/{all,default}}, and {@code lo}.
 */
public final class IfName {

    /** IFNAMSIZ minus the terminating NUL. */
    public static final int MAX_BYTES = 15;

    public static final String ACCEPTED = "an interface name of 1..15 bytes from A-Z a-z 0-9 _ . -,"
            + " not starting with '-' or '.'";
    public static final String ACCEPTED_NEW = ACCEPTED + ", other than all, default and lo";

    private final String name;
    private final byte[] ascii;

    private IfName(String name) {
        this.name = name;
        this.ascii = name.getBytes(StandardCharsets.US_ASCII);
    }

    /** A name that may refer to an existing interface. */
    public static IfName parse(String field, String text) {
        ValidationException.requireValue(field, text, ACCEPTED);
        try {
            return new IfName(check(text));
        } catch (Invalid e) {
            throw ValidationException.of(field, text, e, ACCEPTED);
        }
    }

    /** A name for an interface nlbridge creates: also refuses {@code all}, {@code default} and {@code lo}. */
    public static IfName parseNew(String field, String text) {
        ValidationException.requireValue(field, text, ACCEPTED_NEW);
        try {
            String name = check(text);
            switch (name) {
                case "all", "default" -> throw new Invalid(Text.quote(name)
                        + " is reserved: it collides with /proc/sys/net/ipv4/conf/" + name);
                case "lo" -> throw new Invalid("\"lo\" is the loopback interface of every namespace");
                default -> { }
            }
            return new IfName(name);
        } catch (Invalid e) {
            throw ValidationException.of(field, text, e, ACCEPTED_NEW);
        }
    }

    private static String check(String s) {
        if (s.isEmpty()) {
            throw new Invalid("empty");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0x7F) {
                throw new Invalid("non-ASCII character " + Text.quoteChar(s, i));
            }
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '_' || c == '.' || c == '-';
            if (!ok) {
                throw new Invalid("character " + Text.quoteChar(s, i) + " not allowed");
            }
        }
        if (s.equals(".") || s.equals("..")) {
            throw new Invalid("\".\" and \"..\" are directory names");
        }
        if (s.charAt(0) == '-' || s.charAt(0) == '.') {
            throw new Invalid("starts with " + Text.quoteChar(s, 0));
        }
        if (s.length() > MAX_BYTES) {
            throw new Invalid(s.length() + " bytes, above the limit of " + MAX_BYTES
                    + " (IFNAMSIZ 16 includes the NUL)");
        }
        return s;
    }

    /** Length in bytes without the NUL. */
    public int byteLength() {
        return ascii.length;
    }

    /** Writes the name and a NUL ({@link #byteLength()} + 1 bytes) at {@code offset}; allocates nothing. */
    public void writeTo(MemorySegment segment, long offset) {
        for (int i = 0; i < ascii.length; i++) {
            segment.set(ValueLayout.JAVA_BYTE, offset + i, ascii[i]);
        }
        segment.set(ValueLayout.JAVA_BYTE, offset + ascii.length, (byte) 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IfName n && n.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}

package org.nlbridge.rtnl;

import org.nlbridge.net.IfName;
import org.nlbridge.net.Mtu;
import org.nlbridge.net.ValidationException;

/** Input checks shared by the specs and verbs, each naming its field; all run before anything is encoded or sent. */
final class Checks {
    private Checks() {}

    /** {@code IFALIASZ} is 256 with the NUL. */
    static final int ALIAS_MAX = 255;
    static final String ALIAS_ACCEPTED = "1.." + ALIAS_MAX + " printable ASCII characters, e.g. nlbridge:net-1";

    /** A name for a link we create: {@link IfName#parseNew}. */
    static IfName newName(String field, String text) {
        return IfName.parseNew(field, text);
    }

    /** A name of a link that may already exist: {@link IfName#parse}. */
    static IfName name(String field, String text) {
        return IfName.parse(field, text);
    }

    static Mtu mtu(String field, int value) {
        return Mtu.parse(field, Integer.toString(value));
    }

    static int index(String field, int index) {
        if (index <= 0) {
            throw new ValidationException(field, Integer.toString(index), "not an interface index",
                    "a positive interface index");
        }
        return index;
    }

    /**
     * An interface alias ({@code IFLA_IFALIAS}), e.g. the ownership marker {@code nlbridge:<owner>}: printable ASCII
     * only, so it stays one line in {@code ip link} output and logs.
     */
    static String alias(String field, String text) {
        if (text == null) {
            throw new ValidationException(field, null, "no value given", ALIAS_ACCEPTED);
        }
        if (text.isEmpty()) {
            throw new ValidationException(field, text, "empty", ALIAS_ACCEPTED);
        }
        if (text.length() > ALIAS_MAX) {
            throw new ValidationException(field, text, text.length() + " characters, above the limit of " + ALIAS_MAX
                    + " (IFALIASZ 256 includes the NUL)", ALIAS_ACCEPTED);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new ValidationException(field, text, String.format("character U+%04X at index %d not allowed",
                        (int) c, i), ALIAS_ACCEPTED);
            }
        }
        return text;
    }

    static int u8(String field, int value) {
        if (value < 0 || value > 255) {
            throw new ValidationException(field, Integer.toString(value), "outside 0..255", "an integer 0..255");
        }
        return value;
    }
}

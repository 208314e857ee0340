package org.nlbridge.nft;

import java.nio.charset.StandardCharsets;

import org.nlbridge.net.ValidationException;

/**
 * Checks for the names and comments the engine sends. Kernel limits: a table, chain or set name is an
 * {@code NLA_STRING} of at most {@code NFT_NAME_MAXLEN - 1} = 255 bytes; userdata (which holds a comment) is at
 * most {@code NFT_USERDATA_MAXLEN} = 256 bytes. nft itself refuses comments over 128 bytes
 * ({@code NFTNL_UDATA_COMMENT_MAXLEN}), so we keep to that, and we keep names to a charset nft prints without
 * quoting, so the text listing can never be made to say something else.
 */
public final class NftNames {
    private NftNames() {}

    /** {@code NFT_NAME_MAXLEN} counts the NUL. */
    public static final int MAX_NAME_BYTES = 255;
    /** nft's {@code NFTNL_UDATA_COMMENT_MAXLEN}; the kernel's userdata limit of 256 bytes also holds the TLV header. */
    public static final int MAX_COMMENT_BYTES = 128;

    static final String ACCEPTED_NAME = "1..255 bytes from A-Z a-z 0-9 _ . -, starting with a letter or _";
    static final String ACCEPTED_COMMENT = "at most 128 bytes of printable text without '\"' or '\\'";

    /** Checks a table, chain or set name. */
    public static String name(String field, String name) {
        if (name == null) throw new ValidationException(field, null, "no value given", ACCEPTED_NAME);
        if (name.isEmpty()) throw new ValidationException(field, name, "empty", ACCEPTED_NAME);
        int n = name.length();
        if (n > MAX_NAME_BYTES) {
            throw new ValidationException(field, name, n + " bytes is longer than the kernel's " + MAX_NAME_BYTES
                    + "-byte limit (NFT_NAME_MAXLEN 256 with the NUL)", ACCEPTED_NAME);
        }
        char first = name.charAt(0);
        if (!(isLetter(first) || first == '_')) {
            throw new ValidationException(field, name, "starts with " + describe(first), ACCEPTED_NAME);
        }
        for (int i = 1; i < n; i++) {
            char c = name.charAt(i);
            if (!(isLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) {
                throw new ValidationException(field, name, "contains " + describe(c) + " at index " + i, ACCEPTED_NAME);
            }
        }
        return name;
    }

    /** Checks a comment; null means none. */
    public static String comment(String field, String comment) {
        if (comment == null) return null;
        int bytes = comment.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_COMMENT_BYTES) {
            throw new ValidationException(field, comment, bytes + " bytes is longer than nft's " + MAX_COMMENT_BYTES
                    + "-byte comment limit", ACCEPTED_COMMENT);
        }
        for (int i = 0; i < comment.length(); i++) {
            char c = comment.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\' || Character.isSurrogate(c) && !validPair(comment, i)) {
                throw new ValidationException(field, comment, "contains " + describe(c) + " at index " + i,
                        ACCEPTED_COMMENT);
            }
            if (Character.isHighSurrogate(c)) i++;
        }
        return comment;
    }

    private static boolean validPair(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static String describe(char c) {
        if (c >= 0x20 && c < 0x7f) return "'" + c + "'";
        return String.format("U+%04X", (int) c);
    }
}

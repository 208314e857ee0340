package org.nlbridge.net;

/**
 * Text forms of IP addresses, both directions. Parsing is literal-only by design: no DNS, no
 * {@code InetAddress}, and none of the legacy forms ({@code 10.1}, {@code 010.0.0.1}, {@code 0x0a.0.0.1},
 * a bare integer) that {@code inet_aton} and the JDK reinterpret into a different address than the
 * user meant (CVE-2021-29923 is this class of bug). Failures throw {@link Invalid} with a reason only.
 */
final class IpLiterals {

    private IpLiterals() {}

    /** Dispatches on ':' which only IPv6 text contains. */
    static IpAddress parseAny(String s) {
        return s.indexOf(':') >= 0 ? parseIpv6(s) : Ipv4Address.of(parseIpv4(s));
    }

    /** Exactly four decimal parts 0..255 without leading zeros; the address as a big-endian int. */
    static int parseIpv4(String s) {
        rejectEmptyOrSpaced(s);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                throw nonDecimal(s, i);
            }
        }
        int parts = 1;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '.') {
                parts++;
            }
        }
        if (parts != 4) {
            throw new Invalid(parts + (parts == 1 ? " part" : " parts") + "; an IPv4 address has exactly 4");
        }
        int value = 0;
        int start = 0;
        for (int p = 0; p < 4; p++) {
            int end = p == 3 ? s.length() : s.indexOf('.', start);
            value = value << 8 | ipv4Part(s, start, end);
            start = end + 1;
        }
        return value;
    }

    private static int ipv4Part(String s, int start, int end) {
        if (start == end) {
            throw new Invalid("empty part");
        }
        String part = s.substring(start, end);
        if (part.length() > 1 && part.charAt(0) == '0') {
            throw new Invalid("leading zero in part " + Text.quote(part) + " (it could be read as octal)");
        }
        int v = part.length() > 3 ? 256 : Integer.parseInt(part); // digits only, checked by the caller
        if (v > 255) {
            throw new Invalid("part " + Text.quote(part) + " above 255");
        }
        return v;
    }

    /** The most helpful reason for a character that is neither a digit nor a '.' in IPv4 text. */
    private static Invalid nonDecimal(String s, int i) {
        for (String part : s.split("\\.", -1)) {
            if (part.length() > 2 && part.charAt(0) == '0' && (part.charAt(1) | 0x20) == 'x') {
                return new Invalid("hexadecimal part " + Text.quote(part) + "; only decimal parts are accepted");
            }
        }
        if (s.indexOf(':') >= 0 && isIpv6(s)) {
            return new Invalid("an IPv6 address where IPv4 is required");
        }
        return unexpected(s, i);
    }

    /** RFC 4291 section 2.2 text: up to 8 hex groups, one optional "::", an optional dotted IPv4 tail. */
    static Ipv6Address parseIpv6(String s) {
        rejectEmptyOrSpaced(s);
        int zone = s.indexOf('%');
        if (zone >= 0) {
            throw new Invalid("zone index " + Text.quote(s.substring(zone))
                    + " is not accepted; give the interface separately");
        }
        if (s.indexOf('[') >= 0 || s.indexOf(']') >= 0) {
            throw new Invalid("brackets are not part of an address");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ':' && c != '.' && Digits.hex(c) < 0) {
                throw unexpected(s, i);
            }
        }
        if (s.indexOf(':') < 0) {
            throw new Invalid(isIpv4(s) ? "an IPv4 address where IPv6 is required"
                    : "no ':'; an IPv6 address has groups separated by ':'");
        }
        if (s.contains(":::")) {
            throw new Invalid("\":::\" is not valid");
        }
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            throw new Invalid("more than one \"::\"");
        }
        if (s.charAt(0) == ':' && gap != 0) {
            throw new Invalid("starts with a single ':'");
        }
        if (s.charAt(s.length() - 1) == ':' && gap != s.length() - 2) {
            throw new Invalid("ends with a single ':'");
        }
        // every group takes at least 2 chars with its ':', so this bounds the count; checked below
        int[] g = new int[s.length() / 2 + 2];
        int n;
        int before = 0; // groups written before "::"
        if (gap < 0) {
            n = groups(s, 0, s.length(), g, 0, true);
        } else {
            before = groups(s, 0, gap, g, 0, false);
            n = groups(s, gap + 2, s.length(), g, before, true);
        }
        String count = n + " groups" + (s.indexOf('.') >= 0 ? " (the IPv4 tail counts as 2)" : "");
        if (gap < 0 && n != 8) {
            throw new Invalid(count + "; an IPv6 address has 8, or fewer with \"::\"");
        }
        if (gap >= 0 && n > 7) {
            throw new Invalid(count + " besides \"::\"; at most 7 fit");
        }
        int[] full = new int[8];
        System.arraycopy(g, 0, full, 0, before);
        System.arraycopy(g, before, full, 8 - (n - before), n - before);
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 4; i++) {
            hi = hi << 16 | full[i];
            lo = lo << 16 | full[i + 4];
        }
        return Ipv6Address.of(hi, lo);
    }

    /**
     * Reads the ':'-separated groups of {@code s[from, to)} into {@code out} from index {@code at} and
     * returns the index after the last one written; an IPv4 tail fills two 16-bit groups.
     */
    private static int groups(String s, int from, int to, int[] out, int at, boolean mayEndInIpv4) {
        int n = at;
        for (int start = from; start < to; ) {
            int colon = s.indexOf(':', start);
            int end = colon < 0 || colon >= to ? to : colon;
            String group = s.substring(start, end);
            if (group.indexOf('.') >= 0) {
                if (end != to || !mayEndInIpv4) {
                    throw new Invalid("an embedded IPv4 address must be the last part");
                }
                int v4 = parseEmbeddedIpv4(group);
                out[n++] = v4 >>> 16;
                out[n++] = v4 & 0xFFFF;
            } else if (group.isEmpty()) {
                throw new Invalid("empty group");
            } else if (group.length() > 4) {
                throw new Invalid("group " + Text.quote(group) + " has more than 4 hex digits");
            } else {
                out[n++] = Integer.parseInt(group, 16);
            }
            start = end + 1;
        }
        return n;
    }

    private static int parseEmbeddedIpv4(String group) {
        try {
            return parseIpv4(group);
        } catch (Invalid e) {
            throw new Invalid("embedded IPv4 address " + Text.quote(group) + ": " + e.reason());
        }
    }

    private static void rejectEmptyOrSpaced(String s) {
        if (s.isEmpty()) {
            throw new Invalid("empty");
        }
        if (isSpace(s.charAt(0)) || isSpace(s.charAt(s.length() - 1))) {
            throw new Invalid("leading or trailing whitespace");
        }
        for (int i = 0; i < s.length(); i++) {
            if (isSpace(s.charAt(i))) {
                throw new Invalid("contains whitespace");
            }
        }
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static Invalid unexpected(String s, int i) {
        if (looksLikeHostName(s)) {
            return new Invalid("looks like a host name; only IP literals are accepted, names are never resolved");
        }
        return new Invalid("unexpected character " + Text.quoteChar(s, i));
    }

    /** Only letters, digits, '-' and '.', and at least one letter. */
    private static boolean looksLikeHostName(String s) {
        boolean letter = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean isLetter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
            if (!isLetter && (c < '0' || c > '9') && c != '-' && c != '.') {
                return false;
            }
            letter |= isLetter;
        }
        return letter;
    }

    private static boolean isIpv4(String s) {
        try {
            parseIpv4(s);
            return true;
        } catch (Invalid e) {
            return false;
        }
    }

    private static boolean isIpv6(String s) {
        try {
            parseIpv6(s);
            return true;
        } catch (Invalid e) {
            return false;
        }
    }

    static String formatIpv4(int v) {
        return (v >>> 24) + "." + (v >>> 16 & 0xFF) + "." + (v >>> 8 & 0xFF) + "." + (v & 0xFF);
    }

    /**
     * RFC 5952: lower-case hex without leading zeros; the longest run of two or more zero groups (the
     * first of equal runs) becomes "::"; IPv4-mapped addresses keep their dotted tail (section 5).
     */
    static String formatIpv6(long hi, long lo) {
        if (hi == 0 && lo >>> 32 == 0xFFFF) {
            return "::ffff:" + formatIpv4((int) lo);
        }
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            g[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLen = 1; // a single zero group is written as 0, never as ::
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder b = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLen - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(Integer.toHexString(g[i]));
        }
        return b.toString();
    }
}

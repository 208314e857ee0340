package org.nlbridge.resolver;

import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.xbill.DNS.Name;

/**
 * The address a PTR query name stands for: {@code d.c.b.a.in-addr.arpa.} (four decimal labels 0..255 without
 * leading zeros) or {@code <32 hex nibbles, lowest first>.ip6.arpa.}. Anything else (a partial name, a leading
 * zero, an upper-case nibble is fine, DNS is case-insensitive) is not an address and so not answered here.
 */
final class ReverseNames {

    private static final Name IN_ADDR = Name.fromConstantString("in-addr.arpa.");
    private static final Name IP6 = Name.fromConstantString("ip6.arpa.");

    private ReverseNames() {}

    /** The address, or null if {@code name} is not a complete reverse name. */
    static IpAddress address(Name name) {
        int labels = name.labels(); // the root label counts
        if (labels == 7 && name.subdomain(IN_ADDR)) return ipv4(name);
        if (labels == 35 && name.subdomain(IP6)) return ipv6(name);
        return null;
    }

    private static IpAddress ipv4(Name name) {
        int value = 0;
        for (int i = 3; i >= 0; i--) {
            String label = name.getLabelString(i);
            int octet = octet(label);
            if (octet < 0) return null;
            value = value << 8 | octet;
        }
        return Ipv4Address.of(value);
    }

    /** 0..255 in decimal without leading zeros, else -1. */
    private static int octet(String s) {
        if (s.isEmpty() || s.length() > 3 || s.length() > 1 && s.charAt(0) == '0') return -1;
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v <= 255 ? v : -1;
    }

    private static IpAddress ipv6(Name name) {
        long high = 0;
        long low = 0;
        for (int i = 31; i >= 0; i--) { // label 31 is the first nibble of the address
            String label = name.getLabelString(i);
            if (label.length() != 1) return null;
            int nibble = Character.digit(label.charAt(0), 16);
            if (nibble < 0) return null;
            high = high << 4 | low >>> 60;
            low = low << 4 | nibble;
        }
        return Ipv6Address.of(high, low);
    }
}

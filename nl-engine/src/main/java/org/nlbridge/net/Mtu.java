package org.nlbridge.net;

/** A link MTU, 68..65535 (68 is the IPv4 minimum of RFC 791; 65535 the largest the field can carry). */
public final class Mtu {

    public static final int MIN = 68;
    public static final int MAX = 65535;
    /** RFC 8200 minimum link MTU; below it the kernel turns IPv6 off on the link. */
    public static final int IPV6_MIN = 1280;

    public static final String ACCEPTED = "an integer " + MIN + ".." + MAX;
    public static final String ACCEPTED_IPV6 = "an integer " + IPV6_MIN + ".." + MAX + " on a network with IPv6";

    private final int value;

    private Mtu(int value) {
        this.value = value;
    }

    public static Mtu parse(String field, String text) {
        ValidationException.requireValue(field, text, ACCEPTED);
        try {
            int v = Digits.parseDecimal(text);
            if (v < MIN) {
                throw new Invalid("below the IPv4 minimum " + MIN);
            }
            if (v > MAX) {
                throw new Invalid("above the maximum " + MAX);
            }
            return new Mtu(v);
        } catch (Invalid e) {
            throw ValidationException.of(field, text, e, ACCEPTED);
        }
    }

    public static Mtu of(int value) {
        if (value < MIN || value > MAX) {
            throw new IllegalArgumentException("MTU " + value + " outside " + MIN + ".." + MAX);
        }
        return new Mtu(value);
    }

    /** Returns this MTU if IPv6 can run over it; {@code field} names it in the error. */
    public Mtu requireIpv6(String field) {
        if (value < IPV6_MIN) {
            throw new ValidationException(field, toString(),
                    "the kernel disables IPv6 on links below " + IPV6_MIN, ACCEPTED_IPV6);
        }
        return this;
    }

    public int value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mtu m && m.value == value;
    }

    @Override
    public int hashCode() {
        return value;
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}

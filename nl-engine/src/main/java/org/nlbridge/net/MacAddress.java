package org.nlbridge.net;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.random.RandomGenerator;

/**
 * A 48-bit Ethernet address. Text is exactly six two-digit hex groups separated by ':' (either case,
 * printed lower-case); '-' and '.' notations are refused so that one spelling is used everywhere.
 */
public final class MacAddress {

    public static final String ACCEPTED = "a MAC address like 02:42:ac:11:00:02 (six two-digit hex groups separated by ':')";
    public static final String ACCEPTED_UNICAST = "a unicast MAC address like 02:42:ac:11:00:02"
            + " (six two-digit hex groups separated by ':', lowest bit of the first octet clear)";

    private static final long BITS = 0xFFFF_FFFF_FFFFL;
    /** I/G bit: set for multicast and broadcast. */
    private static final long GROUP = 0x01L << 40;
    /** U/L bit: set when the address was not assigned by a vendor. */
    private static final long LOCAL = 0x02L << 40;

    private final long value;

    private MacAddress(long value) {
        this.value = value;
    }

    public static MacAddress parse(String field, String text) {
        ValidationException.requireValue(field, text, ACCEPTED);
        try {
            return new MacAddress(parseText(text));
        } catch (Invalid e) {
            throw ValidationException.of(field, text, e, ACCEPTED);
        }
    }

    /** For {@code --mac-address}: also refuses multicast, broadcast and all-zero, which no interface can own. */
    public static MacAddress parseUnicast(String field, String text) {
        ValidationException.requireValue(field, text, ACCEPTED_UNICAST);
        try {
            MacAddress mac = new MacAddress(parseText(text));
            if (mac.isZero()) {
                throw new Invalid("the all-zero address is not a valid interface address");
            }
            if (mac.value == BITS) {
                throw new Invalid("the broadcast address is not a valid interface address");
            }
            if (!mac.isUnicast()) {
                throw new Invalid("multicast address (lowest bit of the first octet set)");
            }
            return mac;
        } catch (Invalid e) {
            throw ValidationException.of(field, text, e, ACCEPTED_UNICAST);
        }
    }

    private static long parseText(String s) {
        if (s.isEmpty()) {
            throw new Invalid("empty");
        }
        if (s.indexOf(':') < 0 && (s.indexOf('-') >= 0 || s.indexOf('.') >= 0)) {
            throw new Invalid("only ':' is accepted as separator");
        }
        String[] groups = s.split(":", -1);
        if (groups.length != 6) {
            throw new Invalid(groups.length + (groups.length == 1 ? " group" : " groups") + "; a MAC address has 6");
        }
        long v = 0;
        for (String g : groups) {
            if (g.length() != 2 || Digits.hex(g.charAt(0)) < 0 || Digits.hex(g.charAt(1)) < 0) {
                throw new Invalid("group " + Text.quote(g) + " is not two hex digits");
            }
            v = v << 8 | Digits.hex(g.charAt(0)) << 4 | Digits.hex(g.charAt(1));
        }
        return v;
    }

    /** From the 48 bits in the low end of {@code value}, first octet most significant. */
    public static MacAddress of(long value) {
        if ((value & ~BITS) != 0) {
            throw new IllegalArgumentException("a MAC address has 48 bits: " + Long.toHexString(value));
        }
        return new MacAddress(value);
    }

    public static MacAddress of(byte[] bytes) {
        if (bytes.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, not " + bytes.length);
        }
        return readFrom(MemorySegment.ofArray(bytes), 0);
    }

    public static MacAddress readFrom(MemorySegment segment, long offset) {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = v << 8 | segment.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF;
        }
        return new MacAddress(v);
    }

    /**
     * A locally administered unicast address with 46 random bits, as Docker ≥ 28 assigns by default:
     * vendor-free, so it cannot collide with a real NIC, and never a group address.
     */
    public static MacAddress random(RandomGenerator random) {
        return new MacAddress(random.nextLong() & BITS & ~GROUP | LOCAL);
    }

    /**
     * The process's SecureRandom for {@link #random}, made when the first number is drawn: making one sets up the
     * JDK's security providers (≈ 8 ms), which a command that draws none (status) should not pay for.
     */
    public static RandomGenerator secureRandom() {
        return STRONG;
    }

    private static final RandomGenerator STRONG = () -> Strong.RANDOM.nextLong();

    private static final class Strong {
        static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    }

    /** Classic Docker: {@code 02:42:} followed by the four IPv4 bytes, so the MAC follows the address. */
    public static MacAddress fromIpv4(Ipv4Address address) {
        return new MacAddress(0x0242L << 32 | Integer.toUnsignedLong(address.toInt()));
    }

    /** The 48 bits, first octet most significant. */
    public long toLong() {
        return value;
    }

    public byte[] bytes() {
        byte[] b = new byte[6];
        writeTo(MemorySegment.ofArray(b), 0);
        return b;
    }

    /** Writes the 6 bytes at {@code offset}; allocates nothing. */
    public void writeTo(MemorySegment segment, long offset) {
        for (int i = 0; i < 6; i++) {
            segment.set(ValueLayout.JAVA_BYTE, offset + i, (byte) (value >>> (40 - 8 * i)));
        }
    }

    public boolean isUnicast() {
        return (value & GROUP) == 0;
    }

    public boolean isLocallyAdministered() {
        return (value & LOCAL) != 0;
    }

    public boolean isZero() {
        return value == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress m && m.value == value;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            int octet = (int) (value >>> (40 - 8 * i)) & 0xFF;
            if (i > 0) {
                b.append(':');
            }
            b.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
        }
        return b.toString();
    }
}

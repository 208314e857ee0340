package org.nlbridge.net;

import java.math.BigInteger;

/**
 * An address with a prefix length. Two ways in, because the two meanings must not be confused:
 * <ul>
 *   <li>{@link #parseSubnet} for a network ({@code --subnet}, {@code --fixed-cidr}): host bits set is an
 *       error that suggests the network, never silently masked (vishvananda's {@code ParseIPNet} keeps
 *       them, which is how {@code 10.0.0.1/24} ends up as a route to a host);</li>
 *   <li>{@link #parseInterface} for an interface address ({@code --bip 172.17.42.1/16}), where the host
 *       part is the point.</li>
 * </ul>
 * There is deliberately no plain {@code parse}: every caller has to say which one it means.
 * Equality includes the host bits, so {@code 10.0.0.1/24} and {@code 10.0.0.0/24} differ.
 */
public final class Cidr {

    public static final String ACCEPTED_SUBNET = "a subnet like 10.0.0.0/24 or fd00::/64"
            + " (network address without host bits, prefix 0..32 for IPv4, 0..128 for IPv6)";
    public static final String ACCEPTED_INTERFACE = "an address with prefix length like 172.17.42.1/16"
            + " or fd00::1/64 (prefix 0..32 for IPv4, 0..128 for IPv6)";

    private final IpAddress address;
    private final int prefixLength;

    private Cidr(IpAddress address, int prefixLength) {
        this.address = address;
        this.prefixLength = prefixLength;
    }

    /** A network: {@code 10.0.0.0/24}; {@code 10.0.0.1/24} is refused with "did you mean 10.0.0.0/24?". */
    public static Cidr parseSubnet(String field, String text) {
        ValidationException.requireValue(field, text, ACCEPTED_SUBNET);
        try {
            Cidr c = parseText(text);
            if (c.hasHostBits()) {
                throw new Invalid("host bits set; did you mean " + c.subnet() + "?");
            }
            return c;
        } catch (Invalid e) {
            throw ValidationException.of(field, text, e, ACCEPTED_SUBNET);
        }
    }

    /** An interface address with its prefix: {@code 172.17.42.1/16}; host bits are kept. */
    public static Cidr parseInterface(String field, String text) {
        ValidationException.requireValue(field, text, ACCEPTED_INTERFACE);
        try {
            return parseText(text);
        } catch (Invalid e) {
            throw ValidationException.of(field, text, e, ACCEPTED_INTERFACE);
        }
    }

    /** Host bits are kept; use {@link #subnet()} for the network. */
    public static Cidr of(IpAddress address, int prefixLength) {
        if (prefixLength < 0 || prefixLength > address.bitLength()) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " outside 0.." + address.bitLength());
        }
        return new Cidr(address, prefixLength);
    }

    private static Cidr parseText(String s) {
        if (s.isEmpty()) {
            throw new Invalid("empty");
        }
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw new Invalid("missing \"/<prefix length>\"");
        }
        String addressText = s.substring(0, slash);
        IpAddress address;
        try {
            address = IpLiterals.parseAny(addressText);
        } catch (Invalid e) {
            throw new Invalid("address " + Text.quote(addressText) + ": " + e.reason());
        }
        String prefixText = s.substring(slash + 1);
        int prefix;
        try {
            prefix = Digits.parseDecimal(prefixText);
        } catch (Invalid e) {
            throw new Invalid("prefix length " + Text.quote(prefixText) + ": " + e.reason());
        }
        if (prefix > address.bitLength()) {
            String family = address instanceof Ipv4Address ? "IPv4" : "IPv6";
            throw new Invalid("prefix length " + Text.quote(prefixText) + " above the " + family
                    + " maximum " + address.bitLength());
        }
        return new Cidr(address, prefix);
    }

    /** The address as given, host bits included. */
    public IpAddress address() {
        return address;
    }

    public int prefixLength() {
        return prefixLength;
    }

    public int family() {
        return address.family();
    }

    /** Bits after the prefix: 8 for a /24. */
    public int hostBits() {
        return address.bitLength() - prefixLength;
    }

    /** Number of addresses covered, network and broadcast included (2^128 for ::/0, hence BigInteger). */
    public BigInteger size() {
        return BigInteger.ONE.shiftLeft(hostBits());
    }

    public boolean hasHostBits() {
        return !address.equals(network());
    }

    /** The network this address is in: {@code 172.17.42.1/16} gives {@code 172.17.0.0/16}. */
    public Cidr subnet() {
        return hasHostBits() ? new Cidr(network(), prefixLength) : this;
    }

    /** The first address (host bits zero). */
    public IpAddress network() {
        return switch (address) {
            case Ipv4Address a -> Ipv4Address.of(a.toInt() & mask32(prefixLength));
            case Ipv6Address a -> Ipv6Address.of(a.high() & maskHigh(prefixLength), a.low() & maskLow(prefixLength));
        };
    }

    /** The last address (host bits one). */
    public IpAddress last() {
        return switch (address) {
            case Ipv4Address a -> Ipv4Address.of(a.toInt() | ~mask32(prefixLength));
            case Ipv6Address a -> Ipv6Address.of(a.high() | ~maskHigh(prefixLength), a.low() | ~maskLow(prefixLength));
        };
    }

    /**
     * The IPv4 broadcast address, i.e. {@link #last()}. For a /31 or /32 there is no broadcast in
     * practice (RFC 3021); callers that hand out addresses decide what that means for them.
     *
     * @throws UnsupportedOperationException for IPv6, which has no broadcast
     */
    public Ipv4Address broadcast() {
        if (!(address instanceof Ipv4Address a)) {
            throw new UnsupportedOperationException("IPv6 has no broadcast address (" + this + ")");
        }
        return Ipv4Address.of(a.toInt() | ~mask32(prefixLength));
    }

    /** The netmask as an address: 255.255.255.0 for a /24, ffff:ffff:ffff:ffff:: for a /64. */
    public IpAddress mask() {
        return switch (address) {
            case Ipv4Address _ -> Ipv4Address.of(mask32(prefixLength));
            case Ipv6Address _ -> Ipv6Address.of(maskHigh(prefixLength), maskLow(prefixLength));
        };
    }

    /** Same family and inside the prefix. Allocates nothing, as IPAM calls it in loops. */
    public boolean contains(IpAddress other) {
        return switch (address) {
            case Ipv4Address a -> other instanceof Ipv4Address b
                    && ((a.toInt() ^ b.toInt()) & mask32(prefixLength)) == 0;
            case Ipv6Address a -> other instanceof Ipv6Address b
                    && ((a.high() ^ b.high()) & maskHigh(prefixLength)) == 0
                    && ((a.low() ^ b.low()) & maskLow(prefixLength)) == 0;
        };
    }

    /** Every address of {@code other} is in this one (host bits of either are ignored). */
    public boolean contains(Cidr other) {
        return other.prefixLength >= prefixLength && contains(other.address);
    }

    /** At least one address in common: prefixes nest or are disjoint, so the shorter decides. */
    public boolean overlaps(Cidr other) {
        return prefixLength <= other.prefixLength ? contains(other.address) : other.contains(address);
    }

    private static int mask32(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix); // shifts are mod 32, so /0 needs its own case
    }

    private static long maskHigh(int prefix) {
        return prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
    }

    private static long maskLow(int prefix) {
        return prefix <= 64 ? 0 : -1L << (128 - prefix);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && c.address.equals(address);
    }

    @Override
    public int hashCode() {
        return address.hashCode() * 31 + prefixLength;
    }

    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}

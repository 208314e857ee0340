package org.nlbridge.rtnl;

import java.util.Objects;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.ValidationException;

/**
 * An address on a link: {@code ip addr add ADDRESS/PREFIX [brd +|BRD] [scope S] [nodad] [noprefixroute] dev LINK}.
 *
 * <pre>{@code
 * AddressSpec.of(eth0.index(), "172.18.0.2/16").withBroadcast()      // ip addr add 172.18.0.2/16 brd + dev eth0
 * AddressSpec.of(eth0.index(), "fd00::2/64").withNoDad()              // ip addr add fd00::2/64 nodad dev eth0
 * }</pre>
 *
 * @param ifindex   the link, by ifindex (rtnetlink addresses links by index only)
 * @param address   the interface address with its prefix; host bits are the point here
 * @param broadcast IPv4 broadcast ({@code IFA_BROADCAST}), or null for none
 * @param flags     {@code IFA_F_*} flags ({@code IFA_F_NODAD}, {@code IFA_F_NOPREFIXROUTE})
 * @param scope     {@link Scope}; {@link Scope#UNIVERSE} ({@code global}) unless asked otherwise
 */
public record AddressSpec(int ifindex, Cidr address, IpAddress broadcast, int flags, int scope) {

    public AddressSpec {
        Checks.index("address.ifindex", ifindex);
        Objects.requireNonNull(address, "address");
        if (broadcast != null && !(broadcast instanceof Ipv4Address && address.family() == IpAddress.AF_INET)) {
            throw new ValidationException("address.broadcast", broadcast.toString(),
                    "only IPv4 addresses have a broadcast address", "an IPv4 broadcast for an IPv4 address");
        }
        if ((flags & Rt.IFA_F_NODAD) != 0 && address.family() != IpAddress.AF_INET6) {
            throw new ValidationException("address.nodad", address.toString(),
                    "duplicate address detection is IPv6 only", "nodad on IPv6 addresses only");
        }
        Checks.u8("address.scope", scope);
    }

    /** {@code cidr} is an interface address with its prefix, e.g. {@code 172.18.0.2/16}; the field is {@code address}. */
    public static AddressSpec of(int ifindex, String cidr) {
        return of(ifindex, Cidr.parseInterface("address", cidr));
    }

    public static AddressSpec of(int ifindex, Cidr address) {
        return new AddressSpec(ifindex, address, null, 0, Scope.UNIVERSE);
    }

    /**
     * {@code brd +}: the subnet's last address as the IPv4 broadcast (for a /31 or /32, what iproute2 computes too:
     * the last address of the prefix).
     */
    public AddressSpec withBroadcast() {
        if (!(address.address() instanceof Ipv4Address)) {
            throw new ValidationException("address.broadcast", "+", "only IPv4 addresses have a broadcast address",
                    "brd + on IPv4 addresses only");
        }
        return new AddressSpec(ifindex, address, address.broadcast(), flags, scope);
    }

    /** {@code brd ADDRESS}. */
    public AddressSpec withBroadcast(Ipv4Address broadcast) {
        return new AddressSpec(ifindex, address, Objects.requireNonNull(broadcast, "broadcast"), flags, scope);
    }

    /** {@code nodad} ({@code IFA_F_NODAD}, IPv6): usable at once, no duplicate address detection delay. */
    public AddressSpec withNoDad() {
        return new AddressSpec(ifindex, address, broadcast, flags | Rt.IFA_F_NODAD, scope);
    }

    /** {@code noprefixroute}: no route to the prefix is added with the address. */
    public AddressSpec withNoPrefixRoute() {
        return new AddressSpec(ifindex, address, broadcast, flags | Rt.IFA_F_NOPREFIXROUTE, scope);
    }

    /** {@code scope S}, a {@link Scope} value. */
    public AddressSpec withScope(int scope) {
        return new AddressSpec(ifindex, address, broadcast, flags, scope);
    }

    public int family() {
        return address.family();
    }

    /** Names it in errors: {@code address 172.18.0.2/16 on ifindex 7}. */
    @Override
    public String toString() {
        return "address " + address + " on ifindex " + ifindex;
    }
}

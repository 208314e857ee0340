package org.nlbridge.driver.ipam;

import java.math.BigInteger;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Optional;
import org.nlbridge.state.SubnetConfig;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.spec.AddressRequest;

/**
 * The addresses one family of a network can hand out: the range (or the whole subnet) without the
 * subnet's network address, its IPv4 broadcast address and the gateway. Pure arithmetic over the used
 * addresses it is shown; the store supplies them and records the pick.
 *
 * <p>The network address is excluded for IPv6 too: it is the subnet-router anycast address (RFC 4291
 * 2.6.1). IPv6 has no broadcast, so its last address is allocatable. The range can only touch the
 * network and broadcast addresses at its ends (it lies inside the subnet), so they are cut off by the
 * bounds; the gateway can sit anywhere and is skipped.
 */
final class AddressPool {

    private final Cidr subnet;
    private final Cidr cidr;
    private final IpAddress gateway;
    /** Allocatable bounds, inclusive; first > last for a range that holds nothing. */
    private final IpAddress first;
    private final IpAddress last;

    AddressPool(Cidr subnet, IpAddress gateway, Cidr range) {
        if (subnet.hostBits() < 2) {
            throw new IllegalArgumentException("subnet " + subnet + " has no room for a pool");
        }
        if (range != null && !subnet.contains(range)) {
            throw new IllegalArgumentException("range " + range + " is not inside subnet " + subnet);
        }
        this.subnet = subnet;
        this.cidr = range != null ? range : subnet;
        this.gateway = gateway;
        IpAddress lowest = subnet.network().next();
        IpAddress highest = isIpv4() ? subnet.last().previous() : subnet.last();
        this.first = max(cidr.network(), lowest);
        this.last = min(cidr.last(), highest);
    }

    static AddressPool of(SubnetConfig config) {
        return new AddressPool(config.subnet(), config.gateway(), config.range());
    }

    /** The prefix addresses come from, as messages name it. */
    Cidr cidr() {
        return cidr;
    }

    /** How many addresses can be handed out (a BigInteger, as an IPv6 pool may hold 2^64 or more). */
    BigInteger capacity() {
        if (first.compareTo(last) > 0) {
            return BigInteger.ZERO;
        }
        BigInteger span = unsigned(last).subtract(unsigned(first)).add(BigInteger.ONE);
        return inBounds(gateway) ? span.subtract(BigInteger.ONE) : span;
    }

    /** Inside the bounds and not the gateway. */
    boolean allocatable(IpAddress a) {
        return inBounds(a) && !a.equals(gateway);
    }

    /**
     * The first free address after {@code after}, wrapping round to the start of the pool once (round-robin,
     * as CNI host-local does). A pool used for the first time starts at its first address, which is where
     * Docker's first-free allocation starts too; afterwards, an address just released is only reused once
     * the rest of the pool has been handed out. Each step either returns or passes over one used address or
     * the gateway, so the search costs O(used), never O(pool): an IPv6 /64 is not enumerated.
     *
     * @param after the previous pick, or null
     * @param used  the addresses in use on the network, in address order
     * @return empty if every allocatable address is in use
     */
    Optional<IpAddress> next(IpAddress after, NavigableSet<IpAddress> used) {
        if (first.compareTo(last) > 0) {
            return Optional.empty();
        }
        boolean fresh = after == null || !inBounds(after) || after.equals(last);
        IpAddress start = fresh ? first : after.next();
        Optional<IpAddress> found = firstFree(start, last, used);
        if (found.isEmpty() && !start.equals(first)) {
            found = firstFree(first, start.previous(), used);
        }
        return found;
    }

    private Optional<IpAddress> firstFree(IpAddress from, IpAddress to, NavigableSet<IpAddress> used) {
        IpAddress candidate = from;
        while (true) {
            if (!candidate.equals(gateway) && !used.contains(candidate)) {
                return Optional.of(candidate);
            }
            if (candidate.equals(to)) {
                return Optional.empty();
            }
            candidate = candidate.next(); // never past the end of the address space: to >= candidate
        }
    }

    private boolean inBounds(IpAddress a) {
        return a != null && a.family() == first.family() && first.compareTo(a) <= 0 && a.compareTo(last) <= 0;
    }

    /**
     * Honours a requested address or refuses it with the reason: the special addresses first (they are
     * what a user most likely mistyped), then the range, then the current holder.
     *
     * @param owners the addresses in use on the network and the container holding each
     */
    void checkRequest(String field, String network, IpAddress requested, NavigableMap<IpAddress, String> owners) {
        AddressRequest.check(field, network, subnet, gateway, cidr.equals(subnet) ? null : cidr, requested, owners);
    }

    private boolean isIpv4() {
        return subnet.family() == IpAddress.AF_INET;
    }

    private static BigInteger unsigned(IpAddress a) {
        return new BigInteger(1, a.bytes());
    }

    private static IpAddress max(IpAddress a, IpAddress b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static IpAddress min(IpAddress a, IpAddress b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}

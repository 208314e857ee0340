package org.nlbridge.driver.ipam;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.nlbridge.state.SubnetConfig;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;

/**
 * What makes a subnet, gateway and allocation range usable for a bridge network. The driver calls these
 * with its own field names while validating a spec, before any syscall; {@link Ipam#createNetwork} calls
 * {@link #checkConfig} again so nothing unchecked is ever stored. Each check throws a
 * {@link ValidationException} naming the field, the value, the reason and what would be accepted.
 *
 * <p>The values arrive already parsed ({@link Cidr#parseSubnet} refuses host bits, so {@code 10.0.0.1/24}
 * never reaches here as a subnet); these rules are about how they fit together.
 */
public final class SubnetRules {

    /** A prefix that can never be a bridge network, and what it is. */
    private record Reserved(Cidr cidr, String what) {
        static Reserved of(String cidr, String what) {
            return new Reserved(Cidr.parseSubnet("reserved", cidr), what);
        }
    }

    private static final List<Reserved> RESERVED_V4 = List.of(
            Reserved.of("0.0.0.0/8", "the unspecified (\"this network\") range"),
            Reserved.of("127.0.0.0/8", "the loopback range"),
            Reserved.of("169.254.0.0/16", "the link-local range"),
            Reserved.of("224.0.0.0/4", "the multicast range"));

    private static final List<Reserved> RESERVED_V6 = List.of(
            Reserved.of("::/128", "the unspecified address"),
            Reserved.of("::1/128", "the loopback address"),
            // IPv4 in IPv6 clothing: refused rather than normalised, so one network has one family
            Reserved.of("::ffff:0.0.0.0/96", "the IPv4-mapped range"),
            Reserved.of("fe80::/10", "the link-local range"),
            Reserved.of("ff00::/8", "the multicast range"));

    /**
     * The longest usable prefix: a bridge subnet needs a network address, a gateway, one container and
     * (IPv4) a broadcast address. netavark draws the line at the same place.
     */
    private static final int MAX_PREFIX_V4 = 30;
    private static final int MAX_PREFIX_V6 = 126;

    private SubnetRules() {}

    /**
     * The subnet can carry a bridge network of the given family: family right, prefix no longer than /30
     * (/126), and clear of the loopback, link-local, multicast and unspecified ranges.
     *
     * @param family {@link IpAddress#AF_INET} or {@link IpAddress#AF_INET6}
     */
    public static void checkSubnet(String field, Cidr subnet, int family) {
        boolean v4 = family == IpAddress.AF_INET;
        String accepted = v4
                ? "an IPv4 subnet with a prefix of at most /" + MAX_PREFIX_V4 + " outside " + list(RESERVED_V4)
                        + ", like 172.18.0.0/16"
                : "an IPv6 subnet with a prefix of at most /" + MAX_PREFIX_V6 + " outside " + list(RESERVED_V6)
                        + ", like fd00:1::/64";
        if (subnet.family() != family) {
            throw new ValidationException(field, subnet.toString(), "is an " + familyName(subnet.family())
                    + " subnet", accepted);
        }
        int max = v4 ? MAX_PREFIX_V4 : MAX_PREFIX_V6;
        if (subnet.prefixLength() > max) {
            throw new ValidationException(field, subnet.toString(), "a /" + subnet.prefixLength()
                    + " has no room for a gateway and a container (/" + (max + 1) + " and /" + (max + 2)
                    + " cannot be bridge networks)", accepted);
        }
        for (Reserved r : v4 ? RESERVED_V4 : RESERVED_V6) {
            if (subnet.overlaps(r.cidr())) {
                throw new ValidationException(field, subnet.toString(), "overlaps " + r.cidr() + ", " + r.what(),
                        accepted);
            }
        }
    }

    /** The gateway (the bridge's address) lies inside the subnet and is not its network or broadcast address. */
    public static void checkGateway(String field, Cidr subnet, IpAddress gateway) {
        boolean v4 = subnet.family() == IpAddress.AF_INET;
        String accepted = "an address inside " + subnet + " other than its network" + (v4 ? " and broadcast" : "")
                + " address, like " + defaultGateway(subnet);
        String reason = null;
        if (gateway.family() != subnet.family()) {
            reason = "is an " + familyName(gateway.family()) + " address but subnet " + subnet + " is "
                    + familyName(subnet.family());
        } else if (!subnet.contains(gateway)) {
            reason = "not in subnet " + subnet;
        } else if (gateway.equals(subnet.network())) {
            reason = "is the network address of subnet " + subnet;
        } else if (v4 && gateway.equals(subnet.last())) {
            reason = "is the broadcast address of subnet " + subnet;
        }
        if (reason != null) {
            throw new ValidationException(field, gateway.toString(), reason, accepted);
        }
    }

    /**
     * The allocation range ({@code --fixed-cidr}) lies inside the subnet, is no larger, and leaves at least
     * one address once the network, broadcast and gateway addresses are taken out.
     */
    public static void checkRange(String field, Cidr subnet, IpAddress gateway, Cidr range) {
        String accepted = "a prefix inside " + subnet + " holding at least one address besides the network,"
                + " broadcast and gateway addresses";
        String reason = null;
        if (range.family() != subnet.family()) {
            reason = "is an " + familyName(range.family()) + " prefix but subnet " + subnet + " is "
                    + familyName(subnet.family());
        } else if (range.prefixLength() < subnet.prefixLength()) {
            reason = "/" + range.prefixLength() + " is larger than subnet " + subnet;
        } else if (!subnet.contains(range)) {
            reason = "not inside subnet " + subnet;
        } else if (new AddressPool(subnet, gateway, range).capacity().equals(BigInteger.ZERO)) {
            reason = "holds no allocatable address: only the network, broadcast or gateway address of subnet " + subnet;
        }
        if (reason != null) {
            throw new ValidationException(field, range.toString(), reason, accepted);
        }
    }

    /**
     * One family of a stored network, the fields named as {@link #field} does: {@code network web: subnet},
     * {@code network web: gateway}, {@code network web: fixedCidr}, and with a {@code V6} suffix for IPv6.
     */
    public static void checkConfig(String network, SubnetConfig config, int family) {
        checkSubnet(field(network, "subnet", family), config.subnet(), family);
        checkGateway(field(network, "gateway", family), config.subnet(), config.gateway());
        if (config.range() != null) {
            checkRange(field(network, "fixedCidr", family), config.subnet(), config.gateway(), config.range());
        }
    }

    /** {@code network <name>: <field>}, with {@code V6} appended for IPv6, as the driver's specs name fields. */
    static String field(String network, String field, int family) {
        return "network " + network + ": " + field + (family == IpAddress.AF_INET ? "" : "V6");
    }

    /**
     * The subnet shares no address with another network's; routes to two bridges for one address would
     * make traffic go to whichever the kernel picks.
     *
     * @param others the other networks' subnets of the same family, by network name
     */
    public static void checkNoOverlap(String field, Cidr subnet, Map<String, Cidr> others) {
        // by name, so that with several overlaps the same one is always reported
        for (Map.Entry<String, Cidr> other : new TreeMap<>(others).entrySet()) {
            if (subnet.overlaps(other.getValue())) {
                throw new ValidationException(field, subnet.toString(), "overlaps subnet " + other.getValue()
                        + " of network " + other.getKey(), "a subnet that no other network uses");
            }
        }
    }

    /** Docker's default when no gateway is given: the first address after the network address. */
    public static IpAddress defaultGateway(Cidr subnet) {
        return subnet.network().next();
    }

    private static String familyName(int family) {
        return family == IpAddress.AF_INET ? "IPv4" : "IPv6";
    }

    private static String list(List<Reserved> reserved) {
        List<String> names = reserved.stream().map(r -> r.cidr().toString()).toList();
        return names.subList(0, names.size() - 1).stream().collect(Collectors.joining(", "))
                + " and " + names.getLast();
    }
}

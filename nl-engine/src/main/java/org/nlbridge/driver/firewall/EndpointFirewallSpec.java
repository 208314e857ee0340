package org.nlbridge.driver.firewall;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.PortMapping;
import org.nlbridge.net.ValidationException;

/**
 * One container attached to a bridge network, as far as the firewall cares: its addresses, the host end of its
 * veth and its published ports. Validated on construction; checks that need the network (address inside the
 * subnet, no ports on an internal network) and the other endpoints (port conflicts) are the driver's.
 *
 * <p>A mapping without a host address ({@code -p 5000:22}) is published on every host address of each family the
 * container has an address in; {@code 0.0.0.0} and {@code ::} mean every address of that family only. A host
 * address of one family needs a container address of the same family: without a userland proxy there is nothing
 * that could carry IPv6 to an IPv4-only container. A port on {@code ::1} is refused for the same reason (IPv6 has
 * no {@code route_localnet}); a port on {@code 127.0.0.0/8} works and stays reachable only from the host.
 *
 * @param id       the endpoint (container) id, 1..128 chars of {@code [A-Za-z0-9_.-]}, first alphanumeric
 * @param bridge   the bridge of the network it is attached to
 * @param hostVeth the host end of its veth (a port of {@code bridge}); icc=false drops frames entering from it
 * @param ipv4     its IPv4 address, or null
 * @param ipv6     its IPv6 address, or null
 * @param ports    its published ports, one mapping per port ({@link org.nlbridge.net.PortSpec#mappings()})
 * @param mac      the MAC of its interface (the container side of the veth), or null if not known; needed by
 *                 {@code spoofCheck}
 * @param spoofCheck anti-spoofing: frames from {@code hostVeth} must come from {@code mac} and, for IPv4, ARP and
 *                 IPv6, from its own addresses (its IPv6 link-local one derived from {@code mac}, EUI-64). Off only
 *                 for a container that routes or bridges other addresses (a VPN or a router in a container)
 * @param container the container the endpoint belongs to, or null if unknown: with anti-spoofing its port also
 *                 accepts, from {@code mac}, the addresses of the same container's endpoints on other networks (the
 *                 answers of a port published on one of them leave along the default route, through this port)
 */
public record EndpointFirewallSpec(String id, IfName bridge, IfName hostVeth, Ipv4Address ipv4, Ipv6Address ipv6,
                                   List<PortMapping> ports, MacAddress mac, boolean spoofCheck, String container) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    public EndpointFirewallSpec {
        if (id == null || !ID.matcher(id).matches()) {
            throw new ValidationException("endpoint id", id, "not a usable endpoint id",
                    "1..128 characters from [A-Za-z0-9_.-], starting with a letter or digit");
        }
        Objects.requireNonNull(bridge, "bridge");
        Objects.requireNonNull(hostVeth, "hostVeth");
        if (hostVeth.equals(bridge)) {
            throw new ValidationException("endpoint " + id + " hostVeth", hostVeth.toString(),
                    "is the bridge itself", "the host end of the endpoint's veth");
        }
        if (ipv4 == null && ipv6 == null) {
            throw new ValidationException("endpoint " + id + " address", null, "no IPv4 and no IPv6 address",
                    "at least one container address");
        }
        checkUnicast(id, ipv4);
        checkUnicast(id, ipv6);
        if (mac != null && (!mac.isUnicast() || mac.isZero())) {
            throw new ValidationException("endpoint " + id + " mac", mac.toString(), "not a unicast address",
                    MacAddress.ACCEPTED_UNICAST);
        }
        if (spoofCheck && mac == null) {
            throw new ValidationException("endpoint " + id + " spoofCheck", "true", "anti-spoofing binds the port to"
                    + " the container's MAC, and none was given", "the endpoint's MAC, or spoofCheck false");
        }
        if (container != null && container.isBlank()) {
            throw new ValidationException("endpoint " + id + " container", container, "is blank",
                    "the container's name, or none");
        }
        ports = List.copyOf(ports == null ? List.of() : ports);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            PortMapping m = ports.get(i);
            String field = "endpoint " + id + " ports[" + i + "]";
            IpAddress host = m.hostIp();
            if (host != null) {
                if (host.isMulticast() || host instanceof Ipv4Address v4 && v4.toInt() == -1) {
                    throw new ValidationException(field, m.toString(), "host address " + host + " is not unicast",
                            "a unicast host address, or none for all addresses");
                }
                if (host instanceof Ipv6Address v6 && (v6.isLoopback() || v6.isIpv4Mapped())) {
                    throw new ValidationException(field, m.toString(),
                            v6.isLoopback() ? "IPv6 cannot route ::1 to a container (there is no route_localnet"
                                    + " for IPv6, and nlbridge has no userland proxy)"
                                    : "an IPv4-mapped IPv6 host address is ambiguous",
                            "an IPv4 loopback address such as 127.0.0.1, or a routable IPv6 address");
                }
                if (host.family() == IpAddress.AF_INET && ipv4 == null
                        || host.family() == IpAddress.AF_INET6 && ipv6 == null) {
                    String fam = host.family() == IpAddress.AF_INET ? "IPv4" : "IPv6";
                    throw new ValidationException(field, m.toString(), "the host address is " + fam
                            + " but the endpoint has no " + fam + " address (nlbridge has no userland proxy"
                            + " to carry one family to the other)",
                            "a host address of a family the endpoint has an address in");
                }
            }
            for (PublishedPort p : expand(id, ipv4, ipv6, m)) {
                String key = p.family() + "/" + p.protocol() + "/" + p.hostIp() + "/" + p.hostPort();
                if (!seen.add(key)) {
                    throw new ValidationException(field, m.toString(), "published twice by this endpoint",
                            "each host address and port once");
                }
            }
        }
    }

    /** An endpoint of no known container: its port accepts its own addresses only. */
    public EndpointFirewallSpec(String id, IfName bridge, IfName hostVeth, Ipv4Address ipv4, Ipv6Address ipv6,
                                List<PortMapping> ports, MacAddress mac, boolean spoofCheck) {
        this(id, bridge, hostVeth, ipv4, ipv6, ports, mac, spoofCheck, null);
    }

    /** An endpoint without a known MAC, so without anti-spoofing (the bridge driver gives both: see the full form). */
    public EndpointFirewallSpec(String id, IfName bridge, IfName hostVeth, Ipv4Address ipv4, Ipv6Address ipv6,
                                List<PortMapping> ports) {
        this(id, bridge, hostVeth, ipv4, ipv6, ports, null, false, null);
    }

    /** Whether {@code other} is another endpoint of the same (known) container. */
    public boolean sibling(EndpointFirewallSpec other) {
        return container != null && container.equals(other.container) && !id.equals(other.id);
    }

    private static void checkUnicast(String id, IpAddress a) {
        if (a != null && (a.isMulticast() || a.isLoopback() || a.isUnspecified() || a.isLinkLocal())) {
            throw new ValidationException("endpoint " + id + " address", a.toString(),
                    "not a usable container address", "a unicast, non-loopback, non-link-local address");
        }
    }

    /** {@code c1 on nlb0 via veth1 172.18.0.2 -p 5000:22/tcp mac 02:42:ac:12:00:02}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(id).append(" on ").append(bridge).append(" via ").append(hostVeth);
        if (ipv4 != null) b.append(' ').append(ipv4);
        if (ipv6 != null) b.append(' ').append(ipv6);
        for (PortMapping m : ports) b.append(" -p ").append(m);
        if (mac != null) b.append(" mac ").append(mac);
        if (!spoofCheck) b.append(" spoofCheck=false");
        return b.toString();
    }

    /** The container address of a family, or null. */
    public IpAddress address(int family) {
        return family == IpAddress.AF_INET ? ipv4 : family == IpAddress.AF_INET6 ? ipv6 : null;
    }

    /**
     * The mappings as the firewall installs them: one per family for a mapping without a host address, and
     * {@code hostIp} null for "every address of the family" (also for {@code 0.0.0.0} and {@code ::}).
     * The connection counts are -1 (unknown).
     */
    public List<PublishedPort> publications() {
        List<PublishedPort> out = new ArrayList<>();
        for (PortMapping m : ports) {
            out.addAll(expand(id, ipv4, ipv6, m));
        }
        return List.copyOf(out);
    }

    // static: the compact constructor calls it before the fields are assigned
    private static List<PublishedPort> expand(String id, Ipv4Address ipv4, Ipv6Address ipv6, PortMapping m) {
        List<PublishedPort> out = new ArrayList<>(2);
        IpAddress host = m.hostIp();
        for (int family : new int[] {IpAddress.AF_INET, IpAddress.AF_INET6}) {
            IpAddress container = family == IpAddress.AF_INET ? ipv4 : ipv6;
            if (container == null || host != null && host.family() != family) {
                continue;
            }
            IpAddress h = host == null || host.isUnspecified() ? null : host;
            out.add(new PublishedPort(id, family, m.protocol(), h, m.hostPort(), container, m.containerPort(), -1));
        }
        return out;
    }
}

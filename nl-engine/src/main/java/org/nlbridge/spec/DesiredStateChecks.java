package org.nlbridge.spec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.PortMapping;
import org.nlbridge.net.PortSpec;
import org.nlbridge.net.ValidationException;

/**
 * The checks of a desired state that need neither the kernel nor the state store, beyond each spec's own: what
 * containers ask of their networks and of each other. They run whenever a {@link DesiredState} is made, so
 * {@code check}, {@code plan}, {@code apply} and the API refuse the same inputs before anything is changed, each
 * naming the container (a script's error is then reported at its declaration). The engine checks again what needs
 * the store or the kernel (a {@code useBridge} bridge's subnet, addresses held by containers of other requests).
 */
final class DesiredStateChecks {
    private DesiredStateChecks() {}

    /** Runs after the references are checked: every bridge container's network exists. */
    static void check(Map<String, NetworkSpec> networks, Iterable<ContainerSpec> containers) {
        Map<String, String> netnsOwner = new HashMap<>();
        Map<String, String> handoverOwner = new HashMap<>();
        Map<String, Map<IpAddress, String>> addresses = new HashMap<>();
        Map<String, Map<MacAddress, String>> macs = new HashMap<>();
        for (ContainerSpec c : containers) {
            // a container handed over to a runtime lives in the runtime's namespace, not one of the engine's
            if (c.handover() == null && (c.network() instanceof NetworkMode.Bridge || c.network() instanceof NetworkMode.None)) {
                String other = netnsOwner.putIfAbsent(c.netns(), c.name());
                if (other != null) {
                    throw new ValidationException(field(c, "netns"), c.netns(), "is container " + other
                            + "'s namespace already", "a namespace no other container of a bridge network or of"
                            + " network none has (network 'container:" + other + "' shares " + other + "'s)");
                }
            }
            String peer = c.handover() == null ? null : c.handover().toString();
            String holder = peer == null ? null : handoverOwner.putIfAbsent(peer, c.name());
            if (holder != null) { // both container ends would be made in the host namespace under that name
                throw new ValidationException(field(c, "handover"), peer, "is container " + holder + "'s handover"
                        + " interface already", "a name no other container is handed over as");
            }
            List<AttachmentSpec> all = c.attachments();
            for (int i = 0; i < all.size(); i++) {
                AttachmentSpec a = all.get(i);
                checkAttachment(c, a, i == 0 ? "" : "connect " + a.network() + ": ", networks.get(a.network()),
                        addresses, macs);
            }
        }
    }

    /** What one attachment of a container asks of its network: addresses, MAC, published ports. */
    private static void checkAttachment(ContainerSpec c, AttachmentSpec a, String where, NetworkSpec n,
                                        Map<String, Map<IpAddress, String>> addresses,
                                        Map<String, Map<MacAddress, String>> macs) {
        Map<IpAddress, String> taken = addresses.computeIfAbsent(n.name(), k -> new HashMap<>());
        if (a.ip() != null && n.bip() != null) {
            AddressRequest.check(field(c, where + "ip"), n.name(), n.bip().subnet(), n.bip().address(), n.fixedCidr(),
                    a.ip(), taken);
        }
        if (a.ip6() != null) {
            Cidr v6 = n.fixedCidrV6();
            if (v6 == null) {
                throw new ValidationException(field(c, where + "ip6"), a.ip6().toString(), "network " + n.name()
                        + " has no IPv6 subnet", "no IPv6 address on an IPv4-only network (or fixedCidrV6 on it)");
            }
            AddressRequest.check(field(c, where + "ip6"), n.name(), v6, v6.network().next(), null, a.ip6(), taken);
        }
        if (a.ip() != null) taken.put(a.ip(), c.name());
        if (a.ip6() != null) taken.put(a.ip6(), c.name());
        if (a.mac() != null) {
            String other = macs.computeIfAbsent(n.name(), k -> new HashMap<>()).putIfAbsent(a.mac(), c.name());
            if (other != null) {
                throw new ValidationException(field(c, where + "mac"), a.mac().toString(), "is container " + other
                        + "'s MAC on network " + n.name() + " already", "a MAC no other container of the network has");
            }
        }
        for (PortSpec p : a.publish()) checkPublish(c, n, p);
    }

    /**
     * What a container's network allows it to publish. ({@code [::1]} is refused by the engine's check of the
     * firewall: desired states stored before this check, which the daemon must read back, hold such ports.)
     */
    private static void checkPublish(ContainerSpec c, NetworkSpec n, PortSpec p) {
        if (n.internal()) {
            throw new ValidationException(field(c, "publish"), p.toString(), "network " + n.name()
                    + " is internal: nothing from outside the host reaches its containers",
                    "no published ports on an internal network, or a network that is not internal");
        }
        IpAddress h = p.hostIp();
        if (h == null) return;
        String reason = null;
        if (h.isMulticast() || h instanceof Ipv4Address v4 && v4.toInt() == -1) {
            reason = "the host address " + h + " is not unicast";
        } else if (h instanceof Ipv6Address v6 && v6.isIpv4Mapped()) {
            reason = "an IPv4-mapped IPv6 host address is ambiguous";
        } else if (h.family() == IpAddress.AF_INET6 && n.fixedCidrV6() == null) {
            reason = "the host address is IPv6 but network " + n.name() + " has no IPv6 subnet, so the container"
                    + " has no IPv6 address (nlbridge has no userland proxy to carry one family to the other)";
        }
        if (reason != null) {
            throw new ValidationException(field(c, "publish"), p.toString(), reason, "a unicast host address of a"
                    + " family the container has an address in (127.0.0.1 for the host only), or none for every"
                    + " address");
        }
    }

    /** Whether two published host addresses of one port and protocol meet: none, or 0.0.0.0 and ::, is every one. */
    static boolean clash(PortMapping a, PortMapping b) {
        IpAddress x = a.hostIp();
        IpAddress y = b.hostIp();
        if (x == null || y == null || x.equals(y)) return true;
        return x.family() == y.family() && (x.isUnspecified() || y.isUnspecified());
    }

    private static String field(ContainerSpec c, String key) {
        return "container " + c.name() + ": " + key;
    }
}

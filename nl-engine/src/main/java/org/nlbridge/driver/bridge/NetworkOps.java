package org.nlbridge.driver.bridge;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.nlbridge.driver.ipam.SubnetRules;
import org.nlbridge.state.BridgeOrigin;
import org.nlbridge.state.Network;
import org.nlbridge.state.NetworkOptions;
import org.nlbridge.state.SubnetConfig;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.Mtu;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netlink.NoSuchObjectException;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.Address;
import org.nlbridge.rtnl.AddressSpec;
import org.nlbridge.rtnl.BridgeSpec;
import org.nlbridge.rtnl.Link;
import org.nlbridge.rtnl.Route;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.NetworkSpec;

/**
 * The host side of a network: the bridge, its addresses, MTU and the forwarding sysctl. Every method is
 * idempotent: it looks at the kernel first and does only what is missing, so the same code creates, repairs
 * after drift, and re-runs after a crash.
 */
final class NetworkOps {
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private final NetNs host;
    private final Rtnl rtnl;

    NetworkOps(NetNs host, Rtnl rtnl) {
        this.host = host;
        this.rtnl = rtnl;
    }

    /**
     * Turns a spec into what the store keeps: the subnet and gateway (from {@code --bip}, or read from an existing
     * {@code -b} bridge), the allocation range, the IPv6 subnet and gateway, and the MTU resolved (the host's
     * default-route interface when the spec leaves it out). Validates everything before returning.
     */
    Network resolve(NetworkSpec spec) {
        String field = "network " + spec.name();
        Optional<Link> existing = rtnl.links().find(spec.bridge().toString());
        Cidr bip = spec.bip();
        if (spec.existing()) {
            Link l = existing.orElseThrow(() -> new ValidationException(field + ": useBridge", spec.bridge().toString(),
                    "no such interface in the host namespace", "the name of an existing bridge (Docker -b)"));
            requireBridge(field + ": useBridge", l);
            if (bip == null) {
                bip = firstIpv4(l).orElseThrow(() -> new ValidationException(field + ": useBridge",
                        spec.bridge().toString(), "the bridge has no IPv4 address and no bip was given",
                        "a bridge with an address, or bip ADDRESS/PREFIX"));
            } else {
                // the bridge is the administrator's: nlbridge never adds an address to it (Docker refuses -b with --bip)
                List<Cidr> has = rtnl.addresses().list(IpAddress.AF_INET, l.index()).stream().map(Address::address).toList();
                if (!has.contains(bip)) {
                    throw new ValidationException(field + ": bip", bip.toString(), "bridge " + spec.bridge()
                            + " (useBridge) does not have this address (it has " + (has.isEmpty() ? "none" : has.stream()
                            .map(Cidr::toString).reduce((a, b) -> a + ", " + b).orElseThrow()) + "), and nlbridge never"
                            + " changes a useBridge bridge", "no bip (the bridge's own address is used), or an address"
                            + " the bridge has");
                }
            }
        } else if (existing.isPresent()) {
            requireBridge(field + ": bridge", existing.get());
        }
        Cidr subnet = bip.subnet();
        SubnetRules.checkSubnet(field + ": bip", subnet, IpAddress.AF_INET);
        SubnetRules.checkGateway(field + ": bip", subnet, bip.address());
        if (spec.fixedCidr() != null) SubnetRules.checkRange(field + ": fixedCidr", subnet, bip.address(), spec.fixedCidr());
        SubnetConfig v4 = new SubnetConfig(subnet, bip.address(), spec.fixedCidr());
        SubnetConfig v6 = null;
        if (spec.fixedCidrV6() != null) {
            Cidr s6 = spec.fixedCidrV6();
            SubnetRules.checkSubnet(field + ": fixedCidrV6", s6, IpAddress.AF_INET6);
            v6 = new SubnetConfig(s6, SubnetRules.defaultGateway(s6), null);
        }
        Mtu mtu = spec.mtu() != null ? spec.mtu() : defaultMtu();
        if (v6 != null) mtu.requireIpv6(field + ": mtu");
        NetworkOptions options = new NetworkOptions(spec.icc(), spec.ipMasq(), spec.ipForward(), spec.internal(),
                spec.firewall(), spec.macFromIp());
        return new Network(spec.name(), spec.driver(), spec.bridge(), spec.existing() ? BridgeOrigin.GIVEN : BridgeOrigin.CREATED,
                v4, v6, mtu, options);
    }

    private static void requireBridge(String field, Link l) {
        if (!"bridge".equals(l.kind())) {
            throw new ValidationException(field, l.name(), "exists but is a " + (l.kind() == null ? "device without a kind"
                    : l.kind() + " interface"), "a bridge, or a name that is not taken");
        }
    }

    private Optional<Cidr> firstIpv4(Link l) {
        return rtnl.addresses().list(IpAddress.AF_INET, l.index()).stream().map(Address::address).findFirst();
    }

    /** MTU of the interface the host's IPv4 default route leaves through; 1500 without one (netavark does the same). */
    Mtu defaultMtu() {
        for (Route r : rtnl.routes().list(IpAddress.AF_INET)) {
            if (r.isDefault() && r.oif() > 0) {
                try {
                    return Mtu.of(rtnl.links().get(r.oif()).mtu());
                } catch (NoSuchObjectException gone) {
                    break; // the route's interface vanished between the two dumps
                }
            }
        }
        return Mtu.of(1500);
    }

    /** What {@link #ensure} would change for this network, without changing anything. */
    List<Change> plan(Network n) {
        List<Change> out = new ArrayList<>();
        Optional<Link> l = rtnl.links().find(n.bridge().toString());
        String br = n.bridge().toString();
        if (l.isEmpty()) {
            out.add(new Change(Change.Action.CREATE, "link", br, "bridge, mtu " + n.mtu().value() + ", up"));
            out.add(new Change(Change.Action.CREATE, "address", br + " " + gatewayCidr(n.ipv4()), ""));
            if (n.ipv6() != null) out.add(new Change(Change.Action.CREATE, "address", br + " " + gatewayCidr(n.ipv6()), ""));
        } else {
            Link link = l.get();
            if (n.bridgeOrigin() == BridgeOrigin.CREATED && link.mtu() != n.mtu().value()) {
                out.add(new Change(Change.Action.UPDATE, "link", br, "mtu " + link.mtu() + " -> " + n.mtu().value()));
            }
            if (!link.isUp()) out.add(new Change(Change.Action.UPDATE, "link", br, "up"));
            for (SubnetConfig c : configs(n)) {
                if (!hasAddress(link, c)) out.add(new Change(Change.Action.CREATE, "address", br + " " + gatewayCidr(c), ""));
            }
        }
        if (n.options().ipForward() && !"1".equals(host.sysctl("net/ipv4/ip_forward"))) {
            out.add(new Change(Change.Action.UPDATE, "sysctl", "net.ipv4.ip_forward", "1"));
        }
        if (n.ipv6() != null && n.options().ipForward() && !"1".equals(host.sysctl("net/ipv6/conf/all/forwarding"))) {
            out.add(new Change(Change.Action.UPDATE, "sysctl", "net.ipv6.conf.all.forwarding", "1"));
        }
        return out;
    }

    /** Creates or repairs the bridge, its addresses, MTU, up state and the forwarding sysctls. Returns its index. */
    int ensure(Network n) {
        String br = n.bridge().toString();
        Optional<Link> l = rtnl.links().find(br);
        if (l.isEmpty()) {
            if (n.bridgeOrigin() == BridgeOrigin.GIVEN) {
                throw new ValidationException("network " + n.name() + ": useBridge", br, "the bridge is gone",
                        "an existing bridge (nlbridge never creates a -b bridge)");
            }
            // a MAC of its own, as Docker gives docker0: otherwise the bridge takes the lowest MAC of its ports and
            // changes it whenever a container comes or goes, which upsets every neighbour's ARP cache
            rtnl.links().add(BridgeSpec.builder(br).mtu(n.mtu()).mac(MacAddress.random(RANDOM))
                    .alias(Naming.bridgeAlias(n.name())).build());
            l = rtnl.links().find(br);
        }
        Link link = l.orElseThrow();
        if (n.ipv6() != null) host.writeSysctl("net/ipv6/conf/" + br + "/accept_ra", "0"); // no RAs from containers
        if (n.bridgeOrigin() == BridgeOrigin.CREATED && link.mtu() != n.mtu().value()) {
            rtnl.links().setMtu(link.index(), n.mtu().value());
        }
        for (SubnetConfig c : configs(n)) {
            if (!hasAddress(link, c)) {
                AddressSpec a = AddressSpec.of(link.index(), gatewayCidr(c));
                rtnl.addresses().replace(c.family() == IpAddress.AF_INET ? a.withBroadcast() : a.withNoDad());
            }
        }
        if (!link.isUp()) rtnl.links().setUp(link.index());
        if (n.options().ipForward()) {
            host.writeSysctl("net/ipv4/ip_forward", "1");
            if (n.ipv6() != null) host.writeSysctl("net/ipv6/conf/all/forwarding", "1");
        }
        return link.index();
    }

    /** Deletes a bridge we created (its ports go with it); a given ({@code -b}) bridge is left as it is. */
    void remove(Network n, List<String> errors) {
        String br = n.bridge().toString();
        if (n.bridgeOrigin() == BridgeOrigin.GIVEN) return; // Docker -b: the bridge is the user's, never deleted
        try {
            rtnl.links().deleteIfExists(br);
        } catch (RuntimeException e) {
            errors.add("network " + n.name() + ": bridge " + br + ": " + e.getMessage());
        }
    }

    List<Change> planRemove(Network n) {
        List<Change> out = new ArrayList<>();
        if (n.bridgeOrigin() == BridgeOrigin.CREATED && rtnl.links().find(n.bridge().toString()).isPresent()) {
            out.add(new Change(Change.Action.DELETE, "link", n.bridge().toString(), "bridge"));
        }
        return out;
    }

    private boolean hasAddress(Link link, SubnetConfig c) {
        Cidr want = gatewayCidr(c);
        return rtnl.addresses().list(c.family(), link.index()).stream().anyMatch(a -> a.address().equals(want));
    }

    static Cidr gatewayCidr(SubnetConfig c) {
        return Cidr.of(c.gateway(), c.subnet().prefixLength());
    }

    static List<SubnetConfig> configs(Network n) {
        return n.ipv6() == null ? List.of(n.ipv4()) : List.of(n.ipv4(), n.ipv6());
    }
}

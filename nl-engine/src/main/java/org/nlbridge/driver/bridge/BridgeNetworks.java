package org.nlbridge.driver.bridge;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.nlbridge.driver.CrashPoint;
import org.nlbridge.driver.DriverContext;
import org.nlbridge.driver.Step;
import org.nlbridge.driver.Unit;
import org.nlbridge.driver.firewall.FirewallSpecs;
import org.nlbridge.driver.firewall.Firewalls;
import org.nlbridge.driver.firewall.NetworkFirewallSpec;
import org.nlbridge.driver.ipam.SubnetRules;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.Mtu;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netlink.NoSuchObjectException;
import org.nlbridge.rtnl.Address;
import org.nlbridge.rtnl.AddressSpec;
import org.nlbridge.rtnl.BridgeSpec;
import org.nlbridge.rtnl.Link;
import org.nlbridge.rtnl.Route;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.Change.Action;
import org.nlbridge.spec.GatewayMode;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.state.BridgeOrigin;
import org.nlbridge.state.Network;
import org.nlbridge.state.NetworkOptions;
import org.nlbridge.state.SubnetConfig;

/**
 * The host side of a bridge network: the bridge, its addresses, MTU, up state, the sysctls it needs and its firewall
 * rules. Each step list is computed from the kernel, so the same code creates, repairs after drift, and re-runs
 * after a crash, doing only what is missing.
 */
final class BridgeNetworks {
    private final DriverContext ctx;
    private final Rtnl rtnl;

    BridgeNetworks(DriverContext ctx) {
        this.ctx = ctx;
        this.rtnl = ctx.rtnl();
    }

    /**
     * Turns a spec into what the store keeps: the subnet and gateway (from {@code --bip}, or read from an existing
     * {@code -b} bridge), the allocation range, the IPv6 subnet and gateway, and the MTU resolved (the host's
     * default-route interface when the spec leaves it out). Validates everything before returning, the firewall's
     * own checks included; a bridge to create that exists already must be this network's (or one's that
     * {@code leaving} names, which this apply removes first).
     */
    Network resolve(NetworkSpec spec, Set<String> leaving) {
        String field = "network " + spec.name();
        Optional<Link> existing = rtnl.links().find(spec.bridge().toString());
        Cidr bip = spec.bip();
        if (spec.existing()) {
            Link l = existing.orElseThrow(() -> new ValidationException(field + ": useBridge", spec.bridge().toString(),
                    "no such interface in the host namespace", "the name of an existing bridge (Docker -b)"));
            requireBridge(field + ": useBridge", l);
            bip = bip == null ? firstIpv4(spec, l) : requireAddress(spec, l, bip);
        } else if (existing.isPresent()) {
            requireBridge(field + ": bridge", existing.get());
            requireOurs(spec, existing.get(), leaving);
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
                spec.firewall(), spec.macFromIp(), spec.gatewayMode(), spec.gatewayModeV6());
        Network n = new Network(spec.name(), spec.driver(), spec.bridge(),
                spec.existing() ? BridgeOrigin.GIVEN : BridgeOrigin.CREATED, v4, v6, mtu, options);
        FirewallSpecs.of(n); // the firewall's checks, now rather than halfway through apply
        return n;
    }

    private static void requireBridge(String field, Link l) {
        if (!"bridge".equals(l.kind())) {
            throw new ValidationException(field, l.name(), "exists but is a " + (l.kind() == null ? "device without a kind"
                    : l.kind() + " interface"), "a bridge, or a name that is not taken");
        }
    }

    private Cidr firstIpv4(NetworkSpec spec, Link l) {
        return addresses(l).stream().findFirst().orElseThrow(() -> new ValidationException("network " + spec.name()
                + ": useBridge", spec.bridge().toString(), "the bridge has no IPv4 address and no bip was given",
                "a bridge with an address, or bip ADDRESS/PREFIX"));
    }

    /** The bridge is the administrator's: nlbridge never adds an address to it (Docker refuses -b with --bip). */
    private Cidr requireAddress(NetworkSpec spec, Link l, Cidr bip) {
        List<Cidr> has = addresses(l);
        if (has.contains(bip)) return bip;
        throw new ValidationException("network " + spec.name() + ": bip", bip.toString(), "bridge " + spec.bridge()
                + " (useBridge) does not have this address (it has " + (has.isEmpty() ? "none" : has.stream()
                .map(Cidr::toString).reduce((a, b) -> a + ", " + b).orElseThrow()) + "), and nlbridge never"
                + " changes a useBridge bridge", "no bip (the bridge's own address is used), or an address"
                + " the bridge has");
    }

    private List<Cidr> addresses(Link l) {
        return rtnl.addresses().list(IpAddress.AF_INET, l.index()).stream().map(Address::address).toList();
    }

    /**
     * A bridge to create may exist only if it is ours: it carries this network's alias, or that of a network this
     * apply removes (which deletes it first). Anything else is someone's bridge, and adopting it as created would
     * let destroy delete it; Docker's -b ({@code useBridge}) is the way to use it.
     */
    private static void requireOurs(NetworkSpec spec, Link l, Set<String> leaving) {
        String alias = l.alias();
        if (Naming.bridgeAlias(spec.name()).equals(alias)) return;
        String prefix = Naming.bridgeAlias("");
        if (alias != null && alias.startsWith(prefix) && leaving.contains(alias.substring(prefix.length()))) return;
        String br = spec.bridge().toString();
        throw new ValidationException("network " + spec.name() + ": bridge", br, "exists but was not created by"
                + " nlbridge for this network (it has no " + Naming.bridgeAlias(spec.name()) + " alias), and destroy"
                + " would delete it", "a name that is not taken, or useBridge " + br + " to attach to it without owning"
                + " it (Docker -b)");
    }

    /** MTU of the interface the host's IPv4 default route leaves through; 1500 without one (netavark does the same). */
    private Mtu defaultMtu() {
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

    /** {@code bridge docker0 (given), 172.17.0.1/16, fixed-cidr ..., mtu 1500, icc off, firewall nftables}. */
    static String describe(Network n) {
        return "bridge " + n.bridge() + (n.bridgeOrigin() == BridgeOrigin.GIVEN ? " (given)" : "")
                + ", " + gatewayCidr(n.ipv4())
                + (n.ipv4().range() != null ? ", fixed-cidr " + n.ipv4().range() : "")
                + (n.ipv6() != null ? ", " + n.ipv6().subnet() : "")
                + ", mtu " + n.mtu().value()
                + (n.options().icc() ? "" : ", icc off") + (n.options().ipMasq() ? "" : ", ip-masq off")
                + (n.options().internal() ? ", internal" : "") + gatewayModes(n)
                + ", firewall " + n.options().firewall().label();
    }

    /** {@code , gateway routed}, {@code , gateway nat/routed (IPv4/IPv6)}; nothing for nat. */
    private static String gatewayModes(Network n) {
        GatewayMode v4 = n.options().gatewayMode4();
        GatewayMode v6 = n.options().gatewayMode6();
        if (n.ipv6() == null || v4 == v6) return v4 == GatewayMode.NAT ? "" : ", gateway " + v4;
        return ", gateway " + v4 + "/" + v6 + " (IPv4/IPv6)";
    }

    /**
     * What makes the kernel match a stored network: the bridge (down, with its own MAC and our alias), IPv6 router
     * advertisements, SLAAC and redirects off on it (on every network), its MTU, addresses, up, the forwarding
     * sysctls (not for an internal network), its firewall rules.
     */
    List<Step> ensure(Network n, Unit unit) {
        List<Step> out = new ArrayList<>();
        String br = n.bridge().toString();
        Optional<Link> l = rtnl.links().find(br);
        if (l.isEmpty() && n.bridgeOrigin() == BridgeOrigin.GIVEN) {
            throw new ValidationException("network " + n.name() + ": useBridge", br, "the bridge is gone",
                    "an existing bridge (nlbridge never creates a -b bridge)");
        }
        if (l.isEmpty()) {
            // a MAC of its own, as Docker gives docker0: otherwise the bridge takes the lowest MAC of its ports and
            // changes it whenever a container comes or goes, which upsets every neighbour's ARP cache
            BridgeSpec spec = BridgeSpec.builder(br).mtu(n.mtu()).mac(MacAddress.random(MacAddress.secureRandom()))
                    .alias(Naming.bridgeAlias(n.name())).build();
            out.add(Step.netlink(new Change(Action.CREATE, "link", br, "bridge, mtu " + n.mtu().value()), unit, null,
                    r -> r.batch().links().add(spec)));
        }
        for (String key : noRouterAdvertisements(br)) {
            if (l.isEmpty() || !"0".equals(ctx.host().sysctl(key))) out.add(Step.sysctl(unit, null, key, "0"));
        }
        if (l.isPresent() && n.bridgeOrigin() == BridgeOrigin.CREATED && l.get().mtu() != n.mtu().value()) {
            out.add(Step.netlink(new Change(Action.UPDATE, "link", br, "mtu " + l.get().mtu() + " -> " + n.mtu().value()),
                    unit, null, r -> r.batch().links().setMtu(r.index(br), n.mtu().value())));
        }
        for (SubnetConfig c : configs(n)) {
            if (n.options().gatewayMode(c.family()) == GatewayMode.ISOLATED) continue; // no gateway address at all
            if (l.isPresent() && hasAddress(l.get(), c)) continue;
            Cidr gw = gatewayCidr(c);
            out.add(Step.netlink(new Change(Action.CREATE, "address", br + " " + gw, ""), unit, null, r -> {
                AddressSpec a = AddressSpec.of(r.index(br), gw);
                r.batch().addresses().replace(c.family() == IpAddress.AF_INET ? a.withBroadcast() : a.withNoDad());
            }));
        }
        if (l.isEmpty() || !l.get().isUp()) {
            out.add(Step.netlink(new Change(Action.UPDATE, "link", br, "up"), unit, null,
                    r -> r.batch().links().setUp(r.index(br))));
        }
        // an internal network needs no forwarding (its containers reach each other over the bridge and the gateway
        // address locally): it turns none on, a global switch that would let the host route for anyone
        if (n.options().ipForward() && !n.options().internal()) {
            forward(out, unit, "net/ipv4/ip_forward");
            if (n.ipv6() != null) forward(out, unit, "net/ipv6/conf/all/forwarding");
        }
        Firewalls fw = ctx.firewalls();
        if (!fw.isSetUp(n.name())) {
            NetworkFirewallSpec spec = FirewallSpecs.of(n);
            out.add(Step.call(new Change(Action.CREATE, "firewall", "network " + n.name(),
                    fw.describe(n.options().firewall(), spec)), unit, () -> {
                fw.driver(n.options().firewall()).setupNetwork(spec);
                fw.setUp(n.name(), true);
            }));
        }
        return out;
    }

    /**
     * What keeps containers from configuring the host through the bridge (CVE-2020-13401): IPv6 router
     * advertisements not accepted (no address, route or default router from them, also on an IPv4-only network
     * whose bridge still has IPv6: the host would take a container's RA there), no SLAAC, no ICMPv6 redirects. Set to
     * 0 whatever forwarding is (forwarding ignores accept_ra 1, not 2). None when the kernel has no IPv6.
     */
    static List<String> noRouterAdvertisements(String link) {
        if (!BridgeEndpoints.IPV6) return List.of();
        String conf = "net/ipv6/conf/" + link + "/";
        return List.of(conf + "accept_ra", conf + "autoconf", conf + "accept_redirects");
    }

    private void forward(List<Step> out, Unit unit, String key) {
        if (!"1".equals(ctx.host().sysctl(key))) out.add(Step.sysctl(unit, null, key, "1"));
    }

    /**
     * What removes a network: its firewall rules, and the bridge if nlbridge made it (a {@code -b} bridge stays) and
     * it carries the network's alias (a link of that name without it is someone else's).
     */
    List<Step> remove(Network n, Unit unit) {
        List<Step> out = new ArrayList<>();
        Firewalls fw = ctx.firewalls();
        if (fw.isSetUp(n.name())) {
            out.add(Step.call(new Change(Action.DELETE, "firewall", "network " + n.name(), ""), unit, () -> {
                fw.driver(n.options().firewall()).teardownNetwork(n.bridge());
                fw.setUp(n.name(), false);
                CrashPoint.at(CrashPoint.NETWORK_REMOVING);
            }));
        }
        String br = n.bridge().toString();
        // only a bridge that carries this network's alias is the engine's to delete, whatever the store says
        if (n.bridgeOrigin() == BridgeOrigin.CREATED
                && rtnl.links().find(br).filter(l -> Naming.bridgeAlias(n.name()).equals(l.alias())).isPresent()) {
            out.add(Step.netlink(new Change(Action.DELETE, "link", br, "bridge"), unit, null,
                    r -> r.batch().links().delete(br)));
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

package org.nlbridge.driver.bridge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.nlbridge.driver.Attachment;
import org.nlbridge.driver.CrashPoint;
import org.nlbridge.driver.DriverContext;
import org.nlbridge.driver.Step;
import org.nlbridge.driver.Unit;
import org.nlbridge.driver.firewall.FirewallSpecs;
import org.nlbridge.driver.firewall.Firewalls;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.PortMapping;
import org.nlbridge.netlink.NoSuchObjectException;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.Address;
import org.nlbridge.rtnl.AddressSpec;
import org.nlbridge.rtnl.BridgePortSpec;
import org.nlbridge.rtnl.Link;
import org.nlbridge.rtnl.Route;
import org.nlbridge.rtnl.RouteSpec;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.rtnl.VethSpec;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.Change.Action;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Network;
import org.nlbridge.state.SubnetConfig;

/**
 * The kernel side of endpoints: a veth pair whose peer is created directly inside the container's namespace with its
 * final name, then the container side (sysctls, {@code lo} up, address, up, default route), then the firewall.
 *
 * <p>The steps of a batch come grouped by kind: every host-side veth first, then their sysctls (consecutive steps of
 * the host namespace: one visit, one netlink batch), then each container's side (one visit of its namespace, one
 * batch), then the firewall entries.
 */
final class BridgeEndpoints {
    /** Whether this kernel has IPv6 at all ({@code ipv6.disable=1} removes the whole sysctl tree). */
    static final boolean IPV6 = Files.isDirectory(Path.of("/proc/sys/net/ipv6"));

    private final DriverContext ctx;

    BridgeEndpoints(DriverContext ctx) {
        this.ctx = ctx;
    }

    List<Step> attach(List<Attachment> batch) {
        List<Step> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) out.add(hostVeth(batch.get(i), i == 0));
        if (IPV6) {
            // the host end takes no router advertisement either (a bridge port's frames go to the bridge, but a
            // port taken off it would take them): in the same host visit as the veths
            for (Attachment a : batch) {
                out.add(Step.sysctl(a.unit(), null, "net/ipv6/conf/" + a.hostLink() + "/accept_ra", "0"));
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            // a container end handed over is set up by its runtime, in its runtime's namespace
            if (batch.get(i).container().handover() == null) containerSide(batch.get(i), i == 0, out);
        }
        for (int i = 0; i < batch.size(); i++) out.add(firewall(batch.get(i), i == 0));
        return out;
    }

    /**
     * The veth, its peer created inside the container with its final name, on the bridge with hairpin on. Why
     * hairpin: a container reaching its own published port through a host address is DNATed back to itself. With
     * br_netfilter ({@code net.bridge.bridge-nf-call-iptables=1}, the default in a new namespace and what icc=false
     * needs) that DNAT happens in the bridge's prerouting, the kernel then bridges the frame, and the bridge sends a
     * frame back out of the port it came in on only in hairpin mode. Docker sets it for the same reason whenever no
     * userland proxy answers hairpin traffic (we never run one).
     */
    private static Step hostVeth(Attachment a, boolean first) {
        ContainerSpec c = a.container();
        Network n = a.network();
        String peer = c.handover() != null ? "peer " + c.handover() + " (handed over, down)"
                : "peer " + c.netns() + ":" + a.spec().ifname();
        String detail = "veth, " + peer + ", master " + n.bridge() + ", mtu " + n.mtu().value() + ", hairpin, up";
        return Step.netlink(new Change(Action.CREATE, "link", a.hostLink().toString(), detail), a.unit(), null, r -> {
            if (first) CrashPoint.at(CrashPoint.JOURNALLED);
            Endpoint e = a.endpoint();
            VethSpec.Builder v = VethSpec.builder(e.hostVeth().toString(), e.ifName().toString());
            // handed over: the peer stays here, down, with the endpoint's MAC and the network's MTU, until the runtime
            // moves it into its namespace, renames it and sets it up (Docker's Join); else it is made in place
            if (!e.handedOver()) v.peerNetns(r.keep(NetNs.openRef(c.netns())));
            r.batch().links().add(v.mtu(n.mtu()).peerMac(e.mac()).master(r.index(n.bridge().toString()))
                    .port(BridgePortSpec.HAIRPIN).alias(Naming.vethAlias(n.name(), c.name()))
                    .queues(1) // the one queue Docker's veths use too, without an RCU grace period per end
                    .up().build());
        });
    }

    /** Inside the container: sysctls first (IPv6 off before the link comes up), then lo, address, up, routes. */
    private static void containerSide(Attachment a, boolean first, List<Step> out) {
        ContainerSpec c = a.container();
        Network n = a.network();
        String ns = c.netns();
        String ifname = a.spec().ifname().toString();
        Unit unit = a.unit();
        boolean v6 = n.ipv6() != null;
        if (IPV6) {
            // an IPv4-only network: no IPv6 on the container side at all (no DAD/MLD/RS chatter, no RA attack)
            out.add(Step.sysctl(unit, ns, "net/ipv6/conf/" + ifname + "/disable_ipv6", v6 ? "0" : "1"));
            if (v6) out.add(Step.sysctl(unit, ns, "net/ipv6/conf/" + ifname + "/accept_ra", "0"));
        }
        out.add(Step.sysctl(unit, ns, "net/ipv4/conf/" + ifname + "/arp_notify", "1")); // gratuitous ARP when up
        out.add(Step.netlink(new Change(Action.UPDATE, "link", ns + ":lo", "up"), unit, ns, r -> {
            if (first) CrashPoint.at(CrashPoint.HOST_BATCH);
            r.batch().links().setUp("lo");
        }));
        out.add(address(a, n.ipv4(), a.spec().ip()));
        if (v6) out.add(address(a, n.ipv6(), a.spec().ip6()));
        out.add(Step.netlink(new Change(Action.UPDATE, "link", ns + ":" + ifname, "up"), unit, ns,
                r -> r.batch().links().setUp(r.index(ifname))));
        if (!n.options().internal() && a.spec().defaultRoute()) {
            out.add(route(c.netns(), ifname, n.ipv4(), true, unit));
            if (v6) out.add(route(c.netns(), ifname, n.ipv6(), true, unit));
        }
    }

    private static Step address(Attachment a, SubnetConfig net, IpAddress requested) {
        String where = a.container().netns() + ":" + a.spec().ifname();
        Change change = requested != null
                ? new Change(Action.CREATE, "address", where + " " + Cidr.of(requested, net.subnet().prefixLength()), "")
                : new Change(Action.CREATE, "address", where, "next free address in " + net.pool());
        return Step.netlink(change, a.unit(), a.container().netns(), r -> {
            Endpoint e = a.endpoint();
            addAddress(r, e.ifName().toString(), Cidr.of(address(e, net), net.subnet().prefixLength()));
        });
    }

    private static IpAddress address(Endpoint e, SubnetConfig net) {
        return net.family() == IpAddress.AF_INET ? e.ipv4() : e.ipv6();
    }

    private static void addAddress(Step.Requests r, String ifname, Cidr cidr) {
        AddressSpec spec = AddressSpec.of(r.index(ifname), cidr);
        r.batch().addresses().add(cidr.family() == IpAddress.AF_INET ? spec.withBroadcast() : spec.withNoDad());
    }

    /** What is inside a container's namespace, as far as its endpoint is concerned. */
    private record Inside(Link link, boolean loUp, List<Cidr> addresses, List<Route> routes) {}

    /**
     * The steps that give an attached container back what someone took from inside its namespace: {@code lo} or its
     * interface up, its addresses, its default routes (the same steps, and plan lines, as its attach). Nothing when
     * its interface is gone: then the veth is gone too, and the endpoint is re-made. Nothing for an endpoint handed
     * over to a runtime: its namespace, and what is inside, are the runtime's.
     */
    List<Step> repair(Network n, Endpoint e, Unit unit) {
        if (e.handedOver()) return List.of();
        String ns = e.netns().getFileName().toString();
        String ifname = e.ifName().toString();
        Inside in;
        try (NetNs target = NetNs.open(ns)) {
            in = target.call(() -> {
                try (Rtnl r = Rtnl.current()) {
                    Link l = r.links().find(ifname).orElse(null);
                    boolean lo = r.links().find("lo").map(Link::isUp).orElse(false);
                    if (l == null) return new Inside(null, lo, List.of(), List.of());
                    List<Cidr> addrs = r.addresses().list(l.index()).stream().map(Address::address).toList();
                    List<Route> routes = new ArrayList<>(r.routes().list(IpAddress.AF_INET));
                    if (n.ipv6() != null) routes.addAll(r.routes().list(IpAddress.AF_INET6));
                    return new Inside(l, lo, addrs, routes);
                }
            });
        } catch (RuntimeException gone) {
            return List.of(); // the namespace went meanwhile: the next plan re-makes the endpoint
        }
        if (in.link() == null) return List.of();
        List<Step> out = new ArrayList<>();
        if (!in.loUp()) {
            out.add(Step.netlink(new Change(Action.UPDATE, "link", ns + ":lo", "up"), unit, ns,
                    r -> r.batch().links().setUp("lo")));
        }
        for (SubnetConfig net : BridgeNetworks.configs(n)) {
            Cidr want = Cidr.of(address(e, net), net.subnet().prefixLength());
            if (in.addresses().contains(want)) continue;
            out.add(Step.netlink(new Change(Action.CREATE, "address", ns + ":" + ifname + " " + want, ""), unit, ns,
                    r -> addAddress(r, ifname, want)));
        }
        if (!in.link().isUp()) {
            out.add(Step.netlink(new Change(Action.UPDATE, "link", ns + ":" + ifname, "up"), unit, ns,
                    r -> r.batch().links().setUp(r.index(ifname))));
        }
        if (!n.options().internal() && e.defaultRoute()) {
            for (SubnetConfig net : BridgeNetworks.configs(n)) {
                boolean has = in.routes().stream().anyMatch(rt -> rt.isDefault() && rt.table() == 254
                        && rt.family() == net.family() && net.gateway().equals(rt.gateway()));
                if (!has) out.add(route(ns, ifname, net, true, unit));
            }
        }
        return out;
    }

    /** The container's default route via the network's gateway, added or (when {@code on} is false) removed. */
    private static Step route(String netns, String ifname, SubnetConfig net, boolean on, Unit unit) {
        return Step.netlink(new Change(on ? Action.CREATE : Action.DELETE, "route", netns + ":default",
                "via " + net.gateway() + " dev " + ifname), unit, netns, r -> {
                    RouteSpec spec = RouteSpec.defaultVia(net.gateway()).dev(r.index(ifname));
                    if (on) r.batch().routes().replace(spec);
                    else r.batch().routes().delete(spec);
                });
    }

    /** The steps that move an attached endpoint's default route on or off (Docker's gateway moving on disconnect). */
    List<Step> defaultRoute(Network n, Endpoint e, boolean on, Unit unit) {
        List<Step> out = new ArrayList<>();
        if (n.options().internal()) return out;
        String ns = e.netns().toString();
        out.add(route(ns, e.ifName().toString(), n.ipv4(), on, unit));
        if (n.ipv6() != null) out.add(route(ns, e.ifName().toString(), n.ipv6(), on, unit));
        return out;
    }

    private Step firewall(Attachment a, boolean first) {
        Network n = a.network();
        Firewalls fw = ctx.firewalls();
        String what = n.options().firewall().label() + ": " + (a.ports().isEmpty() ? "addresses"
                : "addresses, " + a.ports().size() + " published port(s)") + owned(a);
        return Step.call(new Change(Action.CREATE, "firewall", "endpoint " + a.container().name() + " on " + n.name(),
                what), a.unit(), () -> {
            if (first) CrashPoint.at(CrashPoint.CONTAINER_SIDE);
            fw.driver(n.options().firewall()).addEndpoint(FirewallSpecs.of(n, a.endpoint(), a.ports()));
        });
    }

    /**
     * For a container on several networks: the ports with anti-spoofing accept each other's addresses (the answers of
     * a port published on one network leave along the default route, through another network's port).
     */
    private static String owned(Attachment a) {
        List<String> others = a.container().attachments().stream().map(x -> x.network())
                .filter(x -> !x.equals(a.network().name())).toList();
        return others.isEmpty() ? "" : "; anti-spoofing: this port and those on " + String.join(", ", others)
                + " accept the container's addresses on each other's networks";
    }

    /**
     * Firewall entries out, then every veth in one batch (its peer inside goes with it). A link of the veth's name
     * without the endpoint's alias is not the engine's and stays (issue 16 item 5).
     */
    List<Step> detach(Network n, List<Endpoint> endpoints, Function<Endpoint, Unit> units) {
        List<Step> out = new ArrayList<>();
        Map<String, Link> links = new HashMap<>();
        ctx.rtnl().links().list().forEach(l -> links.put(l.name(), l)); // one dump, not a lookup per endpoint
        Firewalls fw = ctx.firewalls();
        if (fw.isSetUp(n.name())) {
            for (Endpoint e : endpoints) {
                out.add(Step.call(new Change(Action.DELETE, "firewall", "endpoint " + e.container() + " on " + n.name(),
                        ""), units.apply(e), () -> fw.driver(n.options().firewall())
                        .removeEndpoint(FirewallSpecs.endpointId(e.network(), e.container()))));
            }
        }
        for (Endpoint e : endpoints) {
            String veth = e.hostVeth().toString();
            Link l = links.get(veth);
            if (l == null) continue; // gone with its namespace, or never made
            // the store alone does not prove the link is ours (a swapped store, a link someone made in its place)
            if (!Naming.vethAlias(e.network(), e.container()).equals(l.alias())) continue;
            out.add(Step.netlink(new Change(Action.DELETE, "link", veth, "veth"), units.apply(e), null,
                    r -> r.batch().links().delete(veth)));
        }
        return out;
    }

    /**
     * What an attach may have made for an endpoint, removed: its veth and its firewall entries. A link of the veth's
     * name is deleted only if it is this endpoint's (our alias, or no alias yet and on the network's bridge): the
     * create may have failed because someone else's link has that name.
     */
    void undo(Network n, Endpoint e, List<String> errors) {
        String veth = e.hostVeth().toString();
        try {
            Link l = ctx.rtnl().links().find(veth).orElse(null);
            if (l != null && (Naming.vethAlias(e.network(), e.container()).equals(l.alias())
                    || l.alias() == null && n != null && isPortOf(l, n))) {
                ctx.rtnl().links().deleteIfExists(veth);
            }
        } catch (NoSuchObjectException gone) {
            // deleted between lookup and delete: done
        } catch (RuntimeException ex) {
            errors.add("veth " + veth + ": " + ex.getMessage());
        }
        if (n == null || !ctx.firewalls().isOpen(n.options().firewall())) return; // reconcile builds it from the store
        try {
            ctx.firewalls().driver(n.options().firewall()).removeEndpoint(FirewallSpecs.endpointId(n.name(), e.container()));
        } catch (RuntimeException ex) {
            errors.add("firewall: " + ex.getMessage());
        }
    }

    private boolean isPortOf(Link l, Network n) {
        return "veth".equals(l.kind()) && ctx.rtnl().links().find(n.bridge().toString())
                .map(b -> b.index() == l.master()).orElse(false);
    }

    /**
     * New published ports for an attached endpoint: the firewall cannot change an endpoint in place, so its entries
     * are removed and added back with the new ports (two transactions; in between the bridge's forward chain still
     * drops what is not established or published).
     */
    void publish(Network n, Endpoint e, List<PortMapping> ports) {
        var fw = ctx.firewalls().driver(n.options().firewall());
        fw.removeEndpoint(FirewallSpecs.endpointId(e.network(), e.container()));
        fw.addEndpoint(FirewallSpecs.of(n, e, ports));
    }

    /** The veth exists and is a port of its network's bridge (a deleted bridge takes its ports along). */
    static boolean intact(Network n, Endpoint e, Map<String, Link> links) {
        Link veth = links.get(e.hostVeth().toString());
        Link bridge = links.get(n.bridge().toString());
        return veth != null && bridge != null && veth.master() == bridge.index();
    }
}

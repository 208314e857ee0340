package org.nlbridge.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.nlbridge.driver.Attachment;
import org.nlbridge.driver.DriverContext;
import org.nlbridge.driver.NetworkDriver;
import org.nlbridge.driver.Step;
import org.nlbridge.driver.Unit;
import org.nlbridge.driver.firewall.FirewallState;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IfName;
import org.nlbridge.net.Mtu;
import org.nlbridge.net.PortMapping;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.AddressSpec;
import org.nlbridge.rtnl.BridgeSpec;
import org.nlbridge.rtnl.Link;
import org.nlbridge.rtnl.VethSpec;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.Change.Action;
import org.nlbridge.spec.FirewallBackend;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.state.BridgeOrigin;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Network;
import org.nlbridge.state.NetworkOptions;
import org.nlbridge.state.SubnetConfig;

/**
 * A second network driver, for tests only: a plain bridge with its gateway address and no firewall at all, and
 * containers on it by a veth with their address (no route, no sysctls). One class; it reaches the engine by one
 * registry line ({@code Engines.DRIVERS.with("plain", PlainBridgeDriver::new)}) and is planned and applied through
 * the same {@link NetworkDriver} and {@link Step}s as the bridge driver.
 */
final class PlainBridgeDriver implements NetworkDriver {
    private final DriverContext ctx;

    PlainBridgeDriver(DriverContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Network resolve(NetworkSpec spec, Set<String> leaving) {
        return new Network(spec.name(), spec.driver(), spec.bridge(), BridgeOrigin.CREATED,
                new SubnetConfig(spec.bip().subnet(), spec.bip().address(), null), null,
                spec.mtu() != null ? spec.mtu() : Mtu.of(1500),
                new NetworkOptions(true, false, false, true, FirewallBackend.NONE, false));
    }

    @Override
    public String describe(Network n) {
        return "plain bridge " + n.bridge() + ", " + Cidr.of(n.ipv4().gateway(), n.ipv4().subnet().prefixLength());
    }

    @Override
    public IfName hostLink(Network n, String container) {
        return IfName.parseNew("link", ("pl-" + container).substring(0, Math.min(15, 3 + container.length())));
    }

    @Override
    public List<Step> ensure(Network n, Unit unit) {
        String br = n.bridge().toString();
        if (ctx.rtnl().links().find(br).isPresent()) return List.of();
        Cidr gw = Cidr.of(n.ipv4().gateway(), n.ipv4().subnet().prefixLength());
        return List.of(
                Step.netlink(new Change(Action.CREATE, "link", br, "plain bridge, up"), unit, null, r -> r.batch().links()
                        .add(BridgeSpec.builder(br).mtu(n.mtu()).alias(ALIAS_PREFIX + "plain:" + n.name()).up().build())),
                Step.netlink(new Change(Action.CREATE, "address", br + " " + gw, ""), unit, null,
                        r -> r.batch().addresses().add(AddressSpec.of(r.index(br), gw))));
    }

    @Override
    public List<Step> remove(Network n, Unit unit) {
        String br = n.bridge().toString();
        if (ctx.rtnl().links().find(br).isEmpty()) return List.of();
        return List.of(Step.netlink(new Change(Action.DELETE, "link", br, "plain bridge"), unit, null,
                r -> r.batch().links().delete(br)));
    }

    @Override
    public List<Step> attach(List<Attachment> batch) {
        List<Step> out = new ArrayList<>();
        for (Attachment a : batch) {
            String ns = a.container().netns();
            out.add(Step.netlink(new Change(Action.CREATE, "link", a.hostLink().toString(), "veth, peer " + ns + ":"
                    + a.spec().ifname() + ", master " + a.network().bridge()), a.unit(), null, r -> r.batch().links()
                    .add(VethSpec.builder(a.hostLink().toString(), a.spec().ifname().toString())
                            .peerNetns(r.keep(NetNs.openRef(ns))).master(r.index(a.network().bridge().toString()))
                            .alias(ALIAS_PREFIX + "plain:" + a.container().name()).up().build())));
        }
        for (Attachment a : batch) {
            String ns = a.container().netns();
            String ifname = a.spec().ifname().toString();
            out.add(Step.netlink(new Change(Action.CREATE, "address", ns + ":" + ifname, "allocated"), a.unit(), ns,
                    r -> r.batch().addresses().add(AddressSpec.of(r.index(ifname),
                            Cidr.of(a.endpoint().ipv4(), a.network().ipv4().subnet().prefixLength())))));
            out.add(Step.netlink(new Change(Action.UPDATE, "link", ns + ":" + ifname, "up"), a.unit(), ns,
                    r -> r.batch().links().setUp(r.index(ifname))));
        }
        return out;
    }

    @Override
    public void undoAttach(Network n, Endpoint e, List<String> errors) {
        try {
            ctx.rtnl().links().deleteIfExists(e.hostVeth().toString());
        } catch (RuntimeException ex) {
            errors.add(ex.getMessage());
        }
    }

    @Override
    public List<Step> detach(Network n, List<Endpoint> endpoints, Function<Endpoint, Unit> units) {
        List<Step> out = new ArrayList<>();
        for (Endpoint e : endpoints) {
            String veth = e.hostVeth().toString();
            out.add(Step.netlink(new Change(Action.DELETE, "link", veth, "veth"), units.apply(e), null,
                    r -> r.batch().links().delete(veth)));
        }
        return out;
    }

    @Override
    public List<Step> defaultRoute(Network network, Endpoint endpoint, boolean on, Unit unit) {
        return List.of(); // this driver makes no routes
    }

    @Override
    public void publish(Network n, Endpoint e, List<PortMapping> ports) {
        if (!ports.isEmpty()) throw new IllegalArgumentException("a plain bridge has no firewall to publish ports");
    }

    @Override
    public boolean intact(Network n, Endpoint e, Map<String, Link> links) {
        Link veth = links.get(e.hostVeth().toString());
        Link br = links.get(n.bridge().toString());
        return veth != null && br != null && veth.master() == br.index();
    }

    @Override
    public Map<String, String> links(Network n, List<Endpoint> endpoints) {
        Map<String, String> out = new HashMap<>();
        out.put(n.bridge().toString(), "plain bridge of " + n.name());
        endpoints.forEach(e -> out.put(e.hostVeth().toString(), "veth of " + e.container()));
        return out;
    }

    @Override
    public FirewallState firewall(Network n, List<Endpoint> endpoints, Function<Endpoint, List<PortMapping>> ports) {
        return FirewallState.EMPTY;
    }
}

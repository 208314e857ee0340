package org.nlbridge.driver.overlay;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.nlbridge.driver.DriverContext;
import org.nlbridge.driver.NetworkDriver;
import org.nlbridge.driver.Peers;
import org.nlbridge.driver.Step;
import org.nlbridge.driver.Unit;
import org.nlbridge.driver.Attachment;
import org.nlbridge.driver.bridge.BridgeDriver;
import org.nlbridge.driver.firewall.FirewallState;
import org.nlbridge.driver.ipam.EndpointRequest;
import org.nlbridge.net.IfName;
import org.nlbridge.net.Mtu;
import org.nlbridge.net.PortMapping;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.Link;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.rtnl.VxlanInfo;
import org.nlbridge.rtnl.VxlanSpec;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.Change.Action;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Network;

/**
 * Docker's overlay driver on etcd: one network spanning hosts, L2 over VXLAN (docs/overlay-data-plane.md). On each
 * host a network is the bridge driver's network (bridge with the same gateway address on every host, veths,
 * masquerade out, published ports, all per host) plus a VXLAN port on the bridge (learning off, proxy ARP, no
 * multicast), whose forwarding entries (MAC to VTEP, IP to MAC, per remote container) come from the cluster store
 * through a watch ({@link NetworkPeers}). Addresses are claimed cluster-wide by compare-and-swap
 * ({@link Announcements}); the network's declaration is kept once in the store and every host must declare it the
 * same ({@link Membership}). The MTU is the underlay's minus 50 unless declared.
 *
 * <p>Needs the cluster store, which a daemon holds ({@code --cluster-store}, {@code --cluster-advertise}); an engine
 * without it refuses an overlay network before any change, naming what to do.
 */
public final class OverlayDriver implements NetworkDriver {
    private final DriverContext ctx;
    private final BridgeDriver bridge;
    private final Cluster cluster;
    /** The declarations resolved by the plan being made, for its join step. */
    private final Map<String, Declaration> declared = new ConcurrentHashMap<>();

    public OverlayDriver(DriverContext ctx) {
        this.ctx = ctx;
        this.bridge = new BridgeDriver(ctx);
        this.cluster = ctx.cluster() == null ? null : new Cluster(ctx);
    }

    /**
     * Resolves {@code --cluster-advertise} in the host namespace now (a daemon checks it before it starts):
     * {@code 198.51.100.11 on eth0 (mtu 1500, overlay mtu 1450)}.
     *
     * @throws ValidationException naming {@code cluster-advertise}
     */
    public static String checkUnderlay(NetNs host, String advertise) {
        try (Rtnl rtnl = Rtnl.open(host)) {
            Underlay u = Underlay.resolve(rtnl, advertise);
            return u.address() + " on " + u.ifname() + " (mtu " + u.mtu() + ", overlay mtu " + u.overlayMtu() + ")";
        }
    }

    private Cluster cluster(String network) {
        if (cluster != null) return cluster;
        throw new ValidationException("network " + network + ": driver", "overlay", "an overlay network needs the"
                + " cluster store, and only a daemon holds it (its host lease and its watch); this engine has none",
                "nlbridge daemon --cluster-store etcd://HOST:PORT --cluster-advertise IP|IFNAME with the script sent"
                        + " to it (-H), or driver 'bridge'");
    }

    @Override
    public Network resolve(NetworkSpec spec, Set<String> leaving) {
        String f = "network " + spec.name();
        Cluster c = cluster(spec.name());
        if (spec.existing()) {
            throw new ValidationException(f + ": useBridge", spec.bridge().toString(), "an overlay network makes its own"
                    + " bridge on every host", "no useBridge (bridge NAME may name it)");
        }
        if (spec.fixedCidrV6() != null) {
            throw new ValidationException(f + ": fixedCidrV6", spec.fixedCidrV6().toString(), "IPv6 on overlay"
                    + " networks is not supported", "no fixedCidrV6 on an overlay network");
        }
        Underlay u = c.refreshUnderlay(ctx.rtnl());
        int max = u.overlayMtu();
        if (spec.mtu() != null && spec.mtu().value() > max) {
            throw new ValidationException(f + ": mtu", Integer.toString(spec.mtu().value()), "does not fit in VXLAN"
                    + " over the underlay " + u.ifname() + " (MTU " + u.mtu() + " minus " + VxlanSpec.OVERHEAD_IPV4
                    + ")", "at most " + max + ", or none (then " + max + ")");
        }
        Network n = bridge.resolve(spec.withLink(spec.mtu() != null ? spec.mtu() : Mtu.of(max), true), leaving);
        Declaration d = Declaration.of(spec, n);
        c.membership().check(spec.name(), d);
        declared.put(spec.name(), d);
        return n;
    }

    @Override
    public String describe(Network n) {
        NetworkPeers np = cluster == null ? null : cluster.known(n.name());
        int vni = np == null ? 0 : np.vni();
        return "overlay, bridge " + n.bridge() + ", vxlan " + Naming.vxlan(n.name()) + " "
                + (vni > 0 ? "vni " + vni : "(vni from the cluster store)") + ", " + n.ipv4().gateway() + "/"
                + n.ipv4().subnet().prefixLength() + (n.ipv4().range() != null ? ", fixed-cidr " + n.ipv4().range() : "")
                + ", mtu " + n.mtu().value() + (n.options().icc() ? "" : ", icc off")
                + (n.options().ipMasq() ? "" : ", ip-masq off") + (n.options().internal() ? ", internal" : "")
                + ", firewall " + n.options().firewall().label();
    }

    @Override
    public IfName hostLink(Network network, String container) {
        return bridge.hostLink(network, container);
    }

    /** Joins the network in the store (once), then the bridge driver's steps, then the VXLAN port. */
    @Override
    public List<Step> ensure(Network n, Unit unit) {
        Cluster c = cluster(n.name());
        List<Step> out = new ArrayList<>();
        NetworkPeers np = c.known(n.name());
        if (np == null || np.vni() == 0) {
            Declaration d = declared.get(n.name());
            if (d == null) throw new IllegalStateException("network " + n.name() + " was not resolved by this plan");
            out.add(Step.call(new Change(Action.CREATE, "cluster", n.name(), "declaration " + d.subnet() + ", vni "
                    + (d.vni() != null ? d.vni() : "from the cluster store") + ", member " + c.hostId()), unit,
                    () -> c.joined(n.name(), c.membership().join(n.name(), d))));
        }
        out.addAll(bridge.ensure(n, unit));
        out.addAll(vxlan(c, n, unit));
        return out;
    }

    /**
     * The VXLAN port: made when missing (then every forwarding entry is written from the store), re-made when it is
     * not what it should be (another VNI, local address or bridge), set up when down.
     */
    private List<Step> vxlan(Cluster c, Network n, Unit unit) {
        String vx = Naming.vxlan(n.name());
        String br = n.bridge().toString();
        Underlay u = c.underlay();
        NetworkPeers np = c.known(n.name());
        int vni = np == null ? 0 : np.vni();
        Optional<Link> l = ctx.rtnl().links().find(vx);
        Optional<Link> b = ctx.rtnl().links().find(br);
        List<Step> out = new ArrayList<>();
        String wrong = l.isEmpty() ? null : wrong(l.get(), vni, u, b.map(Link::index).orElse(-1), n.mtu());
        if (l.isPresent() && wrong == null) {
            if (!l.get().isUp()) {
                out.add(Step.netlink(new Change(Action.UPDATE, "link", vx, "up"), unit, null,
                        r -> r.batch().links().setUp(r.index(vx))));
            }
            return out;
        }
        if (l.isPresent()) {
            out.add(Step.netlink(new Change(Action.DELETE, "link", vx, "vxlan, " + wrong), unit, null,
                    r -> r.batch().links().delete(vx)));
        }
        out.add(Step.netlink(new Change(Action.CREATE, "link", vx, "vxlan, " + (vni > 0 ? "vni " + vni
                : "vni from the cluster store") + ", local " + u.address() + ", dev " + u.ifname() + ", port "
                + VxlanSpec.IANA_PORT + ", nolearning, proxy, mtu " + n.mtu().value() + ", master " + br + ", up"), unit,
                null, r -> r.batch().links().add(VxlanSpec.builder(vx, c.known(n.name()).vni()).local(u.address())
                        .underlay(u.ifindex()).proxy().mtu(n.mtu()).master(r.index(br)).alias(Naming.vxlanAlias(n.name()))
                        .up().build())));
        out.add(Step.call(new Change(Action.CREATE, "forwarding", vx, "an FDB and an ARP entry per remote container,"
                + " from the cluster store"), unit, () -> c.network(n.name()).syncKernel()));
        return out;
    }

    /** What is wrong with an existing VXLAN device, or null. */
    private String wrong(Link l, int vni, Underlay u, int bridgeIndex, Mtu mtu) {
        if (!"vxlan".equals(l.kind())) return "a " + l.kind() + " device has its name";
        VxlanInfo[] info = new VxlanInfo[1];
        ctx.rtnl().links().dump(v -> {
            if (v.index() == l.index()) info[0] = v.vxlan();
        });
        VxlanInfo i = info[0];
        if (i == null) return "gone";
        if (vni > 0 && i.vni() != vni) return "vni " + i.vni() + " instead of " + vni;
        if (!u.address().equals(i.local())) return "local " + i.local() + " instead of " + u.address();
        if (i.learning() || !i.proxy()) return "learning or proxy differ";
        if (l.master() != bridgeIndex) return "not a port of its bridge";
        if (l.mtu() != mtu.value()) return "mtu " + l.mtu() + " instead of " + mtu.value();
        return null;
    }

    /** The VXLAN port, the bridge driver's objects, then this host's membership in the store. */
    @Override
    public List<Step> remove(Network n, Unit unit) {
        List<Step> out = new ArrayList<>();
        String vx = Naming.vxlan(n.name());
        if (ctx.rtnl().links().find(vx).filter(l -> Naming.vxlanAlias(n.name()).equals(l.alias())).isPresent()) {
            out.add(Step.netlink(new Change(Action.DELETE, "link", vx, "vxlan"), unit, null, r -> r.batch().links().delete(vx)));
        }
        out.addAll(bridge.remove(n, unit));
        if (cluster != null && cluster.known(n.name()) != null) {
            out.add(Step.call(new Change(Action.DELETE, "cluster", n.name(), "member " + cluster.hostId()
                    + " (the declaration too if no other host has the network)"), unit, () -> {
                cluster.forget(n.name());
                cluster.membership().leave(n.name());
            }));
        }
        return out;
    }

    @Override
    public List<Step> attach(List<Attachment> batch) {
        return bridge.attach(batch);
    }

    @Override
    public EndpointRequest reserve(Network network, EndpointRequest request) {
        return cluster(network.name()).announcements().reserve(network, request);
    }

    @Override
    public void unreserve(Network network, EndpointRequest reserved) {
        if (cluster != null) cluster.announcements().withdraw(network.name(), reserved.container());
    }

    @Override
    public void undoAttach(Network network, Endpoint endpoint, List<String> errors) {
        bridge.undoAttach(network, endpoint, errors);
        if (cluster != null) cluster.announcements().withdraw(endpoint.network(), endpoint.container());
    }

    /** The bridge driver's steps, then each endpoint's record and address out of the store. */
    @Override
    public List<Step> detach(Network n, List<Endpoint> endpoints, Function<Endpoint, Unit> units) {
        List<Step> out = new ArrayList<>(bridge.detach(n, endpoints, units));
        if (cluster == null) return out;
        for (Endpoint e : endpoints) {
            out.add(Step.call(new Change(Action.DELETE, "announcement", e.container() + " on " + n.name(), e.ipv4()
                    + " in the cluster store"), units.apply(e),
                    () -> cluster.announcements().withdraw(n.name(), e.container())));
        }
        return out;
    }

    @Override
    public List<Step> defaultRoute(Network network, Endpoint endpoint, boolean on, Unit unit) {
        return bridge.defaultRoute(network, endpoint, on, unit);
    }

    @Override
    public void publish(Network network, Endpoint endpoint, List<PortMapping> ports) {
        bridge.publish(network, endpoint, ports);
    }

    @Override
    public boolean intact(Network network, Endpoint endpoint, Map<String, Link> hostLinks) {
        return bridge.intact(network, endpoint, hostLinks);
    }

    @Override
    public Map<String, String> links(Network network, List<Endpoint> endpoints) {
        Map<String, String> out = bridge.links(network, endpoints);
        out.put(Naming.vxlan(network.name()), "vxlan of network " + network.name());
        return out;
    }

    @Override
    public FirewallState firewall(Network network, List<Endpoint> endpoints, Function<Endpoint, List<PortMapping>> ports) {
        return bridge.firewall(network, endpoints, ports);
    }

    @Override
    public void adopt(Network network, List<Endpoint> endpoints) {
        if (cluster != null) cluster.adopt(network, endpoints);
    }

    @Override
    public Peers peers(Network network) {
        return cluster == null ? null : cluster.peers(network.name());
    }

    @Override
    public void close() {
        if (cluster != null) cluster.close();
    }
}

package org.nlbridge.driver.firewall.nftables;

import static org.nlbridge.driver.firewall.nftables.NftField.IIFNAME;
import static org.nlbridge.driver.firewall.nftables.NftField.L4PROTO;
import static org.nlbridge.driver.firewall.nftables.NftField.OIFNAME;
import static org.nlbridge.driver.firewall.nftables.NftField.TH_DPORT;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.nlbridge.driver.firewall.EndpointFirewallSpec;
import org.nlbridge.driver.firewall.FirewallState;
import org.nlbridge.driver.firewall.NetworkFirewallSpec;
import org.nlbridge.driver.firewall.PublishedPort;
import org.nlbridge.driver.firewall.nftables.NftExpr.Accept;
import org.nlbridge.driver.firewall.nftables.NftExpr.Counter;
import org.nlbridge.driver.firewall.nftables.NftExpr.CtEstablishedRelated;
import org.nlbridge.driver.firewall.nftables.NftExpr.CtStatusDnat;
import org.nlbridge.driver.firewall.nftables.NftExpr.DnatMap;
import org.nlbridge.driver.firewall.nftables.NftExpr.Drop;
import org.nlbridge.driver.firewall.nftables.NftExpr.FibDaddrLocal;
import org.nlbridge.driver.firewall.nftables.NftExpr.IfNameIs;
import org.nlbridge.driver.firewall.nftables.NftExpr.InPrefix;
import org.nlbridge.driver.firewall.nftables.NftExpr.InSet;
import org.nlbridge.driver.firewall.nftables.NftExpr.Masquerade;
import org.nlbridge.driver.firewall.nftables.NftExpr.VerdictMap;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;

/**
 * The nftables layout of nlbridge's Docker bridge-driver policy, and the transactions that build it. Pure: no
 * kernel access, so every shape here is unit-tested and golden-tested.
 *
 * <h2>Tables</h2>
 * {@code ip nlbridge} and {@code ip6 nlbridge} hold everything for IPv4 and IPv6; with {@link NftFeatures#FULL},
 * {@code bridge nlbridge} holds the layer-2 half of {@code icc=false} and the port maps count connections per
 * element. (The netlink engine has neither the bridge family nor set counters yet, so the engine runs
 * {@link NftFeatures#BASIC}: icc=false between containers of one bridge then relies on br_netfilter, which the
 * driver checks.) We own these tables outright: teardown and reconcile delete and re-create them whole, and we
 * never touch any other table.
 *
 * <h2>Base chains (created once, never edited afterwards)</h2>
 * <pre>
 * raw-prerouting   filter prerouting  -300 (raw)     loopback guard; {@code ip daddr vmap @direct4}
 * nat-prerouting   nat    prerouting  -100 (dstnat)  {@code fib daddr type local dnat ... map @ports4 / @ports4-any}
 * nat-output       nat    output      -100           the same for connections from the host itself
 * nat-postrouting  nat    postrouting  100 (srcnat)  {@code iifname vmap @nat-from}; {@code oifname vmap @nat-to}
 * filter-forward   filter forward        0 (filter)  {@code iifname vmap @fwd-internal}; {@code oifname vmap @fwd-to};
 *                                                    {@code iifname vmap @fwd-from}
 * bridge: forward  filter forward     -200 (filter)  {@code iifname @icc-off-ports counter drop}  (FULL only)
 * </pre>
 * Per-network and per-endpoint state lives only in regular chains and in set/map elements, so a network costs a
 * few chains plus one element per dispatch map, and a published port costs one element in {@code ports4} (or
 * {@code ports4-any}) plus one in {@code published4}: adding the 10,000th port is two NEWSETELEMs, and every
 * packet's lookup is one hash probe, where Docker, netavark and CNI walk one rule per port.
 *
 * <h2>Per network (bridge {@code br}, chains named {@code <role>__br})</h2>
 * <ul>
 *   <li>{@code direct__br}: {@code iifname != "br" counter drop}, reached from {@code raw-prerouting} through
 *       {@code direct4}, which maps every container address to its network's chain. Direct access to a
 *       container address from outside its bridge is dropped before conntrack and DNAT (Docker 28.2's raw
 *       PREROUTING rule): published ports are reached through host addresses, which DNAT rewrites only after
 *       the raw hook, so they pass; routing straight to a container, even to a port that is published on some
 *       host address, does not (that would bypass a {@code -p 127.0.0.1:...} or {@code -p 10.0.0.5:...}
 *       restriction).</li>
 *   <li>{@code fwd-to__br} (traffic entering the bridge; always ends in a verdict): established/related accept;
 *       {@code iifname "br"} accept, or drop when {@code icc=false}; {@code ip daddr . meta l4proto . th dport
 *       @published4 ct status dnat counter accept} (only translated connections to published container ports;
 *       the counter counts them, as only their first packets get here); drop.
 *       On an internal network: drop anything not from the bridge, then the icc rule.</li>
 *   <li>{@code fwd-internal__br} (internal networks only, evaluated first): {@code oifname != "br" counter drop},
 *       so an internal container reaches nothing beyond its bridge, not even another network's published
 *       port.</li>
 *   <li>{@code fwd-from__br} (non-internal): {@code accept}: traffic leaving the bridge for the outside. (An
 *       nftables accept is final only for this base chain: a drop in any other table, the user hook included,
 *       still wins.)</li>
 *   <li>{@code nat-from__br} (masquerade on): {@code oifname != "br" ip saddr <subnet> counter masquerade}.</li>
 *   <li>{@code nat-to__br} (non-internal): {@code ip saddr 127.0.0.0/8 counter masquerade} (the host reaching a
 *       published port through localhost; IPv4 only) and {@code ip saddr <subnet> ct status dnat counter
 *       masquerade} (hairpin: a container reaching its own or a neighbour's published port through a host
 *       address; without it the reply would bypass the translation).</li>
 * </ul>
 *
 * <h2>Localhost</h2>
 * The host reaches {@code 127.0.0.1:<port>} because {@code nat-output} translates it, {@code route_localnet=1}
 * on the bridge (only there: never on {@code all} or {@code default}) lets a 127.0.0.0/8 source leave through
 * the bridge, and {@code nat-to__br} masquerades it to the bridge address. Because {@code route_localnet} also
 * lets 127.0.0.0/8 in through the bridge, {@code raw-prerouting} always starts with the loopback guard:
 * {@code iifname != "lo" ip daddr 127.0.0.0/8 counter drop} and the same for {@code ip saddr} (CVE-2020-8558).
 * The guard lives in the base chain, created with the table before any network, so the sysctl is never on
 * without it. It also makes a port published on 127.0.0.1 unreachable from other hosts that route 127/8 to us
 * (CVE-2025-54388, moby#45610). IPv6 has no {@code route_localnet}: {@code nat-output} leaves {@code ::1} alone.
 *
 * <h2>The user hook</h2>
 * Tables {@code ip nlbridge-user} and {@code ip6 nlbridge-user}, chain {@code forward}: {@code type filter hook
 * forward priority filter - 10} (-10), policy accept, created empty and only if absent, never flushed, edited or
 * deleted by the engine. A separate table rather than a chain in ours, because teardown and reconcile delete our
 * tables whole (the only way to remove everything atomically, whatever a crash left); a user chain inside them
 * would go with them. At -10 it runs before our forward chain, after DNAT (so it sees container addresses; match
 * the host port with {@code ct original proto-dst}). A drop there is final; an accept cannot override our drops
 * (nftables accept is per base chain), so the hook narrows, never widens. {@link UserHookRules} renders the
 * seed's example, "only 8.8.8.8 on the external interface".
 */
public final class NftLayout {

    public static final String TABLE = "nlbridge";
    public static final String USER_TABLE = "nlbridge-user";
    public static final String USER_CHAIN = "forward";
    /** {@code filter - 10}: before our forward chain (priority filter, 0). */
    public static final int USER_PRIORITY = -10;

    public static final int PRIO_RAW = -300;
    public static final int PRIO_DSTNAT = -100;
    public static final int PRIO_FILTER = 0;
    public static final int PRIO_SRCNAT = 100;
    public static final int PRIO_BRIDGE_FILTER = -200;

    public static final String RAW_PREROUTING = "raw-prerouting";
    public static final String NAT_PREROUTING = "nat-prerouting";
    public static final String NAT_OUTPUT = "nat-output";
    public static final String NAT_POSTROUTING = "nat-postrouting";
    public static final String FILTER_FORWARD = "filter-forward";
    public static final String BRIDGE_FORWARD = "forward";

    public static final String FWD_INTERNAL = "fwd-internal";
    public static final String FWD_TO = "fwd-to";
    public static final String FWD_FROM = "fwd-from";
    public static final String NAT_FROM = "nat-from";
    public static final String NAT_TO = "nat-to";
    public static final String DIRECT = "direct";
    public static final String ICC_OFF_PORTS = "icc-off-ports";

    static final Cidr LOOPBACK4 = Cidr.parseSubnet("loopback", "127.0.0.0/8");
    static final Cidr LOOPBACK6 = Cidr.parseSubnet("loopback", "::1/128");
    static final Cidr LINK_LOCAL6 = Cidr.parseSubnet("link-local", "fe80::/10");

    private NftLayout() {}

    /** {@code ip} or {@code ip6}. */
    public static NftFamily family(int addressFamily) {
        return addressFamily == IpAddress.AF_INET ? NftFamily.IP : NftFamily.IP6;
    }

    private static String suffix(NftFamily f) {
        return f == NftFamily.IP ? "4" : "6";
    }

    /** {@code ports4}: protocol . host address . host port to container address . port. */
    public static String ports(NftFamily f) {
        return "ports" + suffix(f);
    }

    /** {@code ports4-any}: protocol . host port to container address . port, for every local address. */
    public static String portsAny(NftFamily f) {
        return "ports" + suffix(f) + "-any";
    }

    /** {@code published4}: container address . protocol . container port that forward accepts after DNAT. */
    public static String published(NftFamily f) {
        return "published" + suffix(f);
    }

    /** {@code direct4}: container address to its network's {@code direct__br} chain. */
    public static String direct(NftFamily f) {
        return DIRECT + suffix(f);
    }

    /** A per-network chain: {@code fwd-to__nlb0}. */
    public static String chain(String role, IfName bridge) {
        return role + "__" + bridge;
    }

    private static NftType addrType(NftFamily f) {
        return f == NftFamily.IP ? NftType.IPV4_ADDR : NftType.IPV6_ADDR;
    }

    // ---------------------------------------------------------------------------------------------- tables

    /** Our tables with their sets, maps and base chains, empty of networks. */
    public static List<NftOp> tables(NftFeatures features) {
        List<NftOp> ops = new ArrayList<>();
        for (NftFamily f : List.of(NftFamily.IP, NftFamily.IP6)) {
            ops.addAll(inetTable(f, features));
        }
        if (!features.bridgeTable()) return ops;
        NftFamily b = NftFamily.BRIDGE;
        ops.add(new NftOp.AddTable(b, TABLE));
        ops.add(new NftOp.AddSet(b, TABLE, NftSet.set(ICC_OFF_PORTS, NftType.IFNAME)));
        ops.add(new NftOp.AddChain(b, TABLE, NftChain.base(BRIDGE_FORWARD, "filter", "forward", PRIO_BRIDGE_FILTER)));
        ops.add(rule(b, BRIDGE_FORWARD, new InSet(List.of(IIFNAME), ICC_OFF_PORTS), new Counter(), new Drop()));
        return ops;
    }

    private static List<NftOp> inetTable(NftFamily f, NftFeatures features) {
        NftType addr = addrType(f);
        List<NftOp> ops = new ArrayList<>();
        ops.add(new NftOp.AddTable(f, TABLE));
        ops.add(new NftOp.AddSet(f, TABLE, new NftSet(ports(f),
                List.of(NftType.INET_PROTO, addr, NftType.INET_SERVICE), List.of(addr, NftType.INET_SERVICE),
                features.elementCounters())));
        ops.add(new NftOp.AddSet(f, TABLE, new NftSet(portsAny(f),
                List.of(NftType.INET_PROTO, NftType.INET_SERVICE), List.of(addr, NftType.INET_SERVICE),
                features.elementCounters())));
        ops.add(new NftOp.AddSet(f, TABLE, NftSet.set(published(f), addr, NftType.INET_PROTO, NftType.INET_SERVICE)));
        ops.add(new NftOp.AddSet(f, TABLE, verdictMap(direct(f), addr)));
        for (String m : List.of(FWD_INTERNAL, FWD_TO, FWD_FROM, NAT_FROM, NAT_TO)) {
            ops.add(new NftOp.AddSet(f, TABLE, verdictMap(m, NftType.IFNAME)));
        }

        NftField daddr = NftField.addr(f, false);
        NftField saddr = NftField.addr(f, true);
        ops.add(new NftOp.AddChain(f, TABLE, NftChain.base(RAW_PREROUTING, "filter", "prerouting", PRIO_RAW)));
        if (f == NftFamily.IP) {
            IfName lo = IfName.parse("lo", "lo");
            ops.add(rule(f, RAW_PREROUTING, new IfNameIs(IIFNAME, true, lo), new InPrefix(daddr, false, LOOPBACK4),
                    new Counter(), new Drop()));
            ops.add(rule(f, RAW_PREROUTING, new IfNameIs(IIFNAME, true, lo), new InPrefix(saddr, false, LOOPBACK4),
                    new Counter(), new Drop()));
        }
        ops.add(rule(f, RAW_PREROUTING, new VerdictMap(daddr, direct(f))));

        List<NftField> hostKey = List.of(L4PROTO, daddr, TH_DPORT);
        List<NftField> anyKey = List.of(L4PROTO, TH_DPORT);
        ops.add(new NftOp.AddChain(f, TABLE, NftChain.base(NAT_PREROUTING, "nat", "prerouting", PRIO_DSTNAT)));
        ops.add(new NftOp.AddChain(f, TABLE, NftChain.base(NAT_OUTPUT, "nat", "output", PRIO_DSTNAT)));
        for (String chain : List.of(NAT_PREROUTING, NAT_OUTPUT)) {
            // IPv6: no DNAT for link-local sources (they cannot be routed on), and never for ::1 from the host
            NftExpr guard = f == NftFamily.IP ? null : chain.equals(NAT_PREROUTING)
                    ? new InPrefix(saddr, true, LINK_LOCAL6) : new InPrefix(daddr, true, LOOPBACK6);
            for (List<NftField> key : List.of(hostKey, anyKey)) {
                List<NftExpr> e = new ArrayList<>();
                if (guard != null) e.add(guard);
                e.add(new FibDaddrLocal());
                e.add(new DnatMap(f, key, key == hostKey ? ports(f) : portsAny(f)));
                ops.add(new NftOp.AddRule(f, TABLE, chain, new NftRule(e)));
            }
        }

        ops.add(new NftOp.AddChain(f, TABLE, NftChain.base(NAT_POSTROUTING, "nat", "postrouting", PRIO_SRCNAT)));
        ops.add(rule(f, NAT_POSTROUTING, new VerdictMap(IIFNAME, NAT_FROM)));
        ops.add(rule(f, NAT_POSTROUTING, new VerdictMap(OIFNAME, NAT_TO)));

        ops.add(new NftOp.AddChain(f, TABLE, NftChain.base(FILTER_FORWARD, "filter", "forward", PRIO_FILTER)));
        ops.add(rule(f, FILTER_FORWARD, new VerdictMap(IIFNAME, FWD_INTERNAL)));
        ops.add(rule(f, FILTER_FORWARD, new VerdictMap(OIFNAME, FWD_TO)));
        ops.add(rule(f, FILTER_FORWARD, new VerdictMap(IIFNAME, FWD_FROM)));
        return ops;
    }

    /** Our sets and maps by "family name", as {@link NftFeatures#FULL} declares them. */
    private static final java.util.Map<String, NftSet> SETS = new java.util.HashMap<>();

    static {
        for (NftOp op : tables(NftFeatures.FULL)) {
            if (op instanceof NftOp.AddSet s) SETS.put(s.family() + " " + s.set().name(), s.set());
        }
    }

    /** The definition of one of our sets or maps by family and name (for executors that need its types). */
    public static NftSet set(NftFamily family, String name) {
        NftSet s = SETS.get(family + " " + name);
        if (s == null) throw new IllegalArgumentException("no set " + family + " " + TABLE + " " + name);
        return s;
    }

    private static NftSet verdictMap(String name, NftType key) {
        return new NftSet(name, List.of(key), List.of(NftType.VERDICT), false);
    }

    private static NftOp rule(NftFamily f, String chain, NftExpr... exprs) {
        return new NftOp.AddRule(f, TABLE, chain, NftRule.of(exprs));
    }

    /** Deletes our tables; adding each first makes the delete succeed when it is already gone. */
    public static List<NftOp> deleteTables(NftFeatures features) {
        List<NftOp> ops = new ArrayList<>();
        for (NftFamily f : NftFamily.values()) {
            if (f == NftFamily.BRIDGE && !features.bridgeTable()) continue;
            ops.add(new NftOp.AddTable(f, TABLE));
            ops.add(new NftOp.DeleteTable(f, TABLE));
        }
        return ops;
    }

    /** Our tables rebuilt from scratch with {@code state} in them: one transaction, no window without rules. */
    public static NftBatch rebuild(String what, FirewallState state, NftFeatures features) {
        NftBatch.Builder b = new NftBatch.Builder(what);
        b.addAll(deleteTables(features));
        b.addAll(tables(features));
        for (NetworkFirewallSpec n : state.networks()) {
            b.addAll(network(n));
        }
        for (EndpointFirewallSpec e : state.endpoints()) {
            NetworkFirewallSpec n = state.networks().stream().filter(x -> x.bridge().equals(e.bridge())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("endpoint " + e.id() + " without its network"));
            b.addAll(endpoint(e, n, features));
        }
        return b.build();
    }

    /** The user hook tables and chains (callers add them only when absent). */
    public static List<NftOp> userHook(NftFamily f) {
        return List.of(new NftOp.AddTable(f, USER_TABLE),
                new NftOp.AddChain(f, USER_TABLE, NftChain.base(USER_CHAIN, "filter", "forward", USER_PRIORITY)));
    }

    // --------------------------------------------------------------------------------------------- networks

    /** The families a network has a subnet in. */
    static List<NftFamily> families(NetworkFirewallSpec n) {
        List<NftFamily> out = new ArrayList<>(2);
        if (n.subnet4() != null) out.add(NftFamily.IP);
        if (n.subnet6() != null) out.add(NftFamily.IP6);
        return out;
    }

    /** A network's chains, their rules and its dispatch elements, in every family it has a subnet in. */
    public static List<NftOp> network(NetworkFirewallSpec n) {
        List<NftOp> ops = new ArrayList<>();
        for (NftFamily f : families(n)) {
            ops.addAll(network(f, n));
        }
        return ops;
    }

    private static List<NftOp> network(NftFamily f, NetworkFirewallSpec n) {
        IfName br = n.bridge();
        Cidr subnet = n.subnet(f == NftFamily.IP ? IpAddress.AF_INET : IpAddress.AF_INET6);
        NftField daddr = NftField.addr(f, false);
        NftField saddr = NftField.addr(f, true);
        List<NftOp> chains = new ArrayList<>();
        List<NftOp> rules = new ArrayList<>();
        List<NftOp> elements = new ArrayList<>();
        for (String role : roles(n)) {
            String name = chain(role, br);
            chains.add(new NftOp.AddChain(f, TABLE, NftChain.regular(name)));
            switch (role) {
                case DIRECT -> rules.add(rule(f, name, new IfNameIs(IIFNAME, true, br), new Counter(), new Drop()));
                case FWD_INTERNAL -> rules.add(rule(f, name, new IfNameIs(OIFNAME, true, br), new Counter(), new Drop()));
                case FWD_TO -> {
                    if (n.internal()) {
                        rules.add(rule(f, name, new IfNameIs(IIFNAME, true, br), new Counter(), new Drop()));
                    } else {
                        rules.add(rule(f, name, new CtEstablishedRelated(), new Accept()));
                    }
                    rules.add(n.icc() ? rule(f, name, new IfNameIs(IIFNAME, false, br), new Accept())
                            : rule(f, name, new IfNameIs(IIFNAME, false, br), new Counter(), new Drop()));
                    if (!n.internal()) {
                        rules.add(rule(f, name, new InSet(List.of(daddr, L4PROTO, TH_DPORT), published(f)),
                                new CtStatusDnat(), new Counter(), new Accept()));
                        rules.add(rule(f, name, new Counter(), new Drop()));
                    }
                }
                case FWD_FROM -> rules.add(rule(f, name, new Accept()));
                case NAT_FROM -> rules.add(rule(f, name, new IfNameIs(OIFNAME, true, br),
                        new InPrefix(saddr, false, subnet), new Counter(), new Masquerade()));
                case NAT_TO -> {
                    if (f == NftFamily.IP) {
                        rules.add(rule(f, name, new InPrefix(saddr, false, LOOPBACK4), new Counter(), new Masquerade()));
                    }
                    rules.add(rule(f, name, new InPrefix(saddr, false, subnet), new CtStatusDnat(), new Counter(),
                            new Masquerade()));
                }
                default -> throw new IllegalStateException(role);
            }
            if (!role.equals(DIRECT)) {
                elements.add(new NftOp.AddElements(f, TABLE, role,
                        List.of(NftElement.mapping(List.of(new NftValue.Name(br)), new NftValue.Jump(name)))));
            }
        }
        List<NftOp> ops = new ArrayList<>(chains);
        ops.addAll(rules);
        ops.addAll(elements);
        return ops;
    }

    /** The chain roles a network has, in creation order (which is also the listing order). */
    static List<String> roles(NetworkFirewallSpec n) {
        List<String> roles = new ArrayList<>(List.of(DIRECT));
        if (n.internal()) roles.add(FWD_INTERNAL);
        roles.add(FWD_TO);
        if (!n.internal()) roles.add(FWD_FROM);
        if (n.masquerade()) roles.add(NAT_FROM);
        if (!n.internal()) roles.add(NAT_TO);
        return roles;
    }

    /** Removes a network's dispatch elements, then its chains. Its endpoints must be removed first (or in the same batch, before). */
    public static List<NftOp> removeNetwork(NetworkFirewallSpec n) {
        List<NftOp> ops = new ArrayList<>();
        for (NftFamily f : families(n)) {
            for (String role : roles(n)) {
                if (!role.equals(DIRECT)) {
                    ops.add(new NftOp.DeleteElements(f, TABLE, role, List.of(NftElement.of(new NftValue.Name(n.bridge())))));
                }
            }
            for (String role : roles(n)) {
                ops.add(new NftOp.FlushChain(f, TABLE, chain(role, n.bridge())));
                ops.add(new NftOp.DeleteChain(f, TABLE, chain(role, n.bridge())));
            }
        }
        return ops;
    }

    // -------------------------------------------------------------------------------------------- endpoints

    /** An endpoint's elements: direct-access dispatch, published ports, forward accepts, icc=false port. */
    public static List<NftOp> endpoint(EndpointFirewallSpec e, NetworkFirewallSpec n, NftFeatures features) {
        return endpointOps(e, n, features, true);
    }

    /** The inverse of {@link #endpoint}. */
    public static List<NftOp> removeEndpoint(EndpointFirewallSpec e, NetworkFirewallSpec n, NftFeatures features) {
        return endpointOps(e, n, features, false);
    }

    private static List<NftOp> endpointOps(EndpointFirewallSpec e, NetworkFirewallSpec n, NftFeatures features,
                                           boolean add) {
        List<NftOp> ops = new ArrayList<>();
        for (NftFamily f : List.of(NftFamily.IP, NftFamily.IP6)) {
            int af = f == NftFamily.IP ? IpAddress.AF_INET : IpAddress.AF_INET6;
            IpAddress addr = e.address(af);
            if (addr == null) continue;
            List<NftElement> direct = List.of(NftElement.mapping(List.of(new NftValue.Addr(addr)),
                    new NftValue.Jump(chain(DIRECT, n.bridge()))));
            List<NftElement> hostPorts = new ArrayList<>();
            List<NftElement> anyPorts = new ArrayList<>();
            Set<NftElement> published = new LinkedHashSet<>(); // two host ports may lead to one container port
            for (PublishedPort p : e.publications()) {
                if (p.family() != af) continue;
                NftValue proto = new NftValue.Proto(p.protocol());
                NftValue[] to = {new NftValue.Addr(p.containerIp()), new NftValue.Port(p.containerPort())};
                if (p.hostIp() == null) {
                    anyPorts.add(NftElement.mapping(List.of(proto, new NftValue.Port(p.hostPort())), to));
                } else {
                    hostPorts.add(NftElement.mapping(List.of(proto, new NftValue.Addr(p.hostIp()),
                            new NftValue.Port(p.hostPort())), to));
                }
                published.add(NftElement.of(new NftValue.Addr(p.containerIp()), proto, new NftValue.Port(p.containerPort())));
            }
            ops.add(elements(add, f, direct(f), direct));
            ops.add(elements(add, f, ports(f), hostPorts));
            ops.add(elements(add, f, portsAny(f), anyPorts));
            ops.add(elements(add, f, published(f), List.copyOf(published)));
        }
        if (!n.icc() && features.bridgeTable()) {
            ops.add(elements(add, NftFamily.BRIDGE, ICC_OFF_PORTS, List.of(NftElement.of(new NftValue.Name(e.hostVeth())))));
        }
        ops.removeIf(op -> op instanceof NftOp.AddElements a && a.elements().isEmpty()
                || op instanceof NftOp.DeleteElements d && d.elements().isEmpty());
        return ops;
    }

    private static NftOp elements(boolean add, NftFamily f, String set, List<NftElement> elements) {
        return add ? new NftOp.AddElements(f, TABLE, set, elements) : new NftOp.DeleteElements(f, TABLE, set, elements);
    }
}

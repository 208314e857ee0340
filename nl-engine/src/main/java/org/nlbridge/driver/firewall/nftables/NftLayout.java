package org.nlbridge.driver.firewall.nftables;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.nlbridge.driver.firewall.EndpointFirewallSpec;
import org.nlbridge.driver.firewall.FirewallState;
import org.nlbridge.driver.firewall.NetworkFirewallSpec;
import org.nlbridge.driver.firewall.PublishedPort;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IfName;
import org.nlbridge.net.IpAddress;
import org.nlbridge.nft.Chain;
import org.nlbridge.nft.ChainRef;
import org.nlbridge.nft.ChainType;
import org.nlbridge.nft.CtState;
import org.nlbridge.nft.CtStatus;
import org.nlbridge.nft.ElementWriter;
import org.nlbridge.nft.Family;
import org.nlbridge.nft.FieldType;
import org.nlbridge.nft.Hook;
import org.nlbridge.nft.KeyType;
import org.nlbridge.nft.NamedSet;
import org.nlbridge.nft.Policy;
import org.nlbridge.nft.Priority;
import org.nlbridge.nft.Rule;
import org.nlbridge.nft.RuleBuilder;
import org.nlbridge.nft.Selector;
import org.nlbridge.nft.Table;
import org.nlbridge.nft.TableRef;
import org.nlbridge.nft.Transaction;
import org.nlbridge.nft.Verdict;
import org.nlbridge.spec.GatewayMode;

/**
 * The nftables layout of nlbridge's Docker bridge-driver policy, and the transactions that build it: the engine's own
 * objects ({@link org.nlbridge.nft.Table}, {@link org.nlbridge.nft.Chain}, {@link org.nlbridge.nft.NamedSet},
 * {@link org.nlbridge.nft.Rule}, elements) recorded into a {@link Transaction}. Pure: no kernel access, so every
 * shape here is unit-tested, and golden-tested both through the engine and as the {@code nft -f} script the
 * transaction renders ({@link Transaction#toScript()}).
 *
 * <h2>Tables</h2>
 * {@code ip nlbridge} and {@code ip6 nlbridge} hold everything for IPv4 and IPv6; with {@link NftFeatures#FULL} (what
 * the driver runs), {@code bridge nlbridge} holds the layer-2 half: anti-spoofing per container port, the drop of
 * router advertisements and DHCPv6 server messages from containers, and {@code icc=false} between ports (see
 * {@link BridgeLayer}); and the port maps count connections per element. ({@link NftFeatures#BASIC} leaves both out, for a kernel without the bridge family:
 * icc=false between containers of one bridge then relies on br_netfilter, which the driver checks.) We own these
 * tables outright: teardown and reconcile delete and re-create them whole, and we never touch any other table.
 *
 * <h2>Base chains (created once, never edited afterwards)</h2>
 * <pre>
 * raw-prerouting   filter prerouting  -300 (raw)     loopback guard
 * direct-access    filter prerouting  -150 (mangle)  {@code ct state established,related accept};
 *                                                    {@code ip daddr vmap @direct4}
 * nat-prerouting   nat    prerouting  -100 (dstnat)  {@code fib daddr type local dnat ... map @ports4 / @ports4-any}
 * nat-output       nat    output      -100           the same for connections from the host itself
 * nat-postrouting  nat    postrouting  100 (srcnat)  {@code iifname vmap @nat-from}; {@code oifname vmap @nat-to}
 * filter-forward   filter forward        0 (filter)  {@code iifname vmap @fwd-internal}; {@code oifname vmap @fwd-to};
 *                                                    {@code iifname vmap @fwd-from}
 * bridge: prerouting filter prerouting -200         router advertisement guard; {@code @owned4/6}; {@code iifname vmap @spoof-check}
 * bridge: forward  filter forward     -200 (filter)  {@code iifname @icc-off-ports counter drop}  (FULL only)
 * </pre>
 * Per-network and per-endpoint state lives only in regular chains and in set/map elements, so a network costs a
 * few chains plus one element per dispatch map, and a published port costs one element in {@code ports4} (or
 * {@code ports4-any}) plus one in {@code published4}: adding the 10,000th port is two NEWSETELEMs, and every
 * packet's lookup is one hash probe, where Docker, netavark and CNI walk one rule per port.
 *
 * <h2>Per network (bridge {@code br}, chains named {@code <role>__br})</h2>
 * <ul>
 *   <li>{@code direct__br}: {@code iifname != "br" counter drop}, reached from {@code direct-access} through
 *       {@code direct4}, which maps every container address to its network's chain. A new connection to a
 *       container address from outside its bridge is dropped before DNAT (Docker 28.2's PREROUTING drop):
 *       published ports are reached through host addresses, which DNAT rewrites only after this hook, so they
 *       pass; routing straight to a container, even to a port that is published on some host address, does not
 *       (that would bypass a {@code -p 127.0.0.1:...} or {@code -p 10.0.0.5:...} restriction). The chain runs
 *       after conntrack (-200), not at the raw hook, so that replies to the container's own connections, which
 *       arrive addressed to the container when masquerade is off ({@code ipMasq false}), are accepted as
 *       established first.</li>
 *   <li>{@code fwd-to__br} (traffic entering the bridge; always ends in a verdict): established/related accept;
 *       {@code iifname "br"} accept, or drop when {@code icc=false}; {@code ip daddr . meta l4proto . th dport
 *       @published4 ct status dnat counter accept} (only translated connections to published container ports;
 *       the counter counts them, as only their first packets get here); drop.
 *       On an internal network: drop anything not from the bridge, then the icc rule.</li>
 *   <li>{@code fwd-internal__br} (internal networks only, evaluated first): {@code oifname != "br" counter drop},
 *       so an internal container reaches nothing beyond its bridge, not even another network's published
 *       port.</li>
 *   <li>{@code fwd-from__br} (non-internal): with masquerade (not in a {@code routed} family), {@code ct status dnat
 *       accept} (packets of a translated connection, whose source is translated back on the way out: the answers of
 *       a published port of a container on several networks, sent along its default route from its address on the
 *       port's network) and {@code ip saddr != <subnet> counter drop} first (a source outside the subnet, which only
 *       a container without anti-spoofing can send, would leave un-NATed: it must NAT what it routes to its own
 *       address); then {@code accept}: traffic leaving the bridge. (An
 *       nftables accept is final only for this base chain: a drop in any other table, the user hook included,
 *       still wins.)</li>
 *   <li>{@code nat-from__br} (masquerade on): {@code oifname != "br" ip saddr <subnet> counter masquerade}.</li>
 *   <li>{@code nat-to__br} (non-internal): {@code ip saddr 127.0.0.0/8 counter masquerade} (the host reaching a
 *       published port through localhost; IPv4 only) and {@code ip saddr <subnet> ct status dnat counter
 *       masquerade} (hairpin: a container reaching its own or a neighbour's published port through a host
 *       address; without it the reply would bypass the translation).</li>
 * </ul>
 *
 * <h2>Gateway modes</h2>
 * Per family, as Docker 28's {@code gateway_mode_ipv4/ipv6}: what {@code nat-unprotected} and {@code routed} change
 * is in {@link GatewayModes}.
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
 * seed's example, "only 8.8.8.8 on the external interface" (or several sources, as an anonymous set).
 */
public final class NftLayout {

    public static final String TABLE = "nlbridge";
    public static final String USER_TABLE = "nlbridge-user";
    public static final String USER_CHAIN = "forward";
    /** {@code filter - 10}: before our forward chain (priority filter, 0). */
    public static final Priority USER_PRIORITY = Priority.FILTER.plus(-10);

    public static final String RAW_PREROUTING = "raw-prerouting";
    public static final String DIRECT_ACCESS = "direct-access";
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
    private static final IfName LO = IfName.parse("lo", "lo");

    /** The families of our ip-level tables, in the order they are created and listed. */
    static final List<Family> IP_FAMILIES = List.of(Family.IP, Family.IP6);

    /** Every table the driver writes: ours (ip, ip6, bridge) and the user hook's (ip, ip6), which it only creates. */
    public static final List<TableRef> TABLES = List.of(table(Family.IP), table(Family.IP6), table(Family.BRIDGE),
            userTable(Family.IP), userTable(Family.IP6));

    private NftLayout() {}

    /** {@code ip nlbridge}, {@code ip6 nlbridge}, {@code bridge nlbridge}. */
    public static TableRef table(Family f) {
        return TableRef.of(f, TABLE);
    }

    /** {@code ip nlbridge-user}, {@code ip6 nlbridge-user}. */
    public static TableRef userTable(Family f) {
        return TableRef.of(f, USER_TABLE);
    }

    /** Our tables for {@code features}: ip and ip6, and bridge with the bridge table. */
    public static List<TableRef> tables(NftFeatures features) {
        return features.bridgeTable() ? List.of(table(Family.IP), table(Family.IP6), table(Family.BRIDGE))
                : List.of(table(Family.IP), table(Family.IP6));
    }

    /** {@code ip} or {@code ip6}. */
    public static Family family(int addressFamily) {
        return addressFamily == IpAddress.AF_INET ? Family.IP : Family.IP6;
    }

    private static String suffix(Family f) {
        return f == Family.IP ? "4" : "6";
    }

    private static FieldType addrType(Family f) {
        return f == Family.IP ? FieldType.IPV4_ADDR : FieldType.IPV6_ADDR;
    }

    private static Selector daddr(Family f) {
        return f == Family.IP ? Selector.IP_DADDR : Selector.IP6_DADDR;
    }

    // ------------------------------------------------------------------------------------------------ sets

    /** {@code ports4}: protocol . host address . host port to container address . port; counted with FULL. */
    public static NamedSet ports(Family f, NftFeatures features) {
        FieldType addr = addrType(f);
        NamedSet s = NamedSet.map(table(f).set("ports" + suffix(f)), KeyType.of(FieldType.INET_PROTO, addr,
                FieldType.INET_SERVICE), KeyType.of(addr, FieldType.INET_SERVICE));
        return features.elementCounters() ? s.withCounter() : s;
    }

    /** {@code ports4-any}: protocol . host port to container address . port, for every local address. */
    public static NamedSet portsAny(Family f, NftFeatures features) {
        FieldType addr = addrType(f);
        NamedSet s = NamedSet.map(table(f).set("ports" + suffix(f) + "-any"), KeyType.of(FieldType.INET_PROTO,
                FieldType.INET_SERVICE), KeyType.of(addr, FieldType.INET_SERVICE));
        return features.elementCounters() ? s.withCounter() : s;
    }

    /** {@code published4}: container address . protocol . container port that forward accepts after DNAT. */
    public static NamedSet published(Family f) {
        return NamedSet.set(table(f).set("published" + suffix(f)), KeyType.of(addrType(f), FieldType.INET_PROTO,
                FieldType.INET_SERVICE));
    }

    /** {@code direct4}: container address to its network's {@code direct__br} chain. */
    public static NamedSet direct(Family f) {
        return NamedSet.verdictMap(table(f).set(DIRECT + suffix(f)), KeyType.of(addrType(f)));
    }

    /** A dispatch map ({@code fwd-to}, ...): bridge name to the network's chain of that role. */
    public static NamedSet dispatch(Family f, String role) {
        return NamedSet.verdictMap(table(f).set(role), KeyType.of(FieldType.IFNAME));
    }

    /** {@code bridge nlbridge icc-off-ports}: the host veths of containers on icc=false networks. */
    public static NamedSet iccOffPorts() {
        return BridgeLayer.iccOffPorts();
    }

    /** A per-network chain: {@code fwd-to__nlb0}. */
    public static String chain(String role, IfName bridge) {
        return role + "__" + bridge;
    }

    private static Chain base(TableRef t, String name, ChainType type, Hook hook, Priority priority) {
        return Chain.base(t.chain(name), type, hook, priority, Policy.ACCEPT);
    }

    // ---------------------------------------------------------------------------------------------- tables

    /** Records our tables with their sets, maps and base chains, empty of networks. */
    public static void tables(Transaction tx, NftFeatures features) {
        for (Family f : IP_FAMILIES) {
            ipTable(tx, f, features);
        }
        if (features.bridgeTable()) BridgeLayer.table(tx);
    }

    private static void ipTable(Transaction tx, Family f, NftFeatures features) {
        TableRef t = table(f);
        NamedSet ports = ports(f, features);
        NamedSet portsAny = portsAny(f, features);
        NamedSet direct = direct(f);
        tx.addTable(Table.of(t)).addSet(ports).addSet(portsAny).addSet(published(f)).addSet(direct);
        for (String m : List.of(FWD_INTERNAL, FWD_TO, FWD_FROM, NAT_FROM, NAT_TO)) {
            tx.addSet(dispatch(f, m));
        }

        Chain raw = base(t, RAW_PREROUTING, ChainType.FILTER, Hook.PREROUTING, Priority.RAW);
        tx.addChain(raw);
        if (f == Family.IP) {
            tx.add(Rule.in(raw).iifnameNot(LO).ipDaddr(LOOPBACK4).counter().drop());
            tx.add(Rule.in(raw).iifnameNot(LO).ipSaddr(LOOPBACK4).counter().drop());
        }
        // after conntrack, so replies to a container's own connections (not masqueraded) are let through first
        Chain access = base(t, DIRECT_ACCESS, ChainType.FILTER, Hook.PREROUTING, Priority.MANGLE);
        tx.addChain(access);
        tx.add(Rule.in(access).ctState(CtState.ESTABLISHED, CtState.RELATED).accept());
        tx.add(Rule.in(access).vmap(direct, daddr(f)));

        Chain pre = base(t, NAT_PREROUTING, ChainType.NAT, Hook.PREROUTING, Priority.DSTNAT);
        Chain out = base(t, NAT_OUTPUT, ChainType.NAT, Hook.OUTPUT, Priority.DSTNAT);
        tx.addChain(pre).addChain(out);
        for (Chain c : List.of(pre, out)) {
            for (NamedSet map : List.of(ports, portsAny)) {
                RuleBuilder r = Rule.in(c);
                // IPv6: no DNAT for link-local sources (they cannot be routed on), and never for ::1 from the host
                if (f == Family.IP6) {
                    if (c == pre) r.saddrNot(LINK_LOCAL6);
                    else r.daddrNot(LOOPBACK6);
                }
                Selector[] key = map == ports ? new Selector[] {Selector.L4PROTO, daddr(f), Selector.TH_DPORT}
                        : new Selector[] {Selector.L4PROTO, Selector.TH_DPORT};
                tx.add(r.fibDaddrTypeLocal().dnatMap(map, key));
            }
        }

        Chain post = base(t, NAT_POSTROUTING, ChainType.NAT, Hook.POSTROUTING, Priority.SRCNAT);
        tx.addChain(post);
        tx.add(Rule.in(post).vmap(dispatch(f, NAT_FROM), Selector.IIFNAME));
        tx.add(Rule.in(post).vmap(dispatch(f, NAT_TO), Selector.OIFNAME));

        Chain forward = base(t, FILTER_FORWARD, ChainType.FILTER, Hook.FORWARD, Priority.FILTER);
        tx.addChain(forward);
        tx.add(Rule.in(forward).vmap(dispatch(f, FWD_INTERNAL), Selector.IIFNAME));
        tx.add(Rule.in(forward).vmap(dispatch(f, FWD_TO), Selector.OIFNAME));
        tx.add(Rule.in(forward).vmap(dispatch(f, FWD_FROM), Selector.IIFNAME));
    }

    /** Deletes our tables; adding each first makes the delete succeed when it is already gone (on any kernel). */
    public static void deleteTables(Transaction tx, NftFeatures features) {
        for (TableRef t : tables(features)) {
            tx.addTable(Table.of(t)).deleteTable(t);
        }
    }

    /** Our tables rebuilt from scratch with {@code state} in them: one transaction, no window without rules. */
    public static void rebuild(Transaction tx, FirewallState state, NftFeatures features) {
        deleteTables(tx, features);
        tables(tx, features);
        for (NetworkFirewallSpec n : state.networks()) {
            network(tx, n);
        }
        List<EndpointFirewallSpec> done = new ArrayList<>();
        for (EndpointFirewallSpec e : state.endpoints()) {
            NetworkFirewallSpec n = state.networks().stream().filter(x -> x.bridge().equals(e.bridge())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("endpoint " + e.id() + " without its network"));
            endpoint(tx, e, n, features, done.stream().filter(e::sibling).toList()); // each pair once
            done.add(e);
        }
    }

    /** The user hook's base chain of a family. */
    public static Chain userChain(Family f) {
        return base(userTable(f), USER_CHAIN, ChainType.FILTER, Hook.FORWARD, USER_PRIORITY);
    }

    /** The user hook table and chain (callers add them only when absent). */
    public static void userHook(Transaction tx, Family f) {
        tx.addTable(Table.of(userTable(f))).addChain(userChain(f));
    }

    // --------------------------------------------------------------------------------------------- networks

    /** The families a network has a subnet in. */
    static List<Family> families(NetworkFirewallSpec n) {
        List<Family> out = new ArrayList<>(2);
        if (n.subnet4() != null) out.add(Family.IP);
        if (n.subnet6() != null) out.add(Family.IP6);
        return out;
    }

    /** A network's chains, their rules and its dispatch elements, in every family it has a subnet in. */
    public static void network(Transaction tx, NetworkFirewallSpec n) {
        for (Family f : families(n)) {
            network(tx, f, n);
        }
    }

    private static void network(Transaction tx, Family f, NetworkFirewallSpec n) {
        IfName br = n.bridge();
        TableRef t = table(f);
        Cidr subnet = n.subnet(GatewayModes.af(f));
        GatewayMode mode = n.mode(GatewayModes.af(f));
        List<Rule> rules = new ArrayList<>();
        for (String role : GatewayModes.roles(n, f)) {
            Chain c = Chain.regular(t.chain(chain(role, br)));
            tx.addChain(c);
            switch (role) {
                case DIRECT -> rules.add(Rule.in(c).iifnameNot(br).counter().drop().build());
                case FWD_INTERNAL -> rules.add(Rule.in(c).oifnameNot(br).counter().drop().build());
                case FWD_TO -> {
                    if (n.internal()) {
                        rules.add(Rule.in(c).iifnameNot(br).counter().drop().build());
                    } else {
                        rules.add(Rule.in(c).ctState(CtState.ESTABLISHED, CtState.RELATED).accept().build());
                    }
                    if (!n.internal() && mode == GatewayMode.ROUTED) {
                        rules.add(GatewayModes.icmp(c, f));
                    }
                    rules.add(n.icc() ? Rule.in(c).iifname(br).accept().build()
                            : Rule.in(c).iifname(br).counter().drop().build());
                    if (!n.internal()) rules.addAll(GatewayModes.fromOutside(c, f, mode));
                }
                case FWD_FROM -> {
                    // a source outside the subnet would leave un-NATed (masquerade covers the subnet only): never;
                    // but a packet of a translated connection (the answer of a published port a container on
                    // several networks sends along its default route, from its address on the port's network) has
                    // its source translated back on the way out; a routed family masquerades nothing, so there
                    // every source leaves as it is, as Docker's does
                    if (n.masquerade() && mode != GatewayMode.ROUTED) {
                        rules.add(Rule.in(c).ctStatus(CtStatus.DNAT).accept().build());
                        rules.add(Rule.in(c).saddrNot(subnet).counter().drop().build());
                    }
                    rules.add(Rule.in(c).accept().build());
                }
                case NAT_FROM -> rules.add(Rule.in(c).oifnameNot(br).saddr(subnet).counter().masquerade().build());
                case NAT_TO -> {
                    if (f == Family.IP) rules.add(Rule.in(c).ipSaddr(LOOPBACK4).counter().masquerade().build());
                    rules.add(Rule.in(c).saddr(subnet).ctStatus(CtStatus.DNAT).counter().masquerade().build());
                }
                default -> throw new IllegalStateException(role);
            }
        }
        rules.forEach(tx::add);
        for (String role : GatewayModes.roles(n, f)) {
            if (!role.equals(DIRECT)) {
                tx.addElements(dispatch(f, role)).key(br.toString()).verdict(Verdict.jump(chain(role, br))).add();
            }
        }
    }

    /**
     * Removes a network's dispatch elements, then its chains. Its endpoints must be removed first (or before, in the
     * same transaction).
     */
    public static void removeNetwork(Transaction tx, NetworkFirewallSpec n) {
        for (Family f : families(n)) {
            TableRef t = table(f);
            for (String role : GatewayModes.roles(n, f)) {
                if (!role.equals(DIRECT)) tx.deleteElements(dispatch(f, role)).key(n.bridge().toString()).add();
            }
            for (String role : GatewayModes.roles(n, f)) {
                ChainRef c = t.chain(chain(role, n.bridge()));
                tx.flushChain(c).deleteChain(c);
            }
        }
    }

    // -------------------------------------------------------------------------------------------- endpoints

    /**
     * An endpoint's elements: direct-access dispatch, published ports, forward accepts, icc=false port; with the
     * bridge table its anti-spoofing, and what lets it and {@code siblings} (its container's other endpoints already
     * installed) send from each other's addresses through their own ports ({@link BridgeLayer#owned}).
     */
    public static void endpoint(Transaction tx, EndpointFirewallSpec e, NetworkFirewallSpec n, NftFeatures features,
                                List<EndpointFirewallSpec> siblings) {
        endpointElements(tx, e, n, features, siblings, true);
    }

    /** The inverse of {@link #endpoint}. */
    public static void removeEndpoint(Transaction tx, EndpointFirewallSpec e, NetworkFirewallSpec n,
                                      NftFeatures features, List<EndpointFirewallSpec> siblings) {
        endpointElements(tx, e, n, features, siblings, false);
    }

    private static void endpointElements(Transaction tx, EndpointFirewallSpec e, NetworkFirewallSpec n,
                                         NftFeatures features, List<EndpointFirewallSpec> siblings, boolean add) {
        for (Family f : IP_FAMILIES) {
            int af = GatewayModes.af(f);
            IpAddress addr = e.address(af);
            if (addr == null) continue;
            GatewayMode mode = n.mode(af);
            List<PublishedPort> host = new ArrayList<>();
            List<PublishedPort> any = new ArrayList<>();
            Set<List<Object>> published = new LinkedHashSet<>(); // two host ports may lead to one container port
            for (PublishedPort p : e.publications()) {
                if (p.family() != af) continue;
                (p.hostIp() == null ? any : host).add(p);
                published.add(List.of(p.containerIp(), p.protocol(), p.containerPort()));
            }
            if (mode == GatewayMode.ROUTED) { // no host ports: the container ports are reached as they are
                host.clear();
                any.clear();
            }
            if (GatewayModes.directAccessDrop(mode)) {
                ElementWriter direct = elements(tx, direct(f), add).key(addr);
                if (add) direct.verdict(Verdict.jump(chain(DIRECT, n.bridge())));
                direct.add();
            }
            if (!host.isEmpty()) {
                ElementWriter w = elements(tx, ports(f, features), add);
                for (PublishedPort p : host) {
                    w.key(p.protocol()).key(p.hostIp()).key(p.hostPort());
                    if (add) w.value(p.containerIp()).value(p.containerPort());
                    w.add();
                }
            }
            if (!any.isEmpty()) {
                ElementWriter w = elements(tx, portsAny(f, features), add);
                for (PublishedPort p : any) {
                    w.key(p.protocol()).key(p.hostPort());
                    if (add) w.value(p.containerIp()).value(p.containerPort());
                    w.add();
                }
            }
            if (!published.isEmpty()) {
                ElementWriter w = elements(tx, published(f), add);
                for (List<Object> k : published) w.add(k.toArray());
            }
        }
        if (features.bridgeTable()) BridgeLayer.endpoint(tx, e, n, siblings, add);
    }

    private static ElementWriter elements(Transaction tx, NamedSet set, boolean add) {
        return add ? tx.addElements(set) : tx.deleteElements(set);
    }
}

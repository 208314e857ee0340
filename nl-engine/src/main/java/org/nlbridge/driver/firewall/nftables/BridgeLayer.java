package org.nlbridge.driver.firewall.nftables;

import java.util.ArrayList;
import java.util.List;

import org.nlbridge.driver.firewall.EndpointFirewallSpec;
import org.nlbridge.driver.firewall.NetworkFirewallSpec;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.nft.Chain;
import org.nlbridge.nft.ChainRef;
import org.nlbridge.nft.ChainType;
import org.nlbridge.nft.ElementWriter;
import org.nlbridge.nft.Expr;
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

/**
 * The layer-2 half of the layout, table {@code bridge nlbridge} ({@link NftFeatures#bridgeTable()} only): what
 * frames a container may put on its bridge, and icc=false between the ports of one bridge.
 *
 * <pre>
 * set icc-off-ports   { type ifname }            host veths of containers on icc=false networks
 * set container-ports { type ifname }            every container's host veth
 * map spoof-check     { type ifname : verdict }  host veth of a container with anti-spoofing : jump spoof__VETH
 * set owned4 { type ifname . ether_addr . ipv4_addr }   VETH . MAC . an address of the container on another network
 * set owned6 { type ifname . ether_addr . ipv6_addr }   the same for IPv6
 * chain prerouting    filter prerouting -200     frames entering the bridge from a port, before it learns their MAC
 *     icmpv6 type { nd-router-advert, nd-redirect, router-renumbering } iifname @container-ports counter drop
 *     icmp type redirect iifname @container-ports counter drop
 *     meta protocol ip6 udp sport 547 iifname @container-ports counter drop        (DHCPv6 server and relay replies)
 *     iifname . ether saddr . ip saddr @owned4 accept
 *     iifname . ether saddr . arp saddr ip @owned4 iifname . arp saddr ether . arp saddr ip @owned4 accept
 *     iifname . ether saddr . ip6 saddr @owned6 meta l4proto != ipv6-icmp accept
 *     iifname . ether saddr . ip6 saddr @owned6 icmpv6 type != { nd-neighbor-solicit, nd-neighbor-advert } accept
 *     iifname vmap @spoof-check
 * chain forward       filter forward -200        iifname @icc-off-ports counter drop
 * chain spoof__VETH   (one per container with anti-spoofing; everything it does not accept is dropped)
 *     ether saddr != MAC counter drop
 *     ip saddr IPV4 accept
 *     arp saddr ether != MAC counter drop
 *     arp saddr ip IPV4 accept
 *     ip6 saddr { IPV6, LL } meta l4proto != ipv6-icmp accept
 *     ip6 saddr { IPV6, LL } icmpv6 type != { nd-neighbor-solicit, nd-neighbor-advert } accept
 *     ip6 saddr { IPV6, LL } icmpv6 type nd-neighbor-solicit ip6 length 24 accept                 (no options)
 *     ip6 saddr { IPV6, LL } icmpv6 type nd-neighbor-solicit @th,192,64 0x0101MAC accept          (its own SLLAO first)
 *     ip6 saddr A icmpv6 type nd-neighbor-advert @th,64,128 A ip6 length 24 accept       for A in IPV6, LL
 *     ip6 saddr A icmpv6 type nd-neighbor-advert @th,64,128 A @th,192,64 0x0201MAC accept (its own TLLAO first)
 *     ip6 saddr :: icmpv6 type nd-neighbor-solicit @th,64,128 A accept                    (DAD of its own address)
 *     ip6 saddr :: icmpv6 type { mld-listener-report, mld2-listener-report } accept         (MLD before an address)
 *     counter drop
 * </pre>
 *
 * <h2>Why this way</h2>
 * The checks sit at the bridge's prerouting hook, which every frame a port sends passes before the bridge learns
 * its source MAC into the forwarding database and before br_netfilter or the ip hooks see it; so a container can
 * neither send as a neighbour (its IP, its MAC, or both: taking over a published port) nor teach the bridge or any
 * neighbour's ARP or neighbour cache a binding that is not its own. ARP and neighbour discovery are checked on
 * their payload too: the sender and target addresses and the link-layer address option (Linux uses the first
 * option of each kind, so the first must be its own). IPv4 and IPv6 sources must be the container's own
 * addresses; {@code ::} only for duplicate address detection of them and for MLD reports. Everything else (other
 * ether types, VLAN tags, a DHCP client's 0.0.0.0) is dropped. Per packet this is one hash lookup of the port plus
 * a handful of comparisons, however many containers there are; per container it is one chain and two elements.
 *
 * <p>A container on several networks owns all its addresses, and the answers of a port published on one network
 * leave along its default route, through another network's port, from the first network's address. So a port also
 * accepts, from its own MAC, the addresses of the same container's other endpoints: one element per (port, other
 * address) in {@code owned4}/{@code owned6}, added and removed with the endpoints in their transactions, and one
 * hash lookup per frame. ARP from such an address is accepted too (Linux asks for a next hop from the source of the
 * packet waiting for it), bound to the MAC in the frame and in the payload; neighbour discovery is not (it stays
 * with the port's own addresses). Whether such a packet may leave the host un-NATed is the ip tables' business: a
 * network's {@code fwd-from} chain drops sources outside its subnet except for translated connections.
 *
 * <p>Router advertisements, redirects, router renumbering and DHCPv6 server messages are dropped from every
 * container port, anti-spoofing or not: no container may configure the host or another container (CVE-2020-13401
 * class). The sysctl half ({@code accept_ra=0} on the bridge and the host veths) is the bridge driver's.
 */
final class BridgeLayer {
    private BridgeLayer() {}

    static final String PREROUTING = "prerouting";
    static final String FORWARD = NftLayout.BRIDGE_FORWARD;
    static final String ICC_OFF_PORTS = NftLayout.ICC_OFF_PORTS;
    static final String CONTAINER_PORTS = "container-ports";
    static final String SPOOF_CHECK = "spoof-check";
    static final String SPOOF = "spoof";
    static final String OWNED4 = "owned4";
    static final String OWNED6 = "owned6";

    private static final int NS = 135;
    private static final int NA = 136;
    /** Router advertisement, redirect, router renumbering. */
    private static final List<Integer> ROUTER_TYPES = List.of(134, 137, 138);
    private static final int ICMP_REDIRECT = 5;
    private static final int DHCPV6_SERVER = 547;
    /** MLD and MLDv2 reports, which a host sends from :: while its link-local address is tentative. */
    private static final List<Integer> MLD_REPORTS = List.of(131, 143);
    /** ICMPv6 header, reserved or flags, target: where neighbour discovery options start. */
    private static final int ND_OPTIONS = 24;
    private static final int ND_TARGET = 8;
    private static final Ipv6Address UNSPECIFIED = Ipv6Address.of(0, 0);

    static TableRef table() {
        return NftLayout.table(Family.BRIDGE);
    }

    static NamedSet iccOffPorts() {
        return NamedSet.set(table().set(ICC_OFF_PORTS), KeyType.of(FieldType.IFNAME));
    }

    static NamedSet containerPorts() {
        return NamedSet.set(table().set(CONTAINER_PORTS), KeyType.of(FieldType.IFNAME));
    }

    static NamedSet spoofCheck() {
        return NamedSet.verdictMap(table().set(SPOOF_CHECK), KeyType.of(FieldType.IFNAME));
    }

    /** {@code owned4} or {@code owned6}: port . its MAC . an address of the same container on another network. */
    static NamedSet owned(boolean v4) {
        return NamedSet.set(table().set(v4 ? OWNED4 : OWNED6), KeyType.of(FieldType.IFNAME, FieldType.ETHER_ADDR,
                v4 ? FieldType.IPV4_ADDR : FieldType.IPV6_ADDR));
    }

    /** A container's chain: {@code spoof__vc1}. */
    static String spoofChain(EndpointFirewallSpec e) {
        return NftLayout.chain(SPOOF, e.hostVeth());
    }

    /** The table, its sets and base chains, no endpoint in them. */
    static void table(Transaction tx) {
        TableRef b = table();
        NamedSet icc = iccOffPorts();
        NamedSet ports = containerPorts();
        NamedSet spoof = spoofCheck();
        Chain pre = Chain.base(b.chain(PREROUTING), ChainType.FILTER, Hook.PREROUTING, Priority.BRIDGE_FILTER, Policy.ACCEPT);
        Chain forward = Chain.base(b.chain(FORWARD), ChainType.FILTER, Hook.FORWARD, Priority.BRIDGE_FILTER, Policy.ACCEPT);
        NamedSet owned4 = owned(true);
        NamedSet owned6 = owned(false);
        tx.addTable(Table.of(b)).addSet(icc).addSet(ports).addSet(spoof).addSet(owned4).addSet(owned6).addChain(pre)
                .addChain(forward);
        tx.add(Rule.in(pre).anyOf(Selector.ICMPV6_TYPE, ROUTER_TYPES).inSet(ports, Selector.IIFNAME).counter().drop());
        tx.add(Rule.in(pre).icmpType(ICMP_REDIRECT).inSet(ports, Selector.IIFNAME).counter().drop());
        tx.add(Rule.in(pre).metaProtocol(Selector.ETH_P_IPV6).match(Selector.UDP_SPORT, Expr.CmpOp.EQ, DHCPV6_SERVER)
                .inSet(ports, Selector.IIFNAME).counter().drop());
        tx.add(Rule.in(pre).inSet(owned4, Selector.IIFNAME, Selector.ETHER_SADDR, Selector.IP_SADDR).accept());
        tx.add(Rule.in(pre).inSet(owned4, Selector.IIFNAME, Selector.ETHER_SADDR, Selector.ARP_SADDR_IP)
                .inSet(owned4, Selector.IIFNAME, Selector.ARP_SADDR_ETHER, Selector.ARP_SADDR_IP).accept());
        tx.add(Rule.in(pre).inSet(owned6, Selector.IIFNAME, Selector.ETHER_SADDR, Selector.IP6_SADDR)
                .match(Selector.L4PROTO, Expr.CmpOp.NEQ, 58).accept());
        tx.add(Rule.in(pre).inSet(owned6, Selector.IIFNAME, Selector.ETHER_SADDR, Selector.IP6_SADDR)
                .noneOf(Selector.ICMPV6_TYPE, NS, NA).accept());
        tx.add(Rule.in(pre).vmap(spoof, Selector.IIFNAME));
        tx.add(Rule.in(forward).inSet(icc, Selector.IIFNAME).counter().drop());
    }

    /**
     * A container's port in the sets, with anti-spoofing its chain, and the {@link #owned} elements between it and
     * {@code siblings}; or ({@code add} false) all of that removed.
     */
    static void endpoint(Transaction tx, EndpointFirewallSpec e, NetworkFirewallSpec n,
                         List<EndpointFirewallSpec> siblings, boolean add) {
        owned(tx, e, siblings, add);
        String port = e.hostVeth().toString();
        ChainRef chain = table().chain(spoofChain(e));
        if (add) {
            if (e.spoofCheck()) {
                tx.addChain(Chain.regular(chain));
                spoofRules(chain, e).forEach(tx::add);
                tx.addElements(spoofCheck()).key(port).verdict(Verdict.jump(chain.name())).add();
            }
        } else if (e.spoofCheck()) {
            tx.deleteElements(spoofCheck()).key(port).add();
            tx.flushChain(chain).deleteChain(chain);
        }
        elements(tx, containerPorts(), add).key(port).add();
        if (!n.icc()) elements(tx, iccOffPorts(), add).key(port).add();
    }

    /**
     * The {@code owned} elements between {@code e} and each of {@code siblings} (other endpoints of its container),
     * both ways: a port with anti-spoofing accepts from its MAC the other's addresses of the families it has itself.
     */
    static void owned(Transaction tx, EndpointFirewallSpec e, List<EndpointFirewallSpec> siblings, boolean add) {
        for (EndpointFirewallSpec s : siblings) {
            owned(tx, e, s, add);
            owned(tx, s, e, add);
        }
    }

    private static void owned(Transaction tx, EndpointFirewallSpec port, EndpointFirewallSpec other, boolean add) {
        if (!port.spoofCheck()) return;
        String veth = port.hostVeth().toString();
        if (port.ipv4() != null && other.ipv4() != null) {
            elements(tx, owned(true), add).key(veth).key(port.mac()).key(other.ipv4()).add();
        }
        if (port.ipv6() != null && other.ipv6() != null) {
            elements(tx, owned(false), add).key(veth).key(port.mac()).key(other.ipv6()).add();
        }
    }

    private static ElementWriter elements(Transaction tx, NamedSet set, boolean add) {
        return add ? tx.addElements(set) : tx.deleteElements(set);
    }

    /** The rules of a container's anti-spoofing chain (see the class comment). */
    static List<Rule> spoofRules(ChainRef c, EndpointFirewallSpec e) {
        MacAddress mac = e.mac();
        List<Rule> out = new ArrayList<>();
        out.add(Rule.in(c).etherSaddrNot(mac).counter().drop().build());
        if (e.ipv4() != null) {
            out.add(Rule.in(c).saddr(e.ipv4()).accept().build());
            out.add(Rule.in(c).arpSaddrEtherNot(mac).counter().drop().build());
            out.add(Rule.in(c).arpSaddrIp(e.ipv4()).accept().build());
        }
        if (e.ipv6() != null) {
            List<Ipv6Address> own = List.of(e.ipv6(), linkLocal(mac));
            out.add(own(c, own).match(Selector.L4PROTO, Expr.CmpOp.NEQ, 58).accept().build());
            out.add(own(c, own).noneOf(Selector.ICMPV6_TYPE, NS, NA).accept().build());
            out.add(own(c, own).icmpv6Type(NS).ip6Length(ND_OPTIONS).accept().build());
            out.add(own(c, own).icmpv6Type(NS).transportBytes(ND_OPTIONS, linkLayerOption(1, mac)).accept().build());
            for (Ipv6Address a : own) {
                out.add(Rule.in(c).saddr(a).icmpv6Type(NA).transportBytes(ND_TARGET, a.bytes()).ip6Length(ND_OPTIONS)
                        .accept().build());
                out.add(Rule.in(c).saddr(a).icmpv6Type(NA).transportBytes(ND_TARGET, a.bytes())
                        .transportBytes(ND_OPTIONS, linkLayerOption(2, mac)).accept().build());
                out.add(Rule.in(c).saddr(UNSPECIFIED).icmpv6Type(NS).transportBytes(ND_TARGET, a.bytes()).accept().build());
            }
            out.add(Rule.in(c).saddr(UNSPECIFIED).anyOf(Selector.ICMPV6_TYPE, MLD_REPORTS).accept().build());
        }
        out.add(Rule.in(c).counter().drop().build());
        return out;
    }

    private static RuleBuilder own(ChainRef c, List<Ipv6Address> own) {
        return Rule.in(c).anyOf(Selector.IP6_SADDR, own);
    }

    /** A neighbour discovery link-layer address option: type (1 source, 2 target), length 1 (8 bytes), the MAC. */
    private static byte[] linkLayerOption(int type, MacAddress mac) {
        byte[] b = new byte[8];
        b[0] = (byte) type;
        b[1] = 1;
        System.arraycopy(mac.bytes(), 0, b, 2, 6);
        return b;
    }

    /**
     * The IPv6 link-local address the kernel gives an interface with {@code mac} ({@code addr_gen_mode} 0, EUI-64:
     * fe80::, the MAC with the universal/local bit flipped and ff:fe in the middle).
     */
    static Ipv6Address linkLocal(MacAddress mac) {
        byte[] m = mac.bytes();
        byte[] a = new byte[16];
        a[0] = (byte) 0xfe;
        a[1] = (byte) 0x80;
        a[8] = (byte) (m[0] ^ 0x02);
        a[9] = m[1];
        a[10] = m[2];
        a[11] = (byte) 0xff;
        a[12] = (byte) 0xfe;
        a[13] = m[3];
        a[14] = m[4];
        a[15] = m[5];
        return Ipv6Address.of(a);
    }
}

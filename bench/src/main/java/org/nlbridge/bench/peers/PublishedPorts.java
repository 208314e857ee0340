package org.nlbridge.bench.peers;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.nft.Chain;
import org.nlbridge.nft.ChainType;
import org.nlbridge.nft.CtState;
import org.nlbridge.nft.ElementWriter;
import org.nlbridge.nft.Family;
import org.nlbridge.nft.FieldType;
import org.nlbridge.nft.Hook;
import org.nlbridge.nft.KeyType;
import org.nlbridge.nft.NamedSet;
import org.nlbridge.nft.Policy;
import org.nlbridge.nft.Priority;
import org.nlbridge.nft.Rule;
import org.nlbridge.nft.Selector;
import org.nlbridge.nft.TableRef;
import org.nlbridge.nft.Transaction;
import org.nlbridge.nft.Table;

/**
 * The engine's own table {@code ip nlbridge}, Docker-shaped, for published ports: nat prerouting and output jump to
 * {@code nat-published} for local destinations ({@code fib daddr type local}), which DNATs through one map keyed by
 * the TCP destination port; filter forward accepts established flows and, towards the bridge, the published
 * container endpoints in one set. Adding a port is one map element and one set element, and a packet's lookup is
 * O(1) however many ports there are.
 *
 * <p>{@link Mode#RULES} builds the same thing the way Docker, netavark and CNI do, one DNAT rule and one accept rule
 * per port in linear chains, for the packet-path comparison.
 */
final class PublishedPorts {
    static final TableRef TABLE = TableRef.of(Family.IP, "nlbridge");

    enum Mode { MAP, RULES }

    private final Mode mode;
    private final String bridge;
    private final int ctPort;
    final NamedSet map = NamedSet.map(TABLE.set("published"), KeyType.of(FieldType.INET_SERVICE),
            KeyType.of(FieldType.IPV4_ADDR, FieldType.INET_SERVICE));
    final NamedSet dst = NamedSet.set(TABLE.set("published_dst"), KeyType.of(FieldType.IPV4_ADDR,
            FieldType.INET_SERVICE));
    private final Chain prerouting = Chain.base(TABLE.chain("nat-prerouting"), ChainType.NAT, Hook.PREROUTING,
            Priority.DSTNAT, Policy.ACCEPT);
    private final Chain output = Chain.base(TABLE.chain("nat-output"), ChainType.NAT, Hook.OUTPUT, Priority.DSTNAT,
            Policy.ACCEPT);
    private final Chain postrouting = Chain.base(TABLE.chain("nat-postrouting"), ChainType.NAT, Hook.POSTROUTING,
            Priority.SRCNAT, Policy.ACCEPT);
    private final Chain natPublished = Chain.regular(TABLE.chain("nat-published"));
    private final Chain forward = Chain.base(TABLE.chain("filter-forward"), ChainType.FILTER, Hook.FORWARD,
            Priority.FILTER, Policy.ACCEPT);
    private final Chain fwdPublished = Chain.regular(TABLE.chain("filter-published"));
    private ElementWriter mapElements;
    private ElementWriter dstElements;

    PublishedPorts(Mode mode, String bridge, int ctPort) {
        this.mode = mode;
        this.bridge = bridge;
        this.ctPort = ctPort;
    }

    /**
     * Records the table, its chains and rules, and (with {@code masquerade}) {@code ip saddr SUBNET oifname != BR
     * masquerade}; publish ports with {@link #publish} afterwards, in the same transaction.
     */
    void create(Transaction tx, Cidr masqueradeSubnet) {
        tx.addTable(Table.of(TABLE));
        if (mode == Mode.MAP) tx.addSet(map).addSet(dst);
        tx.addChain(prerouting).addChain(output).addChain(natPublished).addChain(forward).addChain(fwdPublished);
        tx.add(Rule.in(prerouting).fibDaddrTypeLocal().jump(natPublished));
        tx.add(Rule.in(output).daddrNot(Cidr.parseSubnet("loopback", "127.0.0.0/8")).fibDaddrTypeLocal()
                .jump(natPublished));
        tx.add(Rule.in(forward).oifname(bridge).ctState(CtState.ESTABLISHED, CtState.RELATED).accept());
        tx.add(Rule.in(forward).oifname(bridge).jump(fwdPublished));
        if (mode == Mode.MAP) {
            tx.add(Rule.in(natPublished).iifnameNot(bridge).dnatMap(map, Selector.TCP_DPORT));
            tx.add(Rule.in(fwdPublished).iifnameNot(bridge).inSet(dst, Selector.IP_DADDR, Selector.TCP_DPORT).accept());
            mapElements = tx.addElements(map);
            dstElements = tx.addElements(dst);
        }
        if (masqueradeSubnet != null) {
            tx.addChain(postrouting);
            tx.add(Rule.in(postrouting).saddr(masqueradeSubnet).oifnameNot(bridge).masquerade());
        }
    }

    /** Host port {@code hostPort} to {@code container}:{@code ctPort}, and its forward accept. */
    void publish(Transaction tx, int hostPort, Ipv4Address container) {
        if (mode == Mode.MAP) {
            mapElements.key(hostPort).value(container).value(ctPort).add();
            dstElements.key(container).key(ctPort).add();
        } else {
            tx.add(Rule.in(natPublished).iifnameNot(bridge).tcpDport(hostPort).dnat(container, ctPort));
            tx.add(Rule.in(fwdPublished).daddr(container).iifnameNot(bridge).tcpDport(ctPort).accept());
        }
    }
}

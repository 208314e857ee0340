package org.nlbridge.bench.spoof;

import java.util.ArrayList;
import java.util.List;

import org.nlbridge.driver.firewall.EndpointFirewallSpec;
import org.nlbridge.driver.firewall.FirewallState;
import org.nlbridge.driver.firewall.NetworkFirewallSpec;
import org.nlbridge.driver.firewall.nftables.NftFeatures;
import org.nlbridge.driver.firewall.nftables.NftLayout;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IfName;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.nft.Chain;
import org.nlbridge.nft.ChainType;
import org.nlbridge.nft.Family;
import org.nlbridge.nft.Hook;
import org.nlbridge.nft.Policy;
import org.nlbridge.nft.Priority;
import org.nlbridge.nft.Rule;
import org.nlbridge.nft.Table;
import org.nlbridge.nft.TableRef;
import org.nlbridge.nft.Transaction;

/**
 * Prints, as an {@code nft -f} script, the anti-spoofing ruleset for N containers on bridge {@code nlb0}
 * (172.18.0.0/16): {@code map}, nlbridge's layout (one verdict-map lookup per frame, then the port's own chain),
 * or {@code rules}, the classic per-port rule list (three rules per port in one chain, as ebtables-style
 * anti-spoofing writes it). Container {@code N} is the real one, port {@code PORT}: last, the worst case for a list.
 *
 * <pre>java ... SpoofPathRules N map|rules PORT</pre>
 */
public final class SpoofPathRules {
    private SpoofPathRules() {}

    static Ipv4Address ip(int i) {
        return Ipv4Address.of(0xac120000 | (i + 1));
    }

    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        String mode = args[1];
        IfName real = IfName.parse("port", args[2]);
        IfName bridge = IfName.parse("bridge", "nlb0");
        List<EndpointFirewallSpec> eps = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            IfName port = i == n ? real : IfName.parse("port", "vb" + i);
            eps.add(new EndpointFirewallSpec("c" + i, bridge, port, ip(i), null, List.of(), MacAddress.fromIpv4(ip(i)), true));
        }
        Transaction tx;
        if (mode.equals("map")) {
            tx = new Transaction(NftLayout.TABLES);
            NetworkFirewallSpec net = NetworkFirewallSpec.builder(bridge).ipv4(Cidr.parseSubnet("s", "172.18.0.0/16")).build();
            NftLayout.rebuild(tx, new FirewallState(List.of(net), eps), NftFeatures.FULL);
        } else {
            TableRef t = TableRef.of(Family.BRIDGE, "linear");
            tx = new Transaction(List.of(t));
            Chain pre = Chain.base(t.chain("prerouting"), ChainType.FILTER, Hook.PREROUTING, Priority.BRIDGE_FILTER,
                    Policy.ACCEPT);
            tx.addTable(Table.of(t)).addChain(pre);
            for (EndpointFirewallSpec e : eps) {
                tx.add(Rule.in(pre).iifname(e.hostVeth()).etherSaddrNot(e.mac()).counter().drop());
                tx.add(Rule.in(pre).iifname(e.hostVeth()).saddrNot(e.ipv4()).counter().drop());
                tx.add(Rule.in(pre).iifname(e.hostVeth()).arpSaddrEtherNot(e.mac()).counter().drop());
            }
        }
        System.out.print(tx.toScript());
    }
}

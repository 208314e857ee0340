package org.nlbridge.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpProtocol;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.netns.NetNs;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

@ExtendWith(SandboxExtension.class)
class NftSmokeTest {
    @Test
    void smoke(Sandbox sb) {
        String ns = sb.netns("smoke");
        TableRef t = TableRef.of(Family.IP, "nlbridge");
        NamedSet hp = NamedSet.map(t.set("hostports"), KeyType.parse("k", "inet_proto . ipv4_addr . inet_service"),
                KeyType.parse("v", "ipv4_addr . inet_service"));
        Chain pre = Chain.base(t.chain("nat-PREROUTING"), ChainType.NAT, Hook.PREROUTING, Priority.DSTNAT, Policy.ACCEPT);
        Chain dn = Chain.regular(t.chain("nat-prerouting-and-output"));
        Chain post = Chain.base(t.chain("nat-POSTROUTING"), ChainType.NAT, Hook.POSTROUTING, Priority.SRCNAT, Policy.ACCEPT);
        try (NetNs n = NetNs.open(ns); Nft nft = Nft.open(n, t)) {
            System.out.println("gen " + nft.generation());
            nft.apply(tx -> {
                tx.addTable(Table.of(t));
                tx.addSet(hp);
                tx.addChain(pre);
                tx.addChain(dn);
                tx.add(Rule.in(pre).fibDaddrTypeLocal().counter().jump("nat-prerouting-and-output"));
                tx.add(Rule.in(dn).iifnameNot("br0").tcpDport(8080).counter().dnat(Ipv4Address.parse("a", "192.168.0.2"), 80).comment("DNAT"));
                tx.add(Rule.in(dn).dnatMap(hp, Selector.L4PROTO, Selector.IP_DADDR, Selector.TH_DPORT));
                tx.addChain(post);
                tx.add(Rule.in(post).oifnameNot("br0").ipSaddr(Cidr.parseSubnet("s", "192.168.0.0/24")).counter().masquerade().comment("MASQUERADE"));
                tx.addElements(hp).key(IpProtocol.TCP).key(Ipv4Address.parse("a", "10.0.0.1")).key(8080)
                        .value(Ipv4Address.parse("a", "172.17.0.2")).value(80).add();
            });
            System.out.println("gen " + nft.generation() + " attempts " + nft.lastAttempts());
            String mine = nft.list(t).orElseThrow().toString();
            String theirs = Cmd.run(null, "ip", "netns", "exec", ns, "nft", "list", "table", "ip", "nlbridge");
            System.out.println(mine);
            System.out.println(theirs);
            assertEquals(theirs, mine);
        }
    }
}

package org.nlbridge.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpProtocol;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.ValidationException;

/** A transaction rendered as the {@code nft -f} script that does the same (loaded by the real nft in tests-netns). */
class ScriptTest {
    static final TableRef IP = TableRef.of(Family.IP, "t");
    static final TableRef BR = TableRef.of(Family.BRIDGE, "t");

    static Ipv4Address v4(String s) {
        return Ipv4Address.parse("t", s);
    }

    @Test
    void everyVerbAsTheNftCommandThatDoesTheSame() {
        Transaction tx = new Transaction(List.of(IP, BR));
        NamedSet ports = NamedSet.map(IP.set("ports"), KeyType.of(FieldType.INET_PROTO, FieldType.INET_SERVICE),
                KeyType.of(FieldType.IPV4_ADDR, FieldType.INET_SERVICE)).withCounter();
        NamedSet nets = NamedSet.intervalSet(IP.set("nets"), FieldType.IPV4_ADDR).withComment("some nets");
        NamedSet jumps = NamedSet.verdictMap(IP.set("jumps"), KeyType.of(FieldType.IFNAME));
        Chain fwd = Chain.base(IP.chain("fwd"), ChainType.FILTER, Hook.FORWARD, Priority.FILTER.plus(-10), Policy.DROP);
        Chain to = Chain.regular(IP.chain("to")).withComment("per bridge");
        tx.addTable(Table.of(IP).withComment("ours")).createTable(Table.of(BR));
        tx.addSet(ports).addSet(nets).createSet(jumps).addChain(fwd).addChain(to);
        tx.addChain(Chain.base(BR.chain("forward"), ChainType.FILTER, Hook.FORWARD, Priority.BRIDGE_FILTER, Policy.ACCEPT));
        tx.add(Rule.in(fwd).oifname("br0").vmap(jumps, Selector.OIFNAME));
        tx.insert(Rule.in(fwd).noneOf(Selector.IP_SADDR, v4("8.8.8.8"), Cidr.parseSubnet("n", "10.0.0.0/8")).counter().drop());
        tx.insertBefore(7, Rule.in(to).ctState(CtState.ESTABLISHED, CtState.RELATED).accept().build());
        tx.addAfter(8, Rule.in(to).counter().drop().comment("the rest").build());
        tx.replace(9, Rule.in(to).accept().build());
        tx.addElements(ports).key(IpProtocol.TCP).key(5000).value(v4("172.18.0.2")).value(22).comment("web").add()
                .add(IpProtocol.UDP, 53, v4("172.18.0.3"), 53);
        tx.addElements(nets).prefix(Cidr.parseSubnet("n", "10.0.0.0/8")).add().range(v4("1.0.0.1"), v4("1.0.0.9")).add()
                .key(v4("9.9.9.9")).add();
        tx.addElements(jumps).add("br0", Verdict.jump("to"));
        tx.addElements(jumps); // empty: nothing sent, nothing written
        tx.deleteElements(ports).add(IpProtocol.TCP, 5000);
        tx.destroyElements(nets).prefix(Cidr.parseSubnet("n", "10.0.0.0/8")).add();
        tx.deleteRule(to.ref(), 12).flushChain(to.ref()).deleteChain(to.ref()).destroyChain(IP.chain("gone"));
        tx.flushSet(nets.ref()).deleteSet(nets.ref()).destroySet(IP.set("gone"));
        tx.flushTable(IP).deleteTable(BR).destroyTable(BR);
        assertEquals("""
                add table ip t { comment "ours"; }
                create table bridge t
                add map ip t ports { type inet_proto . inet_service : ipv4_addr . inet_service; counter; }
                add set ip t nets { type ipv4_addr; flags interval; comment "some nets"; }
                create map ip t jumps { type ifname : verdict; }
                add chain ip t fwd { type filter hook forward priority -10; policy drop; }
                add chain ip t to { comment "per bridge"; }
                add chain bridge t forward { type filter hook forward priority -200; policy accept; }
                add rule ip t fwd oifname "br0" oifname vmap @jumps
                insert rule ip t fwd ip saddr != { 8.8.8.8, 10.0.0.0/8 } counter packets 0 bytes 0 drop
                insert rule ip t to position 7 ct state established,related accept
                add rule ip t to position 8 counter packets 0 bytes 0 drop comment "the rest"
                replace rule ip t to handle 9 accept
                add element ip t ports { tcp . 5000 comment "web" : 172.18.0.2 . 22, udp . 53 : 172.18.0.3 . 53 }
                add element ip t nets { 1.0.0.1-1.0.0.9, 9.9.9.9, 10.0.0.0/8 }
                add element ip t jumps { "br0" : jump to }
                delete element ip t ports { tcp . 5000 }
                destroy element ip t nets { 10.0.0.0/8 }
                delete rule ip t to handle 12
                flush chain ip t to
                delete chain ip t to
                destroy chain ip t gone
                flush set ip t nets
                delete set ip t nets
                destroy set ip t gone
                flush table ip t
                delete table bridge t
                destroy table bridge t
                """, tx.toScript());
        assertEquals(Set.of(IP, BR), tx.tables());
        assertEquals(IP, tx.ops().get(8).table());
        assertEquals("add element ip t jumps { \"br0\" : jump to }", tx.ops().get(15).toString());
    }

    @Test
    void elementWritersShowWhatTheySend() {
        NamedSet nets = NamedSet.intervalSet(IP.set("nets"), FieldType.IPV4_ADDR);
        Transaction tx = new Transaction(List.of(IP));
        ElementWriter w = tx.addElements(nets).key(v4("9.9.9.9")).add().prefix(Cidr.parseSubnet("n", "10.0.0.0/8")).add();
        assertEquals("[9.9.9.9, 10.0.0.0/8]", w.elements().toString());
        assertEquals(2, w.count());
    }

    @Test
    void anEngineRefusesATransactionForATableItDoesNotOwn() {
        // checked while recording for the engine's own transactions, and at commit for one made elsewhere
        Transaction tx = new Transaction(List.of(IP));
        assertThrows(ValidationException.class, () -> tx.addTable(Table.of(BR)));
    }
}

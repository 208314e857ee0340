package org.nlbridge.driver.firewall.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.driver.firewall.Specs.network;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.nlbridge.driver.firewall.FirewallState;
import org.nlbridge.driver.firewall.NetworkFirewallSpec;
import org.nlbridge.nft.Chain;
import org.nlbridge.nft.ChainRef;
import org.nlbridge.nft.ChainType;
import org.nlbridge.nft.Hook;
import org.nlbridge.nft.Listing;
import org.nlbridge.nft.Policy;
import org.nlbridge.nft.Priority;
import org.nlbridge.nft.Rule;
import org.nlbridge.nft.Table;
import org.nlbridge.nft.TableRef;
import org.nlbridge.nft.Transaction;

/** Where the host-firewall accept rules go and which of ours are kept, from listings (no kernel). */
class HostFirewallTest {

    private static final TableRef T = HostFirewall.IP_FILTER;
    private static final ChainRef FORWARD = T.chain("FORWARD");
    private static final ChainRef USER = T.chain("DOCKER-USER");
    private static final NetworkFirewallSpec NLB0 = network("nlb0", "172.18.0.0/16").build();
    private static final FirewallState ONE = new FirewallState(List.of(NLB0), List.of());

    private static Listing filter(Policy policy, boolean jumpToUser, List<Rule> userRules, List<Rule> forwardRules) {
        List<Rule> fwd = new ArrayList<>();
        long h = 100;
        if (jumpToUser) fwd.add(Rule.in(FORWARD).counter().jump("DOCKER-USER").build().withHandle(h++));
        for (Rule r : forwardRules) fwd.add(r.withHandle(h++));
        List<Rule> user = new ArrayList<>();
        for (Rule r : userRules) user.add(r.withHandle(h++));
        return new Listing(Table.of(T), 1, List.of(), List.of(
                new Listing.ChainListing(Chain.base(FORWARD, ChainType.FILTER, Hook.FORWARD, Priority.FILTER, policy), 2, fwd),
                new Listing.ChainListing(Chain.regular(USER), 3, user)));
    }

    private static HostFirewall.Plan plan(Listing l, FirewallState s) {
        return HostFirewall.plan(Map.of(T, Optional.of(l), HostFirewall.IP6_FILTER, Optional.empty()), s);
    }

    private static Rule ret() {
        return Rule.in(USER).counter().ret().build();
    }

    private static Rule ours(HostFirewall.Kind kind, ChainRef in) {
        return new HostFirewall.Accept(NLB0.bridge(), kind).rule(in);
    }

    @Test
    void inDockerUserBeforeItsReturnAfterTheAdministratorsRules() {
        Rule admin = Rule.in(USER).iifname("eth0").counter().drop().build();
        HostFirewall.Plan p = plan(filter(Policy.DROP, true, List.of(admin, ret()), List.of()), ONE);
        assertEquals(List.of(), p.deletes());
        assertEquals(3, p.adds().size());
        long returnHandle = 102; // jump 100, admin 101, return 102
        assertTrue(p.adds().stream().allMatch(a -> a.before() == returnHandle && a.rule().chain().equals(USER)), p.toString());
        assertEquals("-A DOCKER-USER -o nlb0 -m conntrack --ctstate RELATED,ESTABLISHED,DNAT -m comment --comment"
                + " \"nlbridge: to nlb0\" -j ACCEPT", p.adds().getFirst().text());
        Transaction tx = new Transaction(NftLayout.TABLES, HostFirewall.GUEST_CHAINS);
        p.record(tx);
        assertEquals(3, tx.size());
    }

    @Test
    void whatIsThereAndReachableIsKeptWhatIsNotIsMovedOrDropped() {
        // ours complete before the RETURN: nothing to do
        List<Rule> user = new ArrayList<>();
        for (HostFirewall.Kind k : HostFirewall.Kind.values()) user.add(ours(k, USER));
        user.add(ret());
        assertTrue(plan(filter(Policy.DROP, true, user, List.of()), ONE).isEmpty());
        // after the RETURN (never reached) and twice: deleted, and added again before the RETURN
        List<Rule> late = new ArrayList<>(List.of(ours(HostFirewall.Kind.FROM, USER), ret(), ours(HostFirewall.Kind.TO, USER),
                ours(HostFirewall.Kind.FROM, USER)));
        HostFirewall.Plan p = plan(filter(Policy.DROP, true, late, List.of()), ONE);
        assertEquals(2, p.deletes().size(), p.toString());
        assertEquals(List.of("to", "within"), p.adds().stream().map(a -> a.text().contains("--ctstate") ? "to" : "within").toList());
        // policy accept: nothing is needed, ours go
        HostFirewall.Plan gone = plan(filter(Policy.ACCEPT, true, user, List.of()), ONE);
        assertEquals(3, gone.deletes().size());
        assertEquals(List.of(), gone.adds());
        // no networks any more: ours go
        assertEquals(3, plan(filter(Policy.DROP, true, user, List.of()), FirewallState.EMPTY).deletes().size());
    }

    @Test
    void withoutAJumpToDockerUserTheyGoAtTheEndOfForwardAndAnExplicitDropIsReported() {
        Rule dropAll = Rule.in(FORWARD).counter().drop().build();
        HostFirewall.Plan p = plan(filter(Policy.DROP, false, List.of(ret()), List.of(dropAll)), ONE);
        assertTrue(p.adds().stream().allMatch(a -> a.before() == 0 && a.rule().chain().equals(FORWARD)), p.toString());
        assertEquals(1, p.warnings().size());
        assertTrue(p.warnings().getFirst().startsWith("ip filter FORWARD: rule 1 (counter packets 0 bytes 0 drop) drops"
                + " every packet before nlbridge's accept rules"), p.warnings().getFirst());
    }

    @Test
    void internalAndIccFalseNetworksNeedFewerRules() {
        NetworkFirewallSpec internal = network("nlbint", "172.19.0.0/16").internal(true).build();
        NetworkFirewallSpec iccOff = network("nlboff", "172.20.0.0/16").icc(false).build();
        NetworkFirewallSpec v6only = NetworkFirewallSpec.builder(org.nlbridge.driver.firewall.Specs.ifname("nlb6"))
                .ipv6(org.nlbridge.driver.firewall.Specs.subnet("fd00:6::/64")).build();
        FirewallState s = new FirewallState(List.of(internal, iccOff, v6only), List.of());
        assertEquals(List.of("nlbridge: within nlbint", "nlbridge: to nlboff", "nlbridge: from nlboff"),
                HostFirewall.accepts(s, org.nlbridge.nft.Family.IP).stream().map(HostFirewall.Accept::comment).toList());
        assertEquals(3, HostFirewall.accepts(s, org.nlbridge.nft.Family.IP6).size());
    }

    /** The conntrack match's info as iptables sends {@code --ctstate RELATED,ESTABLISHED,DNAT}. */
    @Test
    void conntrackInfo() {
        byte[] info = HostFirewall.conntrackInfo();
        assertEquals(168, info.length);
        ByteBuffer b = ByteBuffer.wrap(info).order(ByteOrder.nativeOrder());
        assertEquals(1, b.getShort(146));     // match_flags XT_CONNTRACK_STATE
        assertEquals(134, b.getShort(150));   // state_mask ESTABLISHED | RELATED | DNAT
        int nonZero = 0;
        for (byte x : info) if (x != 0) nonZero++;
        assertEquals(2, nonZero);
    }
}

package org.nlbridge.driver.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.driver.firewall.FirewallScenarios.ep;
import static org.nlbridge.driver.firewall.FirewallScenarios.net;
import static org.nlbridge.driver.firewall.Topology.C1;
import static org.nlbridge.driver.firewall.Topology.C2;
import static org.nlbridge.driver.firewall.Topology.HOST_ATK;
import static org.nlbridge.driver.firewall.Topology.HOST_UP;
import static org.nlbridge.driver.firewall.Topology.UPSTREAM;
import static org.nlbridge.testing.Tcp.blocked;
import static org.nlbridge.testing.Tcp.reaches;

import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nlbridge.driver.firewall.nftables.NftFirewallDriver;
import org.nlbridge.spec.Change;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.Tcp;

/**
 * nlbridge beside an iptables-nft firewall whose FORWARD policy is DROP ({@link ForeignFirewall}: dockerd 20.10's
 * rules, UFW's), in the same host namespace (issue 16 item 11, issue 12). Without nlbridge's accept rules both
 * directions fail; with them the published port, masquerade out and icc work, icc=false still blocks, that
 * firewall's own traffic and explicit rules keep working, its rules are byte-identical before and after (nft -j,
 * our marked rules aside), iptables-nft lists ours without complaint and {@code iptables -C} finds them, and
 * teardown removes exactly ours. Also: a firewall that appears after nlbridge, one that goes away, ip6tables, and
 * iptables-legacy (which nlbridge reports instead of fixing).
 */
class HostFirewallPacketTest extends NetlinkDriverTest {

    @BeforeEach
    void tools() {
        Assumptions.assumeTrue(Host.has("iptables-nft") && Host.has("iptables-nft-restore"),
                "needs iptables-nft to make the host's other firewall");
    }

    private static final NetworkFirewallSpec NLB0 = net("nlb0", "172.18.0.0/16", null, true, false);

    private static FirewallState state(NetworkFirewallSpec n) {
        return new FirewallState(List.of(n), List.of(ep("c1", "nlb0", "vc1", C1, "5000:22"), ep("c2", "nlb0", "vc2", C2)));
    }

    /** c1 serves 22 (published as 5000) and 23, upstream 7000; with DOCKER_20_10, docker0 and its container cd:80. */
    private static String world(Topology t, ForeignFirewall fw) {
        Tcp.start(t.sandbox, "c1", "c1-22", 22, null);
        Tcp.start(t.sandbox, "c1", "c1-23", 23, null);
        Tcp.start(t.sandbox, "upstream", "up-7000", 7000, null);
        Tcp.await(t.c1, "127.0.0.1", 22);
        Tcp.await(t.c1, "127.0.0.1", 23);
        Tcp.await(t.upstream, "127.0.0.1", 7000);
        if (Topology.sysctlExists(t.host, "net.bridge.bridge-nf-call-iptables")) {
            Topology.sysctl(t.host, "net.bridge.bridge-nf-call-iptables", "1");     // as dockerd sets it
        }
        String cd = null;
        if (fw == ForeignFirewall.DOCKER_20_10) {
            cd = t.sandbox.netns("cd");
            Topology.ip(t.host, "link add docker0 type bridge", "addr add 172.17.0.1/16 dev docker0", "link set docker0 up");
            t.container(cd, "vcd", "docker0", "172.17.0.2", "16", "172.17.0.1");
            Tcp.start(t.sandbox, "cd", "cd-80", 80, null);
            Tcp.await(cd, "127.0.0.1", 80);
        }
        fw.install(t.host);
        return cd;
    }

    @ParameterizedTest
    @EnumSource(ForeignFirewall.class)
    void besideAForwardDropFirewallBothDirectionsWorkAndItsRulesStayAsTheyWere(ForeignFirewall fw, Sandbox sandbox) {
        Topology t = new Topology(sandbox);
        String cd = world(t, fw);
        String before = ForeignFirewall.othersRules(t.host, "ip");
        String iptablesBefore = ForeignFirewall.rules(t.host, "ip");
        NftFirewallDriver d = driver(t);

        List<Change> plan = d.hostFirewallPlan(state(NLB0));
        assertEquals(3, plan.size(), plan.toString());
        assertTrue(plan.getFirst().toString().startsWith("+ iptables rule ip filter " + fw.chain + " (-A " + fw.chain
                + " -o nlb0 -m conntrack --ctstate RELATED,ESTABLISHED,DNAT -m comment --comment \"nlbridge: to nlb0\""
                + " -j ACCEPT; ip filter FORWARD policy is drop"), plan.toString());
        d.setupNetwork(NLB0);
        for (EndpointFirewallSpec e : state(NLB0).endpoints()) d.addEndpoint(e);
        assertEquals(List.of(), d.hostFirewallPlan(state(NLB0)), "applied: nothing left to do");

        reaches(t.upstream, HOST_UP, 5000, "c1-22 from " + UPSTREAM);           // in, through the published port
        reaches(t.c1, UPSTREAM, 7000, "up-7000 from " + HOST_UP);               // out, masqueraded
        reaches(t.c2, C1, 23, "c1-23 from " + C2);                              // icc, also through br_netfilter
        blocked(t.attacker, C1, 23);                                             // still nothing routed in directly
        if (fw == ForeignFirewall.DOCKER_20_10) {
            reaches(t.upstream, HOST_UP, 8080, "cd-80 from " + UPSTREAM);       // Docker's own network keeps working
            reaches(cd, UPSTREAM, 7000, "up-7000 from " + HOST_UP);
            blocked(cd, C1, 23);                                                 // and ours keeps its isolation
        } else {
            blocked(t.attacker, HOST_ATK, 5000);                                 // UFW's route deny still wins
        }

        // iptables-nft reads our rules as its own: no error, each line as written, and -C finds them
        String listed = ForeignFirewall.rules(t.host, "ip");
        List<String> ours = listed.lines().filter(l -> l.contains("nlbridge: ")).toList();
        assertEquals(List.of(
                "-A " + fw.chain + " -o nlb0 -m conntrack --ctstate RELATED,ESTABLISHED,DNAT -m comment --comment \"nlbridge: to nlb0\" -j ACCEPT",
                "-A " + fw.chain + " -i nlb0 ! -o nlb0 -m comment --comment \"nlbridge: from nlb0\" -j ACCEPT",
                "-A " + fw.chain + " -i nlb0 -o nlb0 -m comment --comment \"nlbridge: within nlb0\" -j ACCEPT"), ours);
        Cmd.run(null, "ip", "netns", "exec", t.host, "iptables-nft", "-C", fw.chain, "-o", "nlb0", "-m", "conntrack",
                "--ctstate", "RELATED,ESTABLISHED,DNAT", "-m", "comment", "--comment", "nlbridge: to nlb0", "-j", "ACCEPT");
        Cmd.run(null, "ip", "netns", "exec", t.host, "iptables-nft", "-L", "-n", "-v");
        if (fw == ForeignFirewall.DOCKER_20_10) {
            // before DOCKER-USER's RETURN, so they are reached
            List<String> user = listed.lines().filter(l -> l.startsWith("-A DOCKER-USER")).toList();
            assertEquals("-A DOCKER-USER -j RETURN", user.getLast(), listed);
        } else {
            List<String> forward = listed.lines().filter(l -> l.startsWith("-A FORWARD")).toList();
            assertEquals(ours, forward.subList(forward.size() - 3, forward.size()), "after UFW's own rules:\n" + listed);
        }
        // the other firewall's rules, chains and order are byte-identical (nft -j, counters aside), ours aside
        assertEquals(before, ForeignFirewall.othersRules(t.host, "ip"));

        d.teardownNetwork(NLB0.bridge());
        assertEquals(before, ForeignFirewall.othersRules(t.host, "ip"));
        assertEquals(iptablesBefore, ForeignFirewall.rules(t.host, "ip"), "teardown removed exactly ours");
    }

    /** Without the accept rules, both directions fail: what the issue found, and what makes the test above count. */
    @ParameterizedTest
    @EnumSource(ForeignFirewall.class)
    void withoutTheAcceptRulesBothDirectionsFail(ForeignFirewall fw, Sandbox sandbox) {
        Topology t = new Topology(sandbox);
        world(t, fw);
        NftFirewallDriver d = driver(t);
        d.setupNetwork(NLB0);
        for (EndpointFirewallSpec e : state(NLB0).endpoints()) d.addEndpoint(e);
        reaches(t.upstream, HOST_UP, 5000, "c1-22 from " + UPSTREAM);
        // delete ours by hand (as nlbridge's predecessors left the host): the DROP policy takes both directions
        for (String line : ForeignFirewall.rules(t.host, "ip").lines().filter(l -> l.contains("nlbridge: ")).toList()) {
            List<String> argv = new java.util.ArrayList<>(List.of("ip", "netns", "exec", t.host, "iptables-nft"));
            argv.addAll(splitRule(line.replaceFirst("^-A ", "-D ")));
            Cmd.run(null, argv.toArray(String[]::new));
        }
        blocked(t.upstream, HOST_UP, 5000);
        blocked(t.c1, UPSTREAM, 7000);
        // drift repair (what the daemon runs when another process commits to ip filter) puts them back
        var report = d.reconcile(state(NLB0));
        assertEquals(3, report.drift().stream().filter(l -> l.startsWith("host firewall: + iptables rule")).count(),
                report.toString());
        reaches(t.upstream, HOST_UP, 5000, "c1-22 from " + UPSTREAM);
        reaches(t.c1, UPSTREAM, 7000, "up-7000 from " + HOST_UP);
    }

    /** iptables' word splitting of one -S line, with the quoted comment kept whole. */
    private static List<String> splitRule(String line) {
        List<String> out = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(line);
        while (m.find()) out.add(m.group(1) != null ? m.group(1) : m.group(2));
        return out;
    }

    /**
     * The firewall appears after nlbridge applied (dockerd started later): plan shows the rules, reconcile (the
     * daemon's drift repair) adds them; when the policy goes back to accept, reconcile removes them again.
     */
    @Test
    void aFirewallThatAppearsLaterIsFoundAndOneThatGoesIsCleanedUp(Sandbox sandbox) {
        Topology t = new Topology(sandbox);
        NftFirewallDriver d = driver(t);
        d.reconcile(state(NLB0));
        world(t, ForeignFirewall.UFW);
        blocked(t.upstream, HOST_UP, 5000);
        assertEquals(3, d.hostFirewallPlan(state(NLB0)).size());
        d.reconcile(state(NLB0));
        reaches(t.upstream, HOST_UP, 5000, "c1-22 from " + UPSTREAM);
        assertEquals(List.of(), d.hostFirewallPlan(state(NLB0)));

        Cmd.run(null, "ip", "netns", "exec", t.host, "iptables-nft", "-P", "FORWARD", "ACCEPT");
        List<Change> plan = d.hostFirewallPlan(state(NLB0));
        assertEquals(3, plan.size());
        assertTrue(plan.stream().allMatch(c -> c.action() == Change.Action.DELETE), plan.toString());
        d.reconcile(state(NLB0));
        assertFalse(ForeignFirewall.rules(t.host, "ip").contains("nlbridge"), "no longer needed, so gone");
        reaches(t.upstream, HOST_UP, 5000, "c1-22 from " + UPSTREAM);
    }

    /** ip6tables with FORWARD DROP: the IPv6 published port works through rules in ip6 filter. */
    @Test
    void ip6tablesForwardDrop(Sandbox sandbox) {
        Assumptions.assumeTrue(Host.has("ip6tables-nft"), "needs ip6tables-nft");
        Topology t = new Topology(sandbox);
        Topology.sysctl(t.host, "net.ipv6.conf.all.forwarding", "1");
        Topology.ip(t.host, "addr add fd00:99::1/64 dev eup nodad", "addr add fd00:db8:6::1/64 dev nlb0 nodad");
        Topology.ip(t.upstream, "addr add fd00:99::2/64 dev eth0 nodad");
        Topology.ip(t.c1, "addr add fd00:db8:6::2/64 dev eth0 nodad", "route add default via fd00:db8:6::1");
        Cmd.run(null, "ip", "netns", "exec", t.host, "ip6tables-nft", "-P", "FORWARD", "DROP");
        Tcp.start(sandbox, "c1", "c1-22", 22, "::");
        Tcp.await(t.c1, "::1", 22);
        NftFirewallDriver d = driver(t);
        NetworkFirewallSpec n = net("nlb0", "172.18.0.0/16", "fd00:db8:6::/64", true, false);
        d.setupNetwork(n);
        d.addEndpoint(ep("c1", "nlb0", "vc1", C1 + ",fd00:db8:6::2", "5000:22"));
        reaches(t.upstream, "fd00:99::1", 5000, "c1-22 from fd00:99::2");
        assertEquals(3, ForeignFirewall.rules(t.host, "ip6").lines().filter(l -> l.contains("nlbridge: ")).count());
        assertFalse(ForeignFirewall.rules(t.host, "ip").contains("nlbridge"), "no ip filter table, no IPv4 rules");
        d.teardownAll();
        assertFalse(ForeignFirewall.rules(t.host, "ip6").contains("nlbridge"));
    }

    /**
     * iptables-legacy with FORWARD DROP lives outside nf_tables: nlbridge cannot add rules there and says so, naming
     * the tables and what to do; the traffic is indeed dropped.
     */
    @Test
    void iptablesLegacyIsReportedPlainly(Sandbox sandbox) {
        Assumptions.assumeTrue(Host.has("iptables-legacy"), "needs iptables-legacy");
        Topology t = new Topology(sandbox);
        Cmd.Result r = Cmd.exec(null, "ip", "netns", "exec", t.host, "iptables-legacy", "-P", "FORWARD", "DROP");
        Assumptions.assumeTrue(r.exit() == 0, "this kernel has no legacy x_tables: " + r.err());
        Tcp.start(sandbox, "c1", "c1-22", 22, null);
        Tcp.await(t.c1, "127.0.0.1", 22);
        NftFirewallDriver d = driver(t);
        d.setupNetwork(NLB0);
        d.addEndpoint(ep("c1", "nlb0", "vc1", C1, "5000:22"));
        blocked(t.upstream, HOST_UP, 5000);
        List<String> warnings = d.hostFirewallWarnings();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().startsWith("iptables-legacy tables [filter] are loaded in this network namespace"
                + " (/proc/net/ip_tables_names)"), warnings.getFirst());
        assertTrue(warnings.getFirst().contains("update-alternatives --set iptables /usr/sbin/iptables-nft"));
        assertTrue(d.status().summary().contains("WARNING: iptables-legacy"));
        assertTrue(d.reconcile(state(NLB0)).warnings().stream().anyMatch(w -> w.startsWith("iptables-legacy")));
    }
}

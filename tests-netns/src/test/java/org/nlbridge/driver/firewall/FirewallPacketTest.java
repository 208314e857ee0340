package org.nlbridge.driver.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.driver.firewall.FirewallScenarios.ep;
import static org.nlbridge.driver.firewall.FirewallScenarios.net;
import static org.nlbridge.driver.firewall.Topology.C1;
import static org.nlbridge.driver.firewall.Topology.C2;
import static org.nlbridge.driver.firewall.Topology.GATEWAY;
import static org.nlbridge.driver.firewall.Topology.HOST_ATK;
import static org.nlbridge.driver.firewall.Topology.HOST_UP;
import static org.nlbridge.driver.firewall.Topology.UPSTREAM;
import static org.nlbridge.testing.Tcp.blocked;
import static org.nlbridge.testing.Tcp.reaches;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.driver.firewall.nftables.NftFirewallDriver;
import org.nlbridge.driver.firewall.nftables.NftLayout;
import org.nlbridge.driver.firewall.nftables.UserHookRules;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IfName;
import org.nlbridge.nft.Family;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;

/**
 * Real packets through the firewall: namespaces for the host, an upstream host, an attacker and containers
 * ({@link Topology}), TCP servers and clients in them ({@link Tcp}), and the driver programming the host.
 * A refused path is a connection that does not come up within {@link Tcp#NO}.
 */
@ExtendWith(SandboxExtension.class)
class FirewallPacketTest {

    private Backend.Opened opened;

    @BeforeEach
    void tools() {
        Assumptions.assumeTrue(Host.has("nft"), "needs the nft binary as the oracle");
        Tcp.assumeAvailable();
    }

    @AfterEach
    void close() {
        if (opened != null) opened.close();
    }

    private NftFirewallDriver driver(Topology t, Backend backend) {
        opened = backend.open(t.host);
        NftFirewallDriver d = opened.driver();
        d.reconcile(FirewallState.EMPTY);
        return d;
    }

    /** c1 serves 22 (published as 5000), 23 (never published) and 80; upstream serves 7000. */
    private static void servers(Topology t) {
        Tcp.start(t.sandbox, "c1", "c1-22", 22, null);
        Tcp.start(t.sandbox, "c1", "c1-23", 23, null);
        Tcp.start(t.sandbox, "c1", "c1-80", 80, null);
        Tcp.start(t.sandbox, "upstream", "up-7000", 7000, null);
        Tcp.await(t.c1, "127.0.0.1", 22);
        Tcp.await(t.c1, "127.0.0.1", 23);
        Tcp.await(t.c1, "127.0.0.1", 80);
        Tcp.await(t.upstream, "127.0.0.1", 7000);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"NETLINK", "NFT_CLI_FULL"})
    void publishedPortFromUpstreamMasqueradeOutAndHairpin(Backend backend, Sandbox sandbox) {
        Topology t = new Topology(sandbox);
        NftFirewallDriver d = driver(t, backend);
        d.setupNetwork(net("nlb0", "172.18.0.0/16", null, true, false));
        d.addEndpoint(ep("c1", "nlb0", "vc1", C1, "5000:22"));
        d.addEndpoint(ep("c2", "nlb0", "vc2", C2));
        servers(t);
        Tcp.start(sandbox, "c2", "c2-5000", 5000, null);
        Tcp.await(t.c2, "127.0.0.1", 5000);

        reaches(t.upstream, HOST_UP, 5000, "c1-22 from " + UPSTREAM);          // DNAT, client address kept
        reaches(t.c1, UPSTREAM, 7000, "up-7000 from " + HOST_UP);             // masqueraded on the way out
        reaches(t.c2, C1, 23, "c1-23 from " + C2);                            // icc on: the neighbour directly
        reaches(t.c1, HOST_UP, 5000, "c1-22 from " + GATEWAY);                // hairpin: its own published port
        reaches(t.c2, HOST_UP, 5000, "c1-22 from " + GATEWAY);                // a neighbour via the host address
        reaches(t.host, "127.0.0.1", 5000, "c1-22 from " + GATEWAY);          // the host via localhost
        reaches(t.host, HOST_UP, 5000, "c1-22 from " + HOST_UP);              // the host via its own address
        // DNAT matches the destination (CVE-2025-67499): port 5000 of another address is not redirected
        reaches(t.host, C2, 5000, "c2-5000 from " + GATEWAY);
        blocked(t.upstream, HOST_UP, 5001);

        List<PublishedPort> ports = d.listPorts();
        assertEquals(1, ports.size());
        if (backend.features.elementCounters()) {
            assertTrue(ports.getFirst().connections() >= 5, "the map element counts connections: " + ports);
        } else {
            assertEquals(-1, ports.getFirst().connections());
        }
        long forwarded = d.status().counters().get("ip/fwd-to__nlb0: ip daddr . meta l4proto . th dport @published4"
                + " ct status dnat counter accept");
        // only upstream's connection: the containers' ones are taken by the icc accept first, the host's are not forwarded
        assertEquals(1, forwarded, "forwarded connections to published ports from outside the bridge");
        d.removeEndpoint("c1");
        blocked(t.upstream, HOST_UP, 5000);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"NETLINK", "NETLINK_BASIC", "NFT_CLI_FULL"})
    void iccFalseBlocksContainerToContainerWithAndWithoutBrNetfilter(Backend backend, Sandbox sandbox) {
        Topology t = new Topology(sandbox);
        NftFirewallDriver d = driver(t, backend);
        d.setupNetwork(net("nlb0", "172.18.0.0/16", null, false, false));
        d.addEndpoint(ep("c1", "nlb0", "vc1", C1, "5000:22"));
        d.addEndpoint(ep("c2", "nlb0", "vc2", C2));
        servers(t);
        boolean brNetfilterExists = Topology.sysctlExists(t.host, "net.bridge.bridge-nf-call-iptables");
        // with the bridge table icc=false holds either way; without it, it needs br_netfilter (checked at setup)
        List<String> settings = backend.features.bridgeTable() ? List.of("1", "0") : List.of("1");
        for (String brNetfilter : settings) {
            if (brNetfilterExists) {
                Topology.sysctl(t.host, "net.bridge.bridge-nf-call-iptables", brNetfilter);
            } else if (brNetfilter.equals("1")) {
                continue;
            }
            blocked(t.c2, C1, 23);                                            // bridged: bridge nlbridge drops it
            blocked(t.c2, HOST_UP, 5000);                                     // routed back into the bridge: ip nlbridge
            reaches(t.c1, UPSTREAM, 7000, "up-7000 from " + HOST_UP);
            reaches(t.upstream, HOST_UP, 5000, "c1-22 from " + UPSTREAM);
            reaches(t.host, C1, 23, "c1-23 from " + GATEWAY);                 // the host still reaches containers
        }
        if (!backend.features.bridgeTable() && brNetfilterExists) {
            Topology.sysctl(t.host, "net.bridge.bridge-nf-call-iptables", "0");
            var report = d.reconcile(new FirewallState(List.of(net("nlb0", "172.18.0.0/16", null, false, false)),
                    List.of(ep("c1", "nlb0", "vc1", C1, "5000:22"), ep("c2", "nlb0", "vc2", C2))));
            assertEquals(1, report.warnings().size(), "switching br_netfilter off is reported: " + report);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"NETLINK", "NFT_CLI_FULL"})
    void aPortOn127001IsForTheHostOnly(Backend backend, Sandbox sandbox) {
        Topology t = new Topology(sandbox);
        NftFirewallDriver d = driver(t, backend);
        d.setupNetwork(net("nlb0", "172.18.0.0/16", null, true, false));
        d.addEndpoint(ep("c1", "nlb0", "vc1", C1, "127.0.0.1:8080:80"));
        d.addEndpoint(ep("c2", "nlb0", "vc2", C2));
        servers(t);
        Tcp.start(sandbox, "host", "host-lo-9999", 9999, "127.0.0.1");
        Tcp.await(t.host, "127.0.0.1", 9999);

        assertEquals("1", Topology.sysctl(t.host, "net.ipv4.conf.nlb0.route_localnet"));
        assertEquals("0", Topology.sysctl(t.host, "net.ipv4.conf.all.route_localnet"));
        assertEquals("0", Topology.sysctl(t.host, "net.ipv4.conf.default.route_localnet"));
        assertEquals("0", Topology.sysctl(t.host, "net.ipv4.conf.eup.route_localnet"));

        reaches(t.host, "127.0.0.1", 8080, "c1-80 from " + GATEWAY);
        blocked(t.attacker, "127.0.0.1", 8080);                               // CVE-2025-54388 / moby#45610
        blocked(t.attacker, "127.0.0.2", 8080);
        blocked(t.attacker, HOST_ATK, 8080);
        // a container routing 127.0.0.1 to the bridge, where route_localnet is on (CVE-2020-8558)
        Topology.ip(t.c2, "link set lo down", "route add 127.0.0.1/32 via " + GATEWAY + " dev eth0");
        Topology.sysctl(t.c2, "net.ipv4.conf.eth0.route_localnet", "1");
        blocked(t.c2, "127.0.0.1", 8080);
        blocked(t.c2, "127.0.0.1", 9999);
        reaches(t.host, "127.0.0.1", 9999, "host-lo-9999 from 127.0.0.1");

        long dropped = NftCli.packets(NftCli.listTable(t.host, NftLayout.table(Family.IP)),
                "iifname != \"lo\" ip daddr 127.0.0.0/8 counter");
        assertTrue(dropped > 0, "the loopback guard counted the attempts");
        assertTrue(d.status().counters().get("ip/raw-prerouting: iifname != \"lo\" ip daddr 127.0.0.0/8 counter drop") > 0);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"NETLINK", "NFT_CLI_FULL"})
    void directRoutingToAContainerFails(Backend backend, Sandbox sandbox) {
        Topology t = new Topology(sandbox);
        NftFirewallDriver d = driver(t, backend);
        d.setupNetwork(net("nlb0", "172.18.0.0/16", null, true, false));
        d.addEndpoint(ep("c1", "nlb0", "vc1", C1, "5000:22"));
        servers(t);
        blocked(t.attacker, C1, 23);                                          // unpublished port (moby#14041)
        blocked(t.attacker, C1, 22);                                          // published container port, directly
        reaches(t.attacker, HOST_ATK, 5000, "c1-22 from 10.98.0.2");         // the published port, as published
        assertTrue(d.status().counters().get("ip/direct__nlb0: iifname != \"nlb0\" counter drop") >= 2,
                d.status().counters().toString());
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"NETLINK", "NFT_CLI_FULL"})
    void theUserHookRunsFirstAndSurvivesOurTeardown(Backend backend, Sandbox sandbox) {
        Topology t = new Topology(sandbox);
        NftFirewallDriver d = driver(t, backend);
        d.ensureUserHook();
        d.setupNetwork(net("nlb0", "172.18.0.0/16", null, true, false));
        d.addEndpoint(ep("c1", "nlb0", "vc1", C1, "5000:22"));
        servers(t);
        reaches(t.upstream, HOST_UP, 5000, "c1-22 from " + UPSTREAM);

        // the seed's example: only 8.8.8.8 may come in on the external interface
        d.insertUserRule(UserHookRules.onlyFrom(IfName.parse("ext", "eup"), Cidr.parseSubnet("src", "8.8.8.8/32")));
        blocked(t.upstream, HOST_UP, 5000);
        reaches(t.attacker, HOST_ATK, 5000, "c1-22 from 10.98.0.2");         // another interface: not affected
        // literally "only 8.8.8.8 on eup": that includes the replies to the containers' own connections out
        // through eup, exactly as Docker's DOCKER-USER example does
        blocked(t.c1, UPSTREAM, 7000);

        // the user removes it (nft, as a user would): access is back
        NftCli.run(t.host, null, "flush", "chain", "ip", NftLayout.USER_TABLE, NftLayout.USER_CHAIN);
        reaches(t.upstream, HOST_UP, 5000, "c1-22 from " + UPSTREAM);

        // several sources, upstream's subnet among them: an anonymous set, and upstream is let in (and its replies)
        d.insertUserRules(UserHookRules.onlyFrom(IfName.parse("ext", "eup"), List.of(Cidr.parseSubnet("src", "8.8.8.8/32"),
                Cidr.parseSubnet("src", "10.99.0.0/24"))));
        reaches(t.upstream, HOST_UP, 5000, "c1-22 from " + UPSTREAM);
        reaches(t.c1, UPSTREAM, 7000, "up-7000 from " + HOST_UP);
        NftCli.run(t.host, null, "flush", "chain", "ip", NftLayout.USER_TABLE, NftLayout.USER_CHAIN);

        d.insertUserRule(UserHookRules.onlyFrom(IfName.parse("ext", "eup"), Cidr.parseSubnet("src", "8.8.8.8/32")));
        d.teardownAll();
        d.reconcile(new FirewallState(List.of(net("nlb0", "172.18.0.0/16", null, true, false)),
                List.of(ep("c1", "nlb0", "vc1", C1, "5000:22"))));
        d.ensureUserHook();
        assertTrue(NftCli.listTable(t.host, NftLayout.userTable(Family.IP))
                .contains("iifname \"eup\" ip saddr != 8.8.8.8 counter packets"), "teardown and reconcile keep user rules");
        blocked(t.upstream, HOST_UP, 5000);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"NETLINK", "NFT_CLI_FULL"})
    void networksAreIsolatedAndAnInternalNetworkHasNoWayOut(Backend backend, Sandbox sandbox) {
        Topology t = new Topology(sandbox);
        List<String> more = sandbox.netns(List.of("c3", "c4"));
        String c3 = more.get(0);
        String c4 = more.get(1);
        Topology.ip(t.host, "link add nlb1 type bridge", "addr add 172.19.0.1/16 dev nlb1", "link set nlb1 up",
                "link add nlbint type bridge", "addr add 172.20.0.1/16 dev nlbint", "link set nlbint up");
        t.container(c3, "vc3", "nlb1", "172.19.0.2", "16", "172.19.0.1");
        t.container(c4, "vc4", "nlbint", "172.20.0.2", "16", null);           // internal: no default route...
        Topology.ip(c4, "route add default via 172.20.0.1");                  // ...but try anyway
        NftFirewallDriver d = driver(t, backend);
        d.setupNetwork(net("nlb0", "172.18.0.0/16", null, true, false));
        d.setupNetwork(net("nlb1", "172.19.0.0/16", null, true, false));
        d.setupNetwork(net("nlbint", "172.20.0.0/16", null, true, true));
        d.addEndpoint(ep("c1", "nlb0", "vc1", C1, "5000:22"));
        d.addEndpoint(ep("c3", "nlb1", "vc3", "172.19.0.2"));
        d.addEndpoint(ep("c4", "nlbint", "vc4", "172.20.0.2"));
        servers(t);
        Tcp.start(sandbox, "c4", "c4-24", 24, null);
        Tcp.await(c4, "127.0.0.1", 24);

        blocked(c3, C1, 23);                                                  // other network, unpublished
        blocked(c3, C1, 22);                                                  // other network, directly
        // the published port via a host address works; leaving nlb1 it is masqueraded, as Docker's
        // "-s <subnet> ! -o <bridge> MASQUERADE" does for traffic between bridges
        reaches(c3, "172.19.0.1", 5000, "c1-22 from 172.18.0.1");
        blocked(c4, UPSTREAM, 7000);                                          // internal: nothing goes out
        blocked(c4, HOST_UP, 5000);                                           // not even to a published port
        blocked(t.c1, "172.20.0.2", 24);                                      // nothing comes in
        reaches(t.host, "172.20.0.2", 24, "c4-24 from 172.20.0.1");           // except from the host
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"NETLINK", "NFT_CLI_FULL"})
    void ipv6PublishedPortAndMasquerade(Backend backend, Sandbox sandbox) {
        Topology t = new Topology(sandbox);
        Topology.sysctl(t.host, "net.ipv6.conf.all.forwarding", "1");
        Topology.ip(t.host, "addr add fd00:99::1/64 dev eup nodad", "addr add fd00:db8:6::1/64 dev nlb0 nodad");
        Topology.ip(t.upstream, "addr add fd00:99::2/64 dev eth0 nodad");
        Topology.ip(t.c1, "addr add fd00:db8:6::2/64 dev eth0 nodad", "route add default via fd00:db8:6::1");
        Topology.ip(t.c2, "addr add fd00:db8:6::3/64 dev eth0 nodad", "route add default via fd00:db8:6::1");
        NftFirewallDriver d = driver(t, backend);
        d.setupNetwork(net("nlb0", "172.18.0.0/16", "fd00:db8:6::/64", true, false));
        d.addEndpoint(ep("c1", "nlb0", "vc1", C1 + ",fd00:db8:6::2", "5000:22"));
        d.addEndpoint(ep("c2", "nlb0", "vc2", C2 + ",fd00:db8:6::3"));
        Tcp.start(sandbox, "c1", "c1-22", 22, "::");
        Tcp.start(sandbox, "c1", "c1-23", 23, "::");
        Tcp.start(sandbox, "upstream", "up-7000", 7000, "::");
        Tcp.await(t.c1, "::1", 22);
        Tcp.await(t.upstream, "::1", 7000);

        reaches(t.upstream, "fd00:99::1", 5000, "c1-22 from fd00:99::2");
        reaches(t.c1, "fd00:99::2", 7000, "up-7000 from fd00:99::1");
        reaches(t.c2, "fd00:99::1", 5000, "c1-22 from fd00:db8:6::1");       // hairpin masquerade, IPv6
        Topology.ip(t.upstream, "route add fd00:db8:6::/64 via fd00:99::1");
        blocked(t.upstream, "fd00:db8:6::2", 23);                              // direct routing, IPv6
        blocked(t.upstream, "fd00:db8:6::2", 22);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"NETLINK", "NFT_CLI_FULL"})
    void reconcileAfterAFlushRestoresEveryProtection(Backend backend, Sandbox sandbox) {
        Topology t = new Topology(sandbox);
        NftFirewallDriver d = driver(t, backend);
        FirewallState desired = new FirewallState(List.of(net("nlb0", "172.18.0.0/16", null, false, false)),
                List.of(ep("c1", "nlb0", "vc1", C1, "5000:22", "127.0.0.1:8080:80"), ep("c2", "nlb0", "vc2", C2)));
        d.reconcile(desired);
        servers(t);
        reaches(t.upstream, HOST_UP, 5000, "c1-22 from " + UPSTREAM);
        blocked(t.c2, C1, 23);

        NftCli.run(t.host, null, "flush", "ruleset");                         // someone else's hand
        reaches(t.c2, C1, 23, "c1-23 from " + C2);                            // isolation is gone...
        var report = d.reconcile(desired);
        assertTrue(report.rebuilt());
        assertTrue(report.drift().contains("table ip nlbridge is missing"), report.drift().toString());
        blocked(t.c2, C1, 23);                                                // ...and back (CVE-2025-54410)
        blocked(t.attacker, "127.0.0.1", 8080);
        blocked(t.attacker, C1, 23);
        reaches(t.upstream, HOST_UP, 5000, "c1-22 from " + UPSTREAM);
        reaches(t.host, "127.0.0.1", 8080, "c1-80 from " + GATEWAY);
        Golden.assertMatches(backend.golden("reconciled"), NftCli.listOurs(t.host));
    }
}

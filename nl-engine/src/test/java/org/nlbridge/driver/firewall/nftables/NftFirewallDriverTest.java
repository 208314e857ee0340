package org.nlbridge.driver.firewall.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.driver.firewall.Specs.endpoint;
import static org.nlbridge.driver.firewall.Specs.ifname;
import static org.nlbridge.driver.firewall.Specs.network;
import static org.nlbridge.driver.firewall.Specs.subnet;

import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nlbridge.driver.firewall.FirewallException;
import org.nlbridge.driver.firewall.FirewallState;
import org.nlbridge.driver.firewall.PublishedPort;
import org.nlbridge.driver.firewall.ReconcileReport;
import org.nlbridge.net.IpProtocol;
import org.nlbridge.net.ValidationException;
import org.nlbridge.nft.ElementWriter;
import org.nlbridge.nft.Family;
import org.nlbridge.nft.Listing;
import org.nlbridge.nft.TableRef;
import org.nlbridge.nft.Transaction;

class NftFirewallDriverTest {
    private static final TableRef IP = NftLayout.table(Family.IP);
    private static final TableRef USER = NftLayout.userTable(Family.IP);

    private FakeNft nft;
    private Map<String, String> sysctls;
    private List<String> missingInterfaces;
    private NftFirewallDriver driver;

    @BeforeEach
    void fresh() {
        nft = new FakeNft();
        sysctls = new LinkedHashMap<>();
        missingInterfaces = new ArrayList<>();
        driver = new NftFirewallDriver(nft, sysctls(), NftFeatures.FULL);
    }

    private NftFirewallDriver.Sysctls sysctls() {
        return new NftFirewallDriver.Sysctls() {
            @Override
            public String read(String key) {
                String v = sysctls.get(key);
                if (v == null) throw new UncheckedIOException(new NoSuchFileException(key));
                return v;
            }

            @Override
            public void write(String key, String value) {
                for (String m : missingInterfaces) {
                    if (key.contains("/" + m + "/")) throw new UncheckedIOException(new NoSuchFileException(key));
                }
                sysctls.put(key, value);
            }
        };
    }

    @Test
    void incrementalCallsNeedAReconcileFirst() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> driver.setupNetwork(network("nlb0", "172.18.0.0/16").build()));
        assertTrue(e.getMessage().contains("call reconcile(desired) first"), e.getMessage());
    }

    @Test
    void reconcileCreatesTheTablesOnceAndThenFindsNoDrift() {
        ReconcileReport r = driver.reconcile(FirewallState.EMPTY);
        assertTrue(r.rebuilt());
        assertEquals(List.of("table ip nlbridge is missing", "table ip6 nlbridge is missing",
                "table bridge nlbridge is missing"), r.drift());
        assertEquals(ReconcileReport.unchanged(), driver.reconcile(FirewallState.EMPTY));
        assertEquals(1, nft.applied.size());
    }

    @Test
    void oneTransactionPerCallAndRouteLocalnetOnlyOnTheBridge() {
        driver.reconcile(FirewallState.EMPTY);
        int before = nft.applied.size();
        driver.setupNetwork(network("nlb0", "172.18.0.0/16").build());
        driver.setupNetwork(network("nlbint", "172.19.0.0/16").internal(true).build());
        driver.addEndpoint(endpoint("c1", "nlb0", "veth1", "172.18.0.2", "5000-5009:22-31", "127.0.0.1:8080:80"));
        assertEquals(before + 3, nft.applied.size());
        Transaction ep = nft.applied.getLast();
        assertTrue(ep.ops().stream().allMatch(op -> op.object() instanceof ElementWriter w && !w.deletes()),
                "an endpoint is elements only: " + ep.toScript());
        assertEquals(Map.of("net/ipv4/conf/nlb0/route_localnet", "1"), sysctls,
                "route_localnet on the published bridge only: not on the internal one, never on all or default");

        // idempotent for equal specs: no transaction
        driver.setupNetwork(network("nlb0", "172.18.0.0/16").build());
        driver.addEndpoint(endpoint("c1", "nlb0", "veth1", "172.18.0.2", "5000-5009:22-31", "127.0.0.1:8080:80"));
        assertEquals(before + 3, nft.applied.size());

        driver.removeEndpoint("c1");
        driver.removeEndpoint("c1");
        driver.teardownNetwork(ifname("nlb0"));
        driver.teardownNetwork(ifname("nlb0"));
        assertEquals(before + 5, nft.applied.size());
        assertEquals("0", sysctls.get("net/ipv4/conf/nlb0/route_localnet"));
        assertEquals(ReconcileReport.unchanged(), driver.reconcile(
                new FirewallState(List.of(network("nlbint", "172.19.0.0/16").internal(true).build()), List.of())));
    }

    @Test
    void aConflictChangesNothing() {
        driver.reconcile(FirewallState.EMPTY);
        driver.setupNetwork(network("nlb0", "172.18.0.0/16").build());
        driver.addEndpoint(endpoint("c1", "nlb0", "veth1", "172.18.0.2", "5000:22"));
        int before = nft.applied.size();
        assertThrows(ValidationException.class,
                () -> driver.addEndpoint(endpoint("c2", "nlb0", "veth2", "172.18.0.3", "6000:22", "5000:22")));
        assertEquals(before, nft.applied.size());
        assertEquals(1, driver.listPorts().size());
    }

    @Test
    void aMissingBridgeFailsBeforeAnyRule() {
        driver.reconcile(FirewallState.EMPTY);
        missingInterfaces.add("nlb7");
        int before = nft.applied.size();
        assertThrows(UncheckedIOException.class, () -> driver.setupNetwork(network("nlb7", "172.18.0.0/16").build()));
        assertEquals(before, nft.applied.size());
        assertThrows(ValidationException.class, () -> driver.addEndpoint(endpoint("c1", "nlb7", "v", "172.18.0.2")));
    }

    @Test
    void aFailedIncrementalChangeFallsBackToARebuild() {
        driver.reconcile(FirewallState.EMPTY);
        driver.setupNetwork(network("nlb0", "172.18.0.0/16").build());
        driver.addEndpoint(endpoint("c1", "nlb0", "veth1", "172.18.0.2", "5000:22"));
        nft.deleteElement(IP, "ports4-any", List.of(IpProtocol.TCP, 5000)); // someone else's hand
        int before = nft.applied.size();
        driver.removeEndpoint("c1"); // its DELSETELEM fails with ENOENT; the rebuild converges
        assertEquals(before + 1, nft.applied.size(), "the incremental change failed, the rebuild was applied");
        assertTrue(nft.applied.getLast().toScript().startsWith("add table ip nlbridge\ndelete table ip nlbridge\n"),
                nft.applied.getLast().toScript());
        assertEquals(ReconcileReport.unchanged(), driver.reconcile(
                new FirewallState(List.of(network("nlb0", "172.18.0.0/16").build()), List.of())));
    }

    @Test
    void whenTheRebuildFailsTooTheCallFailsAndNothingChanges() {
        int[] failures = {0};
        NftFirewallDriver.Nftables failing = new NftFirewallDriver.Nftables() {
            @Override
            public void commit(Transaction tx) {
                if (failures[0]-- > 0) throw new IllegalStateException("EPERM");
                nft.commit(tx);
            }

            @Override
            public java.util.Optional<Listing> list(TableRef table) {
                return nft.list(table);
            }
        };
        NftFirewallDriver d = new NftFirewallDriver(failing, sysctls(), NftFeatures.FULL);
        d.reconcile(FirewallState.EMPTY);
        d.setupNetwork(network("nlb0", "172.18.0.0/16").build());
        failures[0] = 2;
        FirewallException e = assertThrows(FirewallException.class,
                () -> d.addEndpoint(endpoint("c1", "nlb0", "veth1", "172.18.0.2", "5000:22")));
        assertEquals("add endpoint c1 failed, and so did rebuilding the tables: add endpoint c1 (rebuilding the"
                + " tables after: add endpoint c1: EPERM): EPERM", e.getMessage());
        assertEquals(1, e.getCause().getSuppressed().length);
        assertTrue(d.listPorts().isEmpty());
        assertEquals(ReconcileReport.unchanged(),
                d.reconcile(new FirewallState(List.of(network("nlb0", "172.18.0.0/16").build()), List.of())));
    }

    @Test
    void reconcileRepairsAnExternalFlushButNeverTheUserHook() {
        driver.reconcile(FirewallState.EMPTY);
        driver.ensureUserHook();
        driver.ensureUserHook();
        driver.insertUserRule(UserHookRules.onlyFrom(ifname("eth0"), subnet("8.8.8.8/32")));
        driver.setupNetwork(network("nlb0", "172.18.0.0/16").icc(false).build());
        driver.addEndpoint(endpoint("c1", "nlb0", "veth1", "172.18.0.2", "5000:22"));
        FirewallState desired = new FirewallState(
                List.of(network("nlb0", "172.18.0.0/16").icc(false).build()),
                List.of(endpoint("c1", "nlb0", "veth1", "172.18.0.2", "5000:22")));

        nft.deleteElement(NftLayout.table(Family.BRIDGE), "icc-off-ports", List.of("veth1"));
        ReconcileReport r = driver.reconcile(desired);
        assertEquals(List.of("table bridge nlbridge: set icc-off-ports lacks element \"veth1\""), r.drift());
        assertEquals(ReconcileReport.unchanged(), driver.reconcile(desired));
        assertEquals(1, nft.rules(USER, NftLayout.USER_CHAIN).size(), "the rebuild leaves the user hook alone");

        driver.teardownAll();
        assertFalse(nft.hasTable(IP));
        assertFalse(nft.hasTable(NftLayout.table(Family.BRIDGE)));
        assertEquals("iifname \"eth0\" ip saddr != 8.8.8.8 counter packets 3 bytes 300 drop",
                nft.list(USER).orElseThrow().chain(NftLayout.USER_CHAIN).orElseThrow().rules().getFirst().toString());
        driver.teardownAll(); // idempotent
        driver.ensureUserHook(); // finds it, adds nothing
        assertEquals(1, nft.rules(USER, NftLayout.USER_CHAIN).size());
    }

    @Test
    void withoutTheBridgeTableIccFalseNeedsBrNetfilter() {
        driver = new NftFirewallDriver(nft, sysctls(), NftFeatures.BASIC);
        driver.reconcile(FirewallState.EMPTY);
        FirewallException e = assertThrows(FirewallException.class,
                () -> driver.setupNetwork(network("nlb0", "172.18.0.0/16").icc(false).build()));
        assertEquals("set up network nlb0: icc=false needs bridged traffic to pass the ip hooks, but"
                + " net.bridge.bridge-nf-call-iptables does not exist (br_netfilter is not loaded); load br_netfilter"
                + " and set net.bridge.bridge-nf-call-iptables=1 (nlbridge does not change it: it affects every bridge"
                + " of the host)", e.getMessage());
        sysctls.put("net/bridge/bridge-nf-call-iptables", "1");
        driver.setupNetwork(network("nlb0", "172.18.0.0/16").icc(false).build());
        driver.addEndpoint(endpoint("c1", "nlb0", "veth1", "172.18.0.2"));
        assertFalse(nft.hasTable(NftLayout.table(Family.BRIDGE)));
        sysctls.put("net/bridge/bridge-nf-call-iptables", "0");
        ReconcileReport r = driver.reconcile(new FirewallState(List.of(network("nlb0", "172.18.0.0/16").icc(false).build()),
                List.of(endpoint("c1", "nlb0", "veth1", "172.18.0.2"))));
        assertFalse(r.rebuilt());
        assertEquals(1, r.warnings().size());
        assertTrue(r.warnings().getFirst().startsWith("network nlb0: icc=false needs bridged traffic"), r.warnings().toString());
    }

    @Test
    void listPortsAndStatusCarryTheKernelCounters() {
        driver.reconcile(FirewallState.EMPTY);
        driver.setupNetwork(network("nlb0", "172.18.0.0/16").ipv6(subnet("fd00:6::/64")).build());
        driver.addEndpoint(endpoint("c1", "nlb0", "veth1", "172.18.0.2,fd00:6::2", "5000:22", "127.0.0.1:8080:80"));
        List<PublishedPort> ports = driver.listPorts();
        assertEquals(List.of(
                "0.0.0.0:5000 -> 172.18.0.2:22/tcp (7 connections)",
                "[::]:5000 -> [fd00:6::2]:22/tcp (7 connections)",
                "127.0.0.1:8080 -> 172.18.0.2:80/tcp (7 connections)"), ports.stream().map(PublishedPort::toString).toList());
        var status = driver.status();
        assertTrue(status.enforced());
        assertEquals("nftables", status.backend());
        assertEquals(3L, status.counters().get("ip/direct__nlb0: iifname != \"nlb0\" counter drop"),
                status.counters().toString());
        assertEquals(3L, status.counters().get("ip/fwd-to__nlb0: ip daddr . meta l4proto . th dport @published4"
                + " ct status dnat counter accept"), status.counters().toString());
        assertTrue(status.summary().contains("1 network(s), 1 endpoint(s) (0 with anti-spoofing), 3 published port(s)"), status.summary());
    }

    /** Drift is compared rule by rule and set by set, not only counted. */
    @Test
    void reconcileSeesAChangedRuleAndASetDeclaredOtherwise() {
        FirewallState state = new FirewallState(List.of(network("nlb0", "172.18.0.0/16").build()), List.of());
        driver.reconcile(state);
        // someone else's hand: the same number of rules, another bridge name
        Transaction tx = new Transaction(NftLayout.TABLES);
        org.nlbridge.nft.ChainRef direct = IP.chain("direct__nlb0");
        tx.flushChain(direct).add(org.nlbridge.nft.Rule.in(direct).iifnameNot("nlb9").counter().drop());
        nft.commit(tx);
        // and an nlbridge with the basic layout rebuilt the tables: the port maps have no counters
        new NftFirewallDriver(nft, sysctls(), NftFeatures.BASIC).reconcile(state);
        nft.commit(tx);
        ReconcileReport r = driver.reconcile(state);
        assertEquals(List.of(
                "table ip nlbridge: chain direct__nlb0 rule 1 is \"iifname != \"nlb9\" counter packets 0 bytes 0 drop\","
                        + " expected \"iifname != \"nlb0\" counter packets 0 bytes 0 drop\"",
                "table ip nlbridge: set ports4 is declared type inet_proto . ipv4_addr . inet_service : ipv4_addr ."
                        + " inet_service, expected type inet_proto . ipv4_addr . inet_service : ipv4_addr . inet_service counter",
                "table ip nlbridge: set ports4-any is declared type inet_proto . inet_service : ipv4_addr . inet_service,"
                        + " expected type inet_proto . inet_service : ipv4_addr . inet_service counter",
                "table ip6 nlbridge: set ports6 is declared type inet_proto . ipv6_addr . inet_service : ipv6_addr ."
                        + " inet_service, expected type inet_proto . ipv6_addr . inet_service : ipv6_addr . inet_service counter",
                "table ip6 nlbridge: set ports6-any is declared type inet_proto . inet_service : ipv6_addr . inet_service,"
                        + " expected type inet_proto . inet_service : ipv6_addr . inet_service counter"), r.drift());
        assertTrue(r.rebuilt());
        assertEquals(ReconcileReport.unchanged(), driver.reconcile(state));
    }

    @Test
    void userRulesGoInOneTransactionAndOnlyIntoTheHook() {
        driver.reconcile(FirewallState.EMPTY);
        driver.ensureUserHook();
        int before = nft.applied.size();
        driver.insertUserRules(UserHookRules.onlyFrom(ifname("eth0"), List.of(subnet("8.8.8.8/32"),
                subnet("10.0.0.0/8"), subnet("2001:db8::/32"))));
        assertEquals(before + 1, nft.applied.size());
        assertEquals("iifname \"eth0\" ip saddr != { 8.8.8.8, 10.0.0.0/8 } counter packets 3 bytes 300 drop",
                nft.list(USER).orElseThrow().chain(NftLayout.USER_CHAIN).orElseThrow().rules().getFirst().toString());
        assertEquals(1, nft.rules(NftLayout.userTable(Family.IP6), NftLayout.USER_CHAIN).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> driver.insertUserRule(
                org.nlbridge.nft.Rule.in(IP.chain(NftLayout.FILTER_FORWARD)).drop().build()));
        assertEquals("not a user hook rule: ip nlbridge filter-forward drop", e.getMessage());
    }
}

package org.nlbridge.driver.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nlbridge.driver.firewall.nftables.NftFeatures;
import org.nlbridge.driver.firewall.nftables.NftFirewallDriver;
import org.nlbridge.driver.firewall.nftables.NftLayout;
import org.nlbridge.driver.firewall.nftables.UserHookRules;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IfName;
import org.nlbridge.nft.Family;
import org.nlbridge.nft.Transaction;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * The golden rulesets: each scenario's tables as the real nft lists them. The policy's whole rebuild transaction
 * loaded with {@code nft -f} as the script it renders, and the driver building the same state call by call
 * (reconcile, setupNetwork, addEndpoint) through each {@link Backend}, must all list exactly as the golden file of
 * their layout: the engine and the nft binary share the goldens of each.
 */
@ExtendWith(SandboxExtension.class)
class FirewallGoldenTest {

    @BeforeEach
    void needsNft() {
        Assumptions.assumeTrue(Host.has("nft"), "needs the nft binary as the oracle");
    }

    static List<Arguments> scriptCases() {
        List<Arguments> out = new ArrayList<>();
        for (FirewallScenarios sc : FirewallScenarios.values()) {
            out.add(Arguments.of(sc, Backend.NFT_CLI));
            out.add(Arguments.of(sc, Backend.NFT_CLI_FULL));
        }
        return out;
    }

    static List<Arguments> driverCases() {
        List<Arguments> out = new ArrayList<>();
        for (FirewallScenarios sc : FirewallScenarios.values()) {
            for (Backend b : Backend.values()) out.add(Arguments.of(sc, b));
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("scriptCases")
    void theRenderedScriptListsAsTheGolden(FirewallScenarios sc, Backend backend, Sandbox sandbox) {
        String ns = sandbox.netns("host");
        NftCli.load(ns, rebuild(sc.state(), backend.features).toScript());
        Golden.assertMatches(backend.golden(sc.golden), NftCli.listOurs(ns));
    }

    @ParameterizedTest
    @MethodSource("driverCases")
    void theDriverBuildsTheGoldenCallByCall(FirewallScenarios sc, Backend backend, Sandbox sandbox) {
        String ns = sandbox.netns("host");
        Cmd.run(null, "ip", "-n", ns, "link", "add", sc.network.bridge().toString(), "type", "bridge");
        if (!sc.network.icc() && !backend.features.bridgeTable()) {
            Assumptions.assumeTrue(Topology.sysctlExists(ns, "net.bridge.bridge-nf-call-iptables"),
                    "icc=false without the bridge table needs br_netfilter, which this kernel lacks");
            Topology.sysctl(ns, "net.bridge.bridge-nf-call-iptables", "1");
        }
        try (Backend.Opened o = backend.open(ns)) {
            NftFirewallDriver driver = o.driver();
            driver.reconcile(FirewallState.EMPTY);
            Golden.assertMatches(backend.golden("tables-only"), NftCli.listOurs(ns));
            driver.setupNetwork(sc.network);
            driver.addEndpoint(sc.endpoint);
            Golden.assertMatches(backend.golden(sc.golden), NftCli.listOurs(ns));
            assertFalse(driver.reconcile(sc.state()).rebuilt(), "the incremental build is what a rebuild would be");

            String br = sc.network.bridge().toString();
            String expected = sc.network.internal() || sc.network.subnet4() == null ? "0" : "1";
            assertEquals(expected, o.host().sysctl("net/ipv4/conf/" + br + "/route_localnet"));
            assertEquals("0", o.host().sysctl("net/ipv4/conf/all/route_localnet"));
            assertEquals("0", o.host().sysctl("net/ipv4/conf/default/route_localnet"));

            driver.removeEndpoint(sc.endpoint.id());
            driver.teardownNetwork(sc.network.bridge());
            Golden.assertMatches(backend.golden("tables-only"), NftCli.listOurs(ns));
            assertEquals("0", o.host().sysctl("net/ipv4/conf/" + br + "/route_localnet"));
            driver.teardownAll();
            assertEquals("", NftCli.listOurs(ns));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void theUserHook(Backend backend, Sandbox sandbox) {
        String ns = sandbox.netns("host");
        try (Backend.Opened o = backend.open(ns)) {
            NftFirewallDriver driver = o.driver();
            driver.reconcile(FirewallState.EMPTY);
            driver.ensureUserHook();
            driver.insertUserRule(UserHookRules.onlyFrom(IfName.parse("ext", "eth0"), Cidr.parseSubnet("src", "8.8.8.8/32")));
            driver.ensureUserHook(); // present: left as it is
            Golden.assertMatches("user-hook", NftCli.listUserHook(ns));
            driver.teardownAll();
            driver.reconcile(FirewallState.EMPTY);
            assertTrue(NftCli.listTable(ns, NftLayout.userTable(Family.IP))
                    .contains("iifname \"eth0\" ip saddr != 8.8.8.8 counter packets 0 bytes 0 drop"));
            Golden.assertMatches("user-hook", NftCli.listUserHook(ns));
        }
    }

    /** Several sources: an anonymous set in the hook of each family that has sources, in one transaction. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"NETLINK", "NFT_CLI"})
    void theUserHookWithSeveralSources(Backend backend, Sandbox sandbox) {
        String ns = sandbox.netns("host");
        try (Backend.Opened o = backend.open(ns)) {
            NftFirewallDriver driver = o.driver();
            driver.reconcile(FirewallState.EMPTY);
            driver.ensureUserHook();
            driver.insertUserRules(UserHookRules.onlyFrom(IfName.parse("ext", "eth0"), List.of(
                    Cidr.parseSubnet("src", "10.0.0.0/8"), Cidr.parseSubnet("src", "8.8.8.8/32"),
                    Cidr.parseSubnet("src", "2001:db8::/32"), Cidr.parseSubnet("src", "fd00::1/128"))));
            Golden.assertMatches("user-hook-sources", NftCli.listUserHook(ns));
            // the engine reads the rules back with their sets' elements, as nft prints them
            assertEquals("iifname \"eth0\" ip saddr != { 8.8.8.8, 10.0.0.0/8 } counter packets 0 bytes 0 drop",
                    o.reader().rules(NftLayout.userChain(Family.IP).ref()).getFirst().toString());
        }
    }

    private static Transaction rebuild(FirewallState state, NftFeatures features) {
        Transaction tx = new Transaction(NftLayout.TABLES);
        NftLayout.rebuild(tx, state, features);
        return tx;
    }

    /** The basic layout is the full one minus the bridge table and the element counters, nothing else. */
    @ParameterizedTest
    @EnumSource(FirewallScenarios.class)
    void fullAndBasicDifferOnlyInTheBridgeTableAndCounters(FirewallScenarios sc, Sandbox sandbox) {
        String ns = sandbox.netns("host");
        NftCli.load(ns, rebuild(sc.state(), NftFeatures.FULL).toScript());
        String full = NftCli.listTable(ns, NftLayout.table(Family.IP)) + NftCli.listTable(ns, NftLayout.table(Family.IP6));
        String ns2 = sandbox.netns("host2");
        NftCli.load(ns2, rebuild(sc.state(), NftFeatures.BASIC).toScript());
        String basic = NftCli.listTable(ns2, NftLayout.table(Family.IP)) + NftCli.listTable(ns2, NftLayout.table(Family.IP6));
        assertEquals(NftCli.normalise(basic), NftCli.normalise(full.replaceAll("\n\t\tcounter\n", "\n")
                .replaceAll(" counter packets \\d+ bytes \\d+ :", " :")));
        assertEquals("", NftCli.listTable(ns2, NftLayout.table(Family.BRIDGE)));
    }
}

package org.nlbridge.driver.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nlbridge.driver.firewall.nftables.NftFamily;
import org.nlbridge.driver.firewall.nftables.NftFirewallDriver;
import org.nlbridge.driver.firewall.nftables.NftLayout;
import org.nlbridge.driver.firewall.nftables.NftText;
import org.nlbridge.driver.firewall.nftables.UserHookRules;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IfName;
import org.nlbridge.netns.NetNs;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * The golden rulesets: each scenario's tables as the real nft lists them. Checked two ways: the policy's full
 * script loaded with {@code nft -f}, and the driver building the same state call by call (setupNetwork,
 * addEndpoint) through the nft binary. Both must list exactly as the golden file.
 */
@ExtendWith(SandboxExtension.class)
class FirewallGoldenTest {

    @BeforeEach
    void needsNft() {
        Assumptions.assumeTrue(Host.has("nft"), "needs the nft binary as the oracle");
    }

    @ParameterizedTest
    @EnumSource(FirewallScenarios.class)
    void theRenderedScriptListsAsTheGolden(FirewallScenarios sc, Sandbox sandbox) {
        String ns = sandbox.netns("host");
        NftCli.load(ns, NftText.script(NftLayout.rebuild("golden " + sc.golden, sc.state())));
        Golden.assertMatches(sc.golden, NftCli.listOurs(ns));
    }

    @ParameterizedTest
    @EnumSource(FirewallScenarios.class)
    void theDriverBuildsTheGoldenCallByCall(FirewallScenarios sc, Sandbox sandbox) {
        String ns = sandbox.netns("host");
        Cmd.run(null, "ip", "-n", ns, "link", "add", sc.network.bridge().toString(), "type", "bridge");
        try (NetNs host = NetNs.open(ns)) {
            NftFirewallDriver driver = new NftFirewallDriver(new CliNftExecutor(ns), host::writeSysctl);
            driver.reconcile(FirewallState.EMPTY);
            Golden.assertMatches("tables-only", NftCli.listOurs(ns));
            driver.setupNetwork(sc.network);
            driver.addEndpoint(sc.endpoint);
            Golden.assertMatches(sc.golden, NftCli.listOurs(ns));
            assertFalse(driver.reconcile(sc.state()).rebuilt(), "the incremental build is what a rebuild would be");

            String br = sc.network.bridge().toString();
            String expected = sc.network.internal() || sc.network.subnet4() == null ? "0" : "1";
            assertEquals(expected, host.sysctl("net/ipv4/conf/" + br + "/route_localnet"));
            assertEquals("0", host.sysctl("net/ipv4/conf/all/route_localnet"));
            assertEquals("0", host.sysctl("net/ipv4/conf/default/route_localnet"));

            driver.removeEndpoint(sc.endpoint.id());
            driver.teardownNetwork(sc.network.bridge());
            Golden.assertMatches("tables-only", NftCli.listOurs(ns));
            assertEquals("0", host.sysctl("net/ipv4/conf/" + br + "/route_localnet"));
            driver.teardownAll();
            assertEquals("", NftCli.listOurs(ns));
        }
    }

    @Test
    void theUserHook(Sandbox sandbox) {
        String ns = sandbox.netns("host");
        try (NetNs host = NetNs.open(ns)) {
            NftFirewallDriver driver = new NftFirewallDriver(new CliNftExecutor(ns), host::writeSysctl);
            driver.reconcile(FirewallState.EMPTY);
            driver.ensureUserHook();
            driver.insertUserRule(UserHookRules.insertOnlyFrom(IfName.parse("ext", "eth0"),
                    Cidr.parseSubnet("src", "8.8.8.8/32")));
            driver.ensureUserHook(); // present: left as it is
            Golden.assertMatches("user-hook", NftCli.listUserHook(ns));
            driver.teardownAll();
            driver.reconcile(FirewallState.EMPTY);
            assertTrue(NftCli.listTable(ns, NftFamily.IP, NftLayout.USER_TABLE)
                    .contains("iifname \"eth0\" ip saddr != 8.8.8.8 counter packets 0 bytes 0 drop"));
            Golden.assertMatches("user-hook", NftCli.listUserHook(ns));
        }
    }
}

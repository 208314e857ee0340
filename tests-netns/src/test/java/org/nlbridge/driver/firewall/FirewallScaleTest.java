package org.nlbridge.driver.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.driver.firewall.FirewallScenarios.ep;
import static org.nlbridge.driver.firewall.FirewallScenarios.net;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.driver.firewall.nftables.NftFeatures;
import org.nlbridge.driver.firewall.nftables.NftFirewallDriver;
import org.nlbridge.driver.firewall.nftables.NftLayout;
import org.nlbridge.nft.Family;
import org.nlbridge.nft.Listing;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * Ports are map elements: publishing thousands of them through the engine adds elements only, never a rule, and a
 * further port costs one small transaction however many exist (Docker's nftables backend rewrites a chain per
 * port group, moby#53466).
 */
@ExtendWith(SandboxExtension.class)
class FirewallScaleTest {

    @Test
    void thousandsOfPublishedPortsAreElementsNotRules(Sandbox sandbox) {
        String ns = sandbox.netns("host");
        Cmd.run(null, "ip", "-n", ns, "link", "add", "nlb0", "type", "bridge");
        try (Backend.Opened o = Backend.NETLINK.open(ns)) {
            NftFirewallDriver d = o.driver();
            d.reconcile(FirewallState.EMPTY);
            d.setupNetwork(net("nlb0", "172.18.0.0/16", null, true, false));
            Listing before = o.reader().list(NftLayout.table(Family.IP)).orElseThrow();

            long t0 = System.nanoTime();
            d.addEndpoint(ep("big", "nlb0", "vbig", "172.18.0.2", "10000-14999:10000-14999", "20000-24999:20000-24999/udp"));
            long bigMs = (System.nanoTime() - t0) / 1_000_000;
            List<Long> oneUs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                long t = System.nanoTime();
                d.addEndpoint(ep("c" + i, "nlb0", "vc" + i, "172.18.1." + (i + 1), (30000 + i) + ":80"));
                oneUs.add((System.nanoTime() - t) / 1_000);
            }
            Listing after = o.reader().list(NftLayout.table(Family.IP)).orElseThrow();
            for (Listing.ChainListing c : before.chains()) {
                assertEquals(c.rules(), after.chain(c.chain().name()).orElseThrow().rules(),
                        "chain " + c.chain().name() + " kept its rules");
            }
            String portsAny = NftLayout.portsAny(Family.IP, NftFeatures.FULL).name();
            assertEquals(10_000, after.set(portsAny).orElseThrow().elements().size() - 50);
            assertEquals(10_050, d.listPorts().size());
            long t1 = System.nanoTime();
            assertFalse(d.reconcile(d.state()).rebuilt(), "10,050 ports, every element compared");
            long reconcileMs = (System.nanoTime() - t1) / 1_000_000;
            oneUs.sort(null);
            System.out.printf("firewall scale: 10000 ports in one addEndpoint %d ms; one more port: median %d us, max %d us;"
                    + " reconcile comparing them all %d ms%n", bigMs, oneUs.get(oneUs.size() / 2), oneUs.getLast(), reconcileMs);
            assertTrue(oneUs.get(oneUs.size() / 2) < 200_000, "a port costs one small transaction");
        }
    }
}

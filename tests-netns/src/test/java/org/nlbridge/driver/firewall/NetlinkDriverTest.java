package org.nlbridge.driver.firewall;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.driver.firewall.nftables.NftFirewallDriver;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;

/** A packet test of the driver as the engine runs it (netlink, full layout) on a {@link Topology}'s host. */
@ExtendWith(SandboxExtension.class)
abstract class NetlinkDriverTest {

    private Backend.Opened opened;

    @BeforeEach
    void packetTools() {
        Assumptions.assumeTrue(Host.has("nft"), "needs the nft binary as the oracle");
        Tcp.assumeAvailable();
    }

    @AfterEach
    void closeDriver() {
        if (opened != null) opened.close();
    }

    /** The driver on the topology's host, reconciled to nothing. */
    NftFirewallDriver driver(Topology t) {
        opened = Backend.NETLINK.open(t.host);
        NftFirewallDriver d = opened.driver();
        d.reconcile(FirewallState.EMPTY);
        return d;
    }
}

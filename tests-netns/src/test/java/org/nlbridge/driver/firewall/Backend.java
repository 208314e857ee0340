package org.nlbridge.driver.firewall;

import org.nlbridge.driver.firewall.nftables.NetlinkNftExecutor;
import org.nlbridge.driver.firewall.nftables.NftExecutor;
import org.nlbridge.driver.firewall.nftables.NftFeatures;
import org.nlbridge.driver.firewall.nftables.NftFirewallDriver;
import org.nlbridge.netns.NetNs;

/**
 * How a test drives the firewall: the engine's netlink executor (the product), or the same transactions through
 * the real nft binary, with the basic layout (must list exactly as the netlink path) or the full one (the bridge
 * table and element counters, which the engine cannot express yet).
 */
enum Backend {
    NETLINK(NftFeatures.BASIC),
    NFT_CLI(NftFeatures.BASIC),
    NFT_CLI_FULL(NftFeatures.FULL);

    final NftFeatures features;

    Backend(NftFeatures features) {
        this.features = features;
    }

    /** Where this backend's goldens are: {@code foo} or {@code full/foo}. */
    String golden(String name) {
        return features.equals(NftFeatures.FULL) ? "full/" + name : name;
    }

    /** A driver on the host namespace {@code ns}, not yet reconciled; close it after the test. */
    Opened open(String ns) {
        NetNs host = NetNs.open(ns);
        NftExecutor exec = this == NETLINK ? NetlinkNftExecutor.open(host) : new CliNftExecutor(ns, features);
        return new Opened(host, exec, new NftFirewallDriver(exec, NftFirewallDriver.Sysctls.of(host)));
    }

    record Opened(NetNs host, NftExecutor executor, NftFirewallDriver driver) implements AutoCloseable {
        @Override
        public void close() {
            if (executor instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            host.close();
        }
    }
}

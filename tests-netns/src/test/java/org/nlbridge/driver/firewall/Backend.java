package org.nlbridge.driver.firewall;

import org.nlbridge.driver.firewall.nftables.NftFeatures;
import org.nlbridge.driver.firewall.nftables.NftFirewallDriver;
import org.nlbridge.netns.NetNs;
import org.nlbridge.nft.Nft;

/**
 * How a test drives the firewall: the engine (the product, with the full layout; or with the basic one, for a
 * kernel without the bridge family), or the same transactions loaded with the real nft binary as the scripts they
 * render ({@link org.nlbridge.nft.Transaction#toScript()}), with either layout. Every backend must list exactly as
 * the goldens of its layout.
 */
enum Backend {
    NETLINK(NftFeatures.FULL),
    NETLINK_BASIC(NftFeatures.BASIC),
    NFT_CLI(NftFeatures.BASIC),
    NFT_CLI_FULL(NftFeatures.FULL);

    final NftFeatures features;

    Backend(NftFeatures features) {
        this.features = features;
    }

    boolean viaNftBinary() {
        return this == NFT_CLI || this == NFT_CLI_FULL;
    }

    /** Where this backend's goldens are: {@code foo} (basic layout) or {@code full/foo}. */
    String golden(String name) {
        return features.equals(NftFeatures.FULL) ? "full/" + name : name;
    }

    /** A driver on the host namespace {@code ns}, not yet reconciled; close it after the test. */
    Opened open(String ns) {
        NetNs host = NetNs.open(ns);
        Nft reader = Nft.open(host); // owns no table: reads only
        NftFirewallDriver driver = viaNftBinary()
                ? new NftFirewallDriver(new CliNftables(ns, reader), NftFirewallDriver.Sysctls.of(host), features)
                : NftFirewallDriver.open(host, features);
        return new Opened(host, reader, driver);
    }

    /** The namespace, an engine reading it (for assertions), and the driver. */
    record Opened(NetNs host, Nft reader, NftFirewallDriver driver) implements AutoCloseable {
        @Override
        public void close() {
            driver.close();
            reader.close();
            host.close();
        }
    }
}

package org.nlbridge.driver.firewall.nftables;

/**
 * The parts of the layout that depend on what the executor can express. The full layout adds, over the basic one:
 *
 * @param bridgeTable     the {@code bridge nlbridge} table: icc=false enforced on bridged (layer 2) traffic by the
 *                        bridge family's forward hook, whatever {@code br_netfilter} does. Without it, icc=false
 *                        between two containers of one bridge relies on {@code br_netfilter} with
 *                        {@code net.bridge.bridge-nf-call-iptables=1} (Docker's requirement too), which the driver
 *                        then checks.
 * @param elementCounters a counter on every element of the port maps: connections per published port
 */
public record NftFeatures(boolean bridgeTable, boolean elementCounters) {

    /** Everything: what the real nft can load. */
    public static final NftFeatures FULL = new NftFeatures(true, true);

    /** What the netlink engine ({@code org.nlbridge.nft}) expresses today: no bridge family, no set counters. */
    public static final NftFeatures BASIC = new NftFeatures(false, false);
}

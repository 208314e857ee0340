package org.nlbridge.driver.firewall.nftables;

/**
 * The parts of the layout that depend on what the kernel offers. The full layout adds, over the basic one:
 *
 * @param bridgeTable     the {@code bridge nlbridge} table: icc=false enforced on bridged (layer 2) traffic by the
 *                        bridge family's forward hook, whatever {@code br_netfilter} does. Without it, icc=false
 *                        between two containers of one bridge relies on {@code br_netfilter} with
 *                        {@code net.bridge.bridge-nf-call-iptables=1} (Docker's requirement too), which the driver
 *                        then checks.
 * @param elementCounters a counter on every element of the port maps: connections per published port
 */
public record NftFeatures(boolean bridgeTable, boolean elementCounters) {

    /** Everything: what the driver runs ({@link NftFirewallDriver#open}). */
    public static final NftFeatures FULL = new NftFeatures(true, true);

    /**
     * No bridge table and no set counters: for a kernel without nf_tables for the bridge family
     * ({@code CONFIG_NF_TABLES_BRIDGE}) or set expressions (Linux 5.11).
     */
    public static final NftFeatures BASIC = new NftFeatures(false, false);
}

/**
 * Firewall drivers: the Docker bridge-driver firewall policy behind one interface, netavark style (the bridge
 * driver is handed a {@link org.nlbridge.driver.firewall.FirewallDriver}; never the other way round).
 *
 * <ul>
 *   <li>{@link org.nlbridge.driver.firewall.FirewallDriver}: per network {@code setupNetwork}/{@code
 *       teardownNetwork}, per container {@code addEndpoint}/{@code removeEndpoint}, the user hook, status and
 *       {@code reconcile}.</li>
 *   <li>{@link org.nlbridge.driver.firewall.NoneFirewallDriver}: Docker's {@code --iptables=false}; validates,
 *       installs nothing, and says so in its status.</li>
 *   <li>{@link org.nlbridge.driver.firewall.nftables.NftFirewallDriver}: the nftables policy (tables
 *       {@code ip nlbridge}, {@code ip6 nlbridge}, {@code bridge nlbridge}; the user hook in
 *       {@code ip nlbridge-user} / {@code ip6 nlbridge-user}), built from the nftables engine's own objects
 *       ({@link org.nlbridge.nft}) and committed through it. Its layout is documented in
 *       {@link org.nlbridge.driver.firewall.nftables.NftLayout}; the layer-2 half (per-port anti-spoofing, the
 *       router-advertisement guard, icc=false) in {@code BridgeLayer}; the accept rules it adds beside an
 *       iptables-nft {@code FORWARD} policy drop (dockerd, UFW) in
 *       {@link org.nlbridge.driver.firewall.nftables.HostFirewall}.</li>
 *   <li>{@link org.nlbridge.driver.firewall.Firewalls}: the drivers of one host by
 *       {@link org.nlbridge.spec.FirewallBackend}, each opened on first use and reconciled to the store; which class
 *       serves a backend is one entry of the list the engine passes in ({@code engine.Engines.FIREWALLS}).</li>
 * </ul>
 * There is deliberately no iptables backend: the engine never spawns {@code iptables}/{@code iptables-restore}
 * (or {@code nft}), and speaking the legacy x_tables setsockopt ABI buys nothing over nf_tables.
 */
package org.nlbridge.driver.firewall;

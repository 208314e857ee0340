/**
 * The driver seam: what a network driver is ({@link org.nlbridge.driver.NetworkDriver}), what it is given
 * ({@link org.nlbridge.driver.DriverContext}: the host namespace and its rtnetlink handle, the firewall drivers,
 * IPAM), and the one step model that plan and apply share ({@link org.nlbridge.driver.Step}, grouped into
 * {@link org.nlbridge.driver.Unit}s). A driver turns a network or a batch of endpoints
 * ({@link org.nlbridge.driver.Attachment}s) into steps; the engine prints them for {@code plan} and runs the same
 * list for {@code apply}. Registries of drivers: {@link org.nlbridge.driver.NetworkDrivers} (by name) and
 * {@code driver.firewall.Firewalls} (by backend); the engine names the built-in ones ({@code engine.Engines}).
 *
 * <p>Drivers: {@code bridge} (Docker's bridge driver), firewall backends in {@code firewall} and
 * {@code firewall.nftables}, IPAM in {@code ipam}, the DNS overlay files in {@code dns}, the {@code run} launcher.
 */
package org.nlbridge.driver;

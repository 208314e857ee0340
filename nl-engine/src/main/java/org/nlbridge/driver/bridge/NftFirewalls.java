package org.nlbridge.driver.bridge;

import org.nlbridge.driver.firewall.FirewallDriver;
import org.nlbridge.driver.firewall.nftables.NftFirewallDriver;
import org.nlbridge.driver.firewall.nftables.UserHookRules;
import org.nlbridge.netns.NetNs;
import org.nlbridge.spec.UserRulesSpec;

/** Builds the nftables firewall driver for a host namespace, and the user-hook rules of a script. */
final class NftFirewalls {
    private NftFirewalls() {}

    /** The nftables driver speaking nf_tables over netlink in {@code host}, with the host's sysctls. */
    static FirewallDriver open(NetNs host) {
        return new ClosingDriver(NftFirewallDriver.open(host));
    }

    /** Inserts "accept only from" at the top of the user hook (one rule per source family). */
    static void insertUserRule(FirewallDriver driver, UserRulesSpec.AllowOnlyFrom rule) {
        NftFirewallDriver nft = ((ClosingDriver) driver).driver();
        nft.insertUserRules(UserHookRules.onlyFrom(rule.on(), rule.sources()));
    }

    /** A driver that also closes the engine's socket. */
    record ClosingDriver(NftFirewallDriver driver) implements FirewallDriver, AutoCloseable {
        @Override public String backend() { return driver.backend(); }
        @Override public void ensureUserHook() { driver.ensureUserHook(); }
        @Override public void setupNetwork(org.nlbridge.driver.firewall.NetworkFirewallSpec n) { driver.setupNetwork(n); }
        @Override public void teardownNetwork(org.nlbridge.net.IfName bridge) { driver.teardownNetwork(bridge); }
        @Override public void addEndpoint(org.nlbridge.driver.firewall.EndpointFirewallSpec e) { driver.addEndpoint(e); }
        @Override public void removeEndpoint(String id) { driver.removeEndpoint(id); }
        @Override public java.util.List<org.nlbridge.driver.firewall.PublishedPort> listPorts() { return driver.listPorts(); }
        @Override public org.nlbridge.driver.firewall.FirewallStatus status() { return driver.status(); }
        @Override public org.nlbridge.driver.firewall.ReconcileReport reconcile(org.nlbridge.driver.firewall.FirewallState d) { return driver.reconcile(d); }
        @Override public void teardownAll() { driver.teardownAll(); }
        @Override public java.util.List<org.nlbridge.spec.Change> hostFirewallPlan(org.nlbridge.driver.firewall.FirewallState d) { return driver.hostFirewallPlan(d); }
        @Override public java.util.List<String> hostFirewallWarnings() { return driver.hostFirewallWarnings(); }
        @Override public void close() { driver.close(); }
    }
}

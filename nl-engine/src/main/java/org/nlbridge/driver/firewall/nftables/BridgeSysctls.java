package org.nlbridge.driver.firewall.nftables;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.nlbridge.driver.firewall.FirewallState;
import org.nlbridge.driver.firewall.NetworkFirewallSpec;
import org.nlbridge.net.IfName;

/**
 * The per-bridge sysctls the nftables driver depends on: {@code route_localnet} (set on each non-internal IPv4
 * bridge so the host reaches published ports through 127.0.0.1; never on {@code all}, {@code default} or {@code lo}),
 * and whether bridged traffic passes the ip hooks where {@code icc=false} needs it without the bridge table.
 */
final class BridgeSysctls {
    private final NftFirewallDriver.Sysctls sysctls;

    BridgeSysctls(NftFirewallDriver.Sysctls sysctls) {
        this.sysctls = sysctls;
    }

    /** The bridges whose route_localnet is not on (or that are missing). */
    List<String> localnetDrift(FirewallState desired) {
        List<String> drift = new ArrayList<>();
        for (NetworkFirewallSpec n : desired.networks()) {
            if (n.subnet4() == null || n.internal()) continue;
            String key = "net/ipv4/conf/" + n.bridge() + "/route_localnet";
            String value;
            try {
                value = sysctls.read(key);
            } catch (RuntimeException gone) {
                drift.add("bridge " + n.bridge() + " is missing, and its route_localnet with it");
                continue;
            }
            if (!"1".equals(value)) drift.add(key.replace('/', '.') + " is " + value + ", not 1");
        }
        return drift;
    }

    /**
     * Without the bridge table, icc=false between containers of one bridge is enforced only if bridged packets
     * pass the ip/ip6 hooks (br_netfilter): null if they do (or nothing needs them), else what is wrong.
     */
    String layer2IccProblem(NetworkFirewallSpec n, NftFeatures features) {
        if (n.icc() || features.bridgeTable()) return null;
        List<String> keys = new ArrayList<>();
        if (n.subnet4() != null) keys.add(NftFirewallDriver.BRNF4);
        if (n.subnet6() != null) keys.add(NftFirewallDriver.BRNF6);
        for (String key : keys) {
            String value;
            try {
                value = sysctls.read(key);
            } catch (UncheckedIOException e) {
                value = null;
            }
            if (!"1".equals(value)) {
                return "icc=false needs bridged traffic to pass the ip hooks, but " + key.replace('/', '.')
                        + (value == null ? " does not exist (br_netfilter is not loaded)" : " is " + value)
                        + "; load br_netfilter and set " + key.replace('/', '.') + "=1 (nlbridge does not change it:"
                        + " it affects every bridge of the host)";
            }
        }
        return null;
    }

    void routeLocalnet(IfName bridge, boolean on) {
        String name = bridge.toString();
        if (name.equals("all") || name.equals("default") || name.equals("lo")) {
            throw new IllegalStateException("refusing route_localnet on " + name + ": it must stay bridge-local");
        }
        sysctls.write("net/ipv4/conf/" + name + "/route_localnet", on ? "1" : "0");
    }
}

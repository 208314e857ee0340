package org.nlbridge.engine;

import java.util.List;
import java.util.Set;

import org.nlbridge.driver.NetworkDrivers;
import org.nlbridge.driver.bridge.BridgeDriver;
import org.nlbridge.driver.firewall.Firewalls;
import org.nlbridge.driver.firewall.NoneFirewallDriver;
import org.nlbridge.driver.firewall.nftables.NftFirewallDriver;
import org.nlbridge.driver.firewall.nftables.HostFirewall;
import org.nlbridge.driver.firewall.nftables.NftLayout;
import org.nlbridge.driver.firewall.nftables.NftPlan;
import org.nlbridge.driver.overlay.OverlayDriver;
import org.nlbridge.netlink.NlSocket;
import org.nlbridge.spec.FirewallBackend;
import org.nlbridge.state.StateStore;

/**
 * Opens engines, and names the drivers they have: a new network driver is one class and one line in
 * {@link #DRIVERS}, a new firewall backend one {@link FirewallBackend} constant and one line in {@link #FIREWALLS}.
 */
public final class Engines {
    private Engines() {}

    /** The network drivers, by the name a network spec gives ({@code driver 'bridge'}). */
    public static final NetworkDrivers DRIVERS = NetworkDrivers.NONE
            .with("bridge", BridgeDriver::new)
            .with("overlay", OverlayDriver::new);

    /** The firewall backends, one per {@link FirewallBackend}. */
    public static final List<Firewalls.Backend> FIREWALLS = List.of(
            new Firewalls.Backend(FirewallBackend.NFTABLES, NftFirewallDriver::open, NftPlan::describe,
                    Set.of(NftLayout.TABLE), Set.of(HostFirewall.IP_FILTER.toString(), HostFirewall.IP6_FILTER.toString()),
                    NftLayout.USER_TABLE),
            new Firewalls.Backend(FirewallBackend.NONE, ns -> new NoneFirewallDriver(), n -> NoneFirewallDriver.PLAN,
                    Set.of(), Set.of(), null));

    /**
     * Starts, on a background thread, first-use work that opening an engine in this process will need, so that it
     * overlaps what the caller does first: SQLite (the driver, its native library, an in-memory database: no file
     * is touched) while the caller links native calls and opens sockets; and with {@code nativeCalls}, for a caller
     * with something else to do first (compiling a script), the native calls too. Nothing here changes the kernel
     * or the state; a failure is left to the real open to report.
     */
    public static void prepare(boolean nativeCalls) {
        Thread.ofPlatform().daemon().name("nlbridge-prepare").start(() -> {
            try {
                StateStore.warmUp();
            } catch (Exception | LinkageError e) {
                // the state store reports it where it matters
            }
            if (nativeCalls) {
                try {
                    NlSocket.prelink();
                } catch (RuntimeException | LinkageError e) {
                    // the first real call reports it
                }
            }
        });
    }

    /**
     * Opens the engine on its host namespace and state directory. Opening changes nothing: what an earlier run left
     * is repaired by the next apply or destroy (their plans show it) or by {@link Engine#reconcile}.
     */
    public static Engine open(EngineOptions options) {
        return open(options, DRIVERS);
    }

    /** {@link #open(EngineOptions)} with other network drivers (e.g. {@code DRIVERS.with("test", TestDriver::new)}). */
    public static Engine open(EngineOptions options, NetworkDrivers drivers) {
        Parts parts = Parts.open(options, drivers, FIREWALLS);
        try {
            return new HostEngine(parts);
        } catch (RuntimeException e) {
            parts.close();
            throw e;
        }
    }
}

package org.nlbridge.driver.firewall;

import java.util.List;

import org.nlbridge.net.IfName;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.FirewallBackend;
import org.nlbridge.spec.UserRulesSpec;

/**
 * The firewall half of the bridge driver: NAT, published ports, isolation and the user hook, for networks the
 * bridge driver has already created (the bridge interface exists before {@link #setupNetwork} is called).
 *
 * <p>Every method validates its whole input before touching the kernel and either applies all of its change or
 * none of it. The driver keeps the desired state in memory; after a process start, call {@link #reconcile} once
 * with the state from the store (an empty {@link FirewallState} on a fresh host) before any incremental call, so
 * that leftovers of a crashed run are removed rather than silently kept. Implementations are thread-safe.
 * Chosen by a network's {@link FirewallBackend} through {@link Firewalls}; closing one releases its sockets.
 */
public interface FirewallDriver extends AutoCloseable {

    /** Which backend this is. */
    FirewallBackend backend();

    /** Whether any table (or other kernel object) this driver owns exists; never counts the user hook. */
    boolean hasTables();

    /** Whether the user hook exists (a backend without one answers true: there is nothing to create). */
    boolean hasUserHook();

    /**
     * Creates the user hook if it does not exist (see {@code NftLayout#USER_TABLE}); never flushes, edits or
     * deletes it, also not in {@link #teardownAll}. Idempotent.
     */
    void ensureUserHook();

    /**
     * Inserts a script's user rule at the top of the user hook, marked as a script's, on the user's explicit
     * request; the engine never edits or removes a rule without that mark. A backend without a hook refuses.
     */
    void insertUserRule(UserRulesSpec.AllowOnlyFrom rule);

    /**
     * Whether the user hook holds a script's rule (with the mark, or an identical rule without it, as the user or an
     * older nlbridge inserted it); reads the kernel only. A backend without a hook answers false.
     */
    default boolean hasUserRule(UserRulesSpec.AllowOnlyFrom rule) {
        return false;
    }

    /** Removes the rules marked as {@code rule}'s from the user hook (a request that inserted it was undone). */
    default void removeUserRule(UserRulesSpec.AllowOnlyFrom rule) {
    }

    /** Installs one network's rules (masquerade, forward policy, isolation, direct-access drop). Idempotent for an equal spec. */
    void setupNetwork(NetworkFirewallSpec network);

    /** Removes one network's rules and those of endpoints still attached to it. Unknown bridge: no-op. */
    void teardownNetwork(IfName bridge);

    /** Adds a container's addresses and all its published ports in one transaction. Idempotent for an equal spec. */
    void addEndpoint(EndpointFirewallSpec endpoint);

    /** Removes a container's addresses and published ports in one transaction. Unknown id: no-op. */
    void removeEndpoint(String endpointId);

    /** The published ports in force, with the connections counted by the kernel where the backend counts them. */
    List<PublishedPort> listPorts();

    /** Backend, whether rules are enforced at all, published ports and drop counters, for {@code nlbridge status}. */
    FirewallStatus status();

    /**
     * Makes the kernel match {@code desired} (after a restart, or after someone ran {@code nft flush ruleset}):
     * compares what is installed with what should be, and if anything differs rebuilds our tables in one
     * transaction. {@code desired} becomes the driver's state. Never touches the user hook's rules.
     */
    ReconcileReport reconcile(FirewallState desired);

    /**
     * Takes {@code desired} as the driver's state without touching the kernel: what a process that starts assumes
     * the kernel holds (the store's state), so that incremental changes can follow; {@link #drift} says whether the
     * kernel really holds it, and {@link #reconcile} makes it. A driver without a read-only way reconciles.
     */
    default void adopt(FirewallState desired) {
        reconcile(desired);
    }

    /**
     * What differs between the kernel and {@code desired}, one line each (empty: nothing); reads the kernel only,
     * for a {@code plan} that must change nothing. A driver that cannot tell reports nothing.
     */
    default List<String> drift(FirewallState desired) {
        return List.of();
    }

    /** Removes every rule, set and table this driver owns; leaves the user hook and its rules alone. Idempotent. */
    void teardownAll();

    /**
     * What the driver would change in another firewall of the host for {@code desired} (the rules that let the
     * networks' traffic through an iptables-nft {@code FORWARD} policy drop, see {@code HostFirewall}), as plan lines;
     * empty when nothing is needed. Changes nothing. The driver makes these changes itself in {@link #setupNetwork},
     * {@link #teardownNetwork}, {@link #reconcile} and {@link #teardownAll}.
     */
    default List<Change> hostFirewallPlan(FirewallState desired) {
        return List.of();
    }

    /**
     * Makes another firewall of the host hold what {@link #hostFirewallPlan} lists for {@code desired} (adds the
     * missing rules, deletes ours that are not needed); returns what it changed. Idempotent.
     */
    default List<Change> syncHostFirewall(FirewallState desired) {
        return List.of();
    }

    /**
     * What is wrong with another firewall of the host that the driver cannot repair (iptables-legacy tables, an
     * explicit drop before its rules), each a line naming the problem and what to do; empty when nothing is.
     */
    default List<String> hostFirewallWarnings() {
        return List.of();
    }

    /** Releases the driver's sockets; the kernel keeps its rules. */
    @Override
    void close();
}

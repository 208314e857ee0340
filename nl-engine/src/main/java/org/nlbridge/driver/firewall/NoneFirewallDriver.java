package org.nlbridge.driver.firewall;

import java.util.List;
import java.util.Map;

import org.nlbridge.net.IfName;
import org.nlbridge.spec.FirewallBackend;
import org.nlbridge.spec.UserRulesSpec;

/**
 * Docker's {@code --iptables=false}: no rules at all. Specs are still validated (a bad spec is an error whatever
 * the backend), and the state is kept so {@link #status} can say what is configured but not enforced. It never
 * sets {@code route_localnet}: without the nftables driver's loopback guard that sysctl would expose the host's
 * 127.0.0.0/8 services to the bridge.
 */
public final class NoneFirewallDriver implements FirewallDriver {

    public static final String SUMMARY = "firewall backend none (--iptables=false): nlbridge installs no firewall rules."
            + " Published ports are not forwarded, traffic leaving the bridges is not masqueraded, and icc=false,"
            + " internal networks, network isolation and the direct-access and loopback protections are NOT enforced;"
            + " the host firewall is entirely the administrator's.";

    private final FirewallModel model = new FirewallModel();

    /** What {@code plan} says a network's firewall is on this backend. */
    public static final String PLAN = "none: no rules (--iptables=false)";

    @Override
    public FirewallBackend backend() {
        return FirewallBackend.NONE;
    }

    @Override
    public boolean hasTables() {
        return false;
    }

    @Override
    public boolean hasUserHook() {
        return true;
    }

    @Override
    public void ensureUserHook() {
        // no hook: with no rules of ours there is nothing to run before
    }

    @Override
    public void insertUserRule(UserRulesSpec.AllowOnlyFrom rule) {
        throw new FirewallException("firewall backend none has no user hook to insert " + rule + " into");
    }

    @Override
    public synchronized void setupNetwork(NetworkFirewallSpec network) {
        if (model.checkNetwork(network)) model.putNetwork(network);
    }

    @Override
    public synchronized void teardownNetwork(IfName bridge) {
        model.removeNetwork(bridge);
    }

    @Override
    public synchronized void addEndpoint(EndpointFirewallSpec endpoint) {
        if (model.checkEndpoint(endpoint)) model.putEndpoint(endpoint);
    }

    @Override
    public synchronized void removeEndpoint(String endpointId) {
        model.removeEndpoint(endpointId);
    }

    /** Always empty: nothing is published, whatever the specs ask for. */
    @Override
    public List<PublishedPort> listPorts() {
        return List.of();
    }

    @Override
    public synchronized FirewallStatus status() {
        FirewallState s = model.state();
        int requested = s.endpoints().stream().mapToInt(e -> e.publications().size()).sum();
        String detail = requested == 0 ? "" : " " + requested + " requested published port(s) are not reachable.";
        return new FirewallStatus(backend().label(), false, SUMMARY + detail, List.of(), Map.of());
    }

    @Override
    public synchronized ReconcileReport reconcile(FirewallState desired) {
        FirewallModel next = FirewallModel.of(desired);
        model.replaceWith(next);
        return ReconcileReport.unchanged();
    }

    @Override
    public void teardownAll() {
        synchronized (this) {
            model.replaceWith(new FirewallModel());
        }
    }

    @Override
    public void close() {
        // no sockets
    }
}

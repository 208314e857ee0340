package org.nlbridge.driver.bridge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.nlbridge.driver.Attachment;
import org.nlbridge.driver.DriverContext;
import org.nlbridge.driver.NetworkDriver;
import org.nlbridge.driver.Step;
import org.nlbridge.driver.Unit;
import org.nlbridge.driver.firewall.EndpointFirewallSpec;
import org.nlbridge.driver.firewall.FirewallSpecs;
import org.nlbridge.driver.firewall.FirewallState;
import org.nlbridge.net.IfName;
import org.nlbridge.net.PortMapping;
import org.nlbridge.rtnl.Link;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Network;

/**
 * Docker's bridge driver: a network is a Linux bridge ({@code docker0}, or Docker's {@code -b} bridge given by the
 * administrator) with addresses and firewall rules; an endpoint is a veth pair from the bridge into the container.
 * Networks: {@link BridgeNetworks}; endpoints: {@link BridgeEndpoints}.
 */
public final class BridgeDriver implements NetworkDriver {
    private final DriverContext ctx;
    private final BridgeNetworks networks;
    private final BridgeEndpoints endpoints;

    public BridgeDriver(DriverContext ctx) {
        this.ctx = ctx;
        this.networks = new BridgeNetworks(ctx);
        this.endpoints = new BridgeEndpoints(ctx);
    }

    @Override
    public Network resolve(NetworkSpec spec, Set<String> leaving) {
        return networks.resolve(spec, leaving);
    }

    @Override
    public String describe(Network network) {
        return BridgeNetworks.describe(network);
    }

    @Override
    public IfName hostLink(Network network, String container) {
        return Naming.hostVeth(network.name(), container);
    }

    @Override
    public List<Step> ensure(Network network, Unit unit) {
        return networks.ensure(network, unit);
    }

    @Override
    public List<Step> remove(Network network, Unit unit) {
        return networks.remove(network, unit);
    }

    @Override
    public List<Step> attach(List<Attachment> batch) {
        return endpoints.attach(batch);
    }

    @Override
    public void undoAttach(Network network, Endpoint endpoint, List<String> errors) {
        endpoints.undo(network, endpoint, errors);
    }

    @Override
    public List<Step> detach(Network network, List<Endpoint> eps, Function<Endpoint, Unit> units) {
        return endpoints.detach(network, eps, units);
    }

    @Override
    public List<Step> defaultRoute(Network network, Endpoint endpoint, boolean on, Unit unit) {
        return endpoints.defaultRoute(network, endpoint, on, unit);
    }

    @Override
    public void publish(Network network, Endpoint endpoint, List<PortMapping> ports) {
        endpoints.publish(network, endpoint, ports);
    }

    @Override
    public List<Step> repair(Network network, Endpoint endpoint, Unit unit) {
        return endpoints.repair(network, endpoint, unit);
    }

    @Override
    public boolean intact(Network network, Endpoint endpoint, Map<String, Link> hostLinks) {
        return BridgeEndpoints.intact(network, endpoint, hostLinks);
    }

    @Override
    public Map<String, String> links(Network network, List<Endpoint> eps) {
        Map<String, String> out = new HashMap<>();
        out.put(network.bridge().toString(), "bridge of network " + network.name());
        for (Endpoint e : eps) out.put(e.hostVeth().toString(), "veth of container " + e.container() + " on " + e.network());
        return out;
    }

    @Override
    public FirewallState firewall(Network network, List<Endpoint> eps, Function<Endpoint, List<PortMapping>> ports) {
        List<EndpointFirewallSpec> specs = new ArrayList<>();
        for (Endpoint e : eps) specs.add(FirewallSpecs.of(network, e, ports.apply(e)));
        return new FirewallState(List.of(FirewallSpecs.of(network)), specs);
    }
}

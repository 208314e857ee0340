package org.nlbridge.engine;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.nlbridge.driver.DriverContext;
import org.nlbridge.driver.NetworkDriver;
import org.nlbridge.driver.NetworkDrivers;
import org.nlbridge.driver.dns.DnsOverlay;
import org.nlbridge.driver.firewall.FirewallState;
import org.nlbridge.driver.firewall.Firewalls;
import org.nlbridge.driver.ipam.Ipam;
import org.nlbridge.netns.NetNs;
import org.nlbridge.rtnl.Rtnl;
import org.nlbridge.spec.FirewallBackend;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Network;
import org.nlbridge.state.StateStore;

/**
 * What one engine is made of, opened together and closed together: the host namespace and the engine's rtnetlink
 * handle on it, the state store and the IPAM over it, the DNS overlay files, the firewall drivers and the network
 * drivers (each opened on first use, by the name a network gives).
 */
final class Parts implements AutoCloseable {
    final EngineOptions options;
    final NetNs host;
    final Rtnl rtnl;
    final StateStore store;
    final Ipam ipam;
    final DnsOverlay overlay;
    final Firewalls firewalls;
    private final NetworkDrivers registry;
    private final DriverContext context;
    private final Map<String, NetworkDriver> drivers = new HashMap<>();

    private Parts(EngineOptions options, NetNs host, Rtnl rtnl, StateStore store, NetworkDrivers registry,
                  List<Firewalls.Backend> backends) {
        this.options = options;
        this.host = host;
        this.rtnl = rtnl;
        this.store = store;
        this.registry = registry;
        this.ipam = new Ipam(store);
        this.overlay = new DnsOverlay(options.stateDir());
        this.firewalls = new Firewalls(host, backends,
                b -> storedFirewall(Stored.read(this).settled()).getOrDefault(b, FirewallState.EMPTY));
        this.context = new DriverContext(host, rtnl, firewalls, ipam, options.stateDir(), options.cluster());
        // the stored networks' rules were set up when they were made; the repair phase finds it if they went since
        networks().forEach(n -> firewalls.setUp(n.name(), true));
    }

    static Parts open(EngineOptions options, NetworkDrivers registry, List<Firewalls.Backend> backends) {
        NetNs host = options.hostNetns() == null ? NetNs.current() : NetNs.open(options.hostNetns());
        Rtnl rtnl = null;
        StateStore store = null;
        try {
            rtnl = Rtnl.open(host);
            store = StateStore.open(options.stateDir());
            return new Parts(options, host, rtnl, store, registry, backends);
        } catch (RuntimeException e) {
            if (store != null) store.close();
            if (rtnl != null) rtnl.close();
            host.close();
            throw e;
        }
    }

    /** The driver a network names; a name the registry lacks is a ValidationException naming the network. */
    NetworkDriver driver(String network, String name) {
        NetworkDriver d = drivers.get(name);
        if (d == null) {
            d = registry.get(network, name).open(context);
            drivers.put(name, d);
        }
        return d;
    }

    /** The driver of a stored network. */
    NetworkDriver driver(Network n) {
        return driver(n.name(), n.driver());
    }

    List<Network> networks() {
        return store.read(tx -> tx.networks().all());
    }

    List<Endpoint> endpoints() {
        return store.read(tx -> tx.endpoints().all());
    }

    /** The firewall a store view describes, by backend: each network's part as its driver says. */
    Map<FirewallBackend, FirewallState> storedFirewall(Stored s) {
        Map<FirewallBackend, FirewallState> out = new EnumMap<>(FirewallBackend.class);
        for (Network n : s.networks().values()) {
            FirewallState part = driver(n).firewall(n, s.endpoints().stream().filter(e -> e.network().equals(n.name()))
                    .toList(), s::ports);
            out.merge(n.options().firewall(), part, Parts::merge);
        }
        return out;
    }

    /** Two parts of one backend's state, networks and endpoints in order. */
    static FirewallState merge(FirewallState a, FirewallState b) {
        return new FirewallState(concat(a.networks(), b.networks()), concat(a.endpoints(), b.endpoints()));
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** The drivers opened so far (to tell each what the engine holds, or to close them). */
    List<NetworkDriver> openDrivers() {
        return List.copyOf(drivers.values());
    }

    @Override
    public void close() {
        for (NetworkDriver d : drivers.values()) {
            try {
                d.close();
            } catch (RuntimeException e) {
                System.getLogger("nlbridge").log(System.Logger.Level.WARNING, "closing a network driver: " + e.getMessage());
            }
        }
        try {
            firewalls.close();
        } finally {
            try {
                store.close();
            } finally {
                try {
                    rtnl.close();
                } finally {
                    host.close();
                }
            }
        }
    }
}

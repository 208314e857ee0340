package org.nlbridge.driver.ipam;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Network;
import org.nlbridge.state.Phase;
import org.nlbridge.state.StateStore;
import org.nlbridge.state.SubnetConfig;
import org.nlbridge.state.Tx;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.Ipv6Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.ValidationException;

/**
 * Address management for bridge networks, on top of the {@link StateStore}.
 *
 * <p><b>Atomicity.</b> An allocation is not a record of its own: it is the endpoint row that holds the
 * address. {@link #attach} picks the addresses and journals the endpoint (in {@link Phase#ATTACHING}) in
 * one write transaction, so a crash either loses both or keeps both, and no address can be left allocated
 * without an owner. A crash after that leaves an endpoint in flight, which reconcile finds with
 * {@code EndpointTable.claimStuck()}, tears down and deletes, freeing the address. {@code BEGIN IMMEDIATE}
 * makes the read-pick-insert sequence exclusive across engine processes.
 *
 * <p><b>Order.</b> Round-robin: the search starts after the last address handed out on the network and
 * wraps round; see {@code AddressPool#next}. The first container of a new network gets the first address
 * after the gateway, as with Docker's first-free order; unlike first-free, an address released a moment
 * ago is not handed to the next container at once, while neighbours' ARP caches, conntrack entries and
 * DNS answers may still point at the old holder.
 */
public final class Ipam {

    private final StateStore store;
    private final RandomGenerator random;

    public Ipam(StateStore store) {
        this(store, MacAddress.secureRandom()); // made on first use: a status draws no MAC
    }

    /** {@code random} draws the MACs of networks without {@code macFromIp}. */
    Ipam(StateStore store, RandomGenerator random) {
        this.store = store;
        this.random = random;
    }

    /**
     * Validates a network's address configuration ({@link SubnetRules#checkConfig}) and stores it, checking
     * in the same write transaction that its subnets overlap no other network's.
     *
     * @throws ValidationException for a bad subnet, gateway or range, an overlap, or a taken name or bridge
     */
    public void createNetwork(Network n) {
        store.update(tx -> createNetwork(tx, n));
    }

    /** {@link #createNetwork(Network)} in an open write transaction (a request's checks try it in one). */
    public void createNetwork(Tx tx, Network n) {
        SubnetRules.checkConfig(n.name(), n.ipv4(), IpAddress.AF_INET);
        if (n.ipv6() != null) {
            SubnetRules.checkConfig(n.name(), n.ipv6(), IpAddress.AF_INET6);
        }
        tx.networks().requireNew(n); // before the overlap check, which would name the network itself
        List<Network> others = tx.networks().all();
        SubnetRules.checkNoOverlap(SubnetRules.field(n.name(), "subnet", IpAddress.AF_INET), n.ipv4().subnet(),
                subnets(others, false));
        if (n.ipv6() != null) {
            SubnetRules.checkNoOverlap(SubnetRules.field(n.name(), "subnet", IpAddress.AF_INET6),
                    n.ipv6().subnet(), subnets(others, true));
        }
        tx.networks().insert(n);
    }

    private static Map<String, Cidr> subnets(List<Network> networks, boolean v6) {
        return networks.stream()
                .filter(o -> !v6 || o.ipv6() != null)
                .collect(Collectors.toMap(Network::name, o -> (v6 ? o.ipv6() : o.ipv4()).subnet()));
    }

    /** {@link #attach(Tx, EndpointRequest)} in a write transaction of its own. */
    public Endpoint attach(EndpointRequest request) {
        return store.write(tx -> attach(tx, request));
    }

    /**
     * Picks the endpoint's addresses (requested ones are honoured or refused with the reason) and its MAC,
     * and journals it in {@link Phase#ATTACHING}. Pass an open write transaction to do more in the same
     * one, e.g. publish its ports.
     *
     * @return the endpoint as journalled; the driver moves it to ATTACHED once the kernel side is done
     * @throws ValidationException    for an unknown network, a container already attached to it, or a
     *                                requested address or MAC that cannot be had
     * @throws PoolExhaustedException if no address is free
     */
    public Endpoint attach(Tx tx, EndpointRequest r) {
        Network n = tx.networks().get(r.network());
        tx.endpoints().requireNotAttached(r.container(), n.name());
        String field = "container " + r.container() + ": ";
        Ipv4Address ipv4 = (Ipv4Address) pick(tx, n.name(), n.ipv4(), field + "ip", r.ipv4(), r.container());
        Ipv6Address ipv6 = null;
        if (n.ipv6() != null) {
            ipv6 = (Ipv6Address) pick(tx, n.name(), n.ipv6(), field + "ip6", r.ipv6(), r.container());
        } else if (r.ipv6() != null) {
            throw new ValidationException(field + "ip6", r.ipv6().toString(),
                    "network " + n.name() + " has no IPv6 subnet", "no IPv6 address on an IPv4-only network");
        }
        MacAddress mac = r.mac() != null ? r.mac()
                : n.options().macFromIp() ? MacAddress.fromIpv4(ipv4)
                : randomMac(tx, n.name());
        Endpoint e = new Endpoint(r.container(), n.name(), r.netns(), r.ifName(), r.hostVeth(), r.hostname(),
                ipv4, ipv6, mac, Phase.ATTACHING, r.aliases(), r.defaultRoute(), r.spoofCheck());
        tx.endpoints().insert(e);
        return e;
    }

    private IpAddress pick(Tx tx, String network, SubnetConfig config, String field, IpAddress requested,
                           String container) {
        AddressPool pool = AddressPool.of(config);
        NavigableMap<IpAddress, String> owners = tx.endpoints().addressOwners(network, config.family());
        if (requested != null) {
            pool.checkRequest(field, network, requested, owners);
            return requested; // the cursor stays: a static address says nothing about where to go on
        }
        IpAddress after = tx.networks().lastAllocated(network, config.family()).orElse(null);
        IpAddress picked = pool.next(after, owners.navigableKeySet())
                .orElseThrow(() -> new PoolExhaustedException(pool.cidr(), container, owners.size()));
        tx.networks().setLastAllocated(network, picked);
        return picked;
    }

    /** 46 random bits almost never collide, but a collision on one bridge would break both containers. */
    private MacAddress randomMac(Tx tx, String network) {
        MacAddress mac;
        do {
            mac = MacAddress.random(random);
        } while (tx.endpoints().macOwner(network, mac).isPresent());
        return mac;
    }

    /**
     * Frees an endpoint's addresses by deleting it (the row is the allocation), together with its published
     * ports: after its teardown, or after the rollback of a failed attach. Repeating it is harmless.
     *
     * @return the released endpoint, or empty if it was already gone
     * @throws IllegalStateException if the endpoint is still ATTACHED (mark it DETACHING first)
     */
    public Optional<Endpoint> release(String container, String network) {
        return store.write(tx -> tx.endpoints().delete(container, network));
    }
}

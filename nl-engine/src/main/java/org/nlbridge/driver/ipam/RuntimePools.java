package org.nlbridge.driver.ipam;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.nlbridge.driver.ipam.AddressPools;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.NotFoundException;
import org.nlbridge.state.Network;
import org.nlbridge.state.PoolRecord;
import org.nlbridge.state.StateStore;
import org.nlbridge.state.Tx;

/**
 * {@link AddressPools} on the engine's state store ({@code ipam_pools}, {@code ipam_addresses}): every request is one
 * write transaction, so a pool or an address is reserved once across engine processes, and what a runtime was handed
 * survives restarts. A pool overlaps no other pool (of any address space: they share one host) and no network of the
 * engine; a pool chosen by nlbridge also overlaps no route of the host namespace (a VPN's, a LAN's, docker0's), which
 * Docker's default IPAM does not check. Addresses are handed out round-robin over the pool's range, like the engine's
 * own ({@link AddressPool}).
 */
public final class RuntimePools implements AddressPools {

    /** Docker's default pools (20.10, {@code ipamutils}): 172.17-31.0.0/16, then 192.168.0.0/16 cut into /20s. */
    static final List<Cidr> DEFAULTS = defaults();
    private static final Pattern SPACE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final StateStore store;
    private final Supplier<List<Cidr>> hostRoutes;

    /** @param hostRoutes the destinations of the host namespace's routes (the default route left out) */
    public RuntimePools(StateStore store, Supplier<List<Cidr>> hostRoutes) {
        this.store = store;
        this.hostRoutes = hostRoutes;
    }

    private static List<Cidr> defaults() {
        List<Cidr> out = new ArrayList<>();
        for (int b = 17; b <= 31; b++) out.add(Cidr.parseSubnet("pool", "172." + b + ".0.0/16"));
        for (int c = 0; c < 256; c += 16) out.add(Cidr.parseSubnet("pool", "192.168." + c + ".0/20"));
        return List.copyOf(out);
    }

    @Override
    public Pool requestPool(String space, Cidr subnet, Cidr range, boolean ipv6) {
        if (space == null || !SPACE.matcher(space).matches()) {
            throw new ValidationException("address space", space, "not a usable name", "1 to 64 of A-Z a-z 0-9 _ . -");
        }
        int family = ipv6 ? IpAddress.AF_INET6 : IpAddress.AF_INET;
        if (subnet != null) {
            SubnetRules.checkSubnet("--subnet", subnet, family);
            if (range != null) SubnetRules.checkRange("--ip-range", subnet, null, range);
        } else if (ipv6) {
            throw new ValidationException("--subnet", null, "nlbridge has no default IPv6 pools (Docker 20.10 neither)",
                    "an IPv6 --subnet with --ipv6");
        }
        List<Cidr> routes = subnet == null ? hostRoutes.get() : List.of();
        return store.write(tx -> {
            List<Taken> taken = taken(tx);
            Cidr s = subnet;
            if (s == null) {
                s = DEFAULTS.stream().filter(d -> taken.stream().noneMatch(t -> t.subnet().overlaps(d))
                        && routes.stream().noneMatch(r -> r.overlaps(d))).findFirst()
                        .orElseThrow(() -> new ValidationException("--subnet", null, "every default pool (172.17-31.0.0/16,"
                                + " 192.168.0.0/16 in /20s) overlaps a pool, a network or a route of this host",
                                "a --subnet of your own"));
            } else {
                for (Taken t : taken) {
                    if (t.subnet().overlaps(s)) {
                        throw new ValidationException("--subnet", s.toString(), "overlaps " + t.what() + " " + t.subnet(),
                                "a subnet no other pool or network of this host uses");
                    }
                }
            }
            String id = space + "/" + s + (range != null ? "/" + range : "");
            tx.pools().insert(new PoolRecord(id, space, s, range, null));
            return new Pool(id, s, range);
        });
    }

    /** A subnet already given out, and to what (for the message). */
    private record Taken(Cidr subnet, String what) {}

    private static List<Taken> taken(Tx tx) {
        List<Taken> out = new ArrayList<>();
        for (PoolRecord p : tx.pools().all()) out.add(new Taken(p.subnet(), "the pool " + p.id() + ", subnet"));
        for (Network n : tx.networks().all()) {
            out.add(new Taken(n.ipv4().subnet(), "network " + n.name() + "'s subnet"));
            if (n.ipv6() != null) out.add(new Taken(n.ipv6().subnet(), "network " + n.name() + "'s IPv6 subnet"));
        }
        return out;
    }

    @Override
    public void releasePool(String id) {
        store.update(tx -> tx.pools().delete(id));
    }

    @Override
    public Cidr requestAddress(String poolId, IpAddress preferred, boolean gateway) {
        return store.write(tx -> {
            PoolRecord p = tx.pools().find(poolId).orElseThrow(() -> new NotFoundException("PoolID", poolId,
                    "no such pool", "a pool this IPAM handed out"));
            TreeSet<IpAddress> used = new TreeSet<>(tx.pools().addresses(poolId));
            Cidr subnet = p.subnet();
            IpAddress a;
            if (preferred != null) {
                String field = gateway ? "--gateway" : "--ip";
                new AddressPool(subnet, null, null).checkRequest(field, "pool " + poolId, preferred, new TreeMap<>());
                if (used.contains(preferred)) {
                    throw new ValidationException(field, preferred.toString(), "is already in use in pool " + poolId,
                            "a free address of " + subnet);
                }
                a = preferred;
            } else if (gateway) { // the subnet's first free address, as Docker's gateways are
                a = new AddressPool(subnet, null, null).next(null, used).orElseThrow(() -> exhausted(p, used));
            } else {
                a = new AddressPool(subnet, null, p.range()).next(p.last(), used).orElseThrow(() -> exhausted(p, used));
                tx.pools().setLast(poolId, a);
            }
            tx.pools().reserve(poolId, a, gateway);
            return Cidr.of(a, subnet.prefixLength());
        });
    }

    private static ValidationException exhausted(PoolRecord p, TreeSet<IpAddress> used) {
        Cidr from = p.range() != null ? p.range() : p.subnet();
        return new ValidationException("pool " + p.id(), from.toString(), "no free address: " + used.size() + " handed out",
                "a pool with a free address (a larger --subnet or --ip-range)");
    }

    @Override
    public void releaseAddress(String poolId, IpAddress address) {
        store.update(tx -> tx.pools().release(poolId, address));
    }
}

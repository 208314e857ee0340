package org.nlbridge.driver.ipam;

import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;

/**
 * Address pools for a runtime that allocates addresses itself through an IPAM protocol (Docker's remote
 * {@code IpamDriver}: {@code docker network create --ipam-driver nlbridge}), kept in the engine's state store beside its
 * networks' own allocations, so they survive restarts and two engine processes never hand out one address twice. A
 * pool is a subnet no other pool and no network of the engine overlaps; its addresses are handed out round-robin, as
 * the engine's own are (an address just released is not handed to the next container at once).
 */
public interface AddressPools {

    /** A pool as handed out: its opaque id (the runtime keeps it), its subnet, the range addresses come from. */
    record Pool(String id, Cidr subnet, Cidr range) {}

    /**
     * Reserves a pool: {@code subnet} as asked (refused if it overlaps another pool or a network), or with none, the
     * first of the default pools (Docker's: 172.17-31.0.0/16, then 192.168.0.0/16 in /20s) that overlaps no pool, no
     * network of the engine and no route of the host namespace. IPv6 has no default pools.
     *
     * @param space  the runtime's address space (pools of every space share one host, so they never overlap)
     * @param subnet null: pick one
     * @param range  null: the whole subnet; else where addresses without a preference come from ({@code --ip-range})
     */
    Pool requestPool(String space, Cidr subnet, Cidr range, boolean ipv6);

    /** Releases a pool and every address of it; an unknown pool is not an error (the runtime may repeat itself). */
    void releasePool(String id);

    /**
     * Reserves an address of a pool: {@code preferred} (refused if taken, or not an address of the subnet), or the
     * next free one of the range; the network address and the IPv4 broadcast address are never handed out. A
     * gateway without a preference is the subnet's first address.
     *
     * @return the address with the subnet's prefix length
     */
    Cidr requestAddress(String poolId, IpAddress preferred, boolean gateway);

    /** Releases an address; an unknown one is not an error. */
    void releaseAddress(String poolId, IpAddress address);
}

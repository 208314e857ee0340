package org.nlbridge.cluster.ipam;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import org.nlbridge.cluster.etcd.EtcdClient;
import org.nlbridge.cluster.etcd.KeyValue;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;

/**
 * Addresses of one subnet handed out cluster-wide: each address is a key {@code <prefix><address>} claimed with
 * {@link Claims} (compare-and-swap, so no address is ever held twice across hosts), its value naming the holder,
 * optionally under the holder's host lease (a host that dies frees its addresses when its lease expires).
 * Allocation takes the lowest free address of the range, skipping the subnet's network address, its IPv4
 * broadcast address and the reserved ones (gateways); two round trips when uncontended.
 */
public final class ClusterIpam {

    /** One allocation: the address, the holder's value, and the claim's lease (0: none). */
    public record Allocation(IpAddress address, String holder, long lease, long revision) {}

    private final Claims claims;
    private final String prefix;
    private final Cidr subnet;
    private final IpAddress first;
    private final IpAddress last;
    private final Set<IpAddress> reserved;

    /**
     * @param prefix   the keys' prefix, ending in '/' (e.g. {@code /nlbridge/v1/networks/ov/ipam/})
     * @param subnet   the network's subnet
     * @param range    where addresses come from (Docker's fixed-cidr), inside {@code subnet}; null: all of it
     * @param reserved never handed out (the gateway)
     */
    public ClusterIpam(EtcdClient client, String prefix, Cidr subnet, Cidr range, Set<IpAddress> reserved) {
        if (!prefix.endsWith("/")) throw new IllegalArgumentException("prefix " + prefix + " must end in /");
        if (range != null && !subnet.contains(range)) throw new IllegalArgumentException("range " + range + " is not inside " + subnet);
        this.claims = new Claims(client);
        this.prefix = prefix;
        this.subnet = subnet.subnet();
        Cidr r = range == null ? this.subnet : range.subnet();
        IpAddress lo = this.subnet.network().next();
        IpAddress hi = this.subnet.family() == IpAddress.AF_INET ? this.subnet.last().previous() : this.subnet.last();
        this.first = r.network().compareTo(lo) < 0 ? lo : r.network();
        this.last = r.last().compareTo(hi) > 0 ? hi : r.last();
        this.reserved = Set.copyOf(reserved);
    }

    /** The lowest free address, claimed for {@code holder} (under {@code lease}, 0: none). */
    public Allocation allocate(String holder, long lease) {
        return claims.claimFirstFree(prefix, candidates(), holder, lease).map(c -> allocation(c.holder()))
                .orElseThrow(() -> new NoFreeAddressException(subnet, first, last));
    }

    /**
     * Claims a given address (Docker's {@code --ip}).
     *
     * @throws ValidationException    if it is outside the range, or the network, broadcast or a reserved address
     * @throws AddressInUseException  if someone else holds it
     */
    public Allocation allocate(IpAddress wanted, String holder, long lease) {
        if (!allocatable(wanted)) {
            throw new ValidationException("ip", wanted.toString(), "not allocatable in " + subnet,
                    "an address from " + first + " to " + last + " other than " + reserved);
        }
        Claims.Claim c = claims.claim(key(wanted), holder, lease);
        if (!c.won()) throw new AddressInUseException(wanted, c.holder().value());
        return allocation(c.holder());
    }

    /** Frees an address if {@code holder} still holds it; true if it did. */
    public boolean release(IpAddress address, String holder) {
        return claims.release(key(address), holder);
    }

    /** Every allocation, in address order, read at one revision. */
    public Map<IpAddress, Allocation> list() {
        Map<IpAddress, Allocation> out = new TreeMap<>();
        for (KeyValue kv : claims.list(prefix).kvs()) {
            Allocation a = allocation(kv);
            if (a != null) out.put(a.address(), a);
        }
        return out;
    }

    public String key(IpAddress a) {
        return prefix + a;
    }

    private boolean allocatable(IpAddress a) {
        return a.family() == first.family() && a.compareTo(first) >= 0 && a.compareTo(last) <= 0 && !reserved.contains(a);
    }

    /** The claim as an allocation; a key under the prefix that is not an address (someone else's) is skipped. */
    private Allocation allocation(KeyValue kv) {
        try {
            IpAddress a = IpAddress.parse("ipam key", kv.key().substring(prefix.length()));
            return new Allocation(a, kv.value(), kv.lease(), kv.modRevision());
        } catch (ValidationException e) {
            return null;
        }
    }

    private Iterator<String> candidates() {
        return new Iterator<>() {
            IpAddress at = first;

            @Override
            public boolean hasNext() {
                while (at != null && at.compareTo(last) <= 0 && reserved.contains(at)) at = step(at);
                return at != null && at.compareTo(last) <= 0;
            }

            @Override
            public String next() {
                if (!hasNext()) throw new NoSuchElementException();
                String k = key(at);
                at = step(at);
                return k;
            }

            private IpAddress step(IpAddress a) {
                return a.equals(last) ? null : a.next();
            }
        };
    }
}

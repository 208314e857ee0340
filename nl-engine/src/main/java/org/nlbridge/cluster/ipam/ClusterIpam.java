package org.nlbridge.cluster.ipam;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.nlbridge.cluster.etcd.EtcdClient;
import org.nlbridge.cluster.etcd.KeyValue;
import org.nlbridge.cluster.etcd.Op;
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

    /**
     * One allocation: the address, the holder's value, and the claim's lease (0: none). {@code fresh}: made by this
     * call (the operations given to go with it ran); false when the holder already had it.
     */
    public record Allocation(IpAddress address, String holder, long lease, long revision, boolean fresh) {
        public Allocation(IpAddress address, String holder, long lease, long revision) {
            this(address, holder, lease, revision, false);
        }
    }

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
        return allocate(holder, lease, null, a -> List.of());
    }

    /**
     * The lowest free address that is not in {@code known} (null: read the taken ones first), claimed for
     * {@code holder} with {@code with.apply(address)} in the same transaction: one round trip when the caller's
     * view of the taken addresses is current (it follows them with a watch), one more per address taken meanwhile.
     */
    public Allocation allocate(String holder, long lease, Set<IpAddress> known, Function<IpAddress, List<Op>> with) {
        return allocate(holder, lease, known, with, first);
    }

    /**
     * {@link #allocate(String, long, Set, Function)} with the search starting at {@code from} and wrapping round
     * (the first free address at or after it): hosts that start at different places ({@link #spread}) rarely want
     * the same address at the same moment, so concurrent allocations from several hosts seldom retry.
     */
    public Allocation allocate(String holder, long lease, Set<IpAddress> known, Function<IpAddress, List<Op>> with,
                               IpAddress from) {
        Set<String> taken = null;
        if (known != null) {
            taken = new HashSet<>();
            for (IpAddress a : known) taken.add(key(a));
        }
        IpAddress start = from != null && from.family() == first.family() && from.compareTo(first) >= 0
                && from.compareTo(last) <= 0 ? from : first;
        return claims.claimFirstFree(prefix, candidates(start), holder, lease, taken, k -> with.apply(address(k)))
                .map(c -> allocation(c.holder(), c.fresh()))
                .orElseThrow(() -> new NoFreeAddressException(subnet, first, last));
    }

    /**
     * Claims a given address (Docker's {@code --ip}).
     *
     * @throws ValidationException    if it is outside the range, or the network, broadcast or a reserved address
     * @throws AddressInUseException  if someone else holds it
     */
    public Allocation allocate(IpAddress wanted, String holder, long lease) {
        return allocate(wanted, holder, lease, a -> List.of());
    }

    /** {@link #allocate(IpAddress, String, long)} with {@code with.apply(wanted)} in the same transaction. */
    public Allocation allocate(IpAddress wanted, String holder, long lease, Function<IpAddress, List<Op>> with) {
        if (!allocatable(wanted)) {
            throw new ValidationException("ip", wanted.toString(), "not allocatable in " + subnet,
                    "an address from " + first + " to " + last + " other than " + reserved);
        }
        Claims.Claim c = claims.claim(key(wanted), holder, lease, k -> with.apply(wanted));
        if (!c.won()) throw new AddressInUseException(wanted, c.holder().value());
        return allocation(c.holder(), c.fresh());
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
        return allocation(kv, false);
    }

    private Allocation allocation(KeyValue kv, boolean fresh) {
        IpAddress a = address(kv.key());
        return a == null ? null : new Allocation(a, kv.value(), kv.lease(), kv.modRevision(), fresh);
    }

    /** The address a key of this prefix names, or null. */
    private IpAddress address(String key) {
        try {
            return IpAddress.parse("ipam key", key.substring(prefix.length()));
        } catch (ValidationException e) {
            return null;
        }
    }

    /**
     * An address of the range chosen by {@code seed} (the same seed, the same address): where a host starts its
     * searches, so that hosts start far apart.
     */
    public IpAddress spread(long seed) {
        BigInteger span = unsigned(last).subtract(unsigned(first)).add(BigInteger.ONE);
        long offset = BigInteger.valueOf(seed).mod(span.min(BigInteger.valueOf(Long.MAX_VALUE))).longValue();
        return first.plus(offset);
    }

    private static BigInteger unsigned(IpAddress a) {
        return new BigInteger(1, a.bytes());
    }

    /** Every address of the range from {@code start} to the last, then from the first to just before {@code start}. */
    private Iterator<String> candidates(IpAddress start) {
        return new Iterator<>() {
            IpAddress at = start;
            boolean wrapped;

            @Override
            public boolean hasNext() {
                while (at != null && reserved.contains(at)) at = step(at);
                return at != null;
            }

            @Override
            public String next() {
                if (!hasNext()) throw new NoSuchElementException();
                String k = key(at);
                at = step(at);
                return k;
            }

            private IpAddress step(IpAddress a) {
                IpAddress n = a.equals(last) ? first : a.next();
                if (n.equals(first) && a.equals(last)) wrapped = true;
                return wrapped && n.equals(start) ? null : n;
            }
        };
    }
}

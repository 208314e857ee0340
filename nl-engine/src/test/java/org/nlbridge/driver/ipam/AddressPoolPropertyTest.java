package org.nlbridge.driver.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;

/**
 * AddressPool against a model that states the rule directly: an address is allocatable iff it is in the
 * range, in the subnet, and not the network, IPv4 broadcast or gateway address; the next pick is the first
 * allocatable, unused address cyclically after the previous pick. Random pools (small ones favoured, so
 * they run out) go through random sequences of allocations and releases.
 */
class AddressPoolPropertyTest {

    /** A validated configuration: gateway inside the subnet, not its network or broadcast; range inside it. */
    record Pool(Cidr subnet, IpAddress gateway, Cidr range) {

        Cidr cidr() {
            return range != null ? range : subnet;
        }

        boolean allocatable(IpAddress a) {
            boolean broadcast = a.family() == IpAddress.AF_INET && a.equals(subnet.last());
            return cidr().contains(a) && subnet.contains(a) && !a.equals(subnet.network()) && !broadcast
                    && !a.equals(gateway);
        }

        /** The model's pick: walk the range cyclically from after the cursor. */
        Optional<IpAddress> next(IpAddress cursor, NavigableSet<IpAddress> used) {
            BigInteger size = cidr().size();
            // at most network, broadcast and gateway are skipped besides the used ones
            BigInteger steps = size.min(BigInteger.valueOf(used.size() + 4));
            BigInteger start = cursor == null ? BigInteger.ZERO
                    : num(cursor).subtract(num(cidr().network())).add(BigInteger.ONE);
            for (BigInteger i = BigInteger.ZERO; i.compareTo(steps) < 0; i = i.add(BigInteger.ONE)) {
                IpAddress a = add(cidr().network(), start.add(i).mod(size));
                if (allocatable(a) && !used.contains(a)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    @Property(tries = 400)
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF) // the coverage checks below still run
    void ipv4PicksFollowTheModelAndExhaustExactly(
            @ForAll("ipv4Pools") Pool p, @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 9) Integer> ops) {
        Outcome o = run(p, ops);
        // the property is only as good as its cases: make sure pools do run out and picks do wrap round. The
        // bound is far below the usual rate (about 15%): a check of a random sample must not fail by chance
        Statistics.label("exhausted").collect(o.exhausted());
        Statistics.label("wrapped").collect(o.wrapped());
        Statistics.label("exhausted").coverage(c -> c.check(true).percentage(pc -> pc >= 3));
        Statistics.label("wrapped").coverage(c -> c.check(true).percentage(pc -> pc >= 3));
    }

    @Property(tries = 200)
    void ipv6PicksFollowTheModelWithoutEnumeratingThePool(
            @ForAll("ipv6Pools") Pool p, @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 9) Integer> ops) {
        run(p, ops);
    }

    record Outcome(boolean exhausted, boolean wrapped) {}

    private static Outcome run(Pool p, List<Integer> ops) {
        boolean exhausted = false;
        boolean wrapped = false;
        AddressPool pool = new AddressPool(p.subnet(), p.gateway(), p.range());
        BigInteger capacity = pool.capacity();
        NavigableSet<IpAddress> used = new TreeSet<>();
        IpAddress cursor = null;
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i) >= 8 && !used.isEmpty()) {
                used.remove(List.copyOf(used).get(i % used.size()));
                continue;
            }
            Optional<IpAddress> picked = pool.next(cursor, used);
            assertEquals(p.next(cursor, used), picked, "after " + cursor + " with " + used.size() + " in use");
            if (BigInteger.valueOf(used.size()).equals(capacity)) {
                assertTrue(picked.isEmpty(), "a full pool gave " + picked);
                exhausted = true;
                continue;
            }
            IpAddress a = picked.orElseThrow(() -> new AssertionError("empty with room left in " + p));
            assertTrue(p.allocatable(a), a + " is not allocatable in " + p);
            assertTrue(pool.allocatable(a));
            assertFalse(used.contains(a));
            used.add(a);
            wrapped |= cursor != null && a.compareTo(cursor) < 0;
            cursor = a;
        }
        return new Outcome(exhausted, wrapped);
    }

    @Property(tries = 300)
    void capacityCountsTheAllocatableAddressesOfSmallPools(@ForAll("ipv4Pools") Pool p) {
        BigInteger size = p.cidr().size();
        if (size.bitLength() > 13) {
            return; // counting by enumeration is for small pools only
        }
        long count = 0;
        for (BigInteger i = BigInteger.ZERO; i.compareTo(size) < 0; i = i.add(BigInteger.ONE)) {
            count += p.allocatable(add(p.cidr().network(), i)) ? 1 : 0;
        }
        assertEquals(BigInteger.valueOf(count), new AddressPool(p.subnet(), p.gateway(), p.range()).capacity());
    }

    @Provide
    Arbitrary<Pool> ipv4Pools() {
        Arbitrary<Integer> prefix = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(23, 30)),
                Tuple.of(1, Arbitraries.integers().between(1, 22)));
        return pools(prefix, 32, Arbitraries.integers().map(Ipv4Address::of));
    }

    @Provide
    Arbitrary<Pool> ipv6Pools() {
        Arbitrary<Integer> prefix = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(64, 126)),
                Tuple.of(1, Arbitraries.integers().between(1, 63)));
        return pools(prefix, 128, Arbitraries.bigIntegers().between(BigInteger.ZERO,
                BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE)).map(n -> IpAddress.of(bytes(n, 16))));
    }

    private static Arbitrary<Pool> pools(Arbitrary<Integer> prefix, int bits, Arbitrary<IpAddress> base) {
        Arbitrary<BigInteger> seed = Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.ONE.shiftLeft(bits));
        return Combinators.combine(prefix, base, Arbitraries.integers().between(0, bits), seed, seed,
                Arbitraries.of(true, false)).as((pre, b, rangeExtra, rangeSeed, gatewaySeed, hasRange) -> {
                    Cidr subnet = Cidr.of(b, pre).subnet();
                    int hostBits = bits - pre;
                    BigInteger size = BigInteger.ONE.shiftLeft(hostBits);
                    // anything but the network address and, for IPv4, the broadcast address
                    BigInteger choices = size.subtract(bits == 32 ? BigInteger.TWO : BigInteger.ONE);
                    IpAddress gateway = add(subnet.network(), BigInteger.ONE.add(gatewaySeed.mod(choices)));
                    Cidr range = null;
                    if (hasRange) {
                        int rangePrefix = pre + rangeExtra % (hostBits + 1);
                        range = Cidr.of(add(subnet.network(), rangeSeed.mod(size)), rangePrefix).subnet();
                    }
                    return new Pool(subnet, gateway, range);
                });
    }

    static BigInteger num(IpAddress a) {
        return new BigInteger(1, a.bytes());
    }

    static IpAddress add(IpAddress base, BigInteger n) {
        return IpAddress.of(bytes(num(base).add(n), base.byteLength()));
    }

    /** The low {@code length} bytes of {@code n}, big-endian. */
    static byte[] bytes(BigInteger n, int length) {
        byte[] raw = n.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
    }
}

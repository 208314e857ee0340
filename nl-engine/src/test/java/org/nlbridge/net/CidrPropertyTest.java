package org.nlbridge.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Cidr against a model of closed ranges [first, last] of unsigned BigIntegers. */
class CidrPropertyTest {

    record Range(int family, BigInteger first, BigInteger last) {

        static Range of(Cidr c) {
            BigInteger hostMask = BigInteger.ONE.shiftLeft(c.hostBits()).subtract(BigInteger.ONE);
            BigInteger first = IpAddressPropertyTest.unsigned(c.address()).andNot(hostMask);
            return new Range(c.family(), first, first.add(hostMask));
        }

        boolean contains(int otherFamily, BigInteger x) {
            return family == otherFamily && first.compareTo(x) <= 0 && x.compareTo(last) <= 0;
        }
    }

    @Property
    void geometryMatchesTheModel(@ForAll("cidrs") Cidr c) {
        Range r = Range.of(c);
        assertEquals(r.first, IpAddressPropertyTest.unsigned(c.network()));
        assertEquals(r.last, IpAddressPropertyTest.unsigned(c.last()));
        assertEquals(r.last.subtract(r.first).add(BigInteger.ONE), c.size());
        assertEquals(c.subnet(), Cidr.parseSubnet("subnet", c.subnet().toString()));
        assertEquals(c, Cidr.parseInterface("bip", c.toString()));
    }

    @Property
    void containsAndOverlapsMatchTheModel(@ForAll("pairs") Cidr[] pair, @ForAll("offsets") long offset) {
        Cidr a = pair[0];
        Cidr b = pair[1];
        Range ra = Range.of(a);
        Range rb = Range.of(b);
        boolean sameFamily = a.family() == b.family();
        assertEquals(ra.contains(b.family(), IpAddressPropertyTest.unsigned(b.address())), a.contains(b.address()));
        assertEquals(sameFamily && ra.first.compareTo(rb.first) <= 0 && rb.last.compareTo(ra.last) <= 0,
                a.contains(b));
        assertEquals(sameFamily && ra.first.compareTo(rb.last) <= 0 && rb.first.compareTo(ra.last) <= 0,
                a.overlaps(b));
        assertEquals(a.overlaps(b), b.overlaps(a));
        // addresses just inside and just outside the edges
        for (IpAddress edge : new IpAddress[] {a.network(), a.last()}) {
            try {
                IpAddress x = edge.plus(offset);
                assertEquals(ra.contains(x.family(), IpAddressPropertyTest.unsigned(x)), a.contains(x));
            } catch (ArithmeticException outsideTheAddressSpace) {
                // nothing to compare
            }
        }
    }

    @Provide
    Arbitrary<Long> offsets() {
        return Arbitraries.longs().between(-2, 2);
    }

    @Provide
    Arbitrary<Cidr> cidrs() {
        return new IpAddressPropertyTest().addresses().flatMap(a ->
                Arbitraries.integers().between(0, a.bitLength()).map(p -> Cidr.of(a, p)));
    }

    /** Pairs that often share a prefix: the second address is the first with some low bits changed. */
    @Provide
    Arbitrary<Cidr[]> pairs() {
        Arbitrary<Cidr[]> related = cidrs().flatMap(a -> Combinators.combine(
                        Arbitraries.integers().between(0, a.address().bitLength()),
                        Arbitraries.longs(), Arbitraries.longs(),
                        Arbitraries.integers().between(0, a.address().bitLength()))
                .as((bits, r1, r2, prefix) -> {
                    BigInteger noise = new BigInteger(1, java.nio.ByteBuffer.allocate(16).putLong(r1).putLong(r2).array())
                            .and(BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE));
                    BigInteger other = IpAddressPropertyTest.unsigned(a.address()).xor(noise);
                    return new Cidr[] {a, Cidr.of(fromUnsigned(a.family(), other), prefix)};
                }));
        Arbitrary<Cidr[]> independent = Combinators.combine(cidrs(), cidrs()).as((a, b) -> new Cidr[] {a, b});
        return Arbitraries.oneOf(related, related, independent);
    }

    private static IpAddress fromUnsigned(int family, BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] bytes = new byte[family == IpAddress.AF_INET ? 4 : 16];
        int n = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - n, bytes, bytes.length - n, n);
        return IpAddress.of(bytes);
    }
}

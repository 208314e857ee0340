package org.nlbridge.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class IpAddressPropertyTest {

    @Property
    void ipv4RoundTripsAsDottedDecimal(@ForAll int bits) {
        Ipv4Address a = Ipv4Address.of(bits);
        String expected = (bits >>> 24) + "." + (bits >>> 16 & 255) + "." + (bits >>> 8 & 255) + "." + (bits & 255);
        assertEquals(expected, a.toString());
        assertEquals(a, Ipv4Address.parse("f", expected));
        assertEquals(a, IpAddress.parse("f", expected));
        assertEquals(a, Ipv4Address.of(a.bytes()));
    }

    @Property
    void ipv6PrintsRfc5952AndParsesBack(@ForAll("groups") List<Integer> groups) {
        Ipv6Address a = fromGroups(groups);
        String text = a.toString();
        assertEquals(rfc5952(groups), text);
        assertEquals(a, Ipv6Address.parse("f", text));
        assertEquals(a, IpAddress.parse("f", text));
        assertEquals(a, Ipv6Address.of(a.bytes()));
    }

    @Property
    void ipv6ParsesTheFullUncompressedFormInAnyCase(@ForAll("groups") List<Integer> groups, @ForAll boolean upper) {
        String full = groups.stream().map(g -> String.format(upper ? "%04X" : "%04x", g))
                .collect(Collectors.joining(":"));
        assertEquals(fromGroups(groups), Ipv6Address.parse("f", full));
    }

    @Property
    void plusMatchesBigIntegerArithmetic(@ForAll("addresses") IpAddress a, @ForAll long n) {
        BigInteger expected = unsigned(a).add(BigInteger.valueOf(n));
        if (expected.signum() < 0 || expected.bitLength() > a.bitLength()) {
            assertThrows(ArithmeticException.class, () -> a.plus(n));
        } else {
            assertEquals(expected, unsigned(a.plus(n)));
        }
    }

    @Property
    void orderIsFamilyThenNumeric(@ForAll("addresses") IpAddress a, @ForAll("addresses") IpAddress b) {
        int expected = a.family() != b.family() ? Integer.compare(a.family(), b.family())
                : unsigned(a).compareTo(unsigned(b));
        assertEquals(Integer.signum(expected), Integer.signum(a.compareTo(b)));
    }

    /** Zero groups are frequent so that "::" runs of every length and position occur. */
    @Provide
    Arbitrary<List<Integer>> groups() {
        Arbitrary<Integer> group = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(0xffff)),
                net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(0, 0xffff)));
        return group.list().ofSize(8);
    }

    @Provide
    Arbitrary<IpAddress> addresses() {
        Arbitrary<IpAddress> v4 = Arbitraries.integers().map(Ipv4Address::of);
        Arbitrary<IpAddress> v6 = groups().map(IpAddressPropertyTest::fromGroups);
        Arbitrary<IpAddress> v6Edges = Combinators.combine(Arbitraries.of(0L, -1L), Arbitraries.longs())
                .as(Ipv6Address::of);
        return Arbitraries.oneOf(v4, v6, v6Edges);
    }

    static Ipv6Address fromGroups(List<Integer> g) {
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 4; i++) {
            hi = hi << 16 | g.get(i);
            lo = lo << 16 | g.get(i + 4);
        }
        return Ipv6Address.of(hi, lo);
    }

    static BigInteger unsigned(IpAddress a) {
        return new BigInteger(1, a.bytes());
    }

    private static final Pattern ZERO_RUN = Pattern.compile("(?::0){2,}:");

    /** An independent model of RFC 5952: textual search for the first longest run of ":0" groups. */
    private static String rfc5952(List<Integer> g) {
        if (g.subList(0, 5).stream().allMatch(x -> x == 0) && g.get(5) == 0xffff) {
            return "::ffff:" + (g.get(6) >> 8) + "." + (g.get(6) & 255) + "." + (g.get(7) >> 8) + "." + (g.get(7) & 255);
        }
        String full = ":" + g.stream().map(x -> Integer.toHexString(x).toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(":")) + ":";
        Matcher m = ZERO_RUN.matcher(full);
        int start = -1;
        int end = -1;
        while (m.find()) {
            if (m.end() - m.start() > end - start) {
                start = m.start();
                end = m.end();
            }
        }
        String s = start < 0 ? full : full.substring(0, start) + "::" + full.substring(end);
        if (!s.startsWith("::")) {
            s = s.substring(1);
        }
        if (!s.endsWith("::")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}

package org.nlbridge.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.BiFunction;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every parser, fed arbitrary and almost-valid text: it either accepts a value that round-trips through
 * its canonical text, or throws a ValidationException whose message is one line naming the field.
 * Anything else (NumberFormatException, IndexOutOfBounds, ...) fails the property.
 */
class ParseFuzzPropertyTest {

    private record Parser(String field, BiFunction<String, String, Object> parse) {}

    private static final List<Parser> PARSERS = List.of(
            new Parser("ip", IpAddress::parse),
            new Parser("ipv4", Ipv4Address::parse),
            new Parser("ipv6", Ipv6Address::parse),
            new Parser("subnet", Cidr::parseSubnet),
            new Parser("bip", Cidr::parseInterface),
            new Parser("mac", MacAddress::parse),
            new Parser("mac_address", MacAddress::parseUnicast),
            new Parser("uplink", IfName::parse),
            new Parser("bridge", IfName::parseNew),
            new Parser("mtu", Mtu::parse),
            new Parser("publish", PortSpec::parse),
            new Parser("hostname", Hostname::parse),
            new Parser("dns_search", DnsSearchDomain::parse),
            new Parser("dns_opt", DnsOption::parse));

    /** Valid inputs of every type, to be mutated into the interesting near misses. */
    private static final List<String> SEEDS = List.of(
            "10.0.0.1", "255.255.255.255", "fe80::1", "::ffff:1.2.3.4", "2001:db8::1:0:0:1", "::",
            "10.0.0.0/24", "172.17.42.1/16", "fd00::/64", "02:42:ac:11:00:02", "eth0", "br-1a2b",
            "1500", "[::]:8000-8001:80-81/udp", "127.0.0.1:8080:80/tcp", "8080:80",
            "web-1.example.internal", "example.com.", "ndots:2", "single-request-reopen");

    private static final String ALPHABET = "0123456789abcdefABCDEFxX.:/%-[]_ \n\t\r\0#;,éÜ٠\u202e";

    @Property(tries = 1500)
    void arbitraryText(@ForAll("arbitrary") String text) {
        check(text);
    }

    @Property(tries = 1500)
    void nearMisses(@ForAll("mutated") String text) {
        check(text);
    }

    private static void check(String text) {
        for (Parser p : PARSERS) {
            Object value;
            try {
                value = p.parse.apply(p.field, text);
            } catch (ValidationException e) {
                assertTrue(e.getMessage().startsWith("invalid " + p.field + " \""), e.getMessage());
                assertFalse(e.getMessage().chars().anyMatch(c -> c == '\n' || c == '\r' || c == 0
                        || c == '\u2028' || c == '\u0085'), e.getMessage());
                assertEquals(text, e.value());
                continue;
            }
            assertEquals(value, p.parse.apply(p.field, value.toString()), p.field + " round trip of " + value);
            assertEquals(value.toString(), p.parse.apply(p.field, value.toString()).toString());
        }
    }

    @Provide
    Arbitrary<String> arbitrary() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars(ALPHABET.toCharArray()).ofMaxLength(48),
                Arbitraries.strings().all().ofMaxLength(48));
    }

    /** A valid seed with 1..3 characters inserted, deleted or replaced. */
    @Provide
    Arbitrary<String> mutated() {
        Arbitrary<Character> chars = Arbitraries.of(ALPHABET.chars().mapToObj(c -> (char) c).toList());
        Arbitrary<int[]> edit = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 1000), chars).as((kind, pos, c) -> new int[] {kind, pos, c});
        return Combinators.combine(Arbitraries.of(SEEDS), edit.list().ofMinSize(1).ofMaxSize(3)).as((seed, edits) -> {
            StringBuilder b = new StringBuilder(seed);
            for (int[] e : edits) {
                int at = b.isEmpty() ? 0 : e[1] % b.length();
                switch (e[0]) {
                    case 0 -> b.insert(at, (char) e[2]);
                    case 1 -> {
                        if (!b.isEmpty()) {
                            b.deleteCharAt(at);
                        }
                    }
                    default -> {
                        if (!b.isEmpty()) {
                            b.setCharAt(at, (char) e[2]);
                        }
                    }
                }
            }
            return b.toString();
        });
    }
}

package org.nlbridge.driver.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.nlbridge.spec.DnsSpec;

/**
 * Arbitrary host files, hostile characters included: reading never fails on anything but an absurd line, and the
 * container's file holds only known directives and one-line comments, so nothing in a host file can smuggle a line
 * in. Generating again from the generated file changes none of the directives.
 */
class ResolvConfPropertyTest {

    private static final List<String> KEYWORDS = List.of("nameserver", "search", "domain", "options", "sortlist",
            "#", ";", "", "nameserver\t", " nameserver");
    private static final List<String> SEEDS = List.of("10.0.0.2", "127.0.0.53", "fd00::53", "::1", "fe80::1%eth0",
            "corp.example", ".", "ndots:2", "rotate", "inet6", "edns0", "trust-ad", "timeout:99");
    private static final String ALPHABET = "0123456789abcdef.:%-_ \t\r\0#;,é\u2028\u0085\u202e";

    @Property(tries = 1000)
    void containerFileHoldsOnlyDirectivesAndComments(@ForAll("hostFiles") String host, @ForAll boolean ipv6) {
        String out = ResolvConf.parse("/etc/resolv.conf", host).forContainer(DnsSpec.HOST, ipv6);
        assertTrue(out.chars().noneMatch(c -> c == '\r' || c == 0 || c == '\u2028' || c == '\u0085'
                || c == '\u202e'), out);
        for (String line : out.split("\n")) {
            assertTrue(line.isEmpty() || line.startsWith("# ") || line.startsWith("nameserver ")
                    || line.startsWith("search ") || line.startsWith("options "), line);
        }
        ResolvConf again = ResolvConf.parse("/etc/resolv.conf", out);
        assertEquals(List.of(), again.notes(), out);
        assertEquals(directives(out), directives(again.forContainer(DnsSpec.HOST, ipv6)));
    }

    private static String directives(String text) {
        return text.substring(0, text.indexOf("\n#") + 1);
    }

    @Provide
    Arbitrary<String> hostFiles() {
        Arbitrary<String> word = Arbitraries.oneOf(
                Arbitraries.of(SEEDS),
                Arbitraries.strings().withChars(ALPHABET.toCharArray()).ofMaxLength(12),
                Arbitraries.of(SEEDS).flatMap(s -> Arbitraries.strings().withChars(ALPHABET.toCharArray())
                        .ofMaxLength(2).map(x -> s + x)));
        Arbitrary<String> line = Arbitraries.of(KEYWORDS)
                .flatMap(k -> word.list().ofMaxSize(4).map(ws -> k + " " + String.join(" ", ws)));
        return line.list().ofMaxSize(8).map(ls -> String.join("\n", ls));
    }
}

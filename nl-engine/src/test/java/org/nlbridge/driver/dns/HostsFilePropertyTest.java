package org.nlbridge.driver.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.nlbridge.net.DnsName;
import org.nlbridge.net.Hostname;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.ValidationException;

/**
 * Reference section 3.10 (no injection into generated files), the moby {@code etchosts} FuzzAdd idea: arbitrary
 * text, hostile characters included, offered as a host name, an alias and an {@code --add-host} name, and arbitrary
 * existing contents of {@code /etc/hosts}. The strict types refuse what could add a line or a field (one
 * {@link ValidationException}, never another exception); whatever they accept is written as one
 * {@code <address>\t<name> <name>...} line each, nothing else: the lines parse back to exactly the records given,
 * and the rewrite of the neighbours' section keeps the head of any existing file as it was.
 */
class HostsFilePropertyTest {

    private static final String ALPHABET = "ab0-._ \t\n\r\0#;,é\u2028\u0085\u202e";
    private static final Pattern LINE = Pattern.compile("[0-9a-f.:]+\t[A-Za-z0-9._-]+( [A-Za-z0-9._-]+)*");

    @Property(tries = 1000)
    void acceptedNamesMakeOneWellFormedLineEachAndParseBack(@ForAll("texts") String host, @ForAll("texts") String alias,
                                                             @ForAll("texts") String extra, @ForAll boolean ipv6Off) {
        Hostname hostname = parse(() -> Hostname.parse("hostname", host));
        DnsName a = parse(() -> DnsName.parse("aliases", alias));
        DnsName x = parse(() -> DnsName.parse("addHost", extra));
        if (hostname == null) return;
        List<IpAddress> addresses = List.of(Ipv4Address.of(0x0a000002));
        List<HostsFile.Entry> entries = new ArrayList<>();
        if (x != null) entries.add(new HostsFile.Entry(Ipv4Address.of(0x0a000009), List.of(x)));
        String neighbours = a == null ? "" : "10.0.0.3\t" + a + "\n";
        String out = HostsFile.hosts(hostname, addresses, ipv6Off, entries, neighbours);

        List<String> records = new ArrayList<>();
        for (String line : out.split("\n", -1)) {
            if (line.isEmpty() || line.equals(HostsFile.NEIGHBOURS.strip())) continue;
            assertTrue(LINE.matcher(line).matches(), () -> "not one record: " + escape(line) + " in " + escape(out));
            records.add(line);
        }
        assertTrue(out.endsWith("\n"));
        int expected = 1 + (ipv6Off ? 0 : 5) + entries.size() + addresses.size() + (a == null ? 0 : 1);
        assertEquals(expected, records.size(), escape(out));
        String own = hostname.toString();
        assertTrue(records.contains("10.0.0.2\t" + own + (own.contains(".") ? " " + own.substring(0, own.indexOf('.')) : "")),
                escape(out));
        if (x != null) assertTrue(records.contains("10.0.0.9\t" + x), escape(out));
    }

    @Property(tries = 500)
    void rewritingTheNeighboursKeepsAnyExistingHeadAsItWas(@ForAll("files") String existing, @ForAll boolean none) {
        String neighbours = none ? "" : "10.0.0.3\tdb\n";
        String out = HostsFile.withNeighbours(existing, neighbours);
        int at = existing.indexOf(HostsFile.NEIGHBOURS);
        String head = at < 0 ? existing : existing.substring(0, at);
        assertEquals(none ? head : head + HostsFile.NEIGHBOURS + neighbours, out);
        assertEquals(out, HostsFile.withNeighbours(out, neighbours), "a second rewrite changes nothing");
    }

    private static <T> T parse(java.util.function.Supplier<T> p) {
        try {
            return p.get();
        } catch (ValidationException refused) {
            assertTrue(!refused.getMessage().contains("\n"), "one line: " + refused.getMessage());
            return null;
        }
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars(ALPHABET.toCharArray()).ofMinLength(0).ofMaxLength(12),
                Arbitraries.of("web", "db.example.internal", "a-b", "x", "web\nevil", "a b", "a#b", "a,b", "-a", "a.")
                        .flatMap(s -> Arbitraries.strings().withChars(ALPHABET.toCharArray()).ofMaxLength(2).map(t -> s + t)));
    }

    @Provide
    Arbitrary<String> files() {
        Arbitrary<String> line = Arbitraries.oneOf(
                Arbitraries.strings().withChars(ALPHABET.toCharArray()).ofMaxLength(20),
                Arbitraries.just(HostsFile.NEIGHBOURS.strip()),
                Arbitraries.just("127.0.0.1\tlocalhost"));
        return line.list().ofMaxSize(8).map(ls -> String.join("\n", ls));
    }

    private static String escape(String s) {
        return s.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r").replace("\0", "\\0");
    }
}

package org.nlbridge.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.nlbridge.net.Rejection.assertMessage;
import static org.nlbridge.net.Rejection.assertRejected;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Hostname, DnsSearchDomain and DnsOption: the names that end up in resolv.conf and /etc/hosts. */
class DnsNamesTest {

    private static final String HOSTNAME = "a host name like web-1 or db.example.internal (labels of 1..63"
            + " letters, digits or '-' separated by '.', no '-' at either end of a label, 64 bytes in all)";
    private static final String DOMAIN = "a domain like example.internal (labels of 1..63 letters, digits"
            + " or '-' separated by '.', no '-' at either end of a label, 253 bytes in all)";
    private static final String OPTION = "a resolver option, one of attempts:n, debug, edns0, ndots:n, no-aaaa,"
            + " no-check-names, no-reload, no-tld-query, rotate, single-request, single-request-reopen, timeout:n,"
            + " trust-ad, use-vc";
    private static final String INJECTION = " (it could inject text into resolv.conf or /etc/hosts)";

    private static void rejectsHostname(String text, String reason) {
        assertRejected("hostname", text, reason, HOSTNAME, () -> Hostname.parse("hostname", text));
    }

    private static void rejectsDomain(String text, String reason) {
        assertRejected("dns_search", text, reason, DOMAIN, () -> DnsSearchDomain.parse("dns_search", text));
    }

    private static void rejectsOption(String text, String reason) {
        assertRejected("dns_opt", text, reason, OPTION, () -> DnsOption.parse("dns_opt", text));
    }

    @Test
    void everyNameRefusesTheInjectionCharacters() {
        String[][] cases = {
            {"a\nb", "'\\n'"}, {"a\rb", "'\\r'"}, {"a\0b", "'\\0'"}, {"a\tb", "'\\t'"}, {"a b", "' '"},
            {"a\u00a0b", "'\u00a0'"}, {"a#b", "'#'"}, {"a;b", "';'"}, {"a,b", "','"},
        };
        for (String[] c : cases) {
            String shown = c[0].replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0").replace("\t", "\\t");
            String reason = "forbidden character " + c[1] + INJECTION;
            assertMessage("invalid hostname \"" + shown + "\": " + reason + "; expected " + HOSTNAME,
                    () -> Hostname.parse("hostname", c[0]));
            assertMessage("invalid dns_search \"" + shown + "\": " + reason + "; expected " + DOMAIN,
                    () -> DnsSearchDomain.parse("dns_search", c[0]));
            assertMessage("invalid dns_opt \"" + shown + "\": " + reason + "; expected " + OPTION,
                    () -> DnsOption.parse("dns_opt", c[0]));
        }
        // the classic: a second line smuggled into /etc/hosts
        assertMessage("invalid hostname \"web\\n10.0.0.66 bank.example\": forbidden character '\\n'" + INJECTION
                + "; expected " + HOSTNAME, () -> Hostname.parse("hostname", "web\n10.0.0.66 bank.example"));
    }

    @Test
    void hostnameFollowsRfc1123AndDockersLength() {
        for (String s : new String[] {"web-1", "Web1", "db.example.internal", "1a", "x".repeat(63), "a.".repeat(31) + "ab"}) {
            assertEquals(s, Hostname.parse("hostname", s).toString());
        }
        rejectsHostname("x".repeat(65), "65 bytes, above the limit of 64");
        rejectsHostname("x".repeat(64), "label of 64 bytes, above the limit of 63");
        rejectsHostname("web_1", "character '_' not allowed (a label holds letters, digits and '-')");
        rejectsHostname("-web", "label \"-web\" starts or ends with '-'");
        rejectsHostname("web.-a", "label \"-a\" starts or ends with '-'");
        rejectsHostname("web-", "label \"web-\" starts or ends with '-'");
        rejectsHostname("a..b", "empty label (\"..\")");
        rejectsHostname("host.", "ends with '.'");
        rejectsHostname(".host", "starts with '.'");
        rejectsHostname("Ünïcode", "non-ASCII character 'Ü' (write internationalised names in their xn-- form)");
        rejectsHostname("", "empty");
    }

    @Test
    void searchDomainTakesOneTrailingDot() {
        assertEquals("example.com", DnsSearchDomain.parse("dns_search", "example.com.").toString());
        assertEquals(DnsSearchDomain.parse("d", "example.com"), DnsSearchDomain.parse("d", "example.com."));
        assertEquals("Corp.Example", DnsSearchDomain.parse("d", "Corp.Example").toString());
        String longest = ("x".repeat(62) + ".").repeat(4) + "x";  // 253 bytes
        assertEquals(longest, DnsSearchDomain.parse("d", longest).toString());
        String tooLong = longest + "x";
        ValidationException e = assertMessage("invalid dns_search \"" + tooLong.substring(0, 128)
                + "\"... (254 chars): 254 bytes, above the limit of 253; expected " + DOMAIN,
                () -> DnsSearchDomain.parse("dns_search", tooLong));
        assertEquals(tooLong, e.value(), "the exception keeps the whole value; only the message is cut");
        rejectsDomain(".", "the root \".\" is not a search domain");
        rejectsDomain("example.com..", "ends with '.'");
        rejectsDomain("x".repeat(64) + ".com", "label of 64 bytes, above the limit of 63");
        rejectsDomain("ex@mple.com", "character '@' not allowed (a label holds letters, digits and '-')");
        rejectsDomain("", "empty");
    }

    @Test
    void knownOptionsWithCheckedValues() {
        DnsOption ndots = DnsOption.parse("dns_opt", "ndots:2");
        assertEquals("ndots", ndots.name());
        assertEquals(OptionalInt.of(2), ndots.value());
        assertEquals("ndots:2", ndots.toString());
        assertEquals(OptionalInt.empty(), DnsOption.parse("dns_opt", "rotate").value());
        assertNotEquals(ndots, DnsOption.parse("dns_opt", "ndots:3"));
        for (String s : new String[] {"ndots:0", "ndots:15", "timeout:1", "timeout:30", "attempts:1", "attempts:5",
                "debug", "edns0", "no-aaaa", "no-check-names", "no-reload", "no-tld-query", "rotate",
                "single-request", "single-request-reopen", "trust-ad", "use-vc"}) {
            assertEquals(s, DnsOption.parse("dns_opt", s).toString());
        }
    }

    @Test
    void refusesUnknownOptionsAndBadValues() {
        rejectsOption("foo", "unknown option \"foo\"");
        rejectsOption("inet6", "unknown option \"inet6\"");
        rejectsOption("NDOTS:1", "character 'N' not allowed in an option name (a-z, 0-9 and '-')");
        rejectsOption("ndots", "\"ndots\" needs a value, like ndots:15");
        rejectsOption("rotate:1", "\"rotate\" takes no value");
        rejectsOption("ndots:abc", "ndots value \"abc\": not a decimal integer (unexpected 'a')");
        rejectsOption("ndots:", "ndots value \"\": empty");
        rejectsOption("ndots:-1", "ndots value \"-1\": not a decimal integer (unexpected '-')");
        rejectsOption("ndots:16", "ndots value \"16\" above 15, where the resolver caps it");
        rejectsOption("timeout:0", "timeout value \"0\" below 1");
        rejectsOption("attempts:6", "attempts value \"6\" above 5, where the resolver caps it");
        rejectsOption("ndots:1:2", "ndots value \"1:2\": not a decimal integer (unexpected ':')");
        rejectsOption("", "empty");
    }
}

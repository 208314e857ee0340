package org.nlbridge.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nlbridge.net.DnsOption;
import org.nlbridge.net.DnsSearchDomain;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;

/** The --dns, --dns-search and --dns-opt values, each checked by its strict type as it is added. */
public class DnsSpecTest {

    private static final String INJECTION = " (it could inject text into resolv.conf or /etc/hosts)";

    public static void assertMessage(String expected, Executable call) {
        assertEquals(expected, assertThrows(ValidationException.class, call).getMessage());
    }

    @Test
    void keepsValuesInOrderAndCanonical() {
        DnsSpec spec = DnsSpec.builder().nameserver("192.0.2.53").nameserver("2001:DB8::1").search("b.example.")
                .search("a.example").option("ndots:3").option("rotate").build();
        assertEquals("[192.0.2.53, 2001:db8::1]", spec.nameservers().toString());
        assertEquals("[b.example, a.example]", spec.search().toString());
        assertEquals("[ndots:3, rotate]", spec.options().toString());
        assertEquals(spec, DnsSpec.builder().nameserver(IpAddress.parse("x", "192.0.2.53"))
                .nameserver(IpAddress.parse("x", "2001:db8::1")).search(DnsSearchDomain.parse("x", "b.example"))
                .search(DnsSearchDomain.parse("x", "a.example")).option(DnsOption.parse("x", "ndots:3"))
                .option(DnsOption.parse("x", "rotate")).build());
        assertEquals(List.of(), DnsSpec.HOST.nameservers());
    }

    @Test
    void injectionAttemptsFailWithTheFieldNamed() {
        assertMessage("invalid dns_search \"corp.example;evil\": forbidden character ';'" + INJECTION + "; expected "
                + DnsSearchDomain.ACCEPTED, () -> DnsSpec.builder().search("corp.example;evil"));
        assertMessage("invalid dns_opt \"ndots:1 rotate\": forbidden character ' '" + INJECTION + "; expected "
                + DnsOption.ACCEPTED, () -> DnsSpec.builder().option("ndots:1 rotate"));
        assertMessage("invalid dns_opt \"ndots:1\\nnameserver 6.6.6.6\": forbidden character '\\n'" + INJECTION
                + "; expected " + DnsOption.ACCEPTED, () -> DnsSpec.builder().option("ndots:1\nnameserver 6.6.6.6"));
        assertMessage("invalid dns \"8.8.8.8\\nnameserver 6.6.6.6\": contains whitespace; expected "
                + IpAddress.ACCEPTED, () -> DnsSpec.builder().nameserver("8.8.8.8\nnameserver 6.6.6.6"));
        assertMessage("invalid dns \"dns.google\": looks like a host name; only IP literals are accepted, names are"
                + " never resolved; expected " + IpAddress.ACCEPTED, () -> DnsSpec.builder().nameserver("dns.google"));
        assertMessage("invalid dns: no value given; expected " + IpAddress.ACCEPTED,
                () -> DnsSpec.builder().nameserver((String) null));
    }
}

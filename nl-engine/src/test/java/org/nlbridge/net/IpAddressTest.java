package org.nlbridge.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.nlbridge.net.Rejection.assertRejected;

import org.junit.jupiter.api.Test;

class IpAddressTest {

    private static final String ACCEPTED = "an IP address like 10.0.0.1 or fd00::1";

    @Test
    void picksTheFamilyFromTheText() {
        assertInstanceOf(Ipv4Address.class, IpAddress.parse("dns", "10.0.0.1"));
        assertInstanceOf(Ipv6Address.class, IpAddress.parse("dns", "::ffff:10.0.0.1"));
        assertEquals("fd00::1", IpAddress.parse("dns", "fd00:0::1").toString());
    }

    @Test
    void namesTheFieldAndTheGenericAcceptedForm() {
        assertRejected("dns", "8.8.8", "3 parts; an IPv4 address has exactly 4", ACCEPTED,
                () -> IpAddress.parse("dns", "8.8.8"));
        assertRejected("dns", "dns.google",
                "looks like a host name; only IP literals are accepted, names are never resolved", ACCEPTED,
                () -> IpAddress.parse("dns", "dns.google"));
        assertRejected("dns", "fe80::1%eth0",
                "zone index \"%eth0\" is not accepted; give the interface separately", ACCEPTED,
                () -> IpAddress.parse("dns", "fe80::1%eth0"));
    }
}

package org.nlbridge.driver.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nlbridge.net.Hostname;
import org.nlbridge.net.IpAddress;

/** /etc/hosts and /etc/hostname, byte for byte. */
class HostsFileTest {

    private static Hostname name(String s) {
        return Hostname.parse("hostname", s);
    }

    private static IpAddress ip(String s) {
        return IpAddress.parse("address", s);
    }

    @Test
    void hostsWithIpv6() {
        assertEquals("""
                127.0.0.1\tlocalhost
                ::1\tlocalhost ip6-localhost ip6-loopback
                fe00::\tip6-localnet
                ff00::\tip6-mcastprefix
                ff02::1\tip6-allnodes
                ff02::2\tip6-allrouters
                172.17.0.2\tweb
                fd00::2\tweb
                """, HostsFile.hosts(name("web"), List.of(ip("172.17.0.2"), ip("fd00::2")), false));
    }

    @Test
    void ipv6LinesLeftOutWhenIpv6IsDisabled() {
        assertEquals("127.0.0.1\tlocalhost\n172.17.0.2\tweb\n",
                HostsFile.hosts(name("web"), List.of(ip("172.17.0.2")), true));
    }

    @Test
    void fullyQualifiedNameAlsoGetsItsShortName() {
        assertEquals("127.0.0.1\tlocalhost\n10.1.2.3\tdb.corp.example db\n",
                HostsFile.hosts(name("db.corp.example"), List.of(ip("10.1.2.3")), true));
    }

    @Test
    void noAddressesOnlyLocalhost() {
        assertEquals("127.0.0.1\tlocalhost\n", HostsFile.hosts(name("web"), List.of(), true));
    }

    @Test
    void hostnameFileIsTheNameAndANewline() {
        assertEquals("web\n", HostsFile.hostname(name("web")));
        assertEquals("db.corp.example\n", HostsFile.hostname(name("db.corp.example")));
    }
}

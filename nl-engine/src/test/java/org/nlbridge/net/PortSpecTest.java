package org.nlbridge.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.nlbridge.net.Rejection.assertRejected;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PortSpecTest {

    private static final String ACCEPTED = "[host-ip:]host-port[-end]:container-port[-end][/tcp|/udp],"
            + " like 8080:80, 127.0.0.1:8080:80/tcp or [::]:8000-8001:80-81/udp (ports 1..65535)";

    private static void rejects(String text, String reason) {
        assertRejected("publish", text, reason, ACCEPTED, () -> PortSpec.parse("publish", text));
    }

    private static IpAddress ip(String text) {
        return IpAddress.parse("ip", text);
    }

    @ParameterizedTest
    @CsvSource({
        "8080:80, 8080:80/tcp",
        "8080:80/udp, 8080:80/udp",
        "8080:80/TCP, 8080:80/tcp",
        "127.0.0.1:8080:80, 127.0.0.1:8080:80/tcp",
        "0.0.0.0:53:53/udp, 0.0.0.0:53:53/udp",
        "[::1]:8080:80, [::1]:8080:80/tcp",
        "[0:0::1]:8080:80, [::1]:8080:80/tcp",
        "[::]:443:443, [::]:443:443/tcp",
        "8000-8002:9000-9002, 8000-8002:9000-9002/tcp",
        "8080-8080:80-80, 8080:80/tcp",
        "1:65535, 1:65535/tcp",
    })
    void printsCanonicalText(String text, String canonical) {
        PortSpec p = PortSpec.parse("publish", text);
        assertEquals(canonical, p.toString());
        assertEquals(p, PortSpec.parse("publish", canonical));
    }

    @Test
    void expandsRangesIntoMappings() {
        PortSpec p = PortSpec.parse("publish", "[::1]:8000-8002:9000-9002/udp");
        assertEquals(IpProtocol.UDP, p.protocol());
        assertEquals(ip("::1"), p.hostIp());
        assertEquals(3, p.portCount());
        assertEquals(List.of(
                new PortMapping(IpProtocol.UDP, ip("::1"), 8000, 9000),
                new PortMapping(IpProtocol.UDP, ip("::1"), 8001, 9001),
                new PortMapping(IpProtocol.UDP, ip("::1"), 8002, 9002)), p.mappings());
        assertEquals("[::1]:8001:9001/udp", p.mappings().get(1).toString());
        PortSpec all = PortSpec.parse("publish", "80:8080");
        assertNull(all.hostIp());
        assertEquals(IpProtocol.TCP, all.protocol());
        assertEquals(List.of(new PortMapping(IpProtocol.TCP, null, 80, 8080)), all.mappings());
        assertEquals("80:8080/tcp", all.mappings().get(0).toString());
        assertEquals(6, IpProtocol.TCP.number());
        assertEquals(17, IpProtocol.UDP.number());
    }

    @Test
    void refusesPortsOutsideTheRange() {
        rejects("70000:80", "host port \"70000\" outside 1..65535");
        rejects("8080:70000", "container port \"70000\" outside 1..65535");
        rejects("0:80", "host port \"0\" outside 1..65535");
        rejects("8080:99999999999", "container port \"99999999999\" outside 1..65535");
        rejects("08080:80", "host port \"08080\": leading zero");
        rejects("http:80", "host port \"http\": not a decimal integer (unexpected 'h')");
        rejects("8080 :80", "host port \"8080 \": not a decimal integer (unexpected ' ')");
    }

    @Test
    void refusesMismatchedRanges() {
        rejects("8080-8081:80", "2 host ports (\"8080-8081\") but 1 container port (\"80\"); the counts must match"
                + " (a host range with one container port, where Docker picks one free host port, is not supported)");
        rejects("8080:80-81", "1 host port (\"8080\") but 2 container ports (\"80-81\"); the counts must match");
        rejects("8080-8081:80-82", "2 host ports (\"8080-8081\") but 3 container ports (\"80-82\"); the counts must match");
        rejects("8090-8080:80", "host port range \"8090-8080\" ends before it starts");
        rejects("8080-:80", "host port range \"8080-\" is incomplete");
        rejects("8080:-80", "container port range \"-80\" is incomplete");
        rejects("8080-8081-8082:80", "host port \"8081-8082\": not a decimal integer (unexpected '-')");
    }

    @Test
    void refusesBadShapes() {
        rejects("80", "no ':'; both a host port and a container port are required");
        rejects("", "empty");
        rejects(":80", "empty host port");
        rejects("8080:", "empty container port");
        rejects("127.0.0.1::80", "empty host port");
        rejects(":8080:80", "empty host address; leave it out to publish on all addresses");
        rejects("::1:8080:80", "too many ':'; an IPv6 host address goes in brackets, like [::1]:8080:80");
        rejects("[::1]:8080:80:90", "too many ':' after the bracketed host address");
        rejects("[::1:8080:80", "'[' without ']'");
        rejects("[::1]8080:80", "':' expected after ']'");
        rejects("[::1]", "':' expected after ']'");
        rejects("[10.0.0.1]:8080:80", "brackets are only for an IPv6 host address");
    }

    @Test
    void refusesBadHostAddresses() {
        rejects("010.0.0.1:8080:80",
                "host address \"010.0.0.1\": leading zero in part \"010\" (it could be read as octal)");
        rejects("localhost:8080:80", "host address \"localhost\": looks like a host name;"
                + " only IP literals are accepted, names are never resolved");
        rejects("[fe80::1%eth0]:8080:80",
                "host address \"fe80::1%eth0\": zone index \"%eth0\" is not accepted; give the interface separately");
    }

    @Test
    void refusesUnknownProtocols() {
        rejects("8080:80/sctp", "unknown protocol \"sctp\" (tcp or udp)");
        rejects("8080:80/", "empty protocol after '/'");
        rejects("8080:80/tcp/udp", "unknown protocol \"tcp/udp\" (tcp or udp)");
    }

    @Test
    void ofChecksRawValues() {
        assertEquals("10.0.0.1:1-2:3-4/udp",
                PortSpec.of(IpProtocol.UDP, ip("10.0.0.1"), 1, 2, 3, 4).toString());
        assertThrows(IllegalArgumentException.class, () -> PortSpec.of(IpProtocol.TCP, null, 0, 0, 80, 80));
        assertThrows(IllegalArgumentException.class, () -> PortSpec.of(IpProtocol.TCP, null, 1, 2, 80, 80));
        assertThrows(IllegalArgumentException.class, () -> PortSpec.of(IpProtocol.TCP, null, 2, 1, 80, 79));
        assertThrows(IllegalArgumentException.class, () -> new PortMapping(IpProtocol.TCP, null, 1, 65536));
    }
}

package org.nlbridge.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nlbridge.net.ValidationException;

/**
 * A value the Java validators reject stops the script at its line, with the validator's message; the cross-checks
 * of the whole are reported at the declaration they are about. Either way there is no desired state.
 */
class RunTimeErrorTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            mtu 67                     | net.groovy:3: invalid network bridge: mtu "67": below the IPv4 minimum 68; expected an integer 68..65535
            mtu(-1)                    | net.groovy:3: invalid network bridge: mtu "-1": not a decimal integer (unexpected '-'); expected an integer 68..65535
            bridge 'docker0-too-long1' | net.groovy:3: invalid network bridge: bridge "docker0-too-long1": 17 bytes, above the limit of 15 (IFNAMSIZ 16 includes the NUL); expected an interface name of 1..15 bytes from A-Z a-z 0-9 _ . -, not starting with '-' or '.', other than all, default and lo
            bip '172.17.0.0/33'        | net.groovy:3: invalid network bridge: bip "172.17.0.0/33": prefix length "33" above the IPv4 maximum 32; expected an address with prefix length like 172.17.42.1/16 or fd00::1/64 (prefix 0..32 for IPv4, 0..128 for IPv6)
            firewall 'iptables'        | net.groovy:3: invalid network bridge: firewall "iptables": the iptables backend would need the iptables-restore program, and nlbridge never runs firewall programs (it speaks nf_tables over netlink); expected nftables or none
            driver 'plain'             | net.groovy:3: invalid network bridge: driver "plain": no such network driver; expected one of bridge, overlay
            dns { search 'a b' }       | net.groovy:3: invalid network bridge: dns_search "a b": forbidden character ' ' (it could inject text into resolv.conf or /etc/hosts); expected a domain like example.internal (labels of 1..63 letters, digits or '-' separated by '.', no '-' at either end of a label, 253 bytes in all)
            """)
    void aBadValueStopsTheScriptAtItsLine(String line, String expected) {
        assertEquals(expected, Scripts.error("// line 1\nnetwork('bridge') {\n    " + line + "\n}\n"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '`', textBlock = """
            publish '70000:80' => net.groovy:3: invalid container web: publish "70000:80": host port "70000" outside 1..65535; expected [host-ip:]host-port[-end]:container-port[-end][/tcp|/udp], like 8080:80, 127.0.0.1:8080:80/tcp or [::]:8000-8001:80-81/udp (ports 1..65535)
            hostname "web\\nevil" => net.groovy:3: invalid container web: hostname "web\\nevil": forbidden character '\\n' (it could inject text into resolv.conf or /etc/hosts); expected a host name like web-1 or db.example.internal (labels of 1..63 letters, digits or '-' separated by '.', no '-' at either end of a label, 64 bytes in all)
            ip '172.17.0.010' => net.groovy:3: invalid container web: ip "172.17.0.010": leading zero in part "010" (it could be read as octal); expected an IPv4 address like 10.0.0.1 (four decimal parts 0..255, no leading zeros)
            mac '01:00:5e:00:00:01' => net.groovy:3: invalid container web: mac "01:00:5e:00:00:01": multicast address (lowest bit of the first octet set); expected a unicast MAC address like 02:42:ac:11:00:02 (six two-digit hex groups separated by ':', lowest bit of the first octet clear)
            dns { nameserver 'dns.google' } => net.groovy:3: invalid container web: dns "dns.google": looks like a host name; only IP literals are accepted, names are never resolved; expected an IP address like 10.0.0.1 or fd00::1
            connect 'back', ip: '10.2.0.300' => net.groovy:3: invalid container web: connect back ip "10.2.0.300": part "300" above 255; expected an IPv4 address like 10.0.0.1 (four decimal parts 0..255, no leading zeros)
            connect 'back', ifname: 'eth0' => net.groovy:2: invalid container web: connect back ifname "eth0": another of its interfaces has that name; expected an interface name of its own
            connect 'bridge' => net.groovy:2: invalid container web: connect "bridge": already on that network; expected each network once (its first network is bridge)
            connect 'host' => net.groovy:3: invalid container web: connect "host": not a bridge network; expected the name of a network of the script (not host, none or container:<name>)
            connect 'back', alias: 'a b' => net.groovy:3: invalid container web: connect back alias "a b": forbidden character ' ' (it could inject text into resolv.conf or /etc/hosts); expected a name like db, web_1 or db.backend (labels of 1..63 letters, digits, '-' or '_' separated by '.', 253 bytes in all)
            connect 'back', vlan: 5 => net.groovy:3: unknown named option vlan: (like connect 'backend', ip: '172.18.0.10')
            connect 'back', defaultRoute: true; defaultRoute true => net.groovy:2: invalid container web: defaultRoute "true": asked for by 2 of its networks; expected defaultRoute true on one network at most (the first network has it unless another asks)
            """)
    void aBadContainerValueStopsTheScriptAtItsLine(String line, String expected) {
        // (what needs the whole block, a network or an interface name twice, is reported at the block's line)
        assertEquals(expected, Scripts.error("network 'bridge'\ncontainer('web') {\n    " + line + "\n}\n"
                + "network('back') { bridge 'back0'; bip '10.2.0.1/24' }\n"));
    }

    @Test
    void aConnectToANetworkTheScriptLacksIsReportedAtTheContainer() {
        assertEquals("net.groovy:2: invalid container web: connect \"back\": no such network in this script; expected one of"
                + " [bridge]", Scripts.error("network 'bridge'\ncontainer('web') {\n    connect 'back'\n}\n"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '`', textBlock = """
            addHost 'db.local' => net.groovy:3: invalid container web: addHost "db.local": no ':' or '=' between the host name and the address; expected NAME:IP or NAME=IP, like db.local:10.1.2.3, db6:2001:db8::5, db6:[2001:db8::5] or host.docker.internal:host-gateway (the network's gateway)
            addHost 'db.local:' => net.groovy:3: invalid container web: addHost "db.local:": no address after the host name; expected NAME:IP or NAME=IP, like db.local:10.1.2.3, db6:2001:db8::5, db6:[2001:db8::5] or host.docker.internal:host-gateway (the network's gateway)
            addHost ':10.1.2.3' => net.groovy:3: invalid container web: addHost ":10.1.2.3": no host name before the separator; expected NAME:IP or NAME=IP, like db.local:10.1.2.3, db6:2001:db8::5, db6:[2001:db8::5] or host.docker.internal:host-gateway (the network's gateway)
            addHost 'db.local:10.1.2' => net.groovy:3: invalid container web: addHost "db.local:10.1.2": address: 3 parts; an IPv4 address has exactly 4; expected NAME:IP or NAME=IP, like db.local:10.1.2.3, db6:2001:db8::5, db6:[2001:db8::5] or host.docker.internal:host-gateway (the network's gateway)
            addHost 'db local:10.1.2.3' => net.groovy:3: invalid container web: addHost "db local:10.1.2.3": host name: forbidden character ' ' (it could inject text into resolv.conf or /etc/hosts); expected NAME:IP or NAME=IP, like db.local:10.1.2.3, db6:2001:db8::5, db6:[2001:db8::5] or host.docker.internal:host-gateway (the network's gateway)
            addHost 'db.local:10.1.2.3', 'gw:gateway' => net.groovy:3: invalid container web: addHost "gw:gateway": address: looks like a host name; only IP literals are accepted, names are never resolved; expected NAME:IP or NAME=IP, like db.local:10.1.2.3, db6:2001:db8::5, db6:[2001:db8::5] or host.docker.internal:host-gateway (the network's gateway)
            alias 'db', "x\\ny" => net.groovy:3: invalid container web: alias "x\\ny": forbidden character '\\n' (it could inject text into resolv.conf or /etc/hosts); expected a name like db, web_1 or db.backend (labels of 1..63 letters, digits, '-' or '_' separated by '.', 253 bytes in all)
            """)
    void addHostAndAliasValues(String line, String expected) {
        assertEquals(expected, Scripts.error("network 'bridge'\ncontainer('web') {\n    " + line + "\n}\n"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '`', textBlock = """
            network 'host'; addHost 'gw:host-gateway' => net.groovy:3: invalid container web: addHost "gw:host-gateway": host-gateway is the gateway of the container's bridge network, and network host has none; expected an IP address, or a container on a bridge network
            network 'none'; alias 'db' => net.groovy:3: invalid container web: alias "db": only a container on a bridge network has its own alias (this one uses network none); expected no alias with network none
            network 'container:other'; addHost 'db.local:10.1.2.3' => net.groovy:3: invalid container web: addHost "db.local:10.1.2.3": a container sharing another's namespace shares its /etc/hosts too (Docker refuses it as well); expected addHost on container other
            """)
    void addHostAndAliasNeedABridgeNetwork(String line, String expected) {
        assertEquals(expected, Scripts.error("network 'bridge'\ncontainer('other')\ncontainer('web') {\n    " + line
                + "\n}\n"));
    }

    @Test
    void aRuleThatNeedsTheWholeBlockIsReportedAtTheBlock() {
        assertEquals("net.groovy:3: invalid container web: ip \"172.17.0.5\": only a container on a bridge network"
                        + " has its own ip (this one uses network host); expected no ip with network host",
                Scripts.error("network 'bridge'\n\ncontainer('web') {\n    network 'host'\n    ip '172.17.0.5'\n}\n"));
    }

    @Test
    void aDuplicateHostPortIsReportedAtTheSecondContainer() {
        assertEquals("net.groovy:4: invalid container b: publish \"8080:81/tcp\": host port tcp/8080 is already"
                        + " published by container a; expected a host port not used by another container",
                Scripts.error("""
                        network 'bridge'
                        container('a') { publish '8080:80' }
                        // b
                        container('b') {
                            publish '8080:81'
                        }
                        """));
    }

    @Test
    void aNetworkDefinedTwiceIsReportedAtTheSecondDefinition() {
        assertEquals("net.groovy:3: invalid network \"bridge\": defined twice; expected unique network names",
                Scripts.error("network('bridge') { bridge 'br1' }\n\nnetwork('bridge') { bridge 'br2' }\n"));
    }

    @Test
    void anUnknownNetworkIsReportedAtTheContainer() {
        assertEquals("net.groovy:2: invalid container web: network \"lan\": no such network in this script;"
                + " expected one of [bridge], host, none or container:<name>",
                Scripts.error("network 'bridge'\ncontainer('web') { network 'lan' }\n"));
    }

    @Test
    void aBadNameIsReportedAtItsDeclaration() {
        assertEquals("net.groovy:2: invalid network \"../etc\": starts with '.'; expected 1-64"
                + " characters from [A-Za-z0-9_.-], not starting with '.' or '-'",
                Scripts.error("\nnetwork('../etc') { mtu 1500 }\n"));
    }

    @Test
    void anExceptionOfTheScriptItselfIsReportedAtItsLine() {
        DslException e = assertThrows(DslException.class, () -> Scripts.eval("""
                network 'bridge'
                String s = null
                container(s.trim())
                """));
        assertEquals(3, e.line());
        assertInstanceOf(NullPointerException.class, e.getCause());
        assertEquals("net.groovy:3: IllegalStateException: boom", Scripts.error("\n\nthrow new IllegalStateException('boom')\n"));
        assertEquals("net.groovy:2: assertion failed: assert subnet.endsWith('/16')",
                Scripts.error("def subnet = '10.0.0.1/24'\nassert subnet.endsWith('/16')\nnetwork('b') { bip subnet }\n"));
    }

    @Test
    void theValidationExceptionIsKeptAsTheCause() {
        DslException e = assertThrows(DslException.class, () -> Scripts.eval("network('b') { mtu 10 }\n"));
        ValidationException v = assertInstanceOf(ValidationException.class, e.getCause());
        assertEquals("network b: mtu", v.field());
        assertEquals(1, e.line());
        assertEquals("invalid network b: mtu \"10\": below the IPv4 minimum 68; expected an integer 68..65535",
                e.detail());
    }
}

package org.nlbridge.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Typos and wrong types are compile errors, reported as {@code FILE:LINE: message} in the script's words, before
 * any line of the script has run.
 */
class CompileErrorTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            mtuu 1500         | net.groovy:2: unknown key 'mtuu' in a network block; did you mean 'mtu'?
            ipmasq true       | net.groovy:2: unknown key 'ipmasq' in a network block; did you mean 'ipMasq'?
            gateway '10.0.0.1' | net.groovy:2: unknown key 'gateway' in a network block; the keys here are driver, bridge, useBridge, bip, subnet, vni, fixedCidr, fixedCidrV6, mtu, icc, ipMasq, ipForward, internal, firewall, macFromIp, gatewayMode, gatewayModeV6, hostBindingIp, dns
            mtu 'abc'         | net.groovy:2: mtu in a network block takes a whole number, not a string (like mtu 1400)
            mtu 1500.5        | net.groovy:2: mtu in a network block takes a whole number, not a decimal number (like mtu 1400)
            icc 'false'       | net.groovy:2: icc in a network block takes true or false, not a string (like icc false)
            icc 0             | net.groovy:2: icc in a network block takes true or false, not a number (like icc false)
            bip 10            | net.groovy:2: bip in a network block takes a quoted string, not a number (like bip '172.17.42.1/16')
            bridge 'a', 'b'   | net.groovy:2: bridge in a network block takes a quoted string, not a string and a string (like bridge 'docker0')
            mtu = 1500        | net.groovy:2: mtu in a network block is written without '=' (like mtu 1400)
            icc               | net.groovy:2: icc in a network block needs a value (like icc false)
            mtu -1            | net.groovy:2: mtu in a network block needs a value (like mtu 1400)
            bridge docker0    | net.groovy:2: unknown name 'docker0' in a network block (is it text without quotes? write 'docker0')
            publish '80:80'   | net.groovy:2: unknown key 'publish' in a network block (publish belongs in a container block); the keys here are driver, bridge, useBridge, bip, subnet, vni, fixedCidr, fixedCidrV6, mtu, icc, ipMasq, ipForward, internal, firewall, macFromIp, gatewayMode, gatewayModeV6, hostBindingIp, dns
            container('x')    | net.groovy:2: unknown key 'container' in a network block (container belongs at the top level of the script); the keys here are driver, bridge, useBridge, bip, subnet, vni, fixedCidr, fixedCidrV6, mtu, icc, ipMasq, ipForward, internal, firewall, macFromIp, gatewayMode, gatewayModeV6, hostBindingIp, dns
            dns { nameservr '1.1.1.1' } | net.groovy:2: unknown key 'nameservr' in a dns block; did you mean 'nameserver'?
            [1, 2].each { int i -> mtuu i } | net.groovy:2: unknown key 'mtuu' in a network block; did you mean 'mtu'?
            """)
    void insideANetworkBlock(String line, String expected) {
        assertEquals(expected, Scripts.error("network('bridge') {\n    " + line + "\n}\n"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            hostnme 'web1'    | net.groovy:2: unknown key 'hostnme' in a container block; did you mean 'hostname'?
            publish 5000      | net.groovy:2: publish in a container block takes one or more quoted strings, not a number (like publish '5000:22')
            ip 172.17.0.2     | net.groovy:2: ip in a container block takes a quoted string, not a decimal number (like ip '172.17.42.10')
            mtu 1400          | net.groovy:2: unknown key 'mtu' in a container block (mtu belongs in a network block); the keys here are netns, network, hostname, mac, ip, ip6, ifname, publish, alias, addHost, spoofCheck, dns, connect, defaultRoute
            """)
    void insideAContainerBlock(String line, String expected) {
        assertEquals(expected, Scripts.error("container('web') {\n    " + line + "\n}\n"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            allowOnlyFrom '8.8.8.8'                 | net.groovy:2: allowOnlyFrom in a userRules block takes one or more quoted addresses or subnets and on: 'INTERFACE', not a string (like allowOnlyFrom '8.8.8.8', on: 'uplink0')
            allowOnlyFrom '8.8.8.8', on: 5          | net.groovy:2: the named option on: takes a string, not a number (like allowOnlyFrom '8.8.8.8', on: 'uplink0')
            allowOnlyFrom '8.8.8.8', onn: 'uplink0' | net.groovy:2: missing the named option on: (like allowOnlyFrom '8.8.8.8', on: 'uplink0') (and 1 more error)
            allowOnly '8.8.8.8', on: 'uplink0'      | net.groovy:2: unknown key 'allowOnly' in a userRules block; the keys here are allowOnlyFrom
            """)
    void insideUserRules(String line, String expected) {
        assertEquals(expected, Scripts.error("userRules {\n    " + line + "\n}\n"));
    }

    @Test
    void topLevelTypoIsReportedAtItsLineBeforeTheBodyItCarries() {
        DslException e = assertThrows(DslException.class, () -> Scripts.eval("""
                // comment
                netwrok('bridge') {
                    mtu 1400
                }
                """));
        assertEquals("net.groovy:2: unknown key 'netwrok' at the top level of the script; did you mean 'network'?"
                + " (and 1 more error)", e.getMessage());
        assertEquals(2, e.line());
        assertEquals("net.groovy", e.file());
        assertEquals(2, e.problems().size());
        assertEquals("net.groovy:3: unknown key 'mtu' at the top level of the script (mtu belongs in a network"
                + " block); the keys here are network, container, userRules", e.problems().get(1).toString());
    }

    @Test
    void wrongTypeForAName() {
        assertEquals("net.groovy:1: network at the top level of the script takes a quoted name and optionally a { }"
                + " block, not a number and a { } block (like network('bridge') { bridge 'docker0' }) (and 1 more error)",
                Scripts.error("network(5) { mtu 1400 }\n"));
    }

    @Test
    void syntaxErrorsCarryTheirLine() {
        String m = Scripts.error("network('bridge') {\n    mtu 1400\n");
        assertTrue(m.startsWith("net.groovy:3: "), m);
        assertEquals(1, m.lines().count());
    }

    @Test
    void aClassInsteadOfAScriptIsRefused() {
        assertEquals("net.groovy: not a script: it declares a class instead of statements",
                Scripts.error("class Foo { }\n"));
    }

    @Test
    void nothingRunsWhenTheScriptDoesNotCompile() {
        // the first statement would throw if it ran; the error is the compile error of line 2
        assertEquals("net.groovy:2: unknown key 'netwrk' at the top level of the script; did you mean 'network'?",
                Scripts.error("if (true) throw new IllegalStateException('ran')\nnetwrk('x')\n"));
    }

    @Test
    void dynamicEscapesAreCompileErrorsToo() {
        String m = Scripts.error("network('bridge') {\n    delegate.mtuu(1500)\n}\n");
        assertTrue(m.startsWith("net.groovy:2: "), m);
    }
}

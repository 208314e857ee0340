package org.nlbridge.driver.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.driver.firewall.Specs.endpoint;
import static org.nlbridge.driver.firewall.Specs.network;

import org.junit.jupiter.api.Test;
import org.nlbridge.spec.FirewallBackend;
import org.nlbridge.net.ValidationException;

class NoneFirewallDriverTest {

    @Test
    void validatesButInstallsNothingAndSaysSo() {
        NoneFirewallDriver d = new NoneFirewallDriver();
        assertEquals(FirewallBackend.NONE, d.backend());
        d.reconcile(FirewallState.EMPTY);
        d.ensureUserHook();
        d.setupNetwork(network("nlb0", "172.18.0.0/16").build());
        d.addEndpoint(endpoint("c1", "nlb0", "veth1", "172.18.0.2", "5000:22"));
        assertThrows(ValidationException.class, () -> d.addEndpoint(endpoint("c2", "nlb0", "veth2", "172.18.0.3", "5000:22")));
        assertTrue(d.listPorts().isEmpty());
        FirewallStatus s = d.status();
        assertEquals("none", s.backend());
        assertFalse(s.enforced());
        assertTrue(s.summary().startsWith("firewall backend none (--iptables=false): nlbridge installs no firewall rules."));
        assertTrue(s.summary().endsWith(" 1 requested published port(s) are not reachable."), s.summary());
        d.removeEndpoint("c1");
        d.teardownNetwork(Specs.ifname("nlb0"));
        d.teardownAll();
        assertEquals(NoneFirewallDriver.SUMMARY, d.status().summary());
    }
}

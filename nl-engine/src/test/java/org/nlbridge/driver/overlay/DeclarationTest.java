package org.nlbridge.driver.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;

/** What every host of an overlay network must declare alike, its JSON in the store, and the key layout. */
class DeclarationTest {

    private static Declaration d(String subnet, Integer vni, Integer mtu, boolean internal) {
        Cidr s = Cidr.parseSubnet("subnet", subnet);
        return new Declaration(s, s.network().next(), null, vni, mtu, true, internal, true);
    }

    @Test
    void theStoredDeclarationReadsBackAndTheFirstDifferingKeyIsNamed() {
        Declaration first = d("10.60.0.0/16", null, null, false);
        Declaration.Stored s = Declaration.parse("/k", first.toJson(4096, "h0123456789ab"), 7);
        assertEquals(4096, s.vni());
        assertEquals("h0123456789ab", s.by());
        assertEquals(7, s.createRevision());
        assertEquals(IpAddress.parse("g", "10.60.0.1"), s.declaration().gateway());
        first.requireSameAs("ov", s);
        d("10.60.0.0/16", 4096, null, false).requireSameAs("ov", s); // the same VNI declared is fine

        assertEquals("invalid network ov: subnet \"10.61.0.0/16\": differs from the network's declaration in the cluster"
                + " store (subnet 10.60.0.0/16, declared first by host h0123456789ab); expected the same subnet on every"
                + " host that declares network ov (or another network name)", assertThrows(ValidationException.class,
                () -> d("10.61.0.0/16", null, null, false).requireSameAs("ov", s)).getMessage());
        assertEquals("invalid network ov: vni \"4097\": differs from the network's declaration in the cluster store (vni"
                + " 4096, declared first by host h0123456789ab); expected the same vni on every host that declares"
                + " network ov (or another network name)", assertThrows(ValidationException.class,
                () -> d("10.60.0.0/16", 4097, null, false).requireSameAs("ov", s)).getMessage());
        assertEquals("invalid network ov: mtu \"1400\": differs from the network's declaration in the cluster store (mtu"
                + " (not declared), declared first by host h0123456789ab); expected the same mtu on every host that"
                + " declares network ov (or another network name)", assertThrows(ValidationException.class,
                () -> d("10.60.0.0/16", null, 1400, false).requireSameAs("ov", s)).getMessage());
        assertThrows(ValidationException.class, () -> d("10.60.0.0/16", null, null, true).requireSameAs("ov", s));
    }

    @Test
    void aDeclarationSomeoneElseWroteBadlyIsATypedError() {
        assertThrows(Records.BadRecord.class, () -> Declaration.parse("/k", "{\"subnet\":\"10.60.0.0/16\"}", 1));
        assertThrows(Records.BadRecord.class, () -> Declaration.parse("/k", "not json", 1));
        assertThrows(Records.BadRecord.class, () -> Records.EndpointRecord.parse("/k", "{\"host\":\"h\",\"container\":\"c\","
                + "\"ip\":\"10.60.0.2\",\"mac\":\"ff:ff:ff:ff:ff:ff\",\"vtep\":\"198.51.100.11\"}"));
    }

    @Test
    void keysOfANetworkAreToldApart() {
        assertEquals(Keys.Kind.ENDPOINT, Keys.kind("ov", "/nlbridge/v1/networks/ov/endpoints/h1/web"));
        assertEquals(Keys.Kind.IPAM, Keys.kind("ov", "/nlbridge/v1/networks/ov/ipam/10.60.0.2"));
        assertEquals(Keys.Kind.MEMBER, Keys.kind("ov", "/nlbridge/v1/networks/ov/members/h1"));
        assertEquals(Keys.Kind.CONFIG, Keys.kind("ov", "/nlbridge/v1/networks/ov/config"));
        assertEquals(Keys.Kind.OTHER, Keys.kind("ov", "/nlbridge/v1/networks/ov/endpoints/h1"));
        assertEquals(Keys.Kind.OTHER, Keys.kind("ov", "/nlbridge/v1/networks/ov2/config"));
        assertEquals("vx-5e1c26b2f7c5", Naming.vxlan("ov"));
    }
}

package org.nlbridge.rtnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netlink.NoSuchObjectException;
import org.nlbridge.netlink.ObjectExistsException;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/** Route verbs, checked against {@code ip -j route show}. */
@ExtendWith(SandboxExtension.class)
class RoutesTest {

    /** The route to {@code dst} ("default" or a prefix) in {@code ip -j [-6] route show [table T]}, or null. */
    private static JsonNode route(String ns, boolean v6, String table, String dst) {
        JsonNode all = v6 ? Oracle.ip(ns, "-6", "route", "show", "table", table)
                : Oracle.ip(ns, "route", "show", "table", table);
        for (JsonNode r : all) {
            if (dst.equals(r.path("dst").asText())) return r;
        }
        return null;
    }

    /** A veth pair in one namespace, both ends up, {@code va} with 10.20.0.2/24 and fd20::2/64. */
    private static int wired(Ns h) {
        h.links().add(VethSpec.builder("va", "vb").up().build());
        h.links().setUp("vb");
        int va = h.links().get("va").index();
        h.addresses().add(AddressSpec.of(va, "10.20.0.2/24").withBroadcast());
        h.addresses().add(AddressSpec.of(va, "fd20::2/64").withNoDad());
        return va;
    }

    @Test
    void defaultRouteViaGateway(Sandbox sb) {
        String ns = sb.netns("h");
        try (Ns h = Ns.open(ns)) {
            int va = wired(h);
            h.routes().add(RouteSpec.defaultVia("10.20.0.1"));

            JsonNode r = route(ns, false, "main", "default");
            assertNotNull(r);
            assertEquals("10.20.0.1", r.path("gateway").asText());
            assertEquals("va", r.path("dev").asText());
            assertEquals("boot", r.path("protocol").asText());

            Route ours = h.routes().list(IpAddress.AF_INET).stream().filter(Route::isDefault).findFirst().orElseThrow();
            assertEquals("10.20.0.1", ours.gateway().toString());
            assertEquals(va, ours.oif());
            assertEquals(254, ours.table());
            assertEquals(Scope.UNIVERSE, ours.scope());
            assertEquals(RouteProtocol.BOOT, ours.protocol());
            assertEquals(RouteType.UNICAST, ours.type());

            ObjectExistsException dup = assertThrows(ObjectExistsException.class,
                    () -> h.routes().add(RouteSpec.defaultVia("10.20.0.1")));
            assertTrue(dup.getMessage().startsWith("RTM_NEWROUTE route default via 10.20.0.1: EEXIST"), dup.getMessage());

            h.routes().add(RouteSpec.defaultVia("fd20::1"));
            JsonNode r6 = route(ns, true, "main", "default");
            assertNotNull(r6);
            assertEquals("fd20::1", r6.path("gateway").asText());
        }
    }

    @Test
    void subnetRoutesWithDevTableMetricThenReplaceAndDelete(Sandbox sb) {
        String ns = sb.netns("h");
        try (Ns h = Ns.open(ns)) {
            int va = wired(h);
            h.routes().add(RouteSpec.to("10.30.0.0/16").dev(va));
            JsonNode direct = route(ns, false, "main", "10.30.0.0/16");
            assertEquals("link", direct.path("scope").asText());
            assertEquals("va", direct.path("dev").asText());
            assertTrue(direct.path("gateway").isMissingNode());

            h.routes().add(RouteSpec.to("10.40.0.0/16").via("10.20.0.9").metric(50).table(100)
                    .protocol(RouteProtocol.STATIC));
            JsonNode t100 = route(ns, false, "100", "10.40.0.0/16");
            assertNotNull(t100);
            assertEquals("10.20.0.9", t100.path("gateway").asText());
            assertEquals(50, t100.path("metric").asInt());
            assertEquals("static", t100.path("protocol").asText());
            assertNull(route(ns, false, "main", "10.40.0.0/16"), "not in main");
            List<Route> table100 = h.routes().list(IpAddress.AF_INET, 100);
            assertEquals(1, table100.size());
            assertEquals(50, table100.get(0).priority());
            assertEquals(100, table100.get(0).table());
            assertTrue(h.routes().list(IpAddress.AF_INET).stream().noneMatch(r -> r.table() != 254));

            h.routes().replace(RouteSpec.to("10.40.0.0/16").via("10.20.0.8").metric(50).table(100)
                    .protocol(RouteProtocol.STATIC));
            assertEquals("10.20.0.8", route(ns, false, "100", "10.40.0.0/16").path("gateway").asText());

            h.routes().delete(RouteSpec.to("10.40.0.0/16").metric(50).table(100));
            assertNull(route(ns, false, "100", "10.40.0.0/16"));
            h.routes().delete(RouteSpec.to("10.30.0.0/16"));
            assertNull(route(ns, false, "main", "10.30.0.0/16"));
            NoSuchObjectException gone = assertThrows(NoSuchObjectException.class,
                    () -> h.routes().delete(RouteSpec.to("10.30.0.0/16")));
            assertTrue(gone.getMessage().startsWith("RTM_DELROUTE route 10.30.0.0/16: ESRCH"), gone.getMessage());
            assertTrue(!h.routes().deleteIfExists(RouteSpec.to("10.30.0.0/16")), "already gone counts as done");

            h.routes().add(RouteSpec.to("fd30::/64").dev(va).metric(7));
            JsonNode r6 = route(ns, true, "main", "fd30::/64");
            assertEquals(7, r6.path("metric").asInt());
            assertTrue(h.routes().list(IpAddress.AF_INET6).stream()
                    .anyMatch(r -> r.destination().toString().equals("fd30::/64") && r.oif() == va));
        }
    }

    @Test
    void listAgreesWithIp(Sandbox sb) {
        String ns = sb.netns("h");
        try (Ns h = Ns.open(ns)) {
            wired(h);
            h.routes().add(RouteSpec.defaultVia("10.20.0.1"));
            assertEquals(Oracle.ip(ns, "route", "show").size(), h.routes().list(IpAddress.AF_INET).size());
            assertEquals(Oracle.ip(ns, "-6", "route", "show").size(), h.routes().list(IpAddress.AF_INET6).size());
        }
    }

    @Test
    void badRoutesAreRefusedBeforeAnySyscall() {
        ValidationException e = assertThrows(ValidationException.class, () -> RouteSpec.to("10.0.0.1/24"));
        assertEquals("route.destination", e.field());
        assertTrue(e.getMessage().contains("host bits set; did you mean 10.0.0.0/24?"), e.getMessage());
        e = assertThrows(ValidationException.class, () -> RouteSpec.defaultVia("10.1"));
        assertEquals("route.gateway", e.field());
        e = assertThrows(ValidationException.class, () -> RouteSpec.defaultVia("010.0.0.1"));
        assertEquals("route.gateway", e.field());
        e = assertThrows(ValidationException.class, () -> RouteSpec.to("10.0.0.0/8").via("fd00::1"));
        assertEquals("route.gateway", e.field());
    }
}

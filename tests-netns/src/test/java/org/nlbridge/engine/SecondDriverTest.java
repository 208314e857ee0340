package org.nlbridge.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.net.ValidationException;
import org.nlbridge.netns.NetNs;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.spec.Plan;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * A second network driver is one class ({@link PlainBridgeDriver}) and one registry line: the engine plans it,
 * applies it, keeps its records, repairs and destroys it through the same interface and steps as the bridge driver,
 * checked with {@code ip -j} and {@code nft -j}. An engine without that line refuses the name before any change.
 */
@ExtendWith(SandboxExtension.class)
class SecondDriverTest {

    @TempDir
    Path tmp;

    @Test
    void aTestOnlyDriverIsPlannedAppliedAndDestroyedThroughTheEngine(Sandbox sb) {
        String host = sb.netns("host");
        String ns = sb.reserve("c1");
        DesiredState d = DesiredState.EMPTY
                .withNetwork(NetworkSpec.of("lab", b -> b.driver("plain").bridge("plain0").bip("10.77.0.1/24")))
                .withContainer(ContainerSpec.of("c1", b -> b.netns(ns).network("lab")));
        EngineOptions options = new EngineOptions(host, tmp.resolve("state"));

        try (Engine plain = Engines.open(options)) {
            ValidationException e = assertThrows(ValidationException.class, () -> plain.plan(d));
            assertEquals("invalid network lab: driver \"plain\": no such network driver; expected one of bridge, overlay",
                    e.getMessage());
        }

        try (Engine e = Engines.open(options, Engines.DRIVERS.with("plain", PlainBridgeDriver::new))) {
            Plan plan = e.plan(d);
            assertEquals(List.of(
                    "+ network lab (plain bridge plain0, 10.77.0.1/24)",
                    "+ link plain0 (plain bridge, up)",
                    "+ address plain0 10.77.0.1/24",
                    "+ container c1 (network lab, netns " + ns + ", hostname c1)",
                    "+ netns " + ns + " (container c1)",
                    "+ endpoint c1 on lab (pl-c1 <-> " + ns + ":eth0, next free address in 10.77.0.0/24, mac random)",
                    "+ link pl-c1 (veth, peer " + ns + ":eth0, master plain0)",
                    "+ address " + ns + ":eth0 (allocated)",
                    "~ link " + ns + ":eth0 (up)",
                    "~ endpoint c1 on lab (attached)",
                    "+ files " + options.stateDir().resolve("containers/c1") + " (resolv.conf, hosts (with the containers of its networks), hostname)"),
                    plan.changes().stream().map(Object::toString).toList());
            assertEquals(plan, e.apply(d, null), "apply ran exactly what plan showed");

            JsonNode br = Oracle.link(host, "plain0");
            assertEquals("bridge", br.path("linkinfo").path("info_kind").asText());
            assertEquals("nlbridge:plain:lab", br.path("ifalias").asText());
            assertEquals(List.of("10.77.0.1/24"), global(Oracle.addresses(host, "plain0")));
            assertEquals("plain0", Oracle.link(host, "pl-c1").path("master").asText());
            assertEquals(List.of("10.77.0.2/24"), global(Oracle.addresses(ns, "eth0")));
            assertTrue(Oracle.nft(host).path("nftables").findValues("table").isEmpty(), "no firewall at all");
            assertTrue(e.plan(d).isEmpty(), () -> "converged, but plan says " + e.plan(d));
            assertEquals("10.77.0.2", e.status().containers().getFirst().ipv4());
            assertTrue(e.ownership().ownsLink("pl-c1", null) && e.ownership().ownsLink("plain0", null));

            // drift: its veth deleted; plan and apply re-make it through the driver
            org.nlbridge.testing.Cmd.run(null, "ip", "-n", host, "link", "del", "pl-c1");
            assertFalse(e.plan(d).isEmpty(), "a missing veth is work to do");
            e.apply(d, null);
            assertEquals("plain0", Oracle.link(host, "pl-c1").path("master").asText());

            e.destroy(d, null);
            assertNull(Oracle.link(host, "plain0"));
            assertNull(Oracle.link(host, "pl-c1"));
            assertFalse(NetNs.exists(ns), "the namespace the engine created is gone");
            assertTrue(e.planDestroy(d).isEmpty());
        }
    }

    /** Without the link-local addresses the kernel gives an IPv6-enabled link. */
    private static List<String> global(List<String> addresses) {
        return addresses.stream().filter(a -> !a.startsWith("fe80:")).toList();
    }
}

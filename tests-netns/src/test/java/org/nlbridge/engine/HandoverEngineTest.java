package org.nlbridge.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.driver.bridge.World;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Untouched;

/**
 * Containers handed over to a runtime (issue 12, Docker's remote drivers) through the engine's three phases (issue
 * 16): no namespace of the engine's, so two of them are not "two containers in one namespace" and there is no
 * interface or default route inside to check or repair; the handover name must be free in the host namespace, where
 * the container end waits (down, with its MAC and the network's MTU) for the runtime to move it. Oracle: ip -j.
 */
@ExtendWith(SandboxExtension.class)
class HandoverEngineTest {

    @TempDir
    Path tmp;

    private World world;

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    private static final NetworkSpec NET = NetworkSpec.of("web", n -> n.bridge("nlbh0").bip("172.30.7.1/24").mtu(1400));

    private static ContainerSpec handedOver(String name, String peer) {
        return ContainerSpec.of(name, c -> c.network("web").handover(peer));
    }

    @Test
    void handedOverContainersPassTheChecksConvergeAndARefusedOneChangesNothing(Sandbox sb) {
        world = new World(sb, tmp.resolve("state"));
        Engine engine = world.engine();
        ContainerSpec a = ContainerSpec.of("docker-a", c -> c.network("web").handover("nlca").mac("02:42:ac:1e:07:0a"));
        ContainerSpec b = handedOver("docker-b", "nlcb");
        DesiredState both = DesiredState.of(List.of(NET), List.of(a, b));
        engine.apply(both, null);

        JsonNode end = Oracle.link(world.host, "nlca");
        assertNotNull(end, "the container end waits in the host namespace under its handover name");
        assertEquals("02:42:ac:1e:07:0a", end.path("address").asText());
        assertEquals(1400, end.path("mtu").asInt());
        assertFalse(flags(end).contains("UP"), () -> "down until the runtime takes it: " + end);
        assertNotNull(Oracle.link(world.host, "nlcb"));
        assertTrue(engine.plan(both).isEmpty(), () -> "converged: " + engine.plan(both));

        // the runtime moves one end into its namespace, renames and configures it: the engine neither checks nor
        // repairs anything in there (an address the runtime did not give it, no default route: its business)
        String runtime = sb.netns("runtime");
        World.ip(world.host, "link set nlca netns " + runtime + " name eth0");
        World.ip(runtime, "link set eth0 up");
        assertTrue(engine.plan(both).isEmpty(), () -> "nothing to repair in a runtime's namespace: " + engine.plan(both));
        engine.reconcile();
        assertTrue(engine.plan(both).isEmpty(), () -> "after a reconcile: " + engine.plan(both));
        assertEquals(List.of(), Oracle.addresses(runtime, "eth0").stream().filter(x -> !x.startsWith("fe80:")).toList(),
                "the engine put no address inside (the kernel's own link-local aside)");

        // a third one whose handover name is taken in the host namespace: refused before anything changes
        World.ip(world.host, "link add nlcc type veth peer name nlcc-peer"); // someone else's
        Untouched before = Untouched.of(world.state, List.of(world.host));
        ValidationException refused = assertThrows(ValidationException.class, () -> engine.apply(
                DesiredState.of(List.of(NET), List.of(a, b, handedOver("docker-c", "nlcc"))), null));
        assertEquals("invalid container docker-c: handover \"nlcc\": exists already in the host namespace (a veth);"
                + " expected a name free in the host namespace for the container end its runtime takes",
                refused.getMessage());
        before.assertSameAs(Untouched.of(world.state, List.of(world.host)), "the refused request");

        engine.destroy(both, null);
        assertNull(Oracle.link(world.host, "nlcb"), "destroy takes the waiting end with its veth");
        assertNull(Oracle.link(runtime, "eth0"), "and the moved end with its host veth");
        assertNotNull(Oracle.link(world.host, "nlcc"), "someone else's link stays");
    }

    private static List<String> flags(JsonNode link) {
        List<String> out = new java.util.ArrayList<>();
        link.path("flags").forEach(f -> out.add(f.asText()));
        return out;
    }
}

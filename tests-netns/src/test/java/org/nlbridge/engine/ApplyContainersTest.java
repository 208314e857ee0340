package org.nlbridge.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.driver.bridge.World;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * Issue 14: {@link Engine#applyContainers} (a daemon request on one container) plans that container alone, and
 * leaves the kernel as a full apply would for it: afterwards a full plan has nothing left to do about it. Drift of
 * another container is left to the full apply (the daemon's drift repair), which the test shows by making some:
 * the other container's address removed behind the engine's back. Oracles: {@code ip -j}, {@code nft -j}.
 */
@ExtendWith(SandboxExtension.class)
class ApplyContainersTest {

    @TempDir
    Path state;
    private World world;

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    @Test
    void oneContainerIsPlannedAloneAndEndsAsAFullApplyWould(Sandbox sb) {
        World.assumeTools();
        world = new World(sb, state);
        Engine e = world.engine();
        NetworkSpec net = NetworkSpec.of("bridge", b -> b.bridge("nlbs0").bip("10.78.0.1/24"));
        List<ContainerSpec> three = new ArrayList<>();
        for (String n : List.of("alpha", "beta", "gamma")) {
            String ns = world.ctr(n);
            three.add(ContainerSpec.of(n, b -> b.netns(ns).network("bridge").publish((7000 + three.size()) + ":80")));
        }
        DesiredState before = DesiredState.of(List.of(net), three);
        e.apply(before, Engine.ProgressListener.NONE);
        String alphaNs = three.getFirst().netns();
        String alphaAddress = address(alphaNs);
        World.ip(alphaNs, "addr flush dev eth0"); // drift of another container

        String deltaNs = world.ctr("delta");
        DesiredState after = before.withContainer(ContainerSpec.of("delta", b -> b.netns(deltaNs).network("bridge")
                .publish("7100:80")));
        List<Change> added = e.applyContainers(after, Set.of("delta"), Engine.ProgressListener.NONE).changes();
        assertFalse(added.isEmpty());
        assertTrue(added.stream().noneMatch(c -> c.toString().contains("alpha") || c.toString().contains("beta")
                || c.toString().contains("gamma")), "only delta's changes: " + added);
        String deltaAddress = address(deltaNs);
        assertTrue(deltaAddress.startsWith("10.78.0."), deltaAddress);
        assertTrue(Oracle.nft(world.host).toString().contains("7100"), "delta's published port is in the firewall");
        assertEquals("", address(alphaNs), "alpha's drift is not this request's to repair");

        // what is left for a full apply is alpha's repair alone: delta ended as a full apply would have left it
        List<Change> left = e.plan(after).changes();
        assertFalse(left.isEmpty());
        assertTrue(left.stream().allMatch(c -> c.toString().contains("alpha") || c.toString().contains(alphaNs)),
                "only alpha's repair left: " + left);
        e.apply(after, Engine.ProgressListener.NONE);
        assertEquals(alphaAddress, address(alphaNs));
        assertEquals(List.of(), e.plan(after).changes());

        String deltaVeth = e.containerStatus("delta").orElseThrow().hostVeth();
        List<Change> removed = e.applyContainers(before, Set.of("delta"), Engine.ProgressListener.NONE).changes();
        assertTrue(removed.stream().allMatch(c -> c.toString().contains("delta") || c.toString().contains(deltaVeth)),
                "only delta's changes: " + removed);
        assertEquals(List.of(), e.plan(before).changes(), "delta's removal is what a full apply would do");
        assertFalse(Oracle.nft(world.host).toString().contains("7100"), "delta's published port left the firewall");
        assertTrue(e.status().containers().stream().noneMatch(c -> c.name().equals("delta")));
        assertEquals(3, e.status().ports().size());
    }

    /**
     * A request on one container looks up the host links its plan needs by name, without a dump of every link: a
     * link of ours under another name that nothing owns (a crash's leftover) is left to the full apply, which
     * removes it; the container's own endpoint is made as ever. Oracle: {@code ip -j}.
     */
    @Test
    void aLeftoverLinkElsewhereIsTheFullApplysToRemove(Sandbox sb) {
        World.assumeTools();
        world = new World(sb, state);
        Engine e = world.engine();
        NetworkSpec net = NetworkSpec.of("bridge", b -> b.bridge("nlbs1").bip("10.79.0.1/24"));
        DesiredState before = DesiredState.of(List.of(net), List.of());
        e.apply(before, Engine.ProgressListener.NONE);
        World.ip(world.host, "link add nlbghost0 type veth peer name nlbghost1");
        World.ip(world.host, "link set nlbghost0 alias nlbridge:endpoint:bridge/ghost");
        String ns = world.ctr("one");
        DesiredState after = before.withContainer(ContainerSpec.of("one", b -> b.netns(ns).network("bridge")));
        List<Change> added = e.applyContainers(after, Set.of("one"), Engine.ProgressListener.NONE).changes();
        assertTrue(added.stream().noneMatch(c -> c.toString().contains("nlbghost0")), added.toString());
        assertTrue(address(ns).startsWith("10.79.0."), "one is attached");
        assertTrue(Oracle.link(world.host, "nlbghost0") != null, "the leftover is still there");
        List<Change> full = e.apply(after, Engine.ProgressListener.NONE).changes();
        assertTrue(full.stream().anyMatch(c -> c.toString().startsWith("- link nlbghost0")), full.toString());
        assertTrue(Oracle.link(world.host, "nlbghost0") == null, "the full apply removed it");
    }

    /** The IPv4 address of eth0 in a namespace ({@code ip -j}), empty if it has none. */
    private static String address(String ns) {
        for (JsonNode l : Oracle.ip(ns, "-4", "addr", "show", "dev", "eth0")) {
            for (JsonNode a : l.path("addr_info")) return a.path("local").asText();
        }
        return "";
    }
}

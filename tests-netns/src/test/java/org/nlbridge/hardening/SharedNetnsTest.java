package org.nlbridge.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.driver.bridge.World;
import org.nlbridge.engine.Engine;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Untouched;

/**
 * Issue 16 item 1: a failed request never touches another container's objects. Container {@code b} asks for
 * container {@code a}'s namespace: refused before anything changes ({@code container:a} is the way to share it),
 * and {@code a}'s namespace (the same one, by inode), address and MAC survive the next unrelated request and a
 * reconcile (the daemon's drift repair).
 */
@ExtendWith(SandboxExtension.class)
class SharedNetnsTest {

    @TempDir
    Path tmp;

    private World world;

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    private static final NetworkSpec NET = NetworkSpec.of("bridge", n -> n.bridge("nlb1").bip("172.30.0.1/24"));

    @Test
    void aContainerAskingForAnothersNamespaceIsRefusedAndTheOtherKeepsEverything(Sandbox sb) throws Exception {
        world = new World(sb, tmp.resolve("state"));
        String nsA = world.ctr("a");
        String nsC = world.ctr("c");
        ContainerSpec a = ContainerSpec.of("a", c -> c.netns(nsA));
        Engine engine = world.engine();
        DesiredState one = DesiredState.of(List.of(NET), List.of(a));
        engine.apply(one, null);
        Object inode = inode(nsA);
        String addr = Oracle.addresses(nsA, "eth0").toString();
        String mac = mac(nsA);
        Untouched before = Untouched.of(world.state, List.of(world.host, nsA));

        ContainerSpec b = ContainerSpec.of("b", c -> c.netns(nsA));
        ValidationException refused = assertThrows(ValidationException.class,
                () -> engine.apply(DesiredState.of(List.of(NET), List.of(a, b)), null));
        assertEquals("invalid container b: netns \"" + nsA + "\": is container a's namespace already; expected a"
                + " namespace no other container of a bridge network or of network none has (network 'container:a'"
                + " shares a's)", refused.getMessage());
        before.assertSameAs(Untouched.of(world.state, List.of(world.host, nsA)), "the refused request");

        ContainerSpec c = ContainerSpec.of("c", x -> x.netns(nsC));
        DesiredState next = DesiredState.of(List.of(NET), List.of(a, c));
        engine.apply(next, null);
        assertA(nsA, inode, addr, mac, "after the next, unrelated request");
        engine.reconcile();
        engine.apply(next, null);
        assertTrue(engine.plan(next).isEmpty(), () -> "converged: " + engine.plan(next));
        assertA(nsA, inode, addr, mac, "after a reconcile and a converging apply");
    }

    /**
     * The same when both are new in one request, {@code b} declared first: the namespace must not become {@code b}'s
     * (whose removal would delete it under {@code a}).
     */
    @Test
    void twoNewContainersInOneNamespaceAreRefusedBeforeAnythingIsMade(Sandbox sb) throws Exception {
        world = new World(sb, tmp.resolve("state"));
        String ns = world.ctr("shared");
        String nsC = world.ctr("c");
        Engine engine = world.engine();
        engine.apply(DesiredState.of(List.of(NET), List.of(ContainerSpec.of("c", x -> x.netns(nsC)))), null);
        Untouched before = Untouched.of(world.state, List.of(world.host, nsC));
        ContainerSpec b = ContainerSpec.of("b", x -> x.netns(ns));
        ContainerSpec a = ContainerSpec.of("a", x -> x.netns(ns));
        ValidationException refused = assertThrows(ValidationException.class,
                () -> engine.apply(DesiredState.of(List.of(NET), List.of(b, a, ContainerSpec.of("c", x -> x.netns(nsC)))), null));
        assertTrue(refused.getMessage().startsWith("invalid container a: netns \"" + ns + "\": is container b's namespace already"),
                refused.getMessage());
        before.assertSameAs(Untouched.of(world.state, List.of(world.host, nsC)), "the refused request");
        assertTrue(!Files.exists(Path.of("/run/netns", ns)), "no namespace made");
    }

    private static void assertA(String ns, Object inode, String addr, String mac, String when) throws Exception {
        assertEquals(inode, inode(ns), "a's namespace is the same one " + when);
        assertEquals(addr, Oracle.addresses(ns, "eth0").toString(), "a's address " + when);
        assertEquals(mac, mac(ns), "a's MAC " + when);
    }

    private static Object inode(String ns) throws Exception {
        return Files.readAttributes(Path.of("/run/netns", ns), BasicFileAttributes.class).fileKey();
    }

    private static String mac(String ns) {
        JsonNode l = Oracle.link(ns, "eth0");
        return l == null ? "no eth0" : l.path("address").asText();
    }
}

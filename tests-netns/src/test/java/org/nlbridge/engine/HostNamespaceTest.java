package org.nlbridge.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * Issue 16 item 9: a container whose netns is the host namespace, given to the engine itself (the Java API, as the
 * CNI plugin and the Docker plugin use it, with no front-end check before it), is refused by plan and apply before
 * any change; applied, it put eth0 and a default route into the host. By the host's name and by another name bound
 * to the same namespace; the kernel is compared with {@code ip -j} and {@code nft -j}.
 */
@ExtendWith(SandboxExtension.class)
class HostNamespaceTest {

    @TempDir
    Path state;
    private World world;

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    /**
     * What the engine could have changed in the host: its links and their addresses, IPv4 routes and nftables
     * ruleset (not the flags DAD changes on its own while the test runs).
     */
    private String host() {
        StringBuilder out = new StringBuilder();
        for (JsonNode l : Oracle.ip(world.host, "addr")) {
            out.append(l.path("ifname").asText()).append(' ').append(l.path("mtu").asInt());
            for (JsonNode a : l.path("addr_info")) out.append(' ').append(a.path("local").asText()).append('/').append(a.path("prefixlen").asInt());
            out.append('\n');
        }
        return out.append(Oracle.ip(world.host, "-4", "route")).append('\n').append(Oracle.nft(world.host)).toString();
    }

    @Test
    void theEngineRefusesAContainerInTheHostNamespace(Sandbox sb) {
        world = new World(sb, state);
        Engine e = world.engine();
        String alias = sb.reserve("alias"); // another name for the host namespace, made the way ip netns attach does
        Cmd.run(null, "touch", "/run/netns/" + alias);
        Cmd.run(null, "mount", "--bind", "/run/netns/" + world.host, "/run/netns/" + alias);
        String before = host();
        for (String netns : List.of(world.host, alias)) {
            DesiredState d = DesiredState.of(
                    List.of(NetworkSpec.of("bridge", b -> b.bridge("nlbh0").bip("10.77.0.1/24"))),
                    List.of(ContainerSpec.of("web", b -> b.netns(netns).network("bridge"))));
            String expected = "invalid container web: netns \"" + netns + "\": "
                    + (netns.equals(alias) ? "/run/netns/" + alias + " is " : "it is ") + "the host namespace (--host-netns "
                    + world.host + "), where the container's eth0 and default route would land; expected a namespace of"
                    + " the container's own (network 'host' is the way to share the host's)";
            assertEquals(expected, assertThrows(ValidationException.class, () -> e.plan(d)).getMessage());
            assertEquals(expected, assertThrows(ValidationException.class,
                    () -> e.apply(d, Engine.ProgressListener.NONE)).getMessage());
            assertEquals(before, host(), "nothing changed in the host namespace");
            assertEquals(List.of(), e.status().networks(), "nothing stored");
        }
    }
}

package org.nlbridge.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.cli.RealCli;
import org.nlbridge.driver.bridge.World;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.KernelText;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * Issue 16 item 5: the state directory is trusted only if nobody but root can write it (its owner, its files, the
 * directories above it), and the engine deletes a link only if the link carries its alias, never on the store's word
 * alone. Before: a non-root owner of {@code --state} swapped {@code state.db} and root's {@code destroy} deleted an
 * unrelated host interface. Oracles: {@code ip -j link}, the kernel as text before and after, the CLI's exit code.
 */
@ExtendWith(SandboxExtension.class)
class StateTrustTest {

    private static final String NOBODY = "65534";

    @TempDir
    Path tmp;

    private World world;

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    private String script(String web) {
        return RealCli.script(tmp, "app.groovy", """
                network('bridge') {
                    bridge 'nlb0'
                    bip '172.30.5.1/24'
                }
                container('web') {
                    netns '%s'
                }
                """.formatted(web)).toString();
    }

    @Test
    void aStateDirectorySomeoneElseCanWriteIsRefusedBeforeAnyChange(Sandbox sb) {
        world = new World(sb, tmp.resolve("state"));
        RealCli cli = new RealCli(world);
        String web = world.ctr("web");
        String file = script(web);
        assertEquals(0, cli.run("apply", file).code());
        String before = KernelText.of(world.host);
        String dir = world.state.toString();

        List<String[]> tampering = List.of(
                new String[] {"chown " + NOBODY + " " + dir, "it is owned by uid " + NOBODY},
                new String[] {"chown " + NOBODY + " " + dir + "/state.db", "its file state.db is owned by uid " + NOBODY},
                new String[] {"chmod o+w " + dir, "it is writable by every user"},
                new String[] {"chmod g+w " + dir + "/state.db && chgrp " + NOBODY + " " + dir + "/state.db",
                        "its file state.db is writable by group " + NOBODY});
        for (String[] t : tampering) {
            Cmd.run(null, "sh", "-c", t[0]);
            for (String command : List.of("status", "plan", "apply", "destroy")) {
                List<String> args = new ArrayList<>(List.of(command));
                if (!command.equals("status")) args.add(file);
                RealCli.Result r = cli.run(args.toArray(String[]::new));
                assertEquals(1, r.code(), () -> t[0] + "; " + command + ": " + r);
                assertTrue(r.err().contains("state directory " + dir + ": refusing it: " + t[1]), () -> t[0] + "; " + r);
            }
            KernelText.assertSame(before, KernelText.of(world.host), t[0] + ": nothing changed");
            Cmd.run(null, "sh", "-c", "chown -R 0:0 " + dir + " && chmod -R go-w " + dir);
        }
        assertEquals(0, cli.run("plan", file).code(), "trusted again once only root can write it");
    }

    /**
     * Links that have the names the store gives but not the engine's alias (here: a bridge without an alias put where the container's
     * veth and the network's bridge were, as a swapped store would name someone else's interface) survive destroy.
     */
    @Test
    void destroyNeverDeletesALinkWithoutTheEnginesAlias(Sandbox sb) {
        world = new World(sb, tmp.resolve("state"));
        RealCli cli = new RealCli(world);
        String web = world.ctr("web");
        String file = script(web);
        assertEquals(0, cli.run("apply", file).code());
        String veth = null;
        for (JsonNode l : Oracle.ip(world.host, "link", "show")) {
            if (l.path("ifalias").asText().equals("nlbridge:endpoint:bridge/web")) veth = l.path("ifname").asText();
        }
        assertTrue(veth != null, "the container's veth carries the engine's alias");
        World.ip(world.host, "link del " + veth, "link del nlb0", "link add " + veth + " type bridge",
                "link add nlb0 type bridge");

        RealCli.Result destroy = cli.run("destroy", file);
        assertEquals(0, destroy.code(), destroy::toString);
        List<String> left = new ArrayList<>();
        for (JsonNode l : Oracle.ip(world.host, "link", "show")) left.add(l.path("ifname").asText());
        assertTrue(left.contains(veth), "someone else's " + veth + " is still there: " + left);
        assertTrue(left.contains("nlb0"), "someone else's nlb0 is still there: " + left);
        assertTrue(!destroy.out().contains("- link"), "destroy planned no link deletion: " + destroy.out());
    }
}

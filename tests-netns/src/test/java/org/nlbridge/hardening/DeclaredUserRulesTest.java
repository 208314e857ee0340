package org.nlbridge.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.cli.RealCli;
import org.nlbridge.driver.bridge.World;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * Issue 16 item 3: the rules a script declares ({@code userRules}) are desired state. After {@code nft flush ruleset}
 * the plan shows them missing (before: "no changes" while the published port was open to everyone) and apply puts them
 * back; a rule the user added to the hook by hand is never touched. The oracle is {@code nft -j list ruleset}.
 */
@ExtendWith(SandboxExtension.class)
class DeclaredUserRulesTest {

    @TempDir
    Path tmp;

    private World world;

    @BeforeEach
    void tools() {
        Assumptions.assumeTrue(Host.has("nft"), "needs the nft binary as the oracle");
    }

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    @Test
    void declaredRulesComeBackAfterAFlushAndTheUsersOwnStay(Sandbox sb) {
        world = new World(sb, tmp.resolve("state"));
        RealCli cli = new RealCli(world);
        String file = RealCli.script(tmp, "app.groovy", """
                network('bridge') {
                    bridge 'nlb0'
                    bip '172.30.4.1/24'
                }
                container('web') {
                    netns '%s'
                    publish '8080:80'
                }
                userRules { allowOnlyFrom '8.8.8.8', on: 'eup' }
                """.formatted(world.ctr("web"))).toString();
        assertEquals(0, cli.run("apply", file).code());
        assertEquals(List.of("iifname eup saddr != 8.8.8.8 drop"), userRules(world.host), "the declared rule");

        World.nft(world.host, "flush", "ruleset");
        assertEquals(List.of(), userRules(world.host));
        RealCli.Result plan = cli.run("plan", file);
        assertEquals(2, plan.code(), plan::toString);
        assertTrue(plan.out().contains("+ user rule allow only from 8.8.8.8/32 on eup\n"), plan.out());
        assertEquals(List.of(), userRules(world.host), "plan changed nothing");

        RealCli.Result apply = cli.run("apply", file);
        assertEquals(0, apply.code(), apply::toString);
        assertTrue(apply.out().contains("+ user rule allow only from 8.8.8.8/32 on eup\n"), apply.out());
        assertEquals(List.of("iifname eup saddr != 8.8.8.8 drop"), userRules(world.host), "the declared rule is back");

        // the user's own rule, added by hand: never touched; the declared one is not added twice
        World.nft(world.host, "insert", "rule", "ip", "nlbridge-user", "forward", "ip", "saddr", "192.0.2.0/24", "drop");
        List<String> withUsers = userRules(world.host);
        assertEquals(0, cli.run("plan", file).code(), "nothing to do");
        assertEquals(0, cli.run("apply", file).code());
        assertEquals(withUsers, userRules(world.host), "apply left the user's rule and ours as they were");
        assertEquals(0, cli.run("destroy", file).code());
        assertEquals(withUsers, userRules(world.host), "destroy leaves the user hook to the user");
    }

    /** The rules of {@code ip nlbridge-user forward}, as "iifname X saddr OP Y VERDICT" (from {@code nft -j}). */
    private static List<String> userRules(String ns) {
        List<String> out = new ArrayList<>();
        for (JsonNode o : Oracle.nft(ns).path("nftables")) {
            JsonNode r = o.path("rule");
            if (r.isMissingNode() || !r.path("table").asText().equals("nlbridge-user") || !r.path("family").asText().equals("ip")) continue;
            StringBuilder s = new StringBuilder();
            for (JsonNode e : r.path("expr")) {
                JsonNode m = e.path("match");
                if (!m.isMissingNode()) {
                    String left = m.path("left").has("meta") ? m.path("left").path("meta").path("key").asText()
                            : m.path("left").path("payload").path("field").asText();
                    JsonNode right = m.path("right");
                    String value = right.has("prefix") ? right.path("prefix").path("addr").asText() + "/"
                            + right.path("prefix").path("len").asInt() : right.asText();
                    s.append(left).append(' ').append(m.path("op").asText().equals("==") ? "" : m.path("op").asText() + " ")
                            .append(value).append(' ');
                } else if (e.has("drop")) {
                    s.append("drop");
                } else if (e.has("accept")) {
                    s.append("accept");
                }
            }
            out.add(s.toString().strip());
        }
        return out;
    }
}

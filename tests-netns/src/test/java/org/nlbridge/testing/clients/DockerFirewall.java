package org.nlbridge.testing.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What dockerd 20.10 (iptables on, iptables-nft) installs in the host namespace, as {@code nft -j list ruleset}
 * shows it: the reference for sharing the host's firewall with it (issues 12 and 16, see
 * {@code docs/dockerd-20.10-firewall.md}). Checked by summary (every chain with its type, hook, priority and policy) and
 * against the golden listing {@value #GOLDEN}, normalised (no handles, counters zeroed, no metainfo). Run with
 * {@code -Dnlbridge.golden.update=true} to rewrite the golden file from the real dockerd (then review the diff).
 */
final class DockerFirewall {
    private DockerFirewall() {}

    static final Path GOLDEN = Path.of("src/test/resources/org/nlbridge/testing/clients/dockerd-20.10-ruleset.json");

    /** {@code family table chain[: type hook priority policy]} for dockerd 20.10 with one bridge, docker0. */
    static final List<String> CHAINS = List.of(
            "ip nat DOCKER",
            "ip nat POSTROUTING: nat postrouting 100 accept",
            "ip nat PREROUTING: nat prerouting -100 accept",
            "ip nat OUTPUT: nat output -100 accept",
            "ip filter DOCKER",
            "ip filter DOCKER-ISOLATION-STAGE-1",
            "ip filter DOCKER-ISOLATION-STAGE-2",
            "ip filter FORWARD: filter forward 0 drop",
            "ip filter DOCKER-USER");

    static void assertDockerd2010(JsonNode ruleset) {
        assertEquals(CHAINS, chains(ruleset), "dockerd's chains");
        // the hook a coexisting network must use: FORWARD's first rule jumps to DOCKER-USER, which only returns
        assertEquals("jump DOCKER-USER", verdicts(ruleset, "ip", "filter", "FORWARD").getFirst());
        assertEquals(List.of("return"), verdicts(ruleset, "ip", "filter", "DOCKER-USER"));
        String actual = normalise(ruleset).toPrettyString() + "\n";
        try {
            if (Boolean.getBoolean("nlbridge.golden.update")) {
                Files.writeString(GOLDEN, actual);
                return;
            }
            assertEquals(Files.readString(GOLDEN), actual, "dockerd's ruleset differs from " + GOLDEN
                    + " (rerun with -Dnlbridge.golden.update=true to accept a deliberate change)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> chains(JsonNode ruleset) {
        List<String> out = new ArrayList<>();
        for (JsonNode o : ruleset.path("nftables")) {
            JsonNode c = o.get("chain");
            if (c == null) continue;
            String s = c.path("family").asText() + " " + c.path("table").asText() + " " + c.path("name").asText();
            if (c.has("hook")) {
                s += ": " + c.path("type").asText() + " " + c.path("hook").asText() + " " + c.path("prio").asInt() + " "
                        + c.path("policy").asText();
            }
            out.add(s);
        }
        return out;
    }

    /** The last statement of each rule of a chain, as text ({@code jump X}, {@code accept}, {@code xt}, ...). */
    static List<String> verdicts(JsonNode ruleset, String family, String table, String chain) {
        List<String> out = new ArrayList<>();
        for (JsonNode o : ruleset.path("nftables")) {
            JsonNode r = o.get("rule");
            if (r == null || !r.path("family").asText().equals(family) || !r.path("table").asText().equals(table)
                    || !r.path("chain").asText().equals(chain)) {
                continue;
            }
            JsonNode last = r.path("expr").get(r.path("expr").size() - 1);
            String verdict = last.fieldNames().next();
            out.add(last.get(verdict).has("target") ? verdict + " " + last.get(verdict).get("target").asText() : verdict);
        }
        return out;
    }

    /** Without metainfo and handles, counters zeroed: what stays the same from run to run. */
    static JsonNode normalise(JsonNode ruleset) {
        ArrayNode out = Cni.JSON.createArrayNode();
        for (JsonNode o : ruleset.path("nftables")) {
            if (o.has("metainfo")) continue;
            out.add(strip(o.deepCopy()));
        }
        ObjectNode root = Cni.JSON.createObjectNode();
        root.set("nftables", out);
        return root;
    }

    private static JsonNode strip(JsonNode n) {
        if (n instanceof ObjectNode o) {
            o.remove("handle");
            if (o.has("counter") && o.get("counter").isObject()) {
                ((ObjectNode) o.get("counter")).put("packets", 0).put("bytes", 0);
            }
            o.forEach(DockerFirewall::strip);
        } else if (n instanceof ArrayNode a) {
            a.forEach(DockerFirewall::strip);
        }
        return n;
    }
}

package org.nlbridge.driver.firewall;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.nlbridge.driver.firewall.nftables.NftBatch;
import org.nlbridge.driver.firewall.nftables.NftExecutor;
import org.nlbridge.driver.firewall.nftables.NftFamily;
import org.nlbridge.driver.firewall.nftables.NftFeatures;
import org.nlbridge.driver.firewall.nftables.NftTableState;
import org.nlbridge.driver.firewall.nftables.NftText;
import org.nlbridge.testing.Cmd;

/**
 * Test-only executor: the driver's transactions rendered as nft scripts and loaded with the real nft in a test
 * namespace, tables read back with {@code nft -j}. It checks the policy and the driver independently of the
 * engine's netlink code (the engine itself never runs nft).
 */
final class CliNftExecutor implements NftExecutor {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String ns;
    private final NftFeatures features;
    final List<String> scripts = new ArrayList<>();

    CliNftExecutor(String ns, NftFeatures features) {
        this.ns = ns;
        this.features = features;
    }

    @Override
    public NftFeatures features() {
        return features;
    }

    @Override
    public void apply(NftBatch batch) {
        String script = NftText.script(batch);
        Cmd.Result r = NftCli.exec(ns, script, "-f", "-");
        if (r.exit() != 0) throw new FirewallException(batch.what() + ": nft -f: " + r.err().strip());
        scripts.add(script);
    }

    @Override
    public Optional<NftTableState> read(NftFamily family, String table) {
        Cmd.Result r = NftCli.exec(ns, null, "-j", "list", "table", family.toString(), table);
        if (r.exit() != 0) {
            if (r.err().contains("No such file or directory")) return Optional.empty();
            throw new AssertionError("nft -j list table: " + r.err());
        }
        JsonNode root;
        try {
            root = JSON.readTree(r.out());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Map<String, NftTableState.Chain> chains = new LinkedHashMap<>();
        Map<String, NftTableState.Set> sets = new LinkedHashMap<>();
        for (JsonNode o : root.path("nftables")) {
            if (o.has("chain")) {
                JsonNode c = o.get("chain");
                String name = c.path("name").asText();
                chains.put(name, new NftTableState.Chain(name, c.has("hook"), List.of()));
            } else if (o.has("rule")) {
                JsonNode rule = o.get("rule");
                String name = rule.path("chain").asText();
                long packets = -1;
                for (JsonNode e : rule.path("expr")) {
                    if (e.has("counter") && packets < 0) packets = e.get("counter").path("packets").asLong();
                }
                NftTableState.Chain c = chains.get(name);
                List<Long> p = new ArrayList<>(c.rulePackets());
                p.add(packets);
                chains.put(name, new NftTableState.Chain(name, c.base(), p));
            } else if (o.has("set") || o.has("map")) {
                JsonNode s = o.has("set") ? o.get("set") : o.get("map");
                List<String> keyTypes = types(s.path("type"));
                boolean map = o.has("map");
                Map<String, NftTableState.Element> elements = new LinkedHashMap<>();
                for (JsonNode e : s.path("elem")) {
                    JsonNode key = map ? e.get(0) : e;
                    long packets = -1;
                    if (key.has("elem")) {
                        packets = key.get("elem").path("counter").path("packets").asLong(-1);
                        key = key.get("elem").get("val");
                    }
                    String k = text(key, keyTypes);
                    String d = map ? text(e.get(1), types(s.path("map"))) : "";
                    elements.put(k, new NftTableState.Element(k, d, packets));
                }
                String name = s.path("name").asText();
                sets.put(name, new NftTableState.Set(name, elements));
            }
        }
        return Optional.of(new NftTableState(family, table, chains, sets));
    }

    private static List<String> types(JsonNode t) {
        List<String> out = new ArrayList<>();
        if (t.isArray()) {
            t.forEach(x -> out.add(x.asText()));
        } else {
            for (String x : t.asText().split(" \\. ")) out.add(x);
        }
        return out;
    }

    private static String text(JsonNode v, List<String> types) {
        if (v.has("concat")) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < v.get("concat").size(); i++) parts.add(text(v.get("concat").get(i), List.of(types.get(i))));
            return String.join(" . ", parts);
        }
        if (v.has("jump")) return "jump " + v.get("jump").path("target").asText();
        if (types.getFirst().equals("ifname")) return "\"" + v.asText() + "\"";
        return v.asText();
    }
}

package org.nlbridge.driver.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.nlbridge.state.Endpoint;
import org.nlbridge.state.Phase;
import org.nlbridge.state.StateStore;
import org.nlbridge.netns.NetNs;
import org.nlbridge.testing.Oracle;

/**
 * What the engine may have left in a {@link World}'s host and state directory, read with {@code ip -j},
 * {@code nft -j} and the store itself: the oracle of "destroy removed everything" and "a crash leaked nothing".
 */
public final class Leftovers {
    private Leftovers() {}

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The user hook: the engine creates it once and never deletes it (it is the user's). */
    static final Set<String> USER_HOOK = Set.of("ip nlbridge-user", "ip6 nlbridge-user");

    /** Links of the host namespace, by name. */
    public static Set<String> links(String ns) {
        Set<String> out = new TreeSet<>();
        for (JsonNode l : Oracle.ip(ns, "link", "show")) out.add(l.path("ifname").asText());
        return out;
    }

    /** Links of a namespace that carry our ownership marker ({@code IFLA_IFALIAS nlbridge:...}). */
    public static List<String> marked(String ns) {
        List<String> out = new ArrayList<>();
        for (JsonNode l : Oracle.ip(ns, "link", "show")) {
            if (l.path("ifalias").asText("").startsWith("nlbridge:")) out.add(l.path("ifname").asText() + " " + l.path("ifalias").asText());
        }
        return out;
    }

    /** {@code family name} of every nft table in a namespace. */
    public static Set<String> tables(String ns) {
        Set<String> out = new TreeSet<>();
        for (JsonNode o : nftJson(ns).path("nftables")) {
            JsonNode t = o.path("table");
            if (!t.isMissingNode()) out.add(t.path("family").asText() + " " + t.path("name").asText());
        }
        return out;
    }

    /** The elements of a named set or map of {@code ip nlbridge}, as nft prints them in JSON. */
    public static List<String> elements(String ns, String set) {
        List<String> out = new ArrayList<>();
        for (JsonNode o : nftJson(ns).path("nftables")) {
            JsonNode s = o.has("map") ? o.path("map") : o.path("set");
            if (s.path("table").asText().equals("nlbridge") && s.path("family").asText().equals("ip")
                    && s.path("name").asText().equals(set)) {
                s.path("elem").forEach(e -> out.add(e.toString()));
            }
        }
        return out;
    }

    private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");

    static JsonNode nftJson(String ns) {
        try {
            return JSON.readTree(World.exec(ns, "nft", "-j", "list", "ruleset"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The store's networks, endpoints (with their phase), port bindings, containers and meta keys, as one list. */
    public static List<String> store(Path stateDir) {
        if (!Files.exists(stateDir.resolve(StateStore.FILE_NAME))) return List.of();
        try (StateStore s = StateStore.open(stateDir)) {
            return s.read(tx -> {
                List<String> out = new ArrayList<>();
                tx.networks().all().forEach(n -> out.add("network " + n.name()));
                for (Endpoint e : tx.endpoints().all()) out.add("endpoint " + e.container() + " " + e.phase());
                tx.ports().all().forEach(p -> out.add("port " + p.container() + " " + p.mapping()));
                tx.containers().all().forEach(c -> out.add("container " + c.name()));
                tx.meta().keys("").forEach(k -> out.add("meta " + k));
                return out;
            });
        }
    }

    /** Container directories of the DNS overlay. */
    public static List<String> overlays(Path stateDir) {
        Path dir = stateDir.resolve("containers");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * After a full destroy: the host has only the links the test made ({@code keep}), none with our marker; no nft
     * table but the user hook's; the store holds nothing but user-hook bookkeeping; no overlay files; none of
     * {@code engineNetns} (namespaces the engine created) exists; route_localnet is off everywhere.
     */
    public static void assertNothingOfOurs(World w, Set<String> keep, List<String> engineNetns) {
        assertEquals(new TreeSet<>(keep), links(w.host), "links of the host namespace");
        assertEquals(List.of(), marked(w.host));
        Set<String> tables = tables(w.host);
        tables.removeAll(USER_HOOK);
        assertEquals(Set.of(), tables, "nft tables besides the user hook");
        assertEquals(List.of(), store(w.state), "the state store (but for the user rules inserted, kept to never repeat them)");
        assertEquals(List.of(), overlays(w.state), "overlay files");
        for (String ns : engineNetns) assertFalse(NetNs.exists(ns), "namespace " + ns + " was deleted");
        for (String conf : List.of("all", "default")) {
            assertEquals("0", World.sysctl(w.host, "net.ipv4.conf." + conf + ".route_localnet"));
        }
    }

    /**
     * Mid-life consistency: every veth with our marker belongs to an ATTACHED endpoint of the store and vice versa,
     * no endpoint is in flight, and every address in the firewall's maps is an ATTACHED endpoint's.
     */
    public static void assertConsistent(World w) {
        List<String> stored = store(w.state);
        assertTrue(stored.stream().noneMatch(s -> s.startsWith("endpoint ") && !s.endsWith(" " + Phase.ATTACHED)),
                "no endpoint in flight: " + stored);
        Set<String> attached = new TreeSet<>();
        Set<String> addresses = new TreeSet<>();
        try (StateStore s = StateStore.open(w.state)) {
            s.read(tx -> {
                Set<String> owners = new TreeSet<>();
                for (Endpoint e : tx.endpoints().all()) {
                    attached.add("nlbridge:endpoint:" + e.network() + "/" + e.container());
                    addresses.add(e.ipv4().toString());
                    owners.add(e.network() + "/" + e.container());
                }
                tx.ports().all().forEach(p -> assertTrue(owners.contains(p.network() + "/" + p.container()),
                        "port binding " + p + " of a stored endpoint"));
                return null;
            });
        }
        Set<String> veths = new TreeSet<>();
        for (String m : marked(w.host)) {
            String alias = m.substring(m.indexOf(' ') + 1);
            if (alias.startsWith("nlbridge:endpoint:")) veths.add(alias);
        }
        assertEquals(attached, veths, "veths in the kernel = endpoints in the store");
        for (String e : elements(w.host, "direct4")) {
            java.util.regex.Matcher m = IPV4.matcher(e);
            assertTrue(m.find() && addresses.contains(m.group()), "firewall entry " + e + " belongs to a stored endpoint " + addresses);
        }
        for (String e : elements(w.host, "published4")) {
            assertTrue(addresses.stream().anyMatch(e::contains), "published port " + e + " of a stored endpoint " + addresses);
        }
    }
}

package org.nlbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nlbridge.driver.bridge.Leftovers;
import org.nlbridge.driver.bridge.World;
import org.nlbridge.dsl.ScriptLoader;
import org.nlbridge.dsl.ScriptTrust;
import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.GatewayMode;
import org.nlbridge.spec.NetworkMode;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * Every script in {@code scripts/}, applied in sandbox namespaces, checked with {@code ip -j} and {@code nft -j},
 * and destroyed. A script is loaded as users load it, then its containers' namespaces are renamed to names
 * reserved in the sandbox (the only change: bridge names need none, they live in the sandbox's host namespace).
 * Set-up a script asks for in its comments (a {@code //   ip ...} line: the bridge of {@code -b}) is run as written.
 */
@ExtendWith(SandboxExtension.class)
class ScriptsTest {

    @TempDir
    Path tmp;

    private World world;
    private Engine engine;

    @BeforeEach
    void tools() {
        Assumptions.assumeTrue(Host.has("nft"), "needs the nft binary as the oracle");
    }

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    static Path scriptsDir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("scripts/docker0.groovy"))) return p.resolve("scripts");
        }
        throw new AssertionError("no scripts/ directory above " + Path.of("").toAbsolutePath());
    }

    static List<String> scripts() throws IOException {
        try (Stream<Path> s = Files.list(scriptsDir())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".groovy")).sorted().toList();
        }
    }

    /**
     * Loads a script as users load it and runs the set-up it asks for in its comments in the world's host; skips
     * (assumption) a script with icc=false where bridged traffic cannot be filtered.
     */
    static DesiredState prepare(String name, World world) throws IOException {
        Path file = scriptsDir().resolve(name);
        // the repository's own files, whoever checked them out: the trust check is for scripts run as root by users
        DesiredState loaded = ScriptLoader.withTrust(ScriptTrust.none()).load(file);
        List<String> setup = Files.readString(file).lines().filter(l -> l.startsWith("//   ip "))
                .map(l -> l.substring("//   ip ".length())).toList();
        if (!setup.isEmpty()) World.ip(world.host, setup.toArray(String[]::new));
        if (loaded.networks().stream().anyMatch(n -> !n.icc())) world.assumeBrNetfilter();
        return loaded;
    }

    /** Every script has its case below: a new script without checks fails here. */
    @Test
    void everyScriptIsCovered() throws IOException {
        assertEquals(new TreeSet<>(CHECKS.keySet()), new TreeSet<>(scripts()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void appliesChecksAndDestroys(String name, Sandbox sb) throws IOException {
        world = new World(sb, tmp.resolve("state"));
        DesiredState loaded = prepare(name, world);
        Set<String> keep = Leftovers.links(world.host);

        DesiredState desired = inSandbox(loaded);
        engine = world.engine();
        assertFalse(engine.plan(desired).isEmpty(), "something to do");
        engine.apply(desired, null);
        assertTrue(engine.plan(desired).isEmpty(), () -> "applied: nothing left to do, but " + engine.plan(desired));
        EngineStatus status = engine.status();
        generic(desired, status);
        CHECKS.get(name).check(this, desired, status);

        assertFalse(engine.planDestroy(desired).isEmpty(), "something to destroy");
        engine.destroy(desired, null);
        assertTrue(engine.planDestroy(desired).isEmpty(), () -> "destroyed: " + engine.planDestroy(desired));
        List<String> created = desired.containers().stream()
                .filter(c -> c.network() instanceof NetworkMode.Bridge || c.network() instanceof NetworkMode.None)
                .map(ContainerSpec::netns).toList();
        Leftovers.assertNothingOfOurs(world, keep, created);
    }

    /** The script's containers in namespaces reserved in this sandbox (deleted at cleanup whatever happens). */
    private DesiredState inSandbox(DesiredState d) {
        return d.mapContainers(c -> c.withNetns(world.ctr(c.netns())));
    }

    /** What holds for any script: bridges with their gateway, containers with eth0 on them, our tables or none. */
    private void generic(DesiredState d, EngineStatus status) {
        for (NetworkSpec n : d.networks()) {
            JsonNode br = Oracle.link(world.host, n.bridge().toString());
            assertNotNull(br, "bridge " + n.bridge());
            EngineStatus.NetworkStatus ns = status.networks().stream().filter(x -> x.name().equals(n.name())).findFirst().orElseThrow();
            boolean gateway = Oracle.addresses(world.host, n.bridge().toString()).contains(ns.gateway() + "/"
                    + ns.subnet().substring(ns.subnet().indexOf('/') + 1));
            assertEquals(n.gatewayMode() != GatewayMode.ISOLATED, gateway, "gateway on " + n.bridge());
        }
        for (ContainerSpec c : d.containers()) {
            EngineStatus.ContainerStatus cs = container(status, c.name());
            if (c.network() instanceof NetworkMode.Bridge b) {
                NetworkSpec n = d.networks().stream().filter(x -> x.name().equals(b.network())).findFirst().orElseThrow();
                assertEquals(n.bridge().toString(), Oracle.link(world.host, cs.hostVeth()).path("master").asText());
                assertTrue(Oracle.addresses(c.netns(), "eth0").stream().anyMatch(a -> a.startsWith(cs.ipv4() + "/")),
                        c.name() + " has " + cs.ipv4() + " on eth0");
                assertEquals(n.internal() ? 0 : 1, Oracle.ip(c.netns(), "route", "show", "default").size(),
                        c.name() + ": default route");
            } else {
                assertNull(cs.hostVeth(), c.name() + " (" + c.network() + ") has no veth");
            }
        }
        boolean nft = d.networks().stream().anyMatch(n -> n.firewall().label().equals("nftables"));
        assertEquals(nft, Leftovers.tables(world.host).contains("ip nlbridge"), "table ip nlbridge iff an nftables network");
    }

    private static EngineStatus.ContainerStatus container(EngineStatus s, String name) {
        return s.containers().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name + " in the status"));
    }

    private String ipOf(EngineStatus s, String name) {
        return container(s, name).ipv4();
    }

    private String nft(String... args) {
        return World.nft(world.host, args);
    }

    private String file(String container, String name) throws IOException {
        return Files.readString(world.state.resolve("containers").resolve(container).resolve(name));
    }

    @FunctionalInterface
    interface Check {
        void check(ScriptsTest t, DesiredState d, EngineStatus s) throws IOException;
    }

    private static final Map<String, Check> CHECKS = new HashMap<>();

    static {
        CHECKS.put("docker0.groovy", (t, d, s) -> {
            assertEquals(List.of("172.17.0.1/16"), Oracle.addresses(t.world.host, "docker0").stream()
                    .filter(a -> !a.contains(":")).toList());
            assertTrue(Leftovers.elements(t.world.host, "ports4-any").toString().contains(t.ipOf(s, "web")),
                    "8080 -> web:80 in the port map");
            assertTrue(withoutCounters(t.nft("list", "map", "ip", "nlbridge", "ports4-any"))
                    .contains("tcp . 8080 : " + t.ipOf(s, "web") + " . 80"));
        });
        CHECKS.put("bip-fixed-cidr.groovy", (t, d, s) -> {
            assertTrue(Oracle.addresses(t.world.host, "docker0").contains("172.17.42.1/16"));
            assertTrue(t.ipOf(s, "web").startsWith("172.17.42."), t.ipOf(s, "web"));
            assertEquals("172.17.42.20", t.ipOf(s, "db"));
        });
        CHECKS.put("bridge0.groovy", (t, d, s) -> {
            assertTrue(t.ipOf(s, "web").startsWith("192.168.5."), t.ipOf(s, "web"));
            assertEquals("192.168.5.1", Oracle.ip(d.containers().getFirst().netns(), "route", "show", "default")
                    .get(0).path("gateway").asText());
            assertTrue(Oracle.link(t.world.host, "bridge0").path("ifalias").isMissingNode(), "no marker on the user's bridge");
            // destroy must leave it: the generic check after destroy expects every link that was there before
        });
        CHECKS.put("firewall-none.groovy", (t, d, s) -> {
            assertEquals(Set.of(), Leftovers.tables(t.world.host), "--iptables=false: no nft table at all");
        });
        CHECKS.put("hostname-dns.groovy", (t, d, s) -> {
            assertEquals("web1\n", t.file("web", "hostname"));
            assertTrue(t.file("web", "resolv.conf").startsWith("nameserver 1.1.1.1\nnameserver 8.8.8.8\nsearch example.com\n"
                    + "options ndots:2\n"), t.file("web", "resolv.conf"));
            assertEquals("127.0.0.1\tlocalhost\n" + t.ipOf(s, "web") + "\tweb1\n", t.file("web", "hosts"));
        });
        CHECKS.put("icc-false.groovy", (t, d, s) -> {
            String chain = t.nft("list", "chain", "ip", "nlbridge", "fwd-to__docker0");
            assertTrue(chain.matches("(?s).*\\biifname \"docker0\" counter packets \\d+ bytes \\d+ drop\n.*"), chain);
        });
        CHECKS.put("mtu.groovy", (t, d, s) -> {
            assertEquals(1400, Oracle.link(t.world.host, "docker0").path("mtu").asInt());
            assertEquals(1400, Oracle.link(d.containers().getFirst().netns(), "eth0").path("mtu").asInt());
        });
        CHECKS.put("net-container.groovy", (t, d, s) -> {
            assertEquals("container:web", container(s, "sidecar").network());
            Engine.ContainerRuntime web = t.engine.runtime("web");
            Engine.ContainerRuntime sidecar = t.engine.runtime("sidecar");
            assertEquals(web.netns(), sidecar.netns(), "the sidecar runs in web's namespace");
            assertEquals(web.mounts(), sidecar.mounts(), "with web's resolv.conf and hosts, as in Docker");
            assertEquals(1, Oracle.ip(t.world.host, "link", "show", "type", "veth").size() - 2, "one veth: web's");
        });
        CHECKS.put("net-host.groovy", (t, d, s) -> {
            assertEquals(Set.of("eatk", "eup", "lo"), Leftovers.links(t.world.host), "nothing set up for --net=host");
            assertNull(t.engine.runtime("agent").netns(), "runs in the host's namespace");
            assertEquals(Set.of(), Leftovers.tables(t.world.host));
        });
        CHECKS.put("net-none.groovy", (t, d, s) -> {
            String ns = d.containers().getFirst().netns();
            List<String> links = new ArrayList<>();
            Oracle.ip(ns, "link", "show").forEach(l -> links.add(l.path("ifname").asText()));
            assertEquals(List.of("lo"), links);
            assertTrue(Oracle.link(ns, "lo").path("flags").toString().contains("\"UP\""), "lo up");
        });
        CHECKS.put("publish-5000-22.groovy", (t, d, s) -> {
            String ip = t.ipOf(s, "ssh");
            String any = withoutCounters(t.nft("list", "map", "ip", "nlbridge", "ports4-any"));
            String addr = withoutCounters(t.nft("list", "map", "ip", "nlbridge", "ports4"));
            assertTrue(any.contains("tcp . 5000 : " + ip + " . 22"), any);
            assertTrue(any.contains("udp . 6000 : " + ip + " . 7000") && any.contains("udp . 6001 : " + ip + " . 7001"), any);
            assertTrue(addr.contains("tcp . 127.0.0.1 . 8080 : " + ip + " . 80"), addr);
            assertFalse(any.contains("8080"), "the loopback port is not published on every address: " + any);
        });
        CHECKS.put("gateway-modes.groovy", (t, d, s) -> {
            String web = t.ipOf(s, "web");
            String web6 = container(s, "web").ipv6().replaceAll("/.*", "");
            assertTrue(withoutCounters(t.nft("list", "map", "ip", "nlbridge", "ports4-any"))
                    .contains("tcp . 8080 : " + web + " . 80"), "IPv4: nat");
            assertFalse(withoutCounters(t.nft("list", "table", "ip6", "nlbridge")).contains("8080"), "IPv6: no DNAT");
            assertTrue(t.nft("list", "set", "ip6", "nlbridge", "published6").contains(web6 + " . tcp . 80"));
            assertFalse(t.nft("list", "table", "ip6", "nlbridge").contains("nat-from__br-public"), "IPv6: no masquerade");
            assertEquals(List.of(), Oracle.addresses(t.world.host, "br-back").stream().filter(a -> a.contains("."))
                    .toList(), "isolated: no address on the bridge");
        });
        CHECKS.put("allow-only-from.groovy", (t, d, s) -> {
            String hook = t.nft("list", "chain", "ip", "nlbridge-user", "forward");
            assertTrue(hook.contains("iifname \"uplink0\" ip saddr != 8.8.8.8 counter packets"), hook);
        });
    }

    /** A listing without the per-element connection counters of the port maps. */
    static String withoutCounters(String listing) {
        return listing.replaceAll(" counter packets \\d+ bytes \\d+", "");
    }
}

package org.nlbridge.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.driver.bridge.World;
import org.nlbridge.engine.Engine;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Inside;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;

/**
 * Issue 16 item 2 (the sysctl half; CVE-2020-13401): a container with CAP_NET_RAW sends IPv6 router advertisements
 * (a raw Ethernet frame, so also from an IPv4-only container whose IPv6 is off) announcing itself as the default
 * router and a SLAAC prefix. Neither the host nor another container may take an address or a route from it, on an
 * IPv4-only network and on an IPv6 one. The oracle is {@code ip -j -6 addr/route}; a control pair of namespaces
 * without nlbridge shows that the same frames do configure a host that accepts them.
 */
@ExtendWith(SandboxExtension.class)
class RogueRouterAdvertisementTest {

    private static final String PREFIX = "2001:db8:16:";

    @TempDir
    Path tmp;

    private World world;

    @BeforeEach
    void tools() {
        Assumptions.assumeTrue(Host.has("python3"), "needs python3 to send raw frames");
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/sys/net/ipv6")), "needs a kernel with IPv6");
    }

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    /**
     * With {@code firewall 'none'} the bridge-family guard that drops RAs from container ports (the firewall's half,
     * on main already) is absent, so the sysctls alone must hold; with nftables both do.
     */
    @ParameterizedTest(name = "IPv6 network: {0}, firewall {1}")
    @CsvSource({"false, none", "true, none", "false, nftables", "true, nftables"})
    void aContainersRouterAdvertisementConfiguresNobody(boolean ipv6, String firewall, Sandbox sb)
            throws IOException, InterruptedException {
        Path sender = sender();
        control(sb, sender);
        world = new World(sb, tmp.resolve("state"));
        String rogue = world.ctr("rogue");
        String victim = world.ctr("victim");
        NetworkSpec net = NetworkSpec.of("bridge", n -> {
            n.bridge("nlb0").bip("172.30.16.1/24").firewall(firewall);
            if (ipv6) n.fixedCidrV6("fd00:16::/64");
        });
        Engine engine = world.engine();
        engine.apply(DesiredState.of(List.of(net), List.of(ContainerSpec.of("rogue", c -> c.netns(rogue)),
                ContainerSpec.of("victim", c -> c.netns(victim)))), null);
        String veth = engine.status().containers().getFirst().hostVeth();
        assertEquals("0", World.sysctl(world.host, "net.ipv6.conf.nlb0.accept_ra"), "the bridge takes no RA");
        assertEquals("0", World.sysctl(world.host, "net.ipv6.conf.nlb0.autoconf"), "the bridge makes no SLAAC address");
        assertEquals("0", World.sysctl(world.host, "net.ipv6.conf." + veth + ".accept_ra"), "the host veth takes no RA");

        Inside.run(rogue, "python3", sender.toString(), "eth0", "5");
        Thread.sleep(1500); // SLAAC and the default router are immediate; DAD would only delay the address's flags

        for (String ns : List.of(world.host, victim)) {
            assertEquals(List.of(), rogueAddresses(ns), "addresses from the rogue prefix in " + ns);
            assertEquals(List.of(), rogueRoutes(ns), "routes from the rogue RA in " + ns);
        }
    }

    /** The same frames do configure a plain host that accepts router advertisements: the sender works. */
    private void control(Sandbox sb, Path sender) throws InterruptedException {
        List<String> ns = sb.netns(List.of("ctl-host", "ctl-router"));
        Inside.ip(ns.get(0), "link set lo up", "link add eth0 type veth peer name eth0 netns " + ns.get(1),
                "link set eth0 up");
        Inside.ip(ns.get(1), "link set eth0 up");
        // RAs sent before the fresh link's carrier is up (up to a second late, more on a loaded machine) are lost:
        // send until the host takes one, within a minute
        long until = System.nanoTime() + 60_000_000_000L;
        do {
            Inside.run(ns.get(1), "python3", sender.toString(), "eth0", "3");
            for (int i = 0; i < 10 && rogueRoutes(ns.get(0)).isEmpty(); i++) Thread.sleep(100);
        } while (rogueRoutes(ns.get(0)).isEmpty() && System.nanoTime() < until);
        assertTrue(!rogueRoutes(ns.get(0)).isEmpty(), "the control host took a route from the RA: the sender works");
    }

    private Path sender() throws IOException {
        Path p = tmp.resolve("send_ra.py");
        try (InputStream in = getClass().getResourceAsStream("/hardening/send_ra.py")) {
            Files.copy(in, p);
        }
        return p;
    }

    private static List<String> rogueAddresses(String ns) {
        List<String> out = new ArrayList<>();
        for (JsonNode l : Oracle.ip(ns, "-6", "addr", "show")) {
            for (JsonNode a : l.path("addr_info")) {
                if (a.path("local").asText().startsWith(PREFIX)) out.add(l.path("ifname").asText() + " " + a.path("local").asText());
            }
        }
        return out;
    }

    /**
     * A route to the rogue prefix, or a default route via a link-local router (the kernel adds both from an RA it
     * accepts; the engine's own IPv6 default routes go via the network's gateway).
     */
    private static List<String> rogueRoutes(String ns) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : Oracle.ip(ns, "-6", "route", "show")) {
            String dst = r.path("dst").asText();
            if (dst.startsWith(PREFIX) || dst.equals("default") && r.path("gateway").asText().startsWith("fe80:")) {
                out.add(r.toString());
            }
        }
        return out;
    }
}

package org.nlbridge.driver.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.testing.Tcp.noPing;
import static org.nlbridge.testing.Tcp.pings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.driver.firewall.Probes;
import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;

/**
 * A container on several networks (Docker's {@code network connect}): one veth, address and interface per network,
 * the default route on one of them only, isolation between the networks holding for every other container, and
 * connect, disconnect and the default route moving without re-making what stays. Checked with {@code ip -j},
 * {@code nft -j} and real packets.
 */
@ExtendWith(SandboxExtension.class)
class MultiNetworkTest {

    @TempDir
    Path state;

    private World world;

    @BeforeEach
    void tools() {
        World.assumeTools();
    }

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    static final NetworkSpec FRONT = NetworkSpec.of("front", n -> n.bridge("nlbfront0").bip("10.61.0.1/24").mtu(1400));
    static final NetworkSpec BACK = NetworkSpec.of("back", n -> n.bridge("nlbback0").bip("10.62.0.1/24")
            .fixedCidrV6("fd00:62::/64"));

    private DesiredState state(ContainerSpec... containers) {
        return DesiredState.of(List.of(FRONT, BACK), List.of(containers));
    }

    private static List<String> v4(String ns, String ifname) {
        return Oracle.addresses(ns, ifname).stream().filter(a -> !a.contains(":")).toList();
    }

    /** The container's default routes as {@code via dev}, IPv4 and IPv6. */
    private static List<String> defaults(String ns) {
        List<String> out = new ArrayList<>();
        for (String family : List.of("-4", "-6")) {
            for (JsonNode r : Oracle.ip(ns, family, "route", "show", "default")) {
                out.add(r.path("gateway").asText() + " " + r.path("dev").asText());
            }
        }
        return out;
    }

    /** The host end of a container interface (its veth peer). */
    private String port(String ns, String ifname) {
        int peer = Oracle.link(ns, ifname).path("link_index").asInt();
        for (JsonNode l : Oracle.ip(world.host, "link", "show")) {
            if (l.path("ifindex").asInt() == peer) return l.path("ifname").asText();
        }
        throw new AssertionError("no host end of " + ns + ":" + ifname);
    }

    private static List<String> sorted(String... elements) {
        return java.util.Arrays.stream(elements).sorted().toList();
    }

    private static String mac(String ns, String ifname) {
        return Oracle.link(ns, ifname).path("address").asText();
    }

    /** The elements of {@code bridge nlbridge SET} as {@code nft -j} lists them, {@code "veth mac address"}, sorted. */
    private static List<String> owned(String host, String set) {
        List<String> out = new ArrayList<>();
        for (JsonNode o : Oracle.nft(host).path("nftables")) {
            JsonNode s = o.path("set");
            if (!s.path("family").asText().equals("bridge") || !s.path("name").asText().equals(set)) continue;
            for (JsonNode e : s.path("elem")) {
                List<String> parts = new ArrayList<>();
                for (JsonNode p : e.path("concat")) parts.add(p.asText());
                out.add(String.join(" ", parts));
            }
        }
        out.sort(null);
        return out;
    }

    @Test
    void aContainerOnTwoNetworks(Sandbox sandbox) {
        world = new World(sandbox, state);
        Engine engine = world.engine();
        String webNs = world.ctr("web");
        String aNs = world.ctr("a");
        String bNs = world.ctr("b");
        // anti-spoofing on both networks (the default): the answers of back's published port leave by the default
        // route (eth0, front) from web's back address, which front's port accepts as web's own
        ContainerSpec web = ContainerSpec.of("web", c -> c.netns(webNs).network("front").ip("10.61.0.10")
                .connect("back", x -> x.ip("10.62.0.10").alias("api").publish("8081:81")));
        ContainerSpec a = ContainerSpec.of("a", c -> c.netns(aNs).network("front").ip("10.61.0.20"));
        ContainerSpec b = ContainerSpec.of("b", c -> c.netns(bNs).network("back").ip("10.62.0.20"));
        DesiredState s = state(web, a, b);
        engine.apply(s, Engine.ProgressListener.NONE);

        // one interface per network, each with its network's MTU and addresses; the default route on the first only
        assertEquals(List.of("10.61.0.10/24"), v4(webNs, "eth0"));
        assertEquals(List.of("10.62.0.10/24"), v4(webNs, "eth1"));
        assertEquals(1400, Oracle.link(webNs, "eth0").path("mtu").asInt());
        assertTrue(Oracle.addresses(webNs, "eth1").contains("fd00:62::2/64"), Oracle.addresses(webNs, "eth1").toString());
        assertEquals(List.of("10.61.0.1 eth0"), defaults(webNs), "the default route stays on the first network");
        // the host ends: one veth on each bridge
        long onFront = 0;
        long onBack = 0;
        for (JsonNode l : Oracle.ip(world.host, "link", "show")) {
            if (l.path("master").asText().equals("nlbfront0")) onFront++;
            if (l.path("master").asText().equals("nlbback0")) onBack++;
        }
        assertEquals(2, onFront);
        assertEquals(2, onBack);
        // the connect's published port is the back address's
        assertTrue(Oracle.nft(world.host).toString().contains("10.62.0.10"), "port 8081 maps to web on back");

        // packets: web reaches both networks; a (front only) and b (back only) still cannot reach each other
        pings(webNs, "10.61.0.20");
        pings(webNs, "10.62.0.20");
        pings(webNs, "10.62.0.1");
        noPing(aNs, "10.62.0.20");
        noPing(bNs, "10.61.0.20");
        noPing(aNs, "10.62.0.10");
        Tcp.serve(sandbox, "web", "web-back", 81);
        Tcp.reaches(world.upstream, World.HOST_UP, 8081, "web-back from " + World.UPSTREAM);

        // each port accepts, from its own MAC, web's address on the other network: one element each (nft -j)
        String front0 = port(webNs, "eth0");
        String back1 = port(webNs, "eth1");
        assertEquals(sorted(front0 + " " + mac(webNs, "eth0") + " 10.62.0.10", back1 + " " + mac(webNs, "eth1")
                + " 10.61.0.10"), owned(world.host, "owned4"));
        assertEquals(List.of(), owned(world.host, "owned6"), "front has no IPv6");
        // real packets out of eth0 (front): web's back address passes; b's (a third container's) does not, nor does
        // web's back address leave the host un-NATed for a connection that is not a published port's
        Probes.UdpLog host = Probes.listen(sandbox, "host", "0.0.0.0", 9999);
        Probes.UdpLog up = Probes.listen(sandbox, "upstream", "0.0.0.0", 9999);
        Probes.udp(webNs, "10.62.0.10", "10.61.0.1", 9999, 3);
        Probes.udp(webNs, "10.62.0.20", "10.61.0.1", 9999, 3);
        Probes.udp(webNs, "10.62.0.10", World.UPSTREAM, 9999, 3);
        Probes.udp(webNs, "10.61.0.10", World.UPSTREAM, 9999, 3);
        assertTrue(host.heardFrom("10.62.0.10"), "web's own back address through front: " + host.sources());
        assertFalse(host.heardFrom("10.62.0.20"), "web sent as b: " + host.sources());
        assertTrue(up.heardFrom(World.HOST_UP), "web's front address, masqueraded: " + up.sources());
        assertFalse(up.heardFrom("10.62.0.10"), "back's address left un-NATed through front: " + up.sources());
        // with the gateway forgotten, Linux asks for it (ARP) from the waiting packet's source, web's back address:
        // bound to eth0's MAC in frame and payload, the request passes and the datagram follows
        Probes.UdpLog afresh = Probes.listen(sandbox, "host", "0.0.0.0", 9998);
        Cmd.run(null, "ip", "netns", "exec", webNs, "ip", "neigh", "flush", "dev", "eth0");
        Probes.udp(webNs, "10.62.0.10", "10.61.0.1", 9998, 3);
        assertTrue(afresh.heardFrom("10.62.0.10"), "after ARP from web's back address: " + afresh.sources());

        // status shows each network of the container
        EngineStatus.ContainerStatus st = engine.status().containers().stream().filter(c -> c.name().equals("web"))
                .findFirst().orElseThrow();
        assertEquals(List.of("front eth0 10.61.0.10 default []", "back eth1 10.62.0.10 - [api]"), st.attachments().stream()
                .map(x -> x.network() + " " + x.ifname() + " " + x.ipv4() + " " + (x.defaultRoute() ? "default" : "-")
                        + " " + x.aliases()).toList());
        assertTrue(engine.plan(s).isEmpty(), engine.plan(s).toString());

        // the default route moves to back without re-making either interface
        int eth0 = Oracle.link(webNs, "eth0").path("ifindex").asInt();
        int eth1 = Oracle.link(webNs, "eth1").path("ifindex").asInt();
        ContainerSpec routed = ContainerSpec.of("web", c -> c.netns(webNs).network("front").ip("10.61.0.10")
                .connect("back", x -> x.ip("10.62.0.10").alias("api").publish("8081:81").defaultRoute(true)));
        engine.apply(state(routed, a, b), Engine.ProgressListener.NONE);
        assertEquals(List.of("10.62.0.1 eth1", "fd00:62::1 eth1"), defaults(webNs));
        assertEquals(eth0, Oracle.link(webNs, "eth0").path("ifindex").asInt());
        assertEquals(eth1, Oracle.link(webNs, "eth1").path("ifindex").asInt());
        assertTrue(engine.plan(state(routed, a, b)).isEmpty());

        // disconnect front: eth0 goes, eth1 stays as it was, with the default route
        ContainerSpec left = routed.withoutNetwork("front");
        engine.apply(state(left, a, b), Engine.ProgressListener.NONE);
        assertNull(Oracle.link(webNs, "eth0"));
        assertEquals(eth1, Oracle.link(webNs, "eth1").path("ifindex").asInt());
        assertEquals(List.of("10.62.0.1 eth1", "fd00:62::1 eth1"), defaults(webNs));
        noPing(webNs, "10.61.0.20");
        pings(webNs, "10.62.0.20");
        assertEquals(List.of(), owned(world.host, "owned4"), "front's port is gone, and with it back's element");

        // connect front again (as eth2: the next free name), no default route there
        ContainerSpec again = left.withConnect("front", x -> x.ip("10.61.0.11"));
        engine.apply(state(again, a, b), Engine.ProgressListener.NONE);
        assertEquals(List.of("10.61.0.11/24"), v4(webNs, "eth2"));
        assertEquals(List.of("10.62.0.1 eth1", "fd00:62::1 eth1"), defaults(webNs));
        pings(webNs, "10.61.0.20");
        assertEquals(sorted(port(webNs, "eth2") + " " + mac(webNs, "eth2") + " 10.62.0.10", back1 + " "
                + mac(webNs, "eth1") + " 10.61.0.11"), owned(world.host, "owned4"));
        Tcp.reaches(world.upstream, World.HOST_UP, 8081, "web-back from " + World.UPSTREAM);

        engine.destroy(state(again, a, b), Engine.ProgressListener.NONE);
        for (JsonNode l : Oracle.ip(world.host, "link", "show")) {
            assertTrue(!l.path("ifname").asText().startsWith("nlb"), "left: " + l.path("ifname").asText());
        }
        assertEquals(0, engine.status().containers().size());
    }

    @Test
    void aNamespaceARuntimeGaveIsUsedNeverMadeOrDeleted(Sandbox sandbox) {
        world = new World(sandbox, state);
        Engine engine = world.engine();
        String ns = sandbox.netns("runtime-made");
        String path = "/proc/" + sandbox.spawn("runtime-made", "sleep", "600").pid() + "/ns/net";
        ContainerSpec c = ContainerSpec.of("ctr-1", x -> x.netns(path).network("front").label("io.kubernetes.pod.name", "web"));
        engine.apply(state(c), Engine.ProgressListener.NONE);
        assertEquals(1, v4(ns, "eth0").size(), "the interface is in the namespace behind the path");
        EngineStatus.ContainerStatus st = engine.status().containers().getFirst();
        assertEquals(path, st.netns());
        assertEquals("web", st.labels().get("io.kubernetes.pod.name"));
        assertEquals(List.of(), st.files(), "no /etc files: the runtime writes its own");
        assertTrue(engine.plan(state(c)).isEmpty());
        engine.destroy(state(c), Engine.ProgressListener.NONE);
        assertNull(Oracle.link(ns, "eth0"));
        assertTrue(java.nio.file.Files.exists(Path.of("/run/netns", ns)), "the runtime's namespace stays");
        // a path that names nothing: the attach fails, nothing is made
        ContainerSpec gone = ContainerSpec.of("ctr-2", x -> x.netns("/proc/999999999/ns/net").network("front"));
        try {
            engine.apply(state(gone), Engine.ProgressListener.NONE);
        } catch (RuntimeException expected) {
            assertTrue(expected.getMessage().contains("ctr-2"), expected.getMessage());
        }
        assertEquals(0, engine.status().containers().stream().filter(x -> x.ipv4() != null).count());
    }
}

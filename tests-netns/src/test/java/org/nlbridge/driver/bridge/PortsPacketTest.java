package org.nlbridge.driver.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.driver.bridge.World.ATTACKER;
import static org.nlbridge.driver.bridge.World.ATTACKER6;
import static org.nlbridge.driver.bridge.World.HOST_ATK;
import static org.nlbridge.driver.bridge.World.HOST_ATK6;
import static org.nlbridge.driver.bridge.World.HOST_UP;
import static org.nlbridge.driver.bridge.World.HOST_UP6;
import static org.nlbridge.driver.bridge.World.UPSTREAM;
import static org.nlbridge.driver.bridge.World.UPSTREAM6;
import static org.nlbridge.testing.Tcp.blocked;
import static org.nlbridge.testing.Tcp.reaches;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;
import org.nlbridge.testing.Udp;

/**
 * Published ports end to end, with real packets where the other tests check rules: UDP through conntrack, port
 * ranges, IPv6 ports on every address and on {@code ::1}, hairpin over IPv6 and across networks, the IPv6
 * direct-access drop, and {@code ipForward false}, in a {@link World} with IPv6 on its uplinks.
 */
@ExtendWith(SandboxExtension.class)
class PortsPacketTest {
    @TempDir
    Path state;

    private World world;

    @BeforeEach
    void tools() {
        World.assumeTools();
        Udp.assumeAvailable();
    }

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    private Engine engine(Sandbox sb) {
        world = new World(sb, state).ipv6();
        return world.engine();
    }

    private ContainerSpec ctr(String name, String network, String... publish) {
        return ContainerSpec.of(name, b -> {
            b.netns(world.ctr(name)).network(network);
            for (String p : publish) b.publish(p);
        });
    }

    private static EngineStatus.ContainerStatus of(Engine e, String name) {
        return e.status().containers().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /** {@code -p 5353:53/udp}: a datagram echo from upstream and from the host, the replies translated back. */
    @Test
    void udpPortEchoesThroughConntrack(Sandbox sb) {
        Engine e = engine(sb);
        e.apply(DesiredState.of(List.of(NetworkSpec.of("u", b -> b.bridge("br-u").bip("172.30.20.1/24"))),
                List.of(ctr("c1", "u", "5353:53/udp"), ctr("c2", "u"))), null);
        Udp.serve(sb, "c1", "c1-53", "0.0.0.0", 53);
        Udp.echoes(world.upstream, HOST_UP, 5353, "c1-53 from " + UPSTREAM);      // DNAT keeps the client address
        Udp.echoes(world.host, "127.0.0.1", 5353, "c1-53 from 172.30.20.1");      // the host through localhost
        Udp.echoes(sb.name("c2"), HOST_UP, 5353, "c1-53 from 172.30.20.1");       // a neighbour, hairpin
        Udp.unanswered(world.upstream, HOST_UP, 5354);
        Tcp.serve(sb, "c1", "c1-tcp53", 53);
        blocked(world.upstream, HOST_UP, 5353);                                 // udp only: not tcp
    }

    /** {@code -p 8000-8009:80-89}: each host port reaches its own container port, the next one nothing. */
    @Test
    void portRangeMapsPortByPort(Sandbox sb) {
        Engine e = engine(sb);
        e.apply(DesiredState.of(List.of(NetworkSpec.of("r", b -> b.bridge("br-r").bip("172.30.21.1/24"))),
                List.of(ctr("c1", "r", "8000-8009:80-89", "9000-9001:53-54/udp"))), null);
        for (int port : new int[] {80, 84, 89}) Tcp.serve(sb, "c1", "c1-" + port, port);
        Udp.serve(sb, "c1", "c1-u54", "0.0.0.0", 54);
        reaches(world.upstream, HOST_UP, 8000, "c1-80 from " + UPSTREAM);
        reaches(world.upstream, HOST_UP, 8004, "c1-84 from " + UPSTREAM);
        reaches(world.upstream, HOST_UP, 8009, "c1-89 from " + UPSTREAM);
        blocked(world.upstream, HOST_UP, 8010);
        Udp.echoes(world.upstream, HOST_UP, 9001, "c1-u54 from " + UPSTREAM);
        assertEquals(12, e.status().ports().size(), "one published port per mapping: " + e.status().ports());
    }

    /**
     * IPv6: {@code [::]:8080:80} from upstream, from the container itself and from a neighbour (hairpin over IPv6,
     * masqueraded to the bridge's IPv6 address); IPv4 8080 not published; routing straight to the container's IPv6
     * address reaches nothing, its published port included.
     */
    @Test
    void ipv6PortsHairpinAndTheDirectAccessDrop(Sandbox sb) {
        Engine e = engine(sb);
        e.apply(DesiredState.of(List.of(NetworkSpec.of("v6", b -> b.bridge("br-v6").bip("172.30.22.1/24")
                        .fixedCidrV6("fd00:22::/64"))),
                List.of(ctr("c1", "v6", "[::]:8080:80", "6000:60"), ctr("c2", "v6"))), null);
        String c1v6 = of(e, "c1").ipv6().replaceAll("/.*", "");
        for (int port : new int[] {80, 60}) Tcp.start(sb, "c1", "c1-" + port, port, "::");
        Tcp.serve(sb, "c1", "c1-v4-60", 60);
        Tcp.await(sb.name("c1"), "::1", 80);
        reaches(world.upstream, HOST_UP6, 8080, "c1-80 from " + UPSTREAM6);
        blocked(world.upstream, HOST_UP, 8080);                                    // [::] is IPv6 only
        reaches(world.upstream, HOST_UP6, 6000, "c1-60 from " + UPSTREAM6);         // no host address: both families
        reaches(world.upstream, HOST_UP, 6000, "c1-v4-60 from " + UPSTREAM);
        reaches(sb.name("c1"), HOST_UP6, 8080, "c1-80 from fd00:22::1");           // hairpin to itself
        reaches(sb.name("c2"), HOST_UP6, 8080, "c1-80 from fd00:22::1");           // and from a neighbour
        blocked(world.host, "::1", 8080);                                           // see the next test

        World.ip(world.attacker, "route add fd00:22::/64 via " + HOST_ATK6);
        Tcp.start(sb, "c1", "c1-23", 23, "::");
        Tcp.await(sb.name("c1"), "::1", 23);
        blocked(world.attacker, c1v6, 23);                                          // unpublished
        blocked(world.attacker, c1v6, 80);                                          // published, but not as published
        reaches(world.attacker, HOST_ATK6, 8080, "c1-80 from " + ATTACKER6);        // the way it is published
    }

    /**
     * {@code [::1]:8081:81} cannot work without a userland proxy: the kernel routes {@code ::1} only on {@code lo}
     * (no {@code route_localnet} for IPv6), so the container's reply, translated back to {@code ::1} as it arrives on
     * the bridge, is dropped (measured: the SYN reaches the container, nothing comes back). Docker serves it with
     * docker-proxy; nlbridge refuses it with the reason before changing anything, and the same port on 127.0.0.1 is
     * the loopback-only way that works.
     */
    @Test
    void ipv6LoopbackPortIsRefusedBeforeAnythingChanges(Sandbox sb) {
        Engine e = engine(sb);
        DesiredState d = DesiredState.of(List.of(NetworkSpec.of("v6", b -> b.bridge("br-v6").bip("172.30.26.1/24")
                .fixedCidrV6("fd00:26::/64"))), List.of(ctr("c1", "v6", "[::1]:8081:81")));
        ValidationException x = assertThrows(
                ValidationException.class, () -> e.plan(d));
        assertTrue(x.getMessage().contains("[::1]:8081:81") && x.getMessage().contains("127.0.0.1"), x.getMessage());
        assertThrows(ValidationException.class, () -> e.apply(d, null));
        assertEquals(List.of(), e.status().networks(), "nothing applied");
        assertEquals(null, Oracle.link(world.host, "br-v6"), "no bridge made");
    }

    /** A container reaches another network's published port through the host address, in both families. */
    @Test
    void hairpinAcrossNetworks(Sandbox sb) {
        Engine e = engine(sb);
        e.apply(DesiredState.of(List.of(
                        NetworkSpec.of("a", b -> b.bridge("br-a").bip("172.30.23.1/24").fixedCidrV6("fd00:23::/64")),
                        NetworkSpec.of("b", b -> b.bridge("br-b").bip("172.30.24.1/24").fixedCidrV6("fd00:24::/64"))),
                List.of(ctr("c1", "a", "5000:22"), ctr("c9", "b"))), null);
        Tcp.serve(sb, "c1", "c1-22", 22);
        Tcp.start(sb, "c1", "c1-22v6", 22, "::");
        Tcp.await(sb.name("c1"), "::1", 22);
        String c9 = sb.name("c9");
        reaches(c9, HOST_UP, 5000, "c1-22 from 172.30.23.1");
        reaches(c9, HOST_UP6, 5000, "c1-22v6 from fd00:23::1");
        blocked(c9, of(e, "c1").ipv4().replaceAll("/.*", ""), 22);                 // but not straight to it
        reaches(world.attacker, HOST_ATK, 5000, "c1-22 from " + ATTACKER);
    }

    /**
     * {@code ipForward false}: the engine leaves the host's forwarding off (Docker's {@code --ip-forward=false}),
     * so a container reaches the host but not beyond, and {@code status} says why; once forwarding is turned on by
     * hand the same container gets out, and the warning goes.
     */
    @Test
    void ipForwardFalseLeavesTheSysctlAloneAndStatusWarns(Sandbox sb) {
        Engine e = engine(sb);
        World.sysctl(world.host, "net.ipv4.ip_forward", "0");
        e.apply(DesiredState.of(List.of(NetworkSpec.of("nf", b -> b.bridge("br-nf").bip("172.30.25.1/24")
                        .ipForward(false))), List.of(ctr("c1", "nf"))), null);
        assertEquals("0", World.sysctl(world.host, "net.ipv4.ip_forward"));
        Tcp.serve(sb, "upstream", "up-7000", 7000);
        Tcp.serve(sb, "host", "host-7001", 7001);
        reaches(sb.name("c1"), "172.30.25.1", 7001, "host-7001 from " + of(e, "c1").ipv4().replaceAll("/.*", ""));
        blocked(sb.name("c1"), UPSTREAM, 7000);
        List<String> warnings = e.status().warnings();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().contains("net.ipv4.ip_forward is 0") && warnings.getFirst().contains("nf"),
                warnings.getFirst());

        World.sysctl(world.host, "net.ipv4.ip_forward", "1");
        reaches(sb.name("c1"), UPSTREAM, 7000, "up-7000 from " + HOST_UP);
        assertEquals(List.of(), e.status().warnings());
        assertTrue(e.plan(DesiredState.of(List.of(NetworkSpec.of("nf", b -> b.bridge("br-nf").bip("172.30.25.1/24")
                .ipForward(false))), List.of(ctr("c1", "nf")))).isEmpty(), "the engine wants nothing of the sysctl");
    }
}

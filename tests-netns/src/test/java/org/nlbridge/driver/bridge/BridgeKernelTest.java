package org.nlbridge.driver.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.driver.run.NetnsLauncher;
import org.nlbridge.driver.dns.HostsFile;
import org.nlbridge.engine.Engine;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.testing.Host;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;

/**
 * What the engine leaves in the kernel and the files, read back with independent oracles: {@code ip -j} inside the
 * container and host namespaces, and a process launched in the container the way {@code nlbridge run} does.
 */
@ExtendWith(SandboxExtension.class)
class BridgeKernelTest {

    @TempDir
    Path state;

    private World world;

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    private static final Pattern HOST_VETH = Pattern.compile("veth[0-9a-f]{7}");

    /** 5. eth0: MTU, MAC rule, address inside the fixed range, default route; the host side of the pair. */
    @Test
    void containerSeesEth0WithMtuMacAddressAndDefaultRoute(Sandbox sb) {
        world = new World(sb, state);
        Engine e = world.engine();
        e.apply(DesiredState.of(List.of(
                        NetworkSpec.of("a", b -> b.bridge("nlb-a").bip("172.20.0.1/16").fixedCidr("172.20.5.0/24")),
                        NetworkSpec.of("b", b -> b.bridge("nlb-b").bip("172.21.0.1/24").mtu(1400).macFromIp(true))),
                List.of(ContainerSpec.of("r1", b -> b.netns(world.ctr("r1")).network("a")),
                        ContainerSpec.of("x1", b -> b.netns(world.ctr("x1")).network("a").mac("02:aa:bb:cc:dd:01")),
                        ContainerSpec.of("s1", b -> b.netns(world.ctr("s1")).network("a").ip("172.20.5.20")),
                        ContainerSpec.of("m1", b -> b.netns(world.ctr("m1")).network("b")))), null);

        Cidr range = Cidr.parseSubnet("range", "172.20.5.0/24");
        for (String c : List.of("r1", "x1", "s1")) {
            Eth0 eth0 = eth0(sb.name(c));
            assertEquals(World.UPLINK_MTU, eth0.mtu, c + ": no mtu given: the host's default-route interface's");
            assertEquals(16, eth0.prefix, c + ": the subnet's prefix, not the range's");
            assertTrue(range.contains(IpAddress.parse("ip", eth0.ipv4)), c + ": " + eth0.ipv4 + " inside the fixed-cidr");
            // the subnet's network and broadcast addresses and the gateway are never handed out (172.20.5.0 may be:
            // inside a /16 it is an ordinary host address, as in Docker's IPAM)
            assertFalse(List.of("172.20.0.0", "172.20.255.255", "172.20.0.1").contains(eth0.ipv4), c + ": " + eth0.ipv4);
            assertEquals("172.20.0.1", eth0.gateway, c + ": default route via the gateway");
            hostSide(world.host, e, c, "nlb-a", World.UPLINK_MTU);
        }
        String random = eth0(sb.name("r1")).mac;
        int first = Integer.parseInt(random.substring(0, 2), 16);
        assertEquals(0x02, first & 0x03, "random MAC " + random + ": locally administered (bit 1) and unicast (bit 0)");
        assertFalse(random.startsWith("02:42:ac:14:05:"), "random, not derived from the address: " + random);
        assertEquals("02:aa:bb:cc:dd:01", eth0(sb.name("x1")).mac, "the explicit mac is honoured");
        assertEquals("172.20.5.20", eth0(sb.name("s1")).ipv4, "the static ip is honoured");

        Eth0 m1 = eth0(sb.name("m1"));
        assertEquals(1400, m1.mtu);
        assertEquals("172.21.0.1", m1.gateway);
        assertEquals(macFromIp(m1.ipv4), m1.mac, "macFromIp: 02:42 + the IPv4 address");
        hostSide(world.host, e, "m1", "nlb-b", 1400);

        JsonNode bridge = Oracle.link(world.host, "nlb-a");
        assertEquals(World.UPLINK_MTU, bridge.path("mtu").asInt());
        assertEquals("nlbridge:network:a", bridge.path("ifalias").asText());
        assertEquals(List.of("172.20.0.1/16"), ipv4(world.host, "nlb-a"));
        assertEquals(1400, Oracle.link(world.host, "nlb-b").path("mtu").asInt());
    }

    /** Dual stack: an IPv6 address and default route inside, the gateway on the bridge, no RAs accepted there. */
    @Test
    void ipv6NetworkGivesEth0AnAddressAndARoute(Sandbox sb) {
        world = new World(sb, state);
        Engine e = world.engine();
        e.apply(DesiredState.of(List.of(NetworkSpec.of("v6", b -> b.bridge("nlb6").bip("172.24.0.1/24")
                        .fixedCidrV6("fd00:17::/64"))),
                List.of(ContainerSpec.of("c6", b -> b.netns(world.ctr("c6")).network("v6")))), null);
        String ns = sb.name("c6");
        var status = e.status().containers().getFirst();
        assertNotNull(status.ipv6(), "an IPv6 address was allocated");
        assertTrue(Oracle.addresses(ns, "eth0").contains(status.ipv6() + "/64"), Oracle.addresses(ns, "eth0").toString());
        assertEquals("0", World.sysctl(ns, "net.ipv6.conf.eth0.disable_ipv6"));
        assertEquals("0", World.sysctl(ns, "net.ipv6.conf.eth0.accept_ra"), "no RAs accepted inside");
        JsonNode route = Oracle.ip(ns, "-6", "route", "show", "default");
        assertEquals(1, route.size(), route.toString());
        assertEquals("fd00:17::1", route.get(0).path("gateway").asText());
        assertTrue(Oracle.addresses(world.host, "nlb6").contains("fd00:17::1/64"), Oracle.addresses(world.host, "nlb6").toString());
        assertEquals("0", World.sysctl(world.host, "net.ipv6.conf.nlb6.accept_ra"), "no RAs from containers (CVE-2020-13401)");
        Tcp.assumeAvailable();
        assertTrue(Tcp.ping(ns, "fd00:17::1") || Tcp.ping(ns, "fd00:17::1"), "the IPv6 gateway answers");
    }

    /** 5. useBridge (Docker -b): containers join the administrator's bridge, which destroy leaves as it was. */
    @Test
    void useBridgeAttachesToTheUsersBridgeAndLeavesItAsItWas(Sandbox sb) {
        world = new World(sb, state);
        // as an administrator would, with a MAC of its own: without one, the kernel gives a bridge the lowest MAC of
        // its ports and 00:00:00:00:00:00 once the last one leaves, whoever adds and removes the ports
        World.ip(world.host, "link add br-user address 02:00:00:00:77:01 type bridge",
                "addr add 192.168.77.1/24 dev br-user", "link set br-user up");
        ObjectNode before = stable(Oracle.link(world.host, "br-user"));
        List<String> addrsBefore = ipv4(world.host, "br-user");

        Engine e = world.engine();
        DesiredState d = DesiredState.of(List.of(NetworkSpec.of("u", b -> b.useBridge("br-user"))),
                List.of(ContainerSpec.of("u1", b -> b.netns(world.ctr("u1")).network("u"))));
        e.apply(d, null);
        Eth0 u1 = eth0(sb.name("u1"));
        assertEquals(24, u1.prefix);
        assertTrue(u1.ipv4.startsWith("192.168.77.") && !u1.ipv4.equals("192.168.77.1"), u1.ipv4);
        assertEquals("192.168.77.1", u1.gateway, "the gateway is the bridge's own address");
        hostSide(world.host, e, "u1", "br-user", World.UPLINK_MTU);
        assertEquals(addrsBefore, ipv4(world.host, "br-user"), "no address added to the user's bridge");
        assertTrue(Oracle.link(world.host, "br-user").path("ifalias").isMissingNode(), "no ownership marker on it");
        Tcp.assumeAvailable();
        assertTrue(Tcp.ping(sb.name("u1"), "192.168.77.1") || Tcp.ping(sb.name("u1"), "192.168.77.1"));

        e.destroy(d, null);
        JsonNode after = Oracle.link(world.host, "br-user");
        assertNotNull(after, "the user's bridge is still there");
        assertEquals(before, stable(after), "and unchanged");
        assertEquals(addrsBefore, ipv4(world.host, "br-user"));
        assertEquals(0, Oracle.ip(world.host, "link", "show", "master", "br-user").size(), "no port left on it");
        assertEquals("0", World.sysctl(world.host, "net.ipv4.conf.br-user.route_localnet"));
    }

    /** 7. A process started in the container as nlbridge run starts it sees resolv.conf, hosts and hostname. */
    @Test
    void aProcessInTheContainerSeesItsResolvConfHostsAndHostname(Sandbox sb) throws Exception {
        Assumptions.assumeTrue(Host.has("nsenter") && Host.has("unshare"), "the launcher needs util-linux nsenter and unshare");
        world = new World(sb, state);
        Engine e = world.engine();
        e.apply(DesiredState.of(List.of(NetworkSpec.of("n", b -> b.bridge("nlb0").bip("172.22.0.1/24")
                                .dns(x -> x.nameserver("9.9.9.9").search("example.com")))),
                List.of(ContainerSpec.of("web", b -> b.netns(world.ctr("web")).network("n").hostname("web1")
                                .dns(x -> x.nameserver("1.1.1.1").nameserver("8.8.8.8").option("ndots:2"))),
                        ContainerSpec.of("db", b -> b.netns(world.ctr("db")).network("n").hostname("db.corp.example")))),
                null);
        String web = BridgePacketTest.ipOf(e, "web");
        String db = BridgePacketTest.ipOf(e, "db");

        String seen = launch(e, "web");
        String source = seen.lines().filter(l -> l.startsWith("# Generated by nlbridge from ")).findFirst().orElse("?");
        assertEquals("""
                nameserver 1.1.1.1
                nameserver 8.8.8.8
                search example.com
                options ndots:2

                %s
                # Overrides: nameservers, search, options
                ---
                127.0.0.1\tlocalhost
                %s\tweb1
                %s%s\tdb db.n
                ---
                web1
                web1
                ---
                %s
                """.formatted(source, web, HostsFile.NEIGHBOURS, db, web), seen); // no name server: db in its hosts
        assertTrue(source.matches("# Generated by nlbridge from /.*resolv\\.conf"), source);

        String dbSeen = launch(e, "db");
        assertTrue(dbSeen.contains("nameserver 9.9.9.9\nsearch example.com\n"), "the network's dns:\n" + dbSeen);
        assertTrue(dbSeen.contains("---\n127.0.0.1\tlocalhost\n" + db + "\tdb.corp.example db\n" + HostsFile.NEIGHBOURS
                + web + "\tweb web.n\n---\ndb.corp.example\n"), dbSeen);
    }

    /** Runs a shell in the container the way {@code nlbridge run} does, printing the three files and its address. */
    private static String launch(Engine e, String container) throws Exception {
        Engine.ContainerRuntime rt = e.runtime(container);
        Process p = NetnsLauncher.inNamespace(rt.netns()).mounts(rt.mounts()).hostname(rt.hostname())
                .command("sh", "-c", "cat /etc/resolv.conf; echo ---; cat /etc/hosts; echo ---; cat /etc/hostname;"
                        + " hostname; echo ---; ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1")
                .start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        return out;
    }

    // -------------------------------------------------------------------------------------------- oracles

    record Eth0(int mtu, String mac, String ipv4, int prefix, String gateway) {}

    /** eth0 as {@code ip -j} sees it inside the container; also checks lo is up and IPv6 is off on eth0. */
    static Eth0 eth0(String ns) {
        JsonNode link = Oracle.link(ns, "eth0");
        assertNotNull(link, "eth0 in " + ns);
        assertTrue(flags(link).contains("UP"), "eth0 up: " + link);
        assertTrue(flags(Oracle.link(ns, "lo")).contains("UP"), "lo up in " + ns);
        List<JsonNode> v4 = new ArrayList<>();
        for (JsonNode l : Oracle.ip(ns, "addr", "show", "dev", "eth0")) {
            for (JsonNode a : l.path("addr_info")) {
                assertEquals("inet", a.path("family").asText(), "IPv4-only network: no IPv6 address on eth0: " + a);
                v4.add(a);
            }
        }
        assertEquals(1, v4.size(), "one address on eth0: " + v4);
        assertEquals("1", World.sysctl(ns, "net.ipv6.conf.eth0.disable_ipv6"), "IPv6 disabled on eth0");
        assertEquals("1", World.sysctl(ns, "net.ipv4.conf.eth0.arp_notify"), "gratuitous ARP when the MAC is new");
        JsonNode routes = Oracle.ip(ns, "route", "show", "default");
        assertEquals(1, routes.size(), "one default route: " + routes);
        assertEquals("eth0", routes.get(0).path("dev").asText());
        return new Eth0(link.path("mtu").asInt(), link.path("address").asText(), v4.getFirst().path("local").asText(),
                v4.getFirst().path("prefixlen").asInt(), routes.get(0).path("gateway").asText());
    }

    /** The host end: named veth + 7 hex digits, on the bridge, same MTU, hairpin on, our ownership marker. */
    static void hostSide(String host, Engine e, String container, String bridge, int mtu) {
        var status = e.status().containers().stream().filter(c -> c.name().equals(container)).findFirst().orElseThrow();
        assertTrue(HOST_VETH.matcher(status.hostVeth()).matches(), status.hostVeth());
        JsonNode veth = Oracle.link(host, status.hostVeth());
        assertNotNull(veth, status.hostVeth() + " in the host namespace");
        assertEquals(bridge, veth.path("master").asText());
        assertEquals(mtu, veth.path("mtu").asInt());
        assertEquals("nlbridge:endpoint:" + status.network() + "/" + container, veth.path("ifalias").asText());
        assertEquals("veth", veth.path("linkinfo").path("info_kind").asText());
        assertTrue(veth.path("linkinfo").path("info_slave_data").path("hairpin").asBoolean(), "hairpin on: " + veth);
        assertTrue(flags(veth).contains("UP"));
    }

    /**
     * The IPv4 addresses of a link. (Its IPv6 link-local address comes and goes with the carrier, which the kernel
     * raises when the first port joins: not something the engine adds.)
     */
    static List<String> ipv4(String ns, String dev) {
        return Oracle.addresses(ns, dev).stream().filter(a -> !a.contains(":")).toList();
    }

    static List<String> flags(JsonNode link) {
        List<String> out = new ArrayList<>();
        link.path("flags").forEach(f -> out.add(f.asText()));
        return out;
    }

    static String macFromIp(String ipv4) {
        StringBuilder b = new StringBuilder("02:42");
        for (String part : ipv4.split("\\.")) b.append(':').append(String.format(Locale.ROOT, "%02x", Integer.parseInt(part)));
        return b.toString();
    }

    /**
     * A bridge as {@code ip -j -d} shows it, without what the kernel changes on its own as ports come and go: timers,
     * carrier, and the GSO/TSO limits it recomputes from its ports (and does not reset when the last one leaves).
     */
    static ObjectNode stable(JsonNode link) {
        ObjectNode o = link.deepCopy();
        o.remove(List.of("flags", "operstate", "gso_max_size", "gso_max_segs", "tso_max_size", "tso_max_segs",
                "gro_max_size"));
        assertTrue(flags(link).contains("UP"), "the bridge is up: " + link);
        ObjectNode data = (ObjectNode) o.path("linkinfo").path("info_data");
        data.remove(List.of("hello_timer", "tcn_timer", "topology_change_timer", "gc_timer"));
        assertNull(o.get("master"));
        return o;
    }
}

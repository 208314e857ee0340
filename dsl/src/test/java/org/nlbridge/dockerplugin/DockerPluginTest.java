package org.nlbridge.dockerplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nlbridge.client.HttpWire;
import org.nlbridge.daemon.Daemon;
import org.nlbridge.driver.ipam.AddressPools;
import org.nlbridge.net.Cidr;
import org.nlbridge.net.IpAddress;
import org.nlbridge.net.PortSpec;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.testing.MemoryEngine;

/**
 * The plugin protocol over a real socket, against the test engine, with requests as dockerd 20.10 sends them (the
 * sequence captured in the runtimes reference: no Content-Type, an empty Host, Go's zero values).
 */
class DockerPluginTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NET = "4747a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e";
    static final String EP = "3abc3b7e11223344556677889900aabbccddeeff00112233445566778899aabb";
    static final String EP2 = "9999aaaabbbb0000111122223333444455556666777788889999aaaabbbbcccc";

    private Path dir;
    private Path sock;
    private MemoryEngine engine;
    private Daemon daemon;

    @BeforeEach
    void start() throws IOException {
        dir = Files.createTempDirectory("nlbridge-docker-");
        sock = dir.resolve("plugins").resolve("nlbridge.sock");
        engine = new MemoryEngine();
        daemon = Daemon.withoutMonitor(engine);
        Files.createDirectories(sock.getParent());
        daemon.serveDockerPlugin(sock, null);
    }

    @AfterEach
    void stop() throws IOException {
        daemon.close();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    record Answer(int status, String contentType, JsonNode body) {}

    /** One call as dockerd's plugin client writes it (Go's net/http on a Unix socket). */
    Answer call(String path, String json) throws IOException {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: \r\nUser-Agent: Go-http-client/1.1\r\nContent-Length: "
                + body.length + "\r\nAccept: application/vnd.docker.plugins.v1.2+json\r\nAccept-Encoding: gzip\r\n\r\n";
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            ch.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
            ch.write(ByteBuffer.wrap(body));
            var in = new java.io.BufferedInputStream(Channels.newInputStream(ch));
            String status = HttpWire.readLine(in, 8192);
            HttpWire.Headers h = HttpWire.readHeaders(in);
            byte[] b = HttpWire.readBody(in, Long.parseLong(h.get("Content-Length")));
            return new Answer(Integer.parseInt(status.split(" ")[1]), h.get("Content-Type"), JSON.readTree(b));
        } catch (org.nlbridge.client.HttpException e) {
            throw new IOException(e);
        }
    }

    JsonNode ok(String path, String json) throws IOException {
        Answer a = call(path, json);
        assertEquals(200, a.status(), a.body().toString());
        assertEquals("application/vnd.docker.plugins.v1+json", a.contentType());
        assertNull(a.body().get("Err"), a.body().toString());
        assertNull(a.body().get("Error"), a.body().toString());
        return a.body();
    }

    String err(String path, String json) throws IOException {
        Answer a = call(path, json);
        assertEquals(200, a.status(), a.body().toString());
        assertTrue(a.body().has("Err"), a.body().toString());
        return a.body().get("Err").asText();
    }

    static String createNetwork(String id, String generic) {
        return "{\"NetworkID\":\"" + id + "\",\"Options\":{\"com.docker.network.enable_ipv6\":false,"
                + "\"com.docker.network.generic\":{" + generic + "}},\"IPv4Data\":[{\"AddressSpace\":\"LocalDefault\","
                + "\"Gateway\":\"192.0.2.1/24\",\"Pool\":\"192.0.2.0/24\"}],\"IPv6Data\":[]}";
    }

    static String createEndpoint(String ep, String address, String mac, String portmap) {
        return "{\"NetworkID\":\"" + NET + "\",\"EndpointID\":\"" + ep + "\",\"Interface\":{\"Address\":\"" + address
                + "\",\"AddressIPv6\":\"\",\"MacAddress\":\"" + mac + "\"},\"Options\":{"
                + "\"com.docker.network.endpoint.exposedports\":[{\"Proto\":6,\"Port\":80}],"
                + "\"com.docker.network.portmap\":" + portmap + "}}";
    }

    static final String PORTMAP_8080 = "[{\"Proto\":6,\"IP\":\"\",\"Port\":80,\"HostIP\":\"\",\"HostPort\":8080,\"HostPortEnd\":8080}]";

    private String ids(String ep) {
        return "{\"NetworkID\":\"" + NET + "\",\"EndpointID\":\"" + ep + "\"}";
    }

    private String withOptions(String ep, String portmap) {
        return "{\"NetworkID\":\"" + NET + "\",\"EndpointID\":\"" + ep + "\",\"Options\":{"
                + "\"com.docker.network.endpoint.exposedports\":[{\"Proto\":6,\"Port\":80}],"
                + "\"com.docker.network.portmap\":" + portmap + "}}";
    }

    @Test
    void activateAndCapabilities() throws IOException {
        assertEquals("{\"Implements\":[\"NetworkDriver\",\"IpamDriver\"]}", ok("/Plugin.Activate", null).toString());
        assertEquals("{\"Scope\":\"local\",\"ConnectivityScope\":\"local\",\"GwAllocChecker\":false}",
                ok("/NetworkDriver.GetCapabilities", "null").toString());
        Answer unknown = call("/NetworkDriver.AllocateNetwork", "{}");
        assertEquals(404, unknown.status(), "swarm's calls are not implemented, which dockerd reads from a 404");
    }

    @Test
    void theCapturedSequence() throws IOException {
        ok("/NetworkDriver.CreateNetwork", createNetwork(NET, ""));
        NetworkSpec net = engine.networks.get("docker-4747a1b2c3d4");
        assertEquals("br-4747a1b2c3d4", net.bridge().toString());
        assertEquals("192.0.2.1/24", net.bip().toString());

        assertEquals("{}", ok("/NetworkDriver.CreateEndpoint", createEndpoint(EP, "192.0.2.2/24",
                "02:00:00:00:00:42", PORTMAP_8080)).toString(), "Docker gave the MAC: no Interface in the answer");
        ContainerSpec c = engine.containers.get("docker-3abc3b7e1122");
        assertEquals("nlc3abc3b7e1122", c.handover().toString());
        assertEquals("192.0.2.2", c.ip().toString());
        assertEquals("02:00:00:00:00:42", c.mac().toString());
        assertNull(c.netns());
        assertEquals(List.of(), c.publish(), "published by ProgramExternalConnectivity, not before");
        assertTrue(engine.existing.toString().contains("link nlc3abc3b7e1122"), engine.existing.toString());

        JsonNode join = ok("/NetworkDriver.Join", "{\"NetworkID\":\"" + NET + "\",\"EndpointID\":\"" + EP
                + "\",\"SandboxKey\":\"/run/docker/netns/d32ceb0a004c\",\"Options\":{}}");
        assertEquals("{\"InterfaceName\":{\"SrcName\":\"nlc3abc3b7e1122\",\"DstPrefix\":\"eth\"},\"Gateway\":\"192.0.2.1\","
                + "\"StaticRoutes\":[],\"DisableGatewayService\":false}", join.toString());

        ok("/NetworkDriver.ProgramExternalConnectivity", withOptions(EP, PORTMAP_8080));
        c = engine.containers.get("docker-3abc3b7e1122");
        assertEquals(List.of(PortSpec.parse("p", "8080:80")), c.publish());
        assertEquals("{\"Value\":{\"com.docker.network.portmap\":[{\"Proto\":6,\"IP\":\"192.0.2.2\",\"Port\":80,"
                        + "\"HostIP\":\"\",\"HostPort\":8080,\"HostPortEnd\":8080}],"
                        + "\"com.docker.network.endpoint.exposedports\":[{\"Proto\":6,\"Port\":80}],"
                        + "\"com.docker.network.endpoint.macaddress\":\"AgAAAABC\"}}",
                ok("/NetworkDriver.EndpointOperInfo", ids(EP)).toString());

        ok("/NetworkDriver.RevokeExternalConnectivity", ids(EP));
        assertEquals(List.of(), engine.containers.get("docker-3abc3b7e1122").publish());
        ok("/NetworkDriver.Leave", ids(EP));
        ok("/NetworkDriver.DeleteEndpoint", ids(EP));
        assertTrue(engine.containers.isEmpty());
        ok("/NetworkDriver.DeleteNetwork", "{\"NetworkID\":\"" + NET + "\"}");
        assertTrue(engine.networks.isEmpty());
        assertEquals("[]", engine.existing.toString(), "nothing left");
    }

    @Test
    void anEndpointWithoutMacGetsOneAndDockerIsToldIt() throws IOException {
        ok("/NetworkDriver.CreateNetwork", createNetwork(NET, "\"nlbridge.macFromIp\":\"true\""));
        JsonNode a = ok("/NetworkDriver.CreateEndpoint", createEndpoint(EP, "192.0.2.7/24", "", "[]"));
        assertEquals("{\"Interface\":{\"MacAddress\":\"02:42:c0:00:02:07\"}}", a.toString());
        assertEquals(a, ok("/NetworkDriver.CreateEndpoint", createEndpoint(EP, "192.0.2.7/24", "", "[]")),
                "a repeated create answers the same");
        ok("/NetworkDriver.CreateEndpoint", createEndpoint(EP2, "192.0.2.8/24", "", "[]").replace(
                ",\"com.docker.network.portmap\":[]", ",\"com.docker.network.endpoint.macaddress\":\"AgAAAAAB\""));
        assertEquals("02:00:00:00:00:01", engine.containers.get("docker-9999aaaabbbb").mac().toString(),
                "--mac-address arrives base64 in the options too");
    }

    @Test
    void dockersBridgeOptionsUnderTheirDockerNames() throws IOException {
        ok("/NetworkDriver.CreateNetwork", createNetwork(NET, "\"com.docker.network.bridge.name\":\"br-web\","
                + "\"com.docker.network.bridge.enable_icc\":\"false\",\"com.docker.network.bridge.enable_ip_masquerade\":\"0\","
                + "\"com.docker.network.driver.mtu\":\"1400\",\"nlbridge.firewall\":\"nftables\","
                + "\"com.docker.network.bridge.host_binding_ipv4\":\"127.0.0.1\""));
        NetworkSpec n = engine.networks.get("docker-4747a1b2c3d4");
        assertEquals("br-web", n.bridge().toString());
        assertEquals(false, n.icc());
        assertEquals(false, n.ipMasq());
        assertEquals(1400, n.mtu().value());
        assertEquals("127.0.0.1", n.hostBindingIp().toString());
    }

    @Test
    void badOptionsAreRefusedNamingTheOption() throws IOException {
        assertEquals("invalid -o \"com.docker.network.bridge.enable_icc_typo\": unknown option; expected one of"
                        + " com.docker.network.bridge.name, com.docker.network.bridge.enable_icc,"
                        + " com.docker.network.bridge.enable_ip_masquerade, com.docker.network.bridge.host_binding_ipv4,"
                        + " com.docker.network.driver.mtu, or nlbridge.KEY with KEY one of bridge, useBridge, mtu, icc,"
                        + " ipMasq, ipForward, internal, firewall, macFromIp, hostBindingIp",
                err("/NetworkDriver.CreateNetwork", createNetwork(NET, "\"com.docker.network.bridge.enable_icc_typo\":\"1\"")));
        assertEquals("invalid -o com.docker.network.driver.mtu \"70000\": above the maximum 65535; expected an integer 68..65535",
                err("/NetworkDriver.CreateNetwork", createNetwork(NET, "\"com.docker.network.driver.mtu\":\"70000\"")));
        assertEquals("invalid -o com.docker.network.bridge.name \"this-name-is-too-long\": 21 bytes, above the limit of 15"
                        + " (IFNAMSIZ 16 includes the NUL); expected an interface name of 1..15 bytes from A-Z a-z 0-9 _ . -,"
                        + " not starting with '-' or '.', other than all, default and lo",
                err("/NetworkDriver.CreateNetwork", createNetwork(NET, "\"com.docker.network.bridge.name\":\"this-name-is-too-long\"")));
        assertEquals("invalid -o nlbridge.mtu: sets what -o com.docker.network.driver.mtu already set; expected one of the two",
                err("/NetworkDriver.CreateNetwork", createNetwork(NET,
                        "\"com.docker.network.driver.mtu\":\"1400\",\"nlbridge.mtu\":\"1300\"")));
        assertEquals("invalid -o \"nlbridge.dns\": not an option of Docker networks: dockerd writes its containers'"
                        + " resolv.conf itself (docker run --dns); expected one of com.docker.network.bridge.name,"
                        + " com.docker.network.bridge.enable_icc, com.docker.network.bridge.enable_ip_masquerade,"
                        + " com.docker.network.bridge.host_binding_ipv4, com.docker.network.driver.mtu, or nlbridge.KEY"
                        + " with KEY one of bridge, useBridge, mtu, icc, ipMasq, ipForward, internal, firewall, macFromIp,"
                        + " hostBindingIp",
                err("/NetworkDriver.CreateNetwork", createNetwork(NET, "\"nlbridge.dns\":\"1.1.1.1\"")));
        assertEquals("invalid -o com.docker.network.bridge.enable_icc \"maybe\": not a boolean; expected true or false",
                err("/NetworkDriver.CreateNetwork", createNetwork(NET, "\"com.docker.network.bridge.enable_icc\":\"maybe\"")));
        assertTrue(engine.networks.isEmpty(), "nothing of a refused network stays");
        assertTrue(engine.existing.isEmpty());
    }

    @Test
    void portMapsOfDockerRun() throws IOException {
        ok("/NetworkDriver.CreateNetwork", createNetwork(NET, ""));
        ok("/NetworkDriver.CreateEndpoint", createEndpoint(EP, "192.0.2.2/24", "02:00:00:00:00:02", "[]"));
        ok("/NetworkDriver.CreateEndpoint", createEndpoint(EP2, "192.0.2.3/24", "02:00:00:00:00:03", "[]"));
        StringBuilder range = new StringBuilder("[");
        for (int p = 20000; p < 21000; p++) {
            range.append(p == 20000 ? "" : ",").append("{\"Proto\":6,\"Port\":").append(p)
                    .append(",\"HostIP\":\"\",\"HostPort\":").append(p).append(",\"HostPortEnd\":").append(p).append('}');
        }
        range.append(",{\"Proto\":17,\"Port\":53,\"HostIP\":\"127.0.0.1\",\"HostPort\":5353,\"HostPortEnd\":5353}");
        range.append(",{\"Proto\":6,\"Port\":443,\"HostIP\":\"\",\"HostPort\":0,\"HostPortEnd\":0}]"); // -P
        ok("/NetworkDriver.ProgramExternalConnectivity", withOptions(EP, range.toString()));
        assertEquals(List.of("20000-20999:20000-20999/tcp", "127.0.0.1:5353:53/udp", "49153:443/tcp"),
                engine.containers.get("docker-3abc3b7e1122").publish().stream().map(Object::toString).toList(),
                "a range is one entry; -P takes Docker's first dynamic port");
        ok("/NetworkDriver.ProgramExternalConnectivity", withOptions(EP2,
                "[{\"Proto\":6,\"Port\":443,\"HostPort\":0},{\"Proto\":6,\"Port\":80,\"HostPort\":20999,\"HostPortEnd\":21001}]"));
        assertEquals(List.of("49154:443/tcp", "21000:80/tcp"),
                engine.containers.get("docker-9999aaaabbbb").publish().stream().map(Object::toString).toList(),
                "the next free dynamic port; the first free port of a host range");
        assertEquals("invalid container docker-9999aaaabbbb: publish \"20000:80/tcp\": host port tcp/20000 is already"
                        + " published by container docker-3abc3b7e1122; expected a host port not used by another container",
                err("/NetworkDriver.ProgramExternalConnectivity", withOptions(EP2,
                        "[{\"Proto\":6,\"Port\":80,\"HostPort\":20000,\"HostPortEnd\":20000}]")));
        assertEquals("invalid -p \"sctp\": nlbridge publishes tcp and udp ports; expected tcp or udp",
                err("/NetworkDriver.ProgramExternalConnectivity", withOptions(EP2, "[{\"Proto\":132,\"Port\":80,\"HostPort\":80}]")));
        assertEquals(List.of("49154:443/tcp", "21000:80/tcp"),
                engine.containers.get("docker-9999aaaabbbb").publish().stream().map(Object::toString).toList(),
                "a refused publish changes nothing");
    }

    /** The IPAM calls as dockerd makes them for {@code --ipam-driver nlbridge}, on pools that record what they are asked. */
    @Test
    void ipamCallsOnTheEnginesPools() throws IOException {
        List<String> asked = new java.util.ArrayList<>();
        engine.pools = new AddressPools() {
            @Override
            public Pool requestPool(String space, Cidr subnet, Cidr range, boolean ipv6) {
                asked.add("pool " + space + " " + subnet + " " + range + " " + ipv6);
                return new Pool("p1", subnet != null ? subnet : Cidr.parseSubnet("s", "172.18.0.0/16"), range);
            }

            @Override
            public void releasePool(String id) {
                asked.add("release " + id);
            }

            @Override
            public Cidr requestAddress(String poolId, IpAddress preferred, boolean gateway) {
                asked.add("address " + poolId + " " + preferred + " " + gateway);
                return Cidr.parseInterface("a", gateway ? "172.18.0.1/16" : "172.18.0.2/16");
            }

            @Override
            public void releaseAddress(String poolId, IpAddress address) {
                asked.add("release " + poolId + " " + address);
            }
        };
        assertEquals("{\"RequiresMACAddress\":false,\"RequiresRequestReplay\":false}",
                ipam("/IpamDriver.GetCapabilities", null).toString());
        assertEquals("{\"LocalDefaultAddressSpace\":\"nlbridge-local\",\"GlobalDefaultAddressSpace\":\"nlbridge-global\"}",
                ipam("/IpamDriver.GetDefaultAddressSpaces", null).toString());
        assertEquals("{\"PoolID\":\"p1\",\"Pool\":\"172.18.0.0/16\",\"Data\":{}}", ipam("/IpamDriver.RequestPool",
                "{\"AddressSpace\":\"nlbridge-local\",\"Pool\":\"\",\"SubPool\":\"\",\"Options\":{},\"V6\":false}").toString());
        assertEquals("{\"Address\":\"172.18.0.1/16\",\"Data\":{}}", ipam("/IpamDriver.RequestAddress",
                "{\"PoolID\":\"p1\",\"Address\":\"\",\"Options\":{\"RequestAddressType\":\"com.docker.network.gateway\"}}").toString());
        assertEquals("{\"Address\":\"172.18.0.2/16\",\"Data\":{}}", ipam("/IpamDriver.RequestAddress",
                "{\"PoolID\":\"p1\",\"Address\":\"172.18.0.9\",\"Options\":null}").toString());
        ipam("/IpamDriver.ReleaseAddress", "{\"PoolID\":\"p1\",\"Address\":\"172.18.0.2\"}");
        ipam("/IpamDriver.ReleasePool", "{\"PoolID\":\"p1\"}");
        assertEquals(List.of("pool nlbridge-local null null false", "address p1 null true", "address p1 172.18.0.9 false",
                "release p1 172.18.0.2", "release p1"), asked);
        Answer bad = call("/IpamDriver.RequestPool", "{\"AddressSpace\":\"x\",\"Pool\":\"10.0.0.1/8\"}");
        assertEquals(200, bad.status());
        assertTrue(bad.body().path("Error").asText().startsWith("invalid --subnet \"10.0.0.1/8\""), "IPAM's shape: " + bad.body());
    }

    private JsonNode ipam(String path, String json) throws IOException {
        Answer a = call(path, json);
        assertEquals(200, a.status(), a.body().toString());
        assertNull(a.body().get("Error"), a.body().toString());
        return a.body();
    }

    @Test
    void refusalsInEachApisShape() throws IOException {
        Answer a = call("/IpamDriver.RequestPool", "{\"AddressSpace\":\"x\"}");
        assertEquals(200, a.status());
        assertEquals("{\"Error\":\"this engine keeps no address pools\"}", a.body().toString(), "IPAM's shape");
        assertEquals("invalid EndpointID \"xyz\": not a Docker ID; expected a Docker ID: 12 to 64 lower-case hex digits",
                err("/NetworkDriver.DeleteEndpoint", "{\"NetworkID\":\"" + NET + "\",\"EndpointID\":\"xyz\"}"));
        assertEquals("invalid NetworkID \"" + NET + "\": nlbridge has no network docker-4747a1b2c3d4; expected a network"
                        + " created with docker network create -d nlbridge",
                err("/NetworkDriver.CreateEndpoint", createEndpoint(EP, "192.0.2.2/24", "", "[]")));
        assertTrue(err("/NetworkDriver.CreateNetwork", "{not json").startsWith("invalid NetworkDriver.CreateNetwork: not valid JSON"));
    }

    @Test
    void repeatsAndForgottenEndpointsAreHarmless() throws IOException {
        ok("/NetworkDriver.DeleteEndpoint", ids(EP));
        ok("/NetworkDriver.DeleteNetwork", "{\"NetworkID\":\"" + NET + "\"}");
        ok("/NetworkDriver.CreateNetwork", createNetwork(NET, ""));
        ok("/NetworkDriver.CreateNetwork", createNetwork(NET, ""));
        assertTrue(err("/NetworkDriver.CreateNetwork", createNetwork(NET, "\"nlbridge.icc\":\"false\""))
                .contains("exists with other settings"));
        ok("/NetworkDriver.CreateEndpoint", createEndpoint(EP, "192.0.2.2/24", "02:00:00:00:00:02", PORTMAP_8080));
        ok("/NetworkDriver.DeleteNetwork", "{\"NetworkID\":\"" + NET + "\"}");
        assertTrue(engine.containers.isEmpty(), "an endpoint dockerd forgot goes with its network");
        assertEquals("[]", engine.existing.toString());
    }
}

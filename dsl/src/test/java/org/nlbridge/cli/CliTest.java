package org.nlbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.engine.EngineOptions;
import org.nlbridge.engine.EngineStatus;

/** The command line against a fake engine: outputs, exit codes, options and errors, exactly. */
class CliTest {

    @TempDir
    Path tmp;
    Path script;
    CliRun cli = new CliRun();

    static final String DOCKER0 = """
            network('bridge') {
                bridge 'docker0'
                bip '172.17.0.1/16'
            }
            container('web') {
                publish '8080:80'
            }
            container('db')
            """;

    @BeforeEach
    void setUp() throws IOException {
        script = Files.writeString(tmp.resolve("docker0.groovy"), DOCKER0);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    @Test
    void planApplyPlanDestroyPlan() {
        String f = script.toString();
        String creates = """
                + link docker0 (bridge)
                + address docker0 172.17.0.1/16
                + netns web
                + link web:eth0 (veth, network bridge)
                + nft element ip nlbridge ports (8080:80/tcp)
                + netns db
                + link db:eth0 (veth, network bridge)
                """;
        assertEquals(new CliRun.Result(2, creates + "plan: 7 to create\n", ""), cli.run("plan", f));
        assertEquals(new CliRun.Result(0, creates + "applied: 7 created\n", ""), cli.run("apply", f));
        assertEquals(new CliRun.Result(0, "no changes: the kernel and the state match " + f + "\n", ""),
                cli.run("plan", f));
        assertEquals(new CliRun.Result(0, "no changes: the kernel and the state already matched " + f + "\n", ""),
                cli.run("apply", f));
        String deletes = """
                - link db:eth0
                - netns db
                - nft element ip nlbridge ports
                - link web:eth0
                - netns web
                - address docker0 172.17.0.1/16
                - link docker0
                """;
        assertEquals(new CliRun.Result(2, deletes + "plan: 7 to delete\n", ""), cli.run("plan", "--destroy", f));
        assertEquals(new CliRun.Result(0, deletes + "destroyed: 7 deleted\n", ""), cli.run("destroy", f));
        assertEquals(new CliRun.Result(0, "no changes: nothing that " + f + " owns exists\n", ""),
                cli.run("destroy", f));
        assertEquals(new CliRun.Result(2, creates + "plan: 7 to create\n", ""), cli.run("plan", f));
        assertEquals(List.of("plan", "apply", "plan", "apply", "planDestroy", "destroy", "destroy", "plan"),
                cli.engine.calls);
        assertEquals(cli.engine.opened, cli.engine.closed);
    }

    @Test
    void planAsJson() {
        CliRun.Result r = cli.run("plan", "-o", "json", script.toString());
        assertEquals(2, r.code());
        assertEquals("{\"command\":\"plan\",\"file\":\"" + script + "\",\"changed\":true,\"create\":7,\"update\":0,"
                + "\"delete\":0,\"changes\":[{\"action\":\"create\",\"kind\":\"link\",\"object\":\"docker0\","
                + "\"detail\":\"bridge\"},{\"action\":\"create\",\"kind\":\"address\",\"object\":\"docker0 172.17.0.1/16\","
                + "\"detail\":\"\"},{\"action\":\"create\",\"kind\":\"netns\",\"object\":\"web\",\"detail\":\"\"},"
                + "{\"action\":\"create\",\"kind\":\"link\",\"object\":\"web:eth0\",\"detail\":\"veth, network bridge\"},"
                + "{\"action\":\"create\",\"kind\":\"nft element\",\"object\":\"ip nlbridge ports\","
                + "\"detail\":\"8080:80/tcp\"},{\"action\":\"create\",\"kind\":\"netns\",\"object\":\"db\",\"detail\":\"\"},"
                + "{\"action\":\"create\",\"kind\":\"link\",\"object\":\"db:eth0\",\"detail\":\"veth, network bridge\"}]}\n",
                r.out());
        cli.run("apply", script.toString());
        assertEquals(new CliRun.Result(0, "{\"command\":\"apply\",\"file\":\"" + script + "\",\"changed\":false,"
                + "\"create\":0,\"update\":0,\"delete\":0,\"changes\":[]}\n", ""),
                cli.run("apply", script.toString(), "--output=json"));
    }

    static EngineStatus sampleStatus() {
        return new EngineStatus(
                List.of(new EngineStatus.NetworkStatus("bridge", "docker0", "172.17.0.0/16", "172.17.0.1", null, null,
                        1500, true, true, false, "nftables", true)),
                List.of(new EngineStatus.ContainerStatus("web", "bridge", "web", "eth0", "nlb1a2b3c", "172.17.0.2/16",
                                null, "02:42:ac:11:00:02", "web",
                                List.of("/var/lib/nlbridge/containers/web/resolv.conf",
                                        "/var/lib/nlbridge/containers/web/hosts")),
                        new EngineStatus.ContainerStatus("sidecar", "container:web", "web", null, null, null, null,
                                null, "sidecar", List.of())),
                List.of(new EngineStatus.PortStatus("web", "tcp", null, 8080, "172.17.0.2", 80, 12, 3456),
                        new EngineStatus.PortStatus("web", "udp", "::1", 5353, "172.17.0.2", 53, 0, 0)));
    }

    @Test
    void statusAsText() {
        cli.engine.status = sampleStatus();
        assertEquals(new CliRun.Result(0, """
                NETWORK  BRIDGE   SUBNET         GATEWAY     FIXED-CIDR  IPV6  MTU   ICC  MASQ  INTERNAL  FIREWALL  BRIDGE-OWNED
                bridge   docker0  172.17.0.0/16  172.17.0.1  -           -     1500  yes  yes   no        nftables  yes

                CONTAINER  NETWORK        NETNS  IFNAME  HOST-VETH  IPV4           IPV6  MAC                HOSTNAME
                web        bridge         web    eth0    nlb1a2b3c  172.17.0.2/16  -     02:42:ac:11:00:02  web
                sidecar    container:web  web    -       -          -              -     -                  sidecar

                CONTAINER  PROTO  HOST        TO             PACKETS  BYTES
                web        tcp    *:8080      172.17.0.2:80  12       3456
                web        udp    [::1]:5353  172.17.0.2:53  0        0

                CONTAINER  FILE
                web        /var/lib/nlbridge/containers/web/resolv.conf
                web        /var/lib/nlbridge/containers/web/hosts
                """, ""), cli.run("status"));
        cli.engine.status = new EngineStatus(List.of(), List.of(), List.of());
        assertEquals(new CliRun.Result(0, "no networks, containers or published ports\n", ""), cli.run("status"));
    }

    /** What keeps the networks from working comes last, one line each. */
    @Test
    void statusWarnings() {
        EngineStatus s = sampleStatus();
        cli.engine.status = new EngineStatus(s.networks(), List.of(), List.of(), List.of(), List.of("net.ipv4.ip_forward is 0"));
        assertEquals(new CliRun.Result(0, """
                NETWORK  BRIDGE   SUBNET         GATEWAY     FIXED-CIDR  IPV6  MTU   ICC  MASQ  INTERNAL  FIREWALL  BRIDGE-OWNED
                bridge   docker0  172.17.0.0/16  172.17.0.1  -           -     1500  yes  yes   no        nftables  yes

                warning: net.ipv4.ip_forward is 0
                """, ""), cli.run("status"));
    }

    @Test
    void statusWarningsComeLastInTextAndAsAListInJson() {
        String legacy = "iptables-legacy tables (filter) are in use in this namespace: nlbridge cannot see their rules";
        cli.engine.status = new EngineStatus(List.of(), List.of(), List.of(), List.of(), List.of(legacy));
        assertEquals(new CliRun.Result(0, "no networks, containers or published ports\n\nwarning: " + legacy + "\n", ""),
                cli.run("status"));
        assertEquals(new CliRun.Result(0, "{\"networks\":[],\"containers\":[],\"ports\":[],\"warnings\":[\"" + legacy
                + "\"]}\n", ""), cli.run("status", "-o", "json"));
    }

    @Test
    void statusShowsOverlayNetworksAndTheirPeers() {
        EngineStatus base = sampleStatus();
        cli.engine.status = new EngineStatus(base.networks(), List.of(), List.of(), List.of(new EngineStatus.OverlayStatus(
                "ov", 4096, "vx-5e1c26b2f7c5", "198.51.100.11", "reachable", List.of(
                        new EngineStatus.PeerStatus("h2e5d906d9a73", "node3", "198.51.100.13", List.of("c3", "c4"), 1000),
                        new EngineStatus.PeerStatus("hf068db3a681f", "node2", "198.51.100.12", List.of(), -1)))));
        String out = cli.run("status").out();
        assertTrue(out.endsWith("""

                OVERLAY  VNI   VXLAN            UNDERLAY       STORE
                ov       4096  vx-5e1c26b2f7c5  198.51.100.11  reachable

                OVERLAY  PEER           NAME   UNDERLAY       CONTAINERS  LAST-SEEN
                ov       h2e5d906d9a73  node3  198.51.100.13  c3,c4       1s ago
                ov       hf068db3a681f  node2  198.51.100.12  -           -
                """), out);
        assertTrue(cli.run("status", "-o", "json").out().contains(",\"overlays\":[{\"network\":\"ov\",\"vni\":4096,"
                + "\"vxlan\":\"vx-5e1c26b2f7c5\",\"underlay\":\"198.51.100.11\",\"store\":\"reachable\",\"peers\":"
                + "[{\"host\":\"h2e5d906d9a73\",\"name\":\"node3\",\"underlay\":\"198.51.100.13\",\"containers\":"
                + "[\"c3\",\"c4\"],\"lastSeenMs\":1000}"));
    }

    @Test
    void statusAsJsonBeforeOrAfterTheSubcommand() {
        cli.engine.status = sampleStatus();
        String json = "{\"networks\":[{\"name\":\"bridge\",\"bridge\":\"docker0\",\"subnet\":\"172.17.0.0/16\","
                + "\"gateway\":\"172.17.0.1\",\"fixedCidr\":null,\"subnetV6\":null,\"mtu\":1500,\"icc\":true,"
                + "\"ipMasq\":true,\"internal\":false,\"firewall\":\"nftables\",\"bridgeOwned\":true}],"
                + "\"containers\":[{\"name\":\"web\",\"network\":\"bridge\",\"netns\":\"web\",\"ifname\":\"eth0\","
                + "\"hostVeth\":\"nlb1a2b3c\",\"ipv4\":\"172.17.0.2/16\",\"ipv6\":null,\"mac\":\"02:42:ac:11:00:02\","
                + "\"hostname\":\"web\",\"files\":[\"/var/lib/nlbridge/containers/web/resolv.conf\","
                + "\"/var/lib/nlbridge/containers/web/hosts\"],\"attachments\":[{\"network\":\"bridge\",\"ifname\":\"eth0\","
                + "\"hostVeth\":\"nlb1a2b3c\",\"ipv4\":\"172.17.0.2/16\",\"ipv6\":null,\"mac\":\"02:42:ac:11:00:02\","
                + "\"defaultRoute\":true,\"aliases\":[]}],\"labels\":{}},{\"name\":\"sidecar\",\"network\":\"container:web\","
                + "\"netns\":\"web\",\"ifname\":null,\"hostVeth\":null,\"ipv4\":null,\"ipv6\":null,\"mac\":null,"
                + "\"hostname\":\"sidecar\",\"files\":[],\"attachments\":[],\"labels\":{}}],"
                + "\"ports\":[{\"container\":\"web\",\"protocol\":\"tcp\",\"hostIp\":null,\"hostPort\":8080,"
                + "\"containerIp\":\"172.17.0.2\",\"containerPort\":80,\"packets\":12,\"bytes\":3456},"
                + "{\"container\":\"web\",\"protocol\":\"udp\",\"hostIp\":\"::1\",\"hostPort\":5353,"
                + "\"containerIp\":\"172.17.0.2\",\"containerPort\":53,\"packets\":0,\"bytes\":0}],\"warnings\":[]}\n";
        assertEquals(new CliRun.Result(0, json, ""), cli.run("status", "-o", "json"));
        assertEquals(new CliRun.Result(0, json, ""), cli.run("-o", "json", "status"));
        assertEquals(new CliRun.Result(0, json, ""), cli.run("--output", "JSON", "status"));
    }

    @Test
    void globalOptionsBeforeOrAfterTheSubcommand() {
        cli.run("--host-netns", "h1", "--state", "/tmp/st", "-v", "plan", script.toString());
        cli.run("plan", script.toString(), "--host-netns", "h1", "--state", "/tmp/st", "-v");
        cli.run("--host-netns=h1", "status", "--state=/tmp/st");
        EngineOptions expected = new EngineOptions("h1", Path.of("/tmp/st"));
        assertEquals(List.of(expected, expected, expected), cli.openedWith);
    }

    @Test
    void stateDefaultsPerHostNamespace() {
        cli.run("status");
        cli.run("status", "--host-netns", "lab");
        assertEquals(List.of(Path.of("/var/lib/nlbridge"), Path.of("/var/lib/nlbridge/netns/lab")),
                cli.openedWith.stream().map(EngineOptions::stateDir).toList());
    }

    @Test
    void checkNeedsNoEngine() {
        assertEquals(new CliRun.Result(0, script + ": ok, 1 network, 2 containers, 0 user hook rules\n", ""),
                cli.run("check", script.toString()));
        assertEquals(new CliRun.Result(0, "{\"command\":\"check\",\"file\":\"" + script + "\",\"networks\":[\"bridge\"],"
                + "\"containers\":[\"web\",\"db\"],\"userRules\":[]}\n", ""), cli.run("check", script.toString(), "-o", "json"));
        assertEquals(0, cli.engine.opened);
    }

    @Test
    void usageAndVersion() {
        CliRun.Result usage = cli.run();
        assertEquals(0, usage.code());
        assertTrue(usage.out().startsWith("""
                Usage: nlbridge [-hvV] [--host-netns=NAME] [-o=FORMAT] [--state=DIR]
                                [--tlscacert=FILE] [--tlscert=FILE] [--tlskey=FILE]
                                [-H=ADDRESS]... [COMMAND]
                """), usage.out());
        for (String command : List.of("check", "plan", "apply", "destroy", "status", "run", "daemon", "events", "version")) {
            assertTrue(usage.out().contains("\n  " + command + " "), command);
        }
        CliRun.Result version = cli.run("version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("nlbridge "), version.out());
        assertEquals(3, version.out().lines().count());
        assertEquals(0, cli.engine.opened);
    }

    @Test
    void progressOnATerminalOnly() {
        cli.run("apply", script.toString());
        cli.run("destroy", script.toString());
        cli.terminal = true;
        CliRun.Result r = cli.run("apply", script.toString());
        assertTrue(r.err().startsWith("\r\033[K[1/7] + link docker0 (bridge)"), r.err());
        assertTrue(r.err().endsWith("\r\033[K[7/7] + link db:eth0 (veth, network bridge)\r\033[K"), r.err());
        assertTrue(r.out().endsWith("applied: 7 created\n"), r.out());
    }
}

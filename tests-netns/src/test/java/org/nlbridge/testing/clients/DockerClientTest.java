package org.nlbridge.testing.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;

/**
 * The real dockerd 20.10 in a client sandbox, on its own bridge network: a published port reached from upstream,
 * outbound traffic masqueraded, {@code rm -f} cleaning up; and the firewall it installs, which is what nlbridge
 * has to live beside (issues 12 and 16): FORWARD policy DROP, and a plain bridge beside it losing forwarding.
 */
@ExtendWith(SandboxExtension.class)
class DockerClientTest {

    @Test
    void publishedPortOutboundMasqueradeAndRemove(Sandbox sandbox) {
        Tcp.assumeAvailable();
        try (ClientHost host = ClientHost.start(sandbox)) {
            Docker docker = host.docker();
            String image = docker.busybox();
            docker.run("run", "-d", "--name", "web", "-p", "8080:80", image, "httpd", "-f", "-p", "80", "-h", "/www");

            // in from upstream through the published port: DNAT, the client's own address kept
            assertEquals(BusyboxImage.INDEX + "\n", Http.get(host.upstreamNs(), ClientHost.HOST_IP, 8080, "/"));
            assertEquals(ClientHost.UPSTREAM_IP + "\n", Http.get(host.upstreamNs(), ClientHost.HOST_IP, 8080, "/cgi-bin/peer"));
            // -p as dockerd 20.10 programs it: a DNAT rule in nat DOCKER (an x_tables target in iptables-nft, which
            // nft -j shows as "xt"), an accept in filter DOCKER, a proxy process
            JsonNode ruleset = Oracle.nft(host.hostNs());
            assertEquals(List.of("return", "xt"), DockerFirewall.verdicts(ruleset, "ip", "nat", "DOCKER"));
            assertEquals(List.of("accept"), DockerFirewall.verdicts(ruleset, "ip", "filter", "DOCKER"));
            assertTrue(host.processNames().contains("docker-proxy"), "the userland proxy runs: " + host.processNames());
            JsonNode eth0 = containerLink(host, docker.pid("web"));
            String address = eth0.path("addr_info").get(0).path("local").asText();
            assertTrue(address.startsWith("172.17."), "Docker's default bridge network: " + eth0);

            // out to upstream: masqueraded to the host's uplink address
            Tcp.serve(sandbox, ClientHost.UPSTREAM, "up", 7000);
            assertEquals("up from " + ClientHost.HOST_IP, docker.run("run", "--rm", image, "nc", ClientHost.UPSTREAM_IP, "7000").strip());

            // rm -f: the container's veth, its DNAT rule and its proxy go
            Set<String> before = ClientHostTest.linkNames(host.hostNs());
            assertTrue(before.stream().anyMatch(n -> n.startsWith("veth")), "the container's veth: " + before);
            docker.run("rm", "-f", "web");
            assertEquals(Set.of("lo", "eth0", "docker0"), ClientHostTest.linkNames(host.hostNs()));
            ruleset = Oracle.nft(host.hostNs());
            assertEquals(List.of("return"), DockerFirewall.verdicts(ruleset, "ip", "nat", "DOCKER"), "no DNAT rule left");
            assertEquals(List.of(), DockerFirewall.verdicts(ruleset, "ip", "filter", "DOCKER"), "no accept rule left");
            assertFalse(host.processNames().contains("docker-proxy"), "no docker-proxy left: " + host.processNames());
            assertNull(Http.once(host.upstreamNs(), ClientHost.HOST_IP, 8080, "/"));

            docker.stop();
        }
    }

    @Test
    void onAFreshHostDockerdSetsForwardDropAndAPlainBridgeBesideLosesForwarding(Sandbox sandbox) {
        Tcp.assumeAvailable();
        try (ClientHost host = ClientHost.start(sandbox)) {
            String hostNs = host.hostNs();
            assertEquals("0", sysctl(hostNs, "net.ipv4.ip_forward"), "a fresh host does not forward");
            host.docker();
            // dockerd turned forwarding on, and because it did, set the FORWARD policy to DROP
            assertEquals("1", sysctl(hostNs, "net.ipv4.ip_forward"));
            DockerFirewall.assertDockerd2010(Oracle.nft(hostNs));

            String plain = plainBridge(sandbox, host);
            String upstream = host.upstreamNs();
            Tcp.serve(sandbox, ClientHost.UPSTREAM, "up", 7001);
            Tcp.serve(sandbox, "plain", "plain", 7002);
            Tcp.serve(sandbox, "plain2", "plain2", 7003);
            // a bridge network made by other means (ip, nlbridge ...) loses both directions, and even its
            // neighbours: bridged IPv4 passes the ip forward hook too (bridge-nf-call-iptables is 1 in every
            // namespace of this kernel, br_netfilter being built in)
            assertEquals("1", sysctl(hostNs, "net.bridge.bridge-nf-call-iptables"));
            Tcp.blocked(plain, ClientHost.UPSTREAM_IP, 7001);
            Tcp.blocked(upstream, PLAIN_IP, 7002);
            Tcp.blocked(plain, PLAIN2_IP, 7003);

            // an accept in a base chain of another table does not help: a packet must pass every forward chain
            nft(hostNs, "add table ip nlbt-beside",
                    "add chain ip nlbt-beside forward { type filter hook forward priority -10; policy accept; }",
                    "add rule ip nlbt-beside forward iifname \"" + PLAIN_BRIDGE + "\" accept",
                    "add rule ip nlbt-beside forward oifname \"" + PLAIN_BRIDGE + "\" accept");
            Tcp.blocked(plain, ClientHost.UPSTREAM_IP, 7001);
            Tcp.blocked(upstream, PLAIN_IP, 7002);
            Tcp.blocked(plain, PLAIN2_IP, 7003);

            // what Docker documents: accept rules in DOCKER-USER, which FORWARD jumps to first
            nft(hostNs, "insert rule ip filter DOCKER-USER iifname \"" + PLAIN_BRIDGE + "\" accept",
                    "insert rule ip filter DOCKER-USER oifname \"" + PLAIN_BRIDGE + "\" accept");
            Tcp.reaches(plain, ClientHost.UPSTREAM_IP, 7001, "up from " + PLAIN_IP);
            Tcp.reaches(upstream, PLAIN_IP, 7002, "plain from " + ClientHost.UPSTREAM_IP);
            Tcp.reaches(plain, PLAIN2_IP, 7003, "plain2 from " + PLAIN_IP);
            // iptables-nft still reads the chain (dockerd runs iptables on it), and a dockerd restart keeps the rules
            String user = Cmd.run(null, "ip", "netns", "exec", hostNs, "iptables", "-S", "DOCKER-USER");
            assertTrue(user.contains("-A DOCKER-USER -i " + PLAIN_BRIDGE + " -j ACCEPT"), user);
            host.docker().restart();
            assertEquals(user, Cmd.run(null, "ip", "netns", "exec", hostNs, "iptables", "-S", "DOCKER-USER"));
            Tcp.reaches(plain, ClientHost.UPSTREAM_IP, 7001, "up from " + PLAIN_IP);
            Tcp.reaches(upstream, PLAIN_IP, 7002, "plain from " + ClientHost.UPSTREAM_IP);
        }
    }

    @Test
    void onAHostThatAlreadyForwardsDockerdLeavesThePolicyAlone(Sandbox sandbox) {
        Tcp.assumeAvailable();
        try (ClientHost host = ClientHost.start(sandbox)) {
            String plain = plainBridge(sandbox, host);
            String upstream = host.upstreamNs();
            Tcp.serve(sandbox, ClientHost.UPSTREAM, "up", 7001);
            Tcp.serve(sandbox, "plain", "plain", 7002);
            Tcp.reaches(plain, ClientHost.UPSTREAM_IP, 7001, "up from " + PLAIN_IP);

            host.docker();
            // dockerd 20.10 sets DROP only when it is the one that turns forwarding on: here the policy stays accept,
            // its chains are the same, and the plain network keeps forwarding both ways
            JsonNode ruleset = Oracle.nft(host.hostNs());
            assertTrue(DockerFirewall.chains(ruleset).contains("ip filter FORWARD: filter forward 0 accept"),
                    DockerFirewall.chains(ruleset).toString());
            assertEquals(new java.util.TreeSet<>(DockerFirewall.CHAINS.stream()
                            .map(c -> c.replace("forward 0 drop", "forward 0 accept")).toList()),
                    new java.util.TreeSet<>(DockerFirewall.chains(ruleset)));
            Tcp.reaches(plain, ClientHost.UPSTREAM_IP, 7001, "up from " + PLAIN_IP);
            Tcp.reaches(upstream, PLAIN_IP, 7002, "plain from " + ClientHost.UPSTREAM_IP);
            Tcp.serve(sandbox, "plain2", "plain2", 7003);
            Tcp.reaches(plain, PLAIN2_IP, 7003, "plain2 from " + PLAIN_IP);
        }
    }

    @Test
    void withIp6tablesDockerdAddsIp6TablesWhoseForwardPolicyIsDrop(Sandbox sandbox) {
        try (ClientHost host = ClientHost.start(sandbox)) {
            // 20.10 takes --ip6tables only with --experimental (Options adds it)
            host.docker(Docker.Options.DEFAULTS.withIp6tables(true));
            JsonNode ruleset = Oracle.nft(host.hostNs());
            List<String> chains = DockerFirewall.chains(ruleset);
            assertEquals(DockerFirewall.CHAINS, chains.stream().filter(c -> c.startsWith("ip ")).toList());
            assertEquals(List.of("ip6 nat DOCKER", "ip6 filter DOCKER", "ip6 filter DOCKER-ISOLATION-STAGE-1",
                    "ip6 filter DOCKER-ISOLATION-STAGE-2", "ip6 filter FORWARD: filter forward 0 drop"),
                    chains.stream().filter(c -> c.startsWith("ip6 ")).toList());
            // the IPv6 FORWARD chain drops everything (no rule, no DOCKER-USER), and IPv6 forwarding stays off
            assertEquals(List.of(), DockerFirewall.verdicts(ruleset, "ip6", "filter", "FORWARD"));
            assertEquals("0", sysctl(host.hostNs(), "net.ipv6.conf.all.forwarding"));
        }
    }

    private static String sysctl(String ns, String key) {
        return Cmd.run(null, "ip", "netns", "exec", ns, "cat", "/proc/sys/" + key.replace('.', '/')).strip();
    }

    static final String PLAIN_BRIDGE = "br-plain";
    static final String PLAIN_IP = "10.99.0.2";
    static final String PLAIN2_IP = "10.99.0.3";

    /**
     * A bridge {@value #PLAIN_BRIDGE} 10.99.0.1/24 in the host with namespaces "plain" ({@value #PLAIN_IP}) and
     * "plain2" ({@value #PLAIN2_IP}) on it, routed (not masqueraded) to upstream, forwarding on. Returns the full
     * name of "plain".
     */
    static String plainBridge(Sandbox sandbox, ClientHost host) {
        List<String> ns = sandbox.netns(List.of("plain", "plain2"));
        List<String> ips = List.of(PLAIN_IP, PLAIN2_IP);
        Cmd.run(String.join("\n",
                "link add " + PLAIN_BRIDGE + " type bridge",
                "link set " + PLAIN_BRIDGE + " up",
                "addr add 10.99.0.1/24 dev " + PLAIN_BRIDGE, ""), "ip", "-n", host.hostNs(), "-batch", "-");
        for (int i = 0; i < ns.size(); i++) {
            Cmd.run(String.join("\n",
                    "link add vplain" + i + " type veth peer name eth0 netns " + ns.get(i),
                    "link set vplain" + i + " master " + PLAIN_BRIDGE,
                    "link set vplain" + i + " up", ""), "ip", "-n", host.hostNs(), "-batch", "-");
            Cmd.run(String.join("\n",
                    "link set lo up",
                    "link set eth0 up",
                    "addr add " + ips.get(i) + "/24 dev eth0",
                    "route add default via 10.99.0.1", ""), "ip", "-n", ns.get(i), "-batch", "-");
        }
        Cmd.run(null, "ip", "-n", host.upstreamNs(), "route", "add", "10.99.0.0/24", "via", ClientHost.HOST_IP);
        Cmd.run(null, "ip", "netns", "exec", host.hostNs(), "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        return ns.getFirst();
    }

    private static void nft(String ns, String... commands) {
        Cmd.run(String.join("\n", commands) + "\n", "ip", "netns", "exec", ns, "nft", "-f", "-");
    }

    /** {@code ip -j addr show eth0} inside a container's network namespace, entered by its PID inside the sandbox. */
    static JsonNode containerLink(ClientHost host, String pid) {
        String out = host.run("nsenter", "-t", pid, "-n", "ip", "-j", "addr", "show", "dev", "eth0");
        try {
            JsonNode links = Cni.JSON.readTree(out);
            assertEquals(1, links.size(), out);
            List<JsonNode> v4 = new java.util.ArrayList<>();
            links.get(0).path("addr_info").forEach(a -> {
                if (a.path("family").asText().equals("inet")) v4.add(a);
            });
            ((com.fasterxml.jackson.databind.node.ObjectNode) links.get(0)).set("addr_info", Cni.JSON.valueToTree(v4));
            return links.get(0);
        } catch (java.io.IOException e) {
            throw new AssertionError("ip -j printed something that is not JSON: " + out, e);
        }
    }
}

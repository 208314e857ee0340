package org.nlbridge.driver.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nlbridge.driver.firewall.FirewallScenarios.ep;
import static org.nlbridge.driver.firewall.FirewallScenarios.net;
import static org.nlbridge.testing.Tcp.reaches;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.driver.firewall.nftables.NftFirewallDriver;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.netns.NetNs;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;
import org.nlbridge.testing.clients.ClientHost;
import org.nlbridge.testing.clients.Docker;
import org.nlbridge.testing.clients.Http;

/**
 * nlbridge beside the real dockerd 20.10 (Debian docker.io, in a client sandbox) in the same host namespace: dockerd
 * turned forwarding on and set FORWARD to DROP; its own container publishes 8080. nlbridge's network then works in
 * both directions and between its containers, Docker's keeps working, iptables (dockerd's own tool) reads our rules,
 * a dockerd restart keeps them, and teardown leaves Docker's rules as they were.
 */
@ExtendWith(SandboxExtension.class)
class HostFirewallDockerdTest {

    private static final String C1 = "172.18.0.2";
    private static final String C2 = "172.18.0.3";

    @Test
    void besideTheRealDockerd(Sandbox sandbox) {
        Tcp.assumeAvailable();
        try (ClientHost host = ClientHost.start(sandbox)) {
            Docker docker = host.docker();
            String hostNs = host.hostNs();
            assertTrue(ForeignFirewall.rules(hostNs, "ip").contains("-P FORWARD DROP"), "dockerd set FORWARD to DROP");
            docker.run("run", "-d", "--name", "web", "-p", "8080:80", docker.busybox(), "httpd", "-f", "-p", "80", "-h", "/www");
            String dockers = ForeignFirewall.othersRules(hostNs, "ip");

            List<String> ctrs = sandbox.netns(List.of("c1", "c2"));
            Cmd.run("link add nlb0 type bridge\naddr add 172.18.0.1/16 dev nlb0\nlink set nlb0 up\n", "ip", "-n", hostNs,
                    "-batch", "-");
            container(hostNs, ctrs.get(0), "vc1", C1);
            container(hostNs, ctrs.get(1), "vc2", C2);
            Tcp.serve(sandbox, "c1", "c1-22", 22);
            Tcp.serve(sandbox, "c1", "c1-23", 23);
            Tcp.serve(sandbox, ClientHost.UPSTREAM, "up", 7001);
            try (NetNs ns = NetNs.open(hostNs); NftFirewallDriver d = NftFirewallDriver.open(ns)) {
                d.reconcile(FirewallState.EMPTY);
                NetworkFirewallSpec n = net("nlb0", "172.18.0.0/16", null, true, false);
                d.setupNetwork(n);
                d.addEndpoint(ep("c1", "nlb0", "vc1", C1, "5000:22"));
                d.addEndpoint(ep("c2", "nlb0", "vc2", C2));

                reaches(host.upstreamNs(), ClientHost.HOST_IP, 5000, "c1-22 from " + ClientHost.UPSTREAM_IP);
                reaches(ctrs.get(0), ClientHost.UPSTREAM_IP, 7001, "up from " + ClientHost.HOST_IP);
                reaches(ctrs.get(1), C1, 23, "c1-23 from " + C2);
                assertEquals(ClientHost.UPSTREAM_IP + "\n",
                        Http.get(host.upstreamNs(), ClientHost.HOST_IP, 8080, "/cgi-bin/peer"), "Docker's port still works");

                String user = Cmd.run(null, "ip", "netns", "exec", hostNs, "iptables", "-S", "DOCKER-USER");
                assertEquals(List.of("-N DOCKER-USER",
                        "-A DOCKER-USER -o nlb0 -m conntrack --ctstate RELATED,ESTABLISHED,DNAT -m comment --comment \"nlbridge: to nlb0\" -j ACCEPT",
                        "-A DOCKER-USER -i nlb0 ! -o nlb0 -m comment --comment \"nlbridge: from nlb0\" -j ACCEPT",
                        "-A DOCKER-USER -i nlb0 -o nlb0 -m comment --comment \"nlbridge: within nlb0\" -j ACCEPT",
                        "-A DOCKER-USER -j RETURN"), user.lines().toList());
                assertEquals(dockers, ForeignFirewall.othersRules(hostNs, "ip"), "Docker's rules are as it made them");

                docker.restart();                                                     // dockerd keeps DOCKER-USER
                assertEquals(user, Cmd.run(null, "ip", "netns", "exec", hostNs, "iptables", "-S", "DOCKER-USER"));
                assertEquals(List.of(), d.hostFirewallPlan(new FirewallState(List.of(n), List.of())));
                reaches(host.upstreamNs(), ClientHost.HOST_IP, 5000, "c1-22 from " + ClientHost.UPSTREAM_IP);
                reaches(ctrs.get(0), ClientHost.UPSTREAM_IP, 7001, "up from " + ClientHost.HOST_IP);

                // (the restart stopped Docker's container, and dockerd removed its port's rule: Docker's doing)
                String others = String.join("", ForeignFirewall.rules(hostNs, "ip").lines()
                        .filter(l -> !l.contains("nlbridge: ")).map(l -> l + "\n").toList());
                d.teardownAll();
                assertEquals(others, ForeignFirewall.rules(hostNs, "ip"), "teardown removed exactly ours");
            }
            docker.stop();
        }
    }

    /** A container namespace on nlb0 with the MAC the firewall's spec binds (02:42 + its IPv4). */
    private static void container(String hostNs, String ns, String veth, String ip) {
        String mac = MacAddress.fromIpv4(Ipv4Address.parse("ip", ip)).toString();
        Cmd.run("link add " + veth + " type veth peer name eth0 netns " + ns + " address " + mac + "\nlink set " + veth
                + " master nlb0\nlink set " + veth + " up\n", "ip", "-n", hostNs, "-batch", "-");
        Cmd.run("link set lo up\nlink set eth0 up\naddr add " + ip + "/16 dev eth0\nroute add default via 172.18.0.1\n",
                "ip", "-n", ns, "-batch", "-");
    }
}

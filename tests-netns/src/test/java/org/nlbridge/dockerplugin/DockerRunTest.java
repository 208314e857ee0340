package org.nlbridge.dockerplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nlbridge.testing.Cmd;
import org.nlbridge.testing.Oracle;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Tcp;
import org.nlbridge.testing.clients.ClientHost;
import org.nlbridge.testing.clients.Daemon;
import org.nlbridge.testing.clients.Docker;
import org.nlbridge.testing.clients.Http;

/**
 * {@code docker run} on an nlbridge network on the real dockerd 20.10 (iptables on: FORWARD policy drop), the same
 * scenario on Docker's own bridge driver in the same run and the same host, and a table of both (issue 12): where
 * Docker's behaviour differs, nlbridge must be equal or stronger. Then restarts of either side with live containers.
 */
@ExtendWith(SandboxExtension.class)
class DockerRunTest {
    private static final Pattern USER_HOOK = Pattern.compile("(?ms)^table ip6? nlbridge-user \\{.*?^\\}\n?");
    private static final String NBR_GW = "198.51.100.1";
    private static final String NBR_IP = "198.51.100.2";
    private static final String UDP_SERVER = String.join("\n",
            "import socket,sys",
            "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(('0.0.0.0',int(sys.argv[1])))",
            "while True:",
            "  d,a=s.recvfrom(512);s.sendto(('udp from '+a[0]).encode(),a)");
    private static final String UDP_CLIENT = String.join("\n",
            "import socket,sys",
            "c=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);c.settimeout(1)",
            "for i in range(5):",
            "  c.sendto(b'x',(sys.argv[1],int(sys.argv[2])))",
            "  try:",
            "    print(c.recv(512).decode());break",
            "  except OSError:",
            "    pass");

    /** One behaviour, as the user sees it, with what each driver did ({@code true}: the right, safe outcome). */
    private final Map<String, Boolean[]> table = new LinkedHashMap<>();
    /** Rows dockerd itself decides for remote drivers, whatever the driver answers. */
    private final Set<String> dockerLimits = new TreeSet<>();

    @Test
    void bothDriversSideBySide(Sandbox sandbox) {
        Tcp.assumeAvailable();
        try (ClientHost host = ClientHost.start(sandbox); PluginDaemon nlb = PluginDaemon.start(host)) {
            Docker docker = host.docker();
            String image = docker.busybox();
            neighbour(sandbox, host);
            Tcp.serve(sandbox, ClientHost.UPSTREAM, "up", 7000);
            String baseline = snapshot(host);
            try {
                scenario(host, nlb, docker, image, 0, "bridge", "dk", "10.31");
                assertEquals(baseline, snapshot(host), "Docker's bridge driver left the host as it was");
                scenario(host, nlb, docker, image, 1, "nlbridge", "nl", "10.32");
                assertEquals(baseline, snapshot(host), "nlbridge left no link, address, rule or element");
                assertEquals(0, nlb.get("/v1/desired").path("networks").size(), "no network left in the desired state");
                // and Docker's default bridge network still works beside what nlbridge did
                assertEquals("up from " + ClientHost.HOST_IP,
                        docker.run("run", "--rm", image, "nc", ClientHost.UPSTREAM_IP, "7000").strip());
            } finally {
                System.out.println(report());
            }
            table.forEach((what, r) -> {
                if (dockerLimits.contains(what)) {
                    assertEquals(Boolean.FALSE, r[1], "dockerd 20.10 shows a remote driver's ports after all: " + what);
                    return;
                }
                assertTrue(r[1] != null && r[1], "nlbridge: " + what + "\n" + report());
                assertTrue(r[0] == null || !r[0] || r[1], "nlbridge weaker than Docker: " + what);
            });
        }
    }

    /**
     * One driver's run: three networks (icc on, icc off, internal), a web container publishing TCP on every address,
     * TCP on 127.0.0.1 and UDP, one with {@code -P}, traffic every way, connect/disconnect, then removal.
     */
    private void scenario(ClientHost host, PluginDaemon nlb, Docker docker, String image, int col, String driver,
                          String tag, String prefix) {
        String net = tag + "net";
        String icc = tag + "icc";
        String internal = tag + "int";
        int base = col == 0 ? 8000 : 9000;
        int hp = base + 80;
        int lp = base + 443;
        int up = base + 53;
        String web = "web-" + tag;
        String mac = "02:aa:bb:cc:dd:0" + (col + 1);
        docker.run("network", "create", "-d", driver, "--subnet", prefix + ".0.0/24",
                "-o", "com.docker.network.bridge.name=br-" + tag, "-o", "com.docker.network.driver.mtu=1400", net);
        docker.run("network", "create", "-d", driver, "--subnet", prefix + ".1.0/24",
                "-o", "com.docker.network.bridge.name=br-" + tag + "-i", "-o", "com.docker.network.bridge.enable_icc=false", icc);
        docker.run("network", "create", "-d", driver, "--internal", "--subnet", prefix + ".2.0/24",
                "-o", "com.docker.network.bridge.name=br-" + tag + "-x", internal);
        docker.run("run", "-d", "--name", web, "--network", net, "--mac-address", mac, "-p", hp + ":80",
                "-p", "127.0.0.1:" + lp + ":80", "-p", up + ":5353/udp", image, "httpd", "-f", "-p", "80", "-h", "/www");
        String pid = docker.pid(web);
        String ip = prefix + ".0.2";

        JsonNode eth0 = json(host.run("nsenter", "-t", pid, "-n", "ip", "-j", "addr", "show", "dev", "eth0")).get(0);
        JsonNode route = json(host.run("nsenter", "-t", pid, "-n", "ip", "-j", "route", "show", "default"));
        row(col, "eth0: the address, --mac-address, the network's MTU 1400, default route via the gateway",
                eth0.path("addr_info").get(0).path("local").asText().equals(ip)
                        && eth0.path("addr_info").get(0).path("prefixlen").asInt() == 24
                        && eth0.path("address").asText().equals(mac) && eth0.path("mtu").asInt() == 1400
                        && route.size() == 1 && route.get(0).path("gateway").asText().equals(prefix + ".0.1"));
        row(col, "-p " + "HOST:80 from upstream, the client's address kept",
                (ClientHost.UPSTREAM_IP + "\n").equals(Http.get(host.upstreamNs(), ClientHost.HOST_IP, hp, "/cgi-bin/peer")));
        row(col, "-p HOST:80 from the host itself (localhost)", Http.get(host.hostNs(), "127.0.0.1", hp, "/") != null);
        row(col, "-p 127.0.0.1:HOST:80 from the host", Http.get(host.hostNs(), "127.0.0.1", lp, "/") != null);
        row(col, "-p 127.0.0.1:HOST:80 not from upstream", Http.once(host.upstreamNs(), ClientHost.HOST_IP, lp, "/") == null);
        assertNotNull(Http.get(neighbourNs(host), NBR_GW, hp, "/"), "the neighbour reaches the host's published port");
        row(col, "-p 127.0.0.1:HOST:80 not from a neighbour that routes 127.0.0.1 to the host (CVE-2020-8558)",
                Http.once(neighbourNs(host), "127.0.0.1", lp, "/") == null);

        Daemon udp = host.spawn("udp-" + tag, Map.of(), "nsenter", "-t", pid, "-n", "python3", "-c", UDP_SERVER, "5353");
        Cmd.Result u = Cmd.exec(null, "ip", "netns", "exec", host.upstreamNs(), "timeout", "10", "python3", "-c", UDP_CLIENT,
                ClientHost.HOST_IP, Integer.toString(up));
        row(col, "-p HOST:5353/udp from upstream", u.out().strip().startsWith("udp from "));
        udp.stop(java.time.Duration.ofSeconds(5));

        // dockerd 20.10 fills NetworkSettings.Ports (docker port, docker inspect, docker ps) only from a built-in
        // driver: it type-asserts the EndpointOperInfo map to its own Go types, which a remote driver's JSON never
        // decodes to. nlbridge answers EndpointOperInfo with the map (checked below); Docker cannot show it.
        String ports = docker.run("port", web);
        limit(col, "docker port shows the map", ports.contains("80/tcp -> 0.0.0.0:" + hp)
                && ports.contains("80/tcp -> 127.0.0.1:" + lp) && ports.contains("5353/udp -> 0.0.0.0:" + up));
        String inspected = docker.run("inspect", "-f", "{{json .NetworkSettings.Ports}}", web);
        limit(col, "docker inspect shows the map (NetworkSettings.Ports)", inspected.contains("\"HostPort\":\"" + hp + "\""));
        if (col == 1) {
            String network = docker.run("network", "inspect", "-f", "{{.Id}}", net).strip();
            String ep = docker.run("inspect", "-f", "{{.NetworkSettings.Networks." + net + ".EndpointID}}", web).strip();
            JsonNode info = nlb.plugin("NetworkDriver.EndpointOperInfo",
                    "{\"NetworkID\":\"" + network + "\",\"EndpointID\":\"" + ep + "\"}");
            row(col, "the driver reports the map (EndpointOperInfo: " + PortBindings.PORTMAP + ")",
                    info.path("Value").path(PortBindings.PORTMAP).toString().contains("\"HostPort\":" + hp)
                            && info.path("Value").path(PortBindings.PORTMAP).toString().contains("\"HostPort\":" + lp)
                            && info.path("Value").path(PortBindings.PORTMAP).toString().contains("\"HostPort\":" + up));
        }

        String auto = "auto-" + tag;
        docker.run("run", "-d", "--name", auto, "--network", net, "--expose", "80", "-P", image, "httpd", "-f", "-p", "80", "-h", "/www");
        int chosen = col == 0 ? Integer.parseInt(docker.run("port", auto, "80/tcp").strip().lines().findFirst().orElseThrow()
                .replaceAll(".*:", "")) : chosenPort(nlb, docker, auto, net);
        row(col, "-P: the host port chosen answers from upstream",
                chosen > 1024 && Http.get(host.upstreamNs(), ClientHost.HOST_IP, chosen, "/") != null);

        row(col, "out to upstream, masqueraded to the host's address", ("up from " + ClientHost.HOST_IP).equals(
                docker.run("run", "--rm", "--network", net, image, "nc", ClientHost.UPSTREAM_IP, "7000").strip()));
        row(col, "icc on: container to container", docker.cli("run", "--rm", "--network", net, image, "sh", "-c",
                "timeout 5 wget -q -O - http://" + ip + "/").exit() == 0);

        String isolated = "iso-" + tag;
        docker.run("run", "-d", "--name", isolated, "--network", icc, image, "httpd", "-f", "-p", "80", "-h", "/www");
        row(col, "icc=false: container to container blocked", docker.cli("run", "--rm", "--network", icc, image,
                "sh", "-c", "timeout 3 wget -q -O - http://" + prefix + ".1.2/").exit() != 0);
        row(col, "icc=false: out to upstream still works", ("up from " + ClientHost.HOST_IP).equals(
                docker.run("run", "--rm", "--network", icc, image, "nc", ClientHost.UPSTREAM_IP, "7000").strip()));
        row(col, "--internal: no way out", docker.cli("run", "--rm", "--network", internal, image, "sh", "-c",
                "timeout 3 nc " + ClientHost.UPSTREAM_IP + " 7000").out().isBlank());

        docker.run("network", "connect", icc, web);
        String eth1 = host.run("nsenter", "-t", pid, "-n", "ip", "-o", "-4", "addr", "show");
        docker.run("network", "disconnect", icc, web);
        String after = host.run("nsenter", "-t", pid, "-n", "ip", "-o", "link", "show");
        row(col, "docker network connect/disconnect: eth1 comes and goes",
                eth1.contains("eth1") && eth1.contains(prefix + ".1.3/24") && !after.contains("eth1"));

        docker.run("rm", "-f", web, auto, isolated);
        docker.run("network", "rm", net, icc, internal);
    }

    /** dockerd restarted with live containers, nlbridge's daemon stopped, killed -9 and restarted: nothing lost. */
    @Test
    void restartsOfEitherSide(Sandbox sandbox) {
        try (ClientHost host = ClientHost.start(sandbox); PluginDaemon nlb = PluginDaemon.start(host)) {
            Docker docker = host.docker(Docker.Options.DEFAULTS.withArgs("--live-restore"));
            String image = docker.busybox();
            Tcp.serve(sandbox, ClientHost.UPSTREAM, "up", 7000);
            String baseline = snapshot(host);
            docker.run("network", "create", "-d", "nlbridge", "--subnet", "10.33.0.0/24",
                    "-o", "com.docker.network.bridge.name=br-live", "live");
            docker.run("run", "-d", "--name", "web", "--network", "live", "-p", "9180:80", image,
                    "httpd", "-f", "-p", "80", "-h", "/www");
            assertEquals(ClientHost.UPSTREAM_IP + "\n", Http.get(host.upstreamNs(), ClientHost.HOST_IP, 9180, "/cgi-bin/peer"));
            JsonNode desired = nlb.get("/v1/desired");

            docker.restart(); // --live-restore: the container keeps running, dockerd re-sends nothing for it
            assertEquals("true", docker.run("inspect", "-f", "{{.State.Running}}", "web").strip());
            assertEquals(ClientHost.UPSTREAM_IP + "\n", Http.get(host.upstreamNs(), ClientHost.HOST_IP, 9180, "/cgi-bin/peer"));
            assertEquals(desired, nlb.get("/v1/desired"), "the daemon's desired state is as it was");

            nlb.stop();
            assertEquals(ClientHost.UPSTREAM_IP + "\n", Http.get(host.upstreamNs(), ClientHost.HOST_IP, 9180,
                    "/cgi-bin/peer"), "the kernel keeps forwarding while the daemon is down");
            nlb.start();
            nlb.kill9();
            assertEquals(ClientHost.UPSTREAM_IP + "\n", Http.get(host.upstreamNs(), ClientHost.HOST_IP, 9180, "/cgi-bin/peer"));
            nlb.start(); // adopts what exists
            assertEquals(desired, nlb.get("/v1/desired"));
            String status = host.run(ProcessHandle.current().info().command().orElse("java"),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    "org.nlbridge.cli.Main", "-H", "unix://" + PluginDaemon.API, "status");
            assertTrue(status.contains("9180"), status);
            assertEquals(ClientHost.UPSTREAM_IP + "\n", Http.get(host.upstreamNs(), ClientHost.HOST_IP, 9180, "/cgi-bin/peer"));
            assertEquals("up from " + ClientHost.HOST_IP,
                    docker.run("exec", "web", "nc", ClientHost.UPSTREAM_IP, "7000").strip(), "out, masqueraded");

            // a new container after both restarts, then removal through Docker cleans up everything
            docker.run("run", "-d", "--name", "web2", "--network", "live", "-p", "9181:80", image,
                    "httpd", "-f", "-p", "80", "-h", "/www");
            assertNotNull(Http.get(host.upstreamNs(), ClientHost.HOST_IP, 9181, "/"));
            docker.run("rm", "-f", "web", "web2");
            assertNull(Http.once(host.upstreamNs(), ClientHost.HOST_IP, 9180, "/"));
            docker.run("network", "rm", "live");
            assertEquals(ours(baseline), ours(snapshot(host)), "nothing of nlbridge's left");
            assertEquals(0, nlb.get("/v1/desired").path("networks").size());
        }
    }

    /** A row dockerd decides for every remote driver (shown, not held against nlbridge). */
    private void limit(int col, String what, boolean right) {
        dockerLimits.add(what);
        row(col, what, right);
    }

    private void row(int col, String what, boolean right) {
        table.computeIfAbsent(what, k -> new Boolean[2])[col] = right;
    }

    private String report() {
        StringBuilder b = new StringBuilder("\n| behaviour (dockerd 20.10, iptables on) | Docker's bridge | nlbridge |\n|---|---|---|\n");
        table.forEach((what, r) -> b.append("| ").append(what).append(" | ").append(mark(r[0])).append(" | ")
                .append(mark(r[1])).append(dockerLimits.contains(what) ? " (dockerd: built-in drivers only)" : "")
                .append(" |\n"));
        return b.toString();
    }

    private static String mark(Boolean b) {
        return b == null ? "-" : b ? "yes" : "NO";
    }

    /** The host port {@code -P} gave a container on an nlbridge network, from the daemon's desired state. */
    private static int chosenPort(PluginDaemon nlb, Docker docker, String container, String network) {
        String ep = docker.run("inspect", "-f", "{{.NetworkSettings.Networks." + network + ".EndpointID}}", container).strip();
        for (JsonNode c : nlb.get("/v1/desired").path("containers")) {
            if (c.path("name").asText().equals(DockerIds.endpoint(ep))) {
                String[] p = c.path("publish").get(0).asText().split(":"); // [IP:]HOSTPORT:80/tcp
                return Integer.parseInt(p[p.length - 2]);
            }
        }
        throw new AssertionError("no nlbridge container for endpoint " + ep);
    }

    /** A neighbour on its own link to the host that routes 127.0.0.1 to it (and lets its kernel send there). */
    private static void neighbour(Sandbox sandbox, ClientHost host) {
        String nbr = sandbox.netns("nbr");
        Cmd.run("link add nbr0 type veth peer name eth0 netns " + nbr + "\naddr add " + NBR_GW + "/24 dev nbr0\n"
                + "link set nbr0 up\n", "ip", "-n", host.hostNs(), "-batch", "-");
        Cmd.run("addr add " + NBR_IP + "/24 dev eth0\nlink set eth0 up\nroute add 127.0.0.1/32 via " + NBR_GW
                + " dev eth0\n", "ip", "-n", nbr, "-batch", "-");
        Cmd.run(null, "ip", "netns", "exec", nbr, "sysctl", "-q", "-w", "net.ipv4.conf.eth0.route_localnet=1");
    }

    private static String neighbourNs(ClientHost host) {
        return host.sandbox().name("nbr");
    }

    /**
     * The host namespace as the kernel shows it: link names, IPv4/IPv6 addresses (not link-local), and the whole
     * nftables ruleset (iptables-nft's tables included) without counters and handles.
     */
    private static String snapshot(ClientHost host) {
        Set<String> lines = new TreeSet<>();
        for (JsonNode l : Oracle.ip(host.hostNs(), "addr", "show")) {
            lines.add("link " + l.path("ifname").asText());
            for (JsonNode a : l.path("addr_info")) {
                if (!a.path("scope").asText().equals("link")) lines.add("addr " + a.path("local").asText());
            }
        }
        String ruleset = Cmd.run(null, "ip", "netns", "exec", host.hostNs(), "nft", "list", "ruleset")
                .replaceAll("counter packets \\d+ bytes \\d+", "counter");
        // the user hook is the user's, like DOCKER-USER: made once, kept empty by the engine, never deleted
        Matcher hook = USER_HOOK.matcher(ruleset);
        while (hook.find()) {
            assertTrue(hook.group().lines().noneMatch(l -> l.startsWith("\t\t") && !l.contains("type filter hook forward")),
                    "the user hook holds no rule: " + hook.group());
        }
        return String.join("\n", lines) + "\n" + USER_HOOK.matcher(ruleset).replaceAll("");
    }

    /** A snapshot without dockerd's rules, which a dockerd restart may re-create in another order. */
    private static String ours(String snapshot) {
        return String.join("\n", snapshot.lines().filter(l -> !l.startsWith("\t") || l.contains("nlbridge")).toList());
    }

    private static JsonNode json(String text) {
        try {
            return PluginDaemon.JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}

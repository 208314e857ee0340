package org.nlbridge.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.cli.RealCli;
import org.nlbridge.client.ApiJson;
import org.nlbridge.daemon.DaemonProcess;
import org.nlbridge.driver.bridge.World;
import org.nlbridge.dsl.ScriptLoader;
import org.nlbridge.dsl.ScriptTrust;
import org.nlbridge.testing.Sandbox;
import org.nlbridge.testing.SandboxExtension;
import org.nlbridge.testing.Untouched;

/**
 * Issue 16 item 4: the ten kinds of bad request of the issue, each added to a script that is applied already (a
 * network with a published container, an internal network). {@code check}, {@code plan} and {@code apply} refuse
 * each with exit 1 and the script's file:line (the engine's own check, which needs the kernel, names the
 * container), and {@code POST /v1/apply} with 400 naming the container and the key; the kernel (host and container namespaces: {@code ip -j}, {@code nft -j}, {@code /proc/sys}) and the state
 * directory (every row of the store, every file) are identical before and after. Before: they exited 1 but left a
 * bridge, an address, nft objects, ip_forward=1, a namespace and store rows; the API detached an existing container.
 * The last kind (the container's namespace has an eth0 already) needs the kernel, so {@code check} cannot see it;
 * {@code plan} and {@code apply} report it at the script's line all the same.
 */
@ExtendWith(SandboxExtension.class)
class BadRequestsTest {

    @TempDir
    Path tmp;

    private World world;

    @AfterEach
    void close() {
        if (world != null) world.close();
    }

    /** One bad container: the script's line for it and the same container in the API's JSON. */
    private record Bad(String why, String groovy, Map<String, Object> json, boolean kernelOnly, String message) {}

    private static final int BAD_LINE = 11;

    @Test
    void everyKindIsRefusedBeforeAnyChangeByCheckPlanApplyAndTheApi(Sandbox sb) {
        world = new World(sb, tmp.resolve("state"));
        String web = world.ctr("web");
        String bad = world.ctr("bad");
        String withEth0 = sb.netns("eth0");
        World.ip(withEth0, "link add eth0 type veth peer name peer0");
        List<Bad> cases = List.of(
                new Bad("address outside the range", "ip '172.30.99.5'", Map.of("ip", "172.30.99.5"), false,
                        "ip \"172.30.99.5\""),
                new Bad("address of the gateway", "ip '172.30.40.1'", Map.of("ip", "172.30.40.1"), false,
                        "ip \"172.30.40.1\""),
                new Bad("broadcast address", "ip '172.30.40.255'", Map.of("ip", "172.30.40.255"), false,
                        "ip \"172.30.40.255\""),
                new Bad("another container's address", "ip '172.30.40.10'", Map.of("ip", "172.30.40.10"), false,
                        "ip \"172.30.40.10\""),
                new Bad("a cross-family publish", "publish '[fd00::1]:9090:80'", Map.of("publish", List.of("[fd00::1]:9090:80")),
                        false, "publish"),
                new Bad("0.0.0.0 and 127.0.0.1 on one port", "publish '127.0.0.1:8080:80'",
                        Map.of("publish", List.of("127.0.0.1:8080:80")), false, "8080"),
                new Bad("publish on an internal network", "network 'int'; publish '9091:80'",
                        Map.of("network", "int", "publish", List.of("9091:80")), false, "internal"),
                new Bad("a duplicate MAC", "mac '02:00:00:00:40:10'", Map.of("mac", "02:00:00:00:40:10"), false,
                        "mac \"02:00:00:00:40:10\""),
                new Bad("two containers in one namespace", null, Map.of(), false, "is container web's namespace already"),
                new Bad("an existing eth0", null, Map.of(), true, "eth0"));

        RealCli cli = new RealCli(world);
        String good = script(web, null, null);
        assertEquals(0, cli.run("apply", good).code());
        List<String> namespaces = List.of(world.host, web, bad, withEth0);
        List<String> problems = new ArrayList<>();
        for (Bad c : cases) {
            String netns = c.why().equals("two containers in one namespace") ? web : c.kernelOnly() ? withEth0 : bad;
            String file = script(web, netns, c.groovy());
            Untouched before = Untouched.of(world.state, namespaces);
            for (String command : c.kernelOnly() ? List.of("plan", "apply") : List.of("check", "plan", "apply")) {
                RealCli.Result r = cli.run(command, file);
                // what only the kernel reveals is refused by the engine, at the line too (before: the container only)
                String where = file + ":" + BAD_LINE + (c.kernelOnly() ? ": invalid container bad: " : "");
                if (r.code() != 1 || !r.err().contains(where) || !r.err().contains(c.message())) {
                    problems.add(c.why() + ": " + command + " did not refuse at " + where + " naming " + c.message() + ": " + r);
                }
                try {
                    before.assertSameAs(Untouched.of(world.state, namespaces), c.why() + ": " + command);
                } catch (AssertionError changed) {
                    problems.add(changed.getMessage());
                }
            }
        }

        // the same through the daemon's API, on the same host and state directory
        try (DaemonProcess d = new DaemonProcess(world.host, tmp).start()) {
            ObjectNode goodJson = ApiJson.toJson(ScriptLoader.withTrust(ScriptTrust.none()).load(Path.of(good)));
            d.call("POST", "/v1/apply", goodJson).ok();
            for (Bad c : cases) {
                ObjectNode body = goodJson.deepCopy();
                ObjectNode ctr = ((ArrayNode) body.get("containers")).addObject();
                ctr.put("name", "bad");
                ctr.put("netns", c.why().equals("two containers in one namespace") ? web : c.kernelOnly() ? withEth0 : bad);
                ctr.put("network", "bridge");
                ctr.setAll((ObjectNode) DaemonProcess.JSON.valueToTree(c.json()));
                Untouched before = Untouched.of(world.state, namespaces);
                DaemonProcess.Answer a = d.call("POST", "/v1/apply", body);
                String text = a.body() == null ? "" : a.body().path("message").asText();
                if (a.status() != 400 || !text.contains("container bad") || !text.contains(c.message())) {
                    problems.add(c.why() + ": POST /v1/apply answered " + a.status() + " " + text);
                }
                try {
                    before.assertSameAs(Untouched.of(world.state, namespaces), c.why() + ": POST /v1/apply");
                } catch (AssertionError changed) {
                    problems.add(changed.getMessage());
                }
            }
            assertEquals(143, d.term());
        }
        assertEquals(List.of(), problems);
    }

    /**
     * Parity's {@code addHost NAME:host-gateway} on a network without a gateway address ({@code gatewayMode
     * isolated}), added to an applied script: refused by {@code plan} and {@code apply} in the check phase, naming
     * the container and the key, with the kernel and the state directory as they were.
     */
    @Test
    void hostGatewayWithoutAGatewayIsRefusedBeforeAnyChange(Sandbox sb) {
        world = new World(sb, tmp.resolve("state"));
        String web = world.ctr("web");
        String bad = world.ctr("bad");
        String networks = """
                network('iso') {
                    bridge 'nlb4g'
                    bip '172.30.42.1/24'
                    internal true
                    gatewayMode 'isolated'
                }
                container('web') { netns '%s'; network 'iso' }
                """.formatted(web);
        RealCli cli = new RealCli(world);
        assertEquals(0, cli.run("apply", RealCli.script(tmp, "good.groovy", networks).toString()).code());
        String file = RealCli.script(tmp, "bad.groovy", networks + "container('bad') { netns '" + bad
                + "'; network 'iso'; addHost 'host.docker.internal:host-gateway' }\n").toString();
        List<String> namespaces = List.of(world.host, web, bad);
        Untouched before = Untouched.of(world.state, namespaces);
        for (String command : List.of("plan", "apply")) {
            RealCli.Result r = cli.run(command, file);
            assertEquals(1, r.code(), command + ": " + r);
            assertTrue(r.err().contains("invalid container bad: addHost \"host.docker.internal:host-gateway\": network"
                    + " iso has no gateway address"), command + ": " + r);
            before.assertSameAs(Untouched.of(world.state, namespaces), "host-gateway: " + command);
        }
    }

    /**
     * A refusal the kernel alone makes, past every check: the host end of container bad's veth (its name derives from
     * network and container) is taken by a link made behind the engine's back, so creating the veth fails with
     * EEXIST. {@code apply} exits 1 at the line that declares the container (before: the container's name and the
     * errno, no line), and the request is undone: kernel and state directory as they were, the other link untouched.
     */
    @Test
    void aRefusalOnlyTheKernelMakesIsReportedAtTheDeclaringLine(Sandbox sb) throws Exception {
        world = new World(sb, tmp.resolve("state"));
        String web = world.ctr("web");
        String bad = world.ctr("bad");
        RealCli cli = new RealCli(world);
        assertEquals(0, cli.run("apply", script(web, null, null)).code());
        byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                .digest("bridge/bad".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String veth = "veth" + java.util.HexFormat.of().formatHex(h).substring(0, 7);
        World.ip(world.host, "link add " + veth + " type bridge"); // any kind: the name is what is taken
        String file = script(web, bad, null);
        List<String> namespaces = List.of(world.host, web);
        Untouched before = Untouched.of(world.state, namespaces);
        RealCli.Result r = cli.run("apply", file);
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains(file + ":" + BAD_LINE + ": ") && r.err().contains("container bad")
                && r.err().contains(veth), r.toString());
        before.assertSameAs(Untouched.of(world.state, namespaces), "the request the kernel refused");
        assertTrue(!java.nio.file.Files.exists(Path.of("/run/netns", bad)), "the namespace the request created went with it");
    }

    /** The applied script, plus one bad container on line {@value #BAD_LINE} in {@code netns} if {@code bad} is given. */
    private String script(String web, String netns, String bad) {
        StringBuilder s = new StringBuilder("""
                network('bridge') {
                    bridge 'nlb4'
                    bip '172.30.40.1/24'
                }
                network('int') {
                    bridge 'nlb4i'
                    bip '172.30.41.1/24'
                    internal true
                }
                container('web') { netns '%s'; ip '172.30.40.10'; mac '02:00:00:00:40:10'; publish '8080:80' }
                """.formatted(web));
        if (netns != null) s.append("container('bad') { netns '").append(netns).append("'")
                .append(bad == null ? "" : "; " + bad).append(" }\n");
        return RealCli.script(tmp, netns == null ? "good.groovy" : "bad.groovy", s.toString()).toString();
    }
}

package org.nlbridge.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nlbridge.driver.dns.Mount;
import org.nlbridge.dsl.ScriptLoader;
import org.nlbridge.dsl.ScriptTrust;
import org.nlbridge.engine.Engine;
import org.nlbridge.engine.EngineStatus;
import org.nlbridge.net.Hostname;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.Change;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;
import org.nlbridge.spec.Plan;

/** The API's JSON: every script's desired state survives the trip, and bad JSON fails as the DSL would. */
class ApiJsonTest {

    private static final ScriptLoader LOADER = ScriptLoader.withTrust(ScriptTrust.none());

    static Path scriptsDir() {
        for (Path p : List.of(Path.of("../scripts"), Path.of("scripts"))) if (Files.isDirectory(p)) return p;
        throw new IllegalStateException("no scripts/ folder");
    }

    private static DesiredState roundTrip(DesiredState d) {
        byte[] wire = ApiJson.bytes(ApiJson.toJson(d));
        return ApiJson.desiredState(ApiJson.parse("desired state", wire));
    }

    @TestFactory
    Stream<DynamicTest> everyScriptRoundTrips() throws IOException {
        try (Stream<Path> s = Files.list(scriptsDir())) {
            return s.filter(p -> p.toString().endsWith(".groovy")).sorted().toList().stream()
                    .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
                        DesiredState d = LOADER.load(p);
                        assertEquals(d, roundTrip(d));
                        // and the JSON itself is stable
                        assertEquals(ApiJson.write(ApiJson.toJson(d)), ApiJson.write(ApiJson.toJson(roundTrip(d))));
                    }));
        }
    }

    @Test
    void everyKeyRoundTrips() {
        DesiredState d = LOADER.evaluate("""
                network('bridge') { bridge 'nlb0'; bip '10.7.0.1/16'; fixedCidr '10.7.1.0/24'; fixedCidrV6 'fd00:7::/64'
                  mtu 1400; icc false; ipMasq false; ipForward false; firewall 'none'; macFromIp true
                  dns { nameserver '9.9.9.9', '1.1.1.1'; search 'a.example'; option 'ndots:2' } }
                network('given') { useBridge 'br0'; bip '10.8.0.1/24' }
                network('inner') { bridge 'in0'; bip '10.11.0.1/24'; internal true }
                container('web') { netns 'webns'; hostname 'w1'; mac '02:42:0a:07:01:05'; ip '10.7.1.5'
                  ip6 'fd00:7::5'; ifname 'eth1'; publish '8080:80'; publish '127.0.0.1:5353:53/udp'
                  publish '[::]:8000-8001:80-81'; spoofCheck false; dns { nameserver '8.8.8.8' } }
                container('side') { network 'container:web' }
                container('h') { network 'host' }
                container('n') { network 'none' }
                network('back') { bridge 'back0'; bip '10.9.0.1/24' }
                network('mgmt') { bridge 'mgmt0'; bip '10.10.0.1/24' }
                container('multi') { network 'back'; defaultRoute false
                  connect 'given', ip: '10.8.0.7', alias: ['m', 'mm'], publish: '9090:90', mac: '02:42:0a:08:00:07'
                  connect 'mgmt', ifname: 'mg0', spoofCheck: false }
                container('routed') { network 'back'; connect 'mgmt', defaultRoute: true }
                network('ov') { driver 'overlay'; subnet '10.60.0.0/16'; vni 4097; fixedCidr '10.60.8.0/21' }
                container('o') { network 'ov'; ip '10.60.8.9'; connect 'back'; alias 'site', 'www'
                  addHost 'db.local:10.1.2.3', 'gw:host-gateway' }
                userRules { allowOnlyFrom '8.8.8.8', on: 'uplink0'; allowOnlyFrom '10.0.0.0/8', on: 'uplink1' }
                """, "all.groovy");
        assertEquals(d, roundTrip(d));
        // what only the API and the CNI plugin set: aliases of the first network, labels, a namespace by path
        ContainerSpec cni = ContainerSpec.of("c1", b -> b.network("back").netns("/proc/42/ns/net").alias("web")
                .label("io.kubernetes.pod.namespace", "ns").label("io.kubernetes.pod.name", "web-1"));
        DesiredState withCni = d.withContainer(cni);
        assertEquals(withCni, roundTrip(withCni));
        // keys a plain container does not need are not written (the daemon's stored format stays as it was)
        String plain = ApiJson.write(ApiJson.toJson(d.container("side").orElseThrow()));
        for (String k : List.of("aliases", "defaultRoute", "connects", "labels", "spoofCheck")) {
            assertFalse(plain.contains(k), plain);
        }
        // spoofCheck only when off, on the first network and on a connect
        String web = ApiJson.write(ApiJson.toJson(d.container("web").orElseThrow()));
        assertTrue(web.contains("\"spoofCheck\":false"), web);
        String multi = ApiJson.write(ApiJson.toJson(d.container("multi").orElseThrow()));
        assertEquals(1, multi.split("spoofCheck", -1).length - 1, multi);
        assertFalse(d.container("multi").orElseThrow().connects().get(1).spoofCheck());
    }

    private static ValidationException bad(String json) {
        return assertThrows(ValidationException.class,
                () -> ApiJson.desiredState(ApiJson.parse("desired state", json.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void badInputFailsWithTheBuildersMessages() {
        // the same text the Java API and the DSL give for the value
        String dsl = assertThrows(ValidationException.class, () -> NetworkSpec.of("bridge", b -> b.mtu(70000))).getMessage();
        assertEquals(dsl, bad("{\"networks\":[{\"name\":\"bridge\",\"mtu\":70000}]}").getMessage());
        assertEquals("invalid network bridge \"mtuu\": unknown key; expected one of bip, bridge, dns, driver, firewall, fixedCidr,"
                        + " fixedCidrV6, gatewayMode, gatewayModeV6, hostBindingIp, icc, internal, ipForward, ipMasq, macFromIp, mtu, name, subnet,"
                        + " useBridge, vni",
                bad("{\"networks\":[{\"name\":\"bridge\",\"mtuu\":1400}]}").getMessage());
        assertEquals("invalid network bridge: mtu \"\\\"1400\\\"\": not a whole number; expected a whole number, like 1400",
                bad("{\"networks\":[{\"name\":\"bridge\",\"mtu\":\"1400\"}]}").getMessage());
        assertEquals("invalid network bridge: icc \"1\": not a JSON boolean; expected true or false",
                bad("{\"networks\":[{\"name\":\"bridge\",\"icc\":1}]}").getMessage());
        assertEquals("invalid container web: publish \"70000:80\": host port \"70000\" outside 1..65535; expected"
                        + " [host-ip:]host-port[-end]:container-port[-end][/tcp|/udp], like 8080:80, 127.0.0.1:8080:80/tcp"
                        + " or [::]:8000-8001:80-81/udp (ports 1..65535)",
                bad("{\"networks\":[{\"name\":\"bridge\"}],\"containers\":[{\"name\":\"web\",\"publish\":[\"70000:80\"]}]}").getMessage());
        assertEquals("invalid container web: network \"nope\": no such network in this script; expected one of [], host, none"
                        + " or container:<name>",
                bad("{\"containers\":[{\"name\":\"web\",\"network\":\"nope\"}]}").getMessage());
        assertEquals("invalid network: name: missing; expected a string", bad("{\"networks\":[{}]}").getMessage());
        assertEquals("invalid desired state \"[]\": not a JSON object; expected an object {...}", bad("[]").getMessage());
        // duplicate keys and trailing garbage are syntax errors, not "last one wins"
        bad("{\"networks\":[],\"networks\":[]}");
        bad("{\"networks\":[]} {}");
    }

    @Test
    void plansStatusAndRuntimeRoundTrip() {
        Plan p = new Plan(List.of(new Change(Change.Action.CREATE, "link", "docker0", "bridge, mtu 1500"),
                new Change(Change.Action.DELETE, "endpoint", "web on bridge", "")));
        assertEquals(p, ApiJson.plan(ApiJson.parse("plan", ApiJson.bytes(ApiJson.toJson(p)))));
        EngineStatus s = new EngineStatus(List.of(new EngineStatus.NetworkStatus("bridge", "docker0", "172.17.0.0/16",
                "172.17.0.1", null, null, 1500, true, true, false, "nftables", true)),
                List.of(new EngineStatus.ContainerStatus("web", "bridge", "web", "eth0", "veth1234567", "172.17.0.2/16",
                        null, "02:42:ac:11:00:02", "web", List.of("/x/resolv.conf"))),
                List.of(new EngineStatus.PortStatus("web", "tcp", null, 8080, "172.17.0.2", 80, 3, -1)));
        assertEquals(s, ApiJson.status(ApiJson.parse("status", ApiJson.bytes(ApiJson.toJson(s)))));
        EngineStatus o = new EngineStatus(s.networks(), s.containers(), s.ports(), List.of(new EngineStatus.OverlayStatus(
                "ov", 4096, "vx-5e1c26b2f7c5", "198.51.100.11", "unreachable: since 10:00:00 (no answer)", List.of(
                new EngineStatus.PeerStatus("h2e5d906d9a73", "node3", "198.51.100.13", List.of("c3"), -1)))));
        assertEquals(o, ApiJson.status(ApiJson.parse("status", ApiJson.bytes(ApiJson.toJson(o)))));
        Engine.ContainerRuntime r = new Engine.ContainerRuntime("web", Hostname.parse("h", "web1"),
                List.of(new Mount("/etc/hosts", "bind", "/x/hosts", List.of("rbind", "ro"))));
        assertEquals(r, ApiJson.runtime(ApiJson.parse("runtime", ApiJson.bytes(ApiJson.toJson(r)))));
    }
}

package org.nlbridge.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.nlbridge.client.ApiJson;

/** The verbs, versions and errors of the CNI protocol, on a backend in memory: exact documents, exact codes. */
class CniPluginTest {

    private final FakeBackend backend = new FakeBackend();
    private final CniPlugin plugin = new CniPlugin(backend);

    static final String NET = "\"name\":\"pods\",\"type\":\"nlbridge\",\"bridge\":\"nlb0\",\"bip\":\"10.88.0.1/16\"";

    private static Map<String, String> env(String command, String id, String ifname, String netns, String args) {
        Map<String, String> e = new HashMap<>();
        e.put("CNI_COMMAND", command);
        e.put("CNI_PATH", "/opt/cni/bin");
        if (id != null) e.put("CNI_CONTAINERID", id);
        if (ifname != null) e.put("CNI_IFNAME", ifname);
        if (netns != null) e.put("CNI_NETNS", netns);
        if (args != null) e.put("CNI_ARGS", args);
        return e;
    }

    private CniPlugin.Answer call(Map<String, String> env, String stdin) {
        return plugin.call(env, stdin.getBytes(StandardCharsets.UTF_8));
    }

    private CniPlugin.Answer add(String version, String extra, String args) {
        return call(env("ADD", "c1", "eth0", "/run/netns/c1", args), "{\"cniVersion\":\"" + version + "\"," + NET + extra + "}");
    }

    private static void error(CniPlugin.Answer a, int code, String version, String msg) {
        assertEquals(1, a.exit(), a.text());
        JsonNode n = ApiJson.parse("answer", a.stdout());
        assertEquals(code, n.get("code").asInt(), a.text());
        assertEquals(version, n.get("cniVersion").asText(), a.text());
        assertTrue(n.get("msg").asText().contains(msg), a.text());
    }

    @Test
    void versionAnswersWhatWasAskedIfSupported() {
        CniPlugin.Answer a = call(env("VERSION", "dummy", "dummy", "dummy", null), "{\"cniVersion\":\"0.3.1\"}");
        assertEquals("{\"cniVersion\":\"0.3.1\",\"supportedVersions\":[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}\n", a.text());
        assertTrue(call(env("VERSION", null, null, null, null), "").text().startsWith("{\"cniVersion\":\"1.1.0\""));
    }

    @Test
    void addResultInEveryVersion() {
        CniPlugin.Answer a = add("1.0.0", "", null);
        assertEquals(0, a.exit(), a.text());
        assertEquals("{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"nlbveth0\",\"mac\":\"02:00:00:00:00:01\"},"
                + "{\"name\":\"eth0\",\"mac\":\"02:42:0a:58:00:02\",\"mtu\":1500,\"sandbox\":\"/run/netns/c1\"}],"
                + "\"ips\":[{\"address\":\"10.88.0.2/16\",\"gateway\":\"10.88.0.1\",\"interface\":1}],"
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.88.0.1\"}]}\n", a.text());
        backend.attachments.clear();
        a = add("0.4.0", ",\"fixedCidrV6\":\"fd00:88::/64\",\"dns\":{\"nameservers\":[\"10.88.0.1\"],\"domain\":\"pods.local\"}", null);
        assertEquals("{\"cniVersion\":\"0.4.0\",\"interfaces\":[{\"name\":\"nlbveth0\",\"mac\":\"02:00:00:00:00:01\"},"
                        + "{\"name\":\"eth0\",\"mac\":\"02:42:0a:58:00:03\",\"sandbox\":\"/run/netns/c1\"}],"
                        + "\"ips\":[{\"version\":\"4\",\"address\":\"10.88.0.3/16\",\"gateway\":\"10.88.0.1\",\"interface\":1},"
                        + "{\"version\":\"6\",\"address\":\"fd00:88::2/64\",\"gateway\":\"fd00:88::1\",\"interface\":1}],"
                        + "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.88.0.1\"},{\"dst\":\"::/0\",\"gw\":\"fd00:88::1\"}],"
                        + "\"dns\":{\"nameservers\":[\"10.88.0.1\"],\"search\":[\"pods.local\"]}}\n",
                // the first ADD made the network without IPv6 and DNS: a config that gives them differs from it
                new CniPlugin(fresh(3)).call(env("ADD", "c1", "eth0", "/run/netns/c1", null),
                        ("{\"cniVersion\":\"0.4.0\"," + NET + ",\"fixedCidrV6\":\"fd00:88::/64\",\"dns\":{\"nameservers\":"
                                + "[\"10.88.0.1\"],\"domain\":\"pods.local\"}}").getBytes(StandardCharsets.UTF_8)).text());
        error(a, 7, "0.4.0", "invalid network config: fixedCidrV6 \"fd00:88::/64\": network pods exists with fixedCidrV6 none");
        for (String v : List.of("0.3.0", "0.3.1", "1.1.0")) {
            backend.attachments.clear();
            JsonNode r = ApiJson.parse("result", add(v, "", null).stdout());
            assertEquals(v, r.get("cniVersion").asText());
            assertEquals(!v.equals("1.1.0"), r.get("ips").get(0).has("version"), r.toString());
        }
    }

    /** A backend with no network yet, handing out .{@code next} first. */
    private static FakeBackend fresh(int next) {
        FakeBackend b = new FakeBackend();
        b.next = next;
        return b;
    }

    @Test
    void addAfterAnotherPluginAppendsToItsResult() {
        String prev = ",\"prevResult\":{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"dummy0\",\"sandbox\":\"/run/netns/c1\"}],"
                + "\"ips\":[{\"address\":\"192.0.2.9/24\",\"interface\":0}],\"routes\":[{\"dst\":\"192.0.2.0/24\",\"priority\":5}],"
                + "\"dns\":{\"nameservers\":[\"192.0.2.53\"]},\"custom\":{\"kept\":true}}";
        JsonNode r = ApiJson.parse("result", add("1.0.0", prev, null).stdout());
        assertEquals(3, r.get("interfaces").size());
        assertEquals("dummy0", r.get("interfaces").get(0).get("name").asText());
        assertEquals(2, r.get("ips").get(1).get("interface").asInt(), r.toString());
        assertEquals(5, r.get("routes").get(0).get("priority").asInt());
        assertEquals("0.0.0.0/0", r.get("routes").get(1).get("dst").asText());
        assertEquals("192.0.2.53", r.get("dns").get("nameservers").get(0).asText(), "the earlier plugin's dns is kept");
        assertTrue(r.get("custom").get("kept").asBoolean());
    }

    @Test
    void whatRuntimesSend() {
        // podman: --ip and --mac-address as CNI_ARGS, its container name as K8S_POD_NAME, ports and aliases in runtimeConfig
        String rc = ",\"runtimeConfig\":{\"aliases\":{\"pods\":[\"web\",\"0123456789ab\"]},\"portMappings\":[{\"hostPort\":8080,"
                + "\"containerPort\":80,\"protocol\":\"tcp\"}]},\"capabilities\":{\"portMappings\":true,\"aliases\":true}";
        CniPlugin.Answer a = add("1.0.0", rc, "IgnoreUnknown=1;K8S_POD_NAME=web;MAC=02:00:00:00:00:51;IP=10.88.0.50");
        assertEquals(0, a.exit(), a.text());
        AttachRequest r = backend.requests.getLast();
        assertEquals("10.88.0.50", r.ip().toString());
        assertEquals("02:00:00:00:00:51", r.mac().toString());
        assertEquals("web", r.podName());
        assertEquals("[8080:80/tcp]", r.ports().toString());
        assertEquals("[web, 0123456789ab]", r.aliases().toString());
        // containerd's go-cni: capitalised keys, an empty HostIP; the CRI's pod identity
        rc = ",\"runtimeConfig\":{\"portMappings\":[{\"HostPort\":8081,\"ContainerPort\":81,\"Protocol\":\"UDP\",\"HostIP\":\"\"},"
                + "{\"hostPort\":8082,\"containerPort\":82,\"hostIP\":\"::1\"}],\"ips\":[\"10.88.0.60/16\"],\"cgroupPath\":\"/x\"}";
        a = call(env("ADD", "c2", "eth0", "/var/run/netns/cni-1", "IgnoreUnknown=1;K8S_POD_NAMESPACE=ns;K8S_POD_NAME=pod;"
                + "K8S_POD_INFRA_CONTAINER_ID=c2;K8S_POD_UID=u1"), "{\"cniVersion\":\"1.0.0\"," + NET + rc + "}");
        assertEquals(0, a.exit(), a.text());
        r = backend.requests.getLast();
        assertEquals("[8081:81/udp, [::1]:8082:82/tcp]", r.ports().toString());
        assertEquals("10.88.0.60", r.ip().toString());
        assertEquals("ns", r.podNamespace());
        error(add("1.0.0", "", "FOO=1"), 4, "1.0.0", "invalid CNI_ARGS \"FOO=1\": unknown key FOO");
        error(add("1.0.0", "", "IgnoreUnknown=maybe"), 4, "1.0.0", "IgnoreUnknown \"maybe\": not a boolean");
        error(add("1.0.0", "", "IP=10.88.0.300"), 4, "1.0.0", "invalid CNI_ARGS IP \"10.88.0.300\"");
        error(add("1.0.0", ",\"runtimeConfig\":{\"ips\":[\"10.88.0.7\"]}", "IgnoreUnknown=1;IP=10.88.0.8"), 7, "1.0.0",
                "invalid CNI_ARGS IP \"10.88.0.8\": differs from runtimeConfig.ips [10.88.0.7]");
        error(add("1.0.0", ",\"runtimeConfig\":{\"portMappings\":[{\"hostPort\":70000,\"containerPort\":80}]}", null), 7, "1.0.0",
                "invalid runtimeConfig.portMappings[0] \"70000:80/tcp\": host port \"70000\" outside 1..65535");
        error(add("1.0.0", ",\"runtimeConfig\":{\"portMappings\":[{\"hostPort\":80,\"containerPort\":80,\"protocol\":\"sctp\"}]}", null),
                7, "1.0.0", "invalid runtimeConfig.portMappings[0] \"80:80/sctp\"");
        error(add("1.0.0", ",\"runtimeConfig\":{\"mac\":\"01:00:5e:00:00:01\"}", null), 7, "1.0.0", "invalid runtimeConfig.mac \"01:00:5e:00:00:01\"");
    }

    @Test
    void badConfigsNameTheKeyAndValue() {
        error(add("1.0.0", ",\"mtu\":\"1400\"", null), 7, "1.0.0", "invalid network pods: mtu \"\\\"1400\\\"\": not a whole number");
        error(add("1.0.0", ",\"mtu\":60", null), 7, "1.0.0", "invalid network pods: mtu \"60\"");
        error(call(env("ADD", "c1", "eth0", "/run/netns/c1", null), "{\"cniVersion\":\"1.0.0\",\"name\":\"pods\",\"type\":\"nlbridge\","
                + "\"bip\":\"10.88.0.300/16\"}"), 7, "1.0.0", "invalid network pods: bip \"10.88.0.300/16\"");
        error(add("1.0.0", ",\"ipam\":{\"type\":\"host-local\"}", null), 7, "1.0.0", "ipam: nlbridge allocates the addresses itself");
        error(add("1.0.0", ",\"hairpinMode\":true", null), 7, "1.0.0", "invalid network config: unknown key \"hairpinMode\"");
        error(call(env("ADD", "c1", "eth0", "/run/netns/c1", null), "{\"cniVersion\":\"1.0.0\",\"name\":\"-x\",\"type\":\"nlbridge\"}"),
                7, "1.0.0", "invalid network config: name \"-x\": starts with '-'");
        error(call(env("ADD", "c1", "eth0", "/run/netns/c1", null), "{\"cniVersion\":\"1.0.0\",\"name\":\"p\"}"), 7, "1.0.0", "type missing");
        // a network that exists differs on a key the config gives: the key, both values
        assertEquals(0, add("1.0.0", "", null).exit());
        error(call(env("ADD", "c9", "eth0", "/run/netns/c9", null), "{\"cniVersion\":\"1.0.0\",\"name\":\"pods\",\"type\":\"nlbridge\","
                + "\"bip\":\"10.99.0.1/16\"}"), 7, "1.0.0", "invalid network config: bip \"10.99.0.1/16\": network pods exists with bip \"10.88.0.1/16\"");
        // a config without network keys takes the network as it is
        assertEquals(0, call(env("ADD", "c9", "eth0", "/run/netns/c9", null), "{\"cniVersion\":\"1.0.0\",\"name\":\"pods\",\"type\":\"nlbridge\"}").exit());
    }

    @Test
    void environmentDocumentAndVersionErrors() {
        String cfg = "{\"cniVersion\":\"1.0.0\"," + NET + "}";
        error(call(env("ADD", null, null, null, null), cfg), 4, "1.0.0", "required environment variables [CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME] missing");
        error(call(env("ADD", "-bad", "eth0", "/run/netns/x", null), cfg), 4, "1.0.0", "invalid CNI_CONTAINERID \"-bad\"");
        error(call(env("ADD", "c1", "eth0/1", "/run/netns/x", null), cfg), 4, "1.0.0", "invalid CNI_IFNAME \"eth0/1\"");
        error(call(env("ADD", "c1", "eth0", "run/netns/x", null), cfg), 4, "1.0.0", "invalid CNI_NETNS \"run/netns/x\"");
        error(call(env("FROB", "c1", "eth0", "/run/netns/x", null), cfg), 4, "1.0.0", "unknown CNI_COMMAND \"FROB\"");
        error(call(env("ADD", "c1", "eth0", "/run/netns/x", null), "{\"cniVersion\":"), 6, "1.1.0", "not valid JSON");
        error(call(env("ADD", "c1", "eth0", "/run/netns/x", null), "{\"cniVersion\":\"0.2.0\"," + NET + "}"), 1, "1.1.0",
                "incompatible CNI versions: cniVersion \"0.2.0\" is not supported");
        error(call(env("CHECK", "c1", "eth0", "/run/netns/x", null), "{\"cniVersion\":\"0.3.1\"," + NET + "}"), 1, "0.3.1",
                "config version 0.3.1 does not allow CHECK");
        error(call(env("GC", null, null, null, null), cfg), 1, "1.0.0", "config version 1.0.0 does not allow GC");
        error(call(env("STATUS", null, null, null, null), cfg), 1, "1.0.0", "config version 1.0.0 does not allow STATUS");
    }

    @Test
    void delIsIdempotentAndNeedsNoNamespace() {
        assertEquals(0, add("1.0.0", "", null).exit());
        CniPlugin.Answer a = call(env("DEL", "c1", "eth0", "", null), "{\"cniVersion\":\"1.0.0\"," + NET + "}");
        assertEquals(0, a.exit(), a.text());
        assertEquals("", a.text());
        assertTrue(backend.attachments.isEmpty());
        assertEquals(0, call(env("DEL", "c1", "eth0", null, null), "{\"cniVersion\":\"1.0.0\"," + NET + "}").exit());
        backend.failure = new IllegalStateException("engine down");
        error(call(env("DEL", "c1", "eth0", null, null), "{\"cniVersion\":\"1.0.0\"," + NET + "}"), 100, "1.0.0", "engine down");
    }

    @Test
    void checkComparesWithTheAddResultAndTheKernel() {
        String result = add("1.0.0", "", null).text().strip();
        String cfg = "{\"cniVersion\":\"1.0.0\"," + NET + ",\"prevResult\":" + result + "}";
        assertEquals(0, call(env("CHECK", "c1", "eth0", "/run/netns/c1", null), cfg).exit());
        error(call(env("CHECK", "c1", "eth0", "/run/netns/c1", null), cfg.replace("10.88.0.2/16", "10.88.0.9/16")), 101, "1.0.0",
                "interface eth0 has address 10.88.0.2/16, prevResult lists [10.88.0.9/16]");
        backend.problems = List.of("veth nlbveth0 missing");
        error(call(env("CHECK", "c1", "eth0", "/run/netns/c1", null), cfg), 101, "1.0.0", "container c1 on network pods: veth nlbveth0 missing");
        error(call(env("CHECK", "c7", "eth0", "/run/netns/c7", null), cfg), 101, "1.0.0", "container c7 has no interface eth0 on network pods");
    }

    @Test
    void gcRemovesWhatIsNotListedAndStatusAnswers() {
        assertEquals(0, add("1.1.0", "", null).exit());
        assertEquals(0, call(env("ADD", "c2", "eth0", "/run/netns/c2", null), "{\"cniVersion\":\"1.1.0\"," + NET + "}").exit());
        CniPlugin.Answer a = call(env("GC", null, null, null, null), "{\"cniVersion\":\"1.1.0\"," + NET
                + ",\"cni.dev/valid-attachments\":[{\"containerID\":\"c2\",\"ifname\":\"eth0\"}]}");
        assertEquals(0, a.exit(), a.text());
        assertEquals(List.of("c2"), backend.attachments.values().stream().map(Attachment::containerId).toList());
        assertEquals(0, call(env("GC", null, null, null, null), "{\"cniVersion\":\"1.1.0\"," + NET + ",\"cni.dev/attachments\":[]}").exit());
        assertTrue(backend.attachments.isEmpty(), "the older key counts too");
        error(call(env("GC", null, null, null, null), "{\"cniVersion\":\"1.1.0\"," + NET + "}"), 7, "1.1.0", "GC without cni.dev/valid-attachments");
        assertEquals(0, call(env("STATUS", null, null, null, null), "{\"cniVersion\":\"1.1.0\"," + NET + "}").exit());
        backend.failure = new IllegalStateException("the daemon is stopping");
        error(call(env("STATUS", null, null, null, null), "{\"cniVersion\":\"1.1.0\"," + NET + "}"), 50, "1.1.0",
                "network pods cannot take containers now: the daemon is stopping");
    }
}

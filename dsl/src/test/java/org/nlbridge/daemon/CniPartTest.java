package org.nlbridge.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nlbridge.net.DnsName;
import org.nlbridge.net.Ipv4Address;
import org.nlbridge.net.MacAddress;
import org.nlbridge.net.PortSpec;
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.AttachmentSpec;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;

/** The daemon's CNI attachments: their document, and how they join the desired state the engine converges to. */
class CniPartTest {

    @TempDir
    Path dir;

    static CniPart sample() {
        NetworkSpec pods = NetworkSpec.of("pods", n -> n.bridge("nlb0").bip("10.88.0.1/16").mtu(1400).icc(false));
        NetworkSpec store = NetworkSpec.of("store", n -> n.bridge("nlb1").bip("10.89.0.1/16"));
        return new CniPart(List.of(pods, store), List.of(
                new CniPart.Attachment("pods", "c1", "eth0", "/run/netns/cni-1", true, true, "ns", "web",
                        List.of(DnsName.parse("alias", "web")), Ipv4Address.parse("ip", "10.88.0.5"), null,
                        MacAddress.parse("mac", "02:00:00:00:00:05"), List.of(PortSpec.parse("p", "8080:80"))),
                new CniPart.Attachment("store", "c1", "net1", "/run/netns/cni-1", false, false, "ns", "web", List.of(),
                        null, null, null, List.of()),
                new CniPart.Attachment("pods", "c2", "eth0", "/proc/42/ns/net", true, true, null, null, List.of(), null,
                        null, null, List.of())));
    }

    @Test
    void oneEngineContainerPerContainerId() {
        List<ContainerSpec> cs = sample().containers();
        assertEquals(List.of("c1", "c2"), cs.stream().map(ContainerSpec::name).toList());
        ContainerSpec c1 = cs.getFirst();
        assertEquals("/run/netns/cni-1", c1.netns());
        assertEquals(List.of("pods eth0 10.88.0.5 route", "store net1 null"), c1.attachments().stream()
                .map(a -> a.network() + " " + a.ifname() + " " + a.ip() + (a.defaultRoute() ? " route" : "")).toList());
        assertEquals(List.of(true, false), c1.attachments().stream().map(AttachmentSpec::spoofCheck).toList(),
                "each attachment's spoofCheck");
        assertEquals("c1", c1.hostname().toString());
        assertEquals("{io.kubernetes.pod.name=web, io.kubernetes.pod.namespace=ns}", new java.util.TreeMap<>(c1.labels()).toString());
        assertEquals("[web]", c1.aliases().toString());
        assertEquals("c2", cs.get(1).hostname().toString());
        // its first attachment gone, the next one is the container's network, as it was
        ContainerSpec moved = sample().without(a -> a.containerId().equals("c1") && a.ifname().equals("eth0"))
                .containers().getFirst();
        assertEquals(List.of("store net1 null"), moved.attachments().stream()
                .map(a -> a.network() + " " + a.ifname() + " " + a.ip() + (a.defaultRoute() ? " route" : "")).toList());
    }

    @Test
    void savedAndReadBack() {
        Path f = dir.resolve(CniPart.FILE);
        CniPart.save(f, sample(), true);
        assertEquals(sample(), CniPart.load(f).orElseThrow());
        assertTrue(new String(CniPart.encode(sample()), StandardCharsets.UTF_8).startsWith("{\"format\":1,\"networks\":[{\"name\":\"pods\""));
        assertEquals(java.util.Optional.empty(), CniPart.load(dir.resolve("none.json")));
    }

    @Test
    void aDocumentItCannotReadIsRefused() throws Exception {
        Path f = dir.resolve(CniPart.FILE);
        Files.writeString(f, "{\"format\":2,\"networks\":[],\"attachments\":[]}");
        var e = assertThrows(IllegalStateException.class, () -> CniPart.load(f));
        assertEquals("the daemon's CNI attachments " + f + " cannot be read: format 2; this daemon reads format 1 (move it"
                + " away to start with none)", e.getMessage());
    }

    @Test
    void mergedWithTheDesiredState() {
        NetworkSpec scripted = NetworkSpec.of("bridge", n -> n.bridge("docker0"));
        ContainerSpec web = ContainerSpec.of("web", b -> b.network("bridge").publish("9090:80"));
        DesiredState d = DesiredState.of(List.of(scripted), List.of(web));
        DesiredState all = CniPart.merge(d, sample());
        assertEquals(List.of("bridge", "pods", "store"), all.networks().stream().map(NetworkSpec::name).toList());
        assertEquals(List.of("web", "c1", "c2"), all.containers().stream().map(ContainerSpec::name).toList());
        // a network the desired state has is the desired state's
        NetworkSpec podsScripted = NetworkSpec.of("pods", n -> n.bridge("nlb9").bip("10.88.0.1/16")); // c1 asked for 10.88.0.5
        assertEquals("nlb9", CniPart.merge(d.withNetwork(podsScripted), sample()).network("pods").orElseThrow().bridge().toString());
        // the whole is checked: a host port both publish
        ValidationException e = assertThrows(ValidationException.class, () -> CniPart.merge(
                d.withContainer(web.withPublish(List.of(org.nlbridge.net.PortSpec.parse("p", "8080:80")))), sample()));
        assertTrue(e.getMessage().contains("host port tcp/8080 is already published by container web"), e.getMessage());
        assertEquals(d, CniPart.merge(d, CniPart.EMPTY));
    }
}

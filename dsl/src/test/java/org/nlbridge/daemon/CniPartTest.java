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
import org.nlbridge.net.ValidationException;
import org.nlbridge.spec.ContainerSpec;
import org.nlbridge.spec.DesiredState;
import org.nlbridge.spec.NetworkSpec;

/** The daemon's CNI attachments: their document, and how they join the desired state the engine converges to. */
class CniPartTest {

    @TempDir
    Path dir;

    static CniPart sample() {
        NetworkSpec pods = NetworkSpec.of("pods", n -> n.bridge("nlb0").bip("10.88.0.1/16").mtu(1400).icc(false));
        ContainerSpec c = ContainerSpec.of("c1", b -> b.netns("cni-1").network("pods").ifname("eth0").publish("8080:80"));
        return new CniPart(List.of(pods), List.of(new CniPart.Attachment("pods", "c1", "eth0", "/run/netns/cni-1", null,
                "ns", "web", List.of(DnsName.parse("alias", "web")), c)));
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
        assertEquals(List.of("bridge", "pods"), all.networks().stream().map(NetworkSpec::name).toList());
        assertEquals(List.of("web", "c1"), all.containers().stream().map(ContainerSpec::name).toList());
        // a network the desired state has is the desired state's
        NetworkSpec podsScripted = NetworkSpec.of("pods", n -> n.bridge("nlb9").bip("10.99.0.1/16"));
        assertEquals("nlb9", CniPart.merge(d.withNetwork(podsScripted), sample()).network("pods").orElseThrow().bridge().toString());
        // the whole is checked: a host port both publish
        ValidationException e = assertThrows(ValidationException.class, () -> CniPart.merge(
                d.withContainer(web.withPublish(List.of(org.nlbridge.net.PortSpec.parse("p", "8080:80")))), sample()));
        assertTrue(e.getMessage().contains("host port tcp/8080 is already published by container web"), e.getMessage());
        assertEquals(d, CniPart.merge(d, CniPart.EMPTY));
    }
}
